// The committed edges as columns indexed by edge id, read in two sequential passes (edge_hours,
// then edges) through SQL functions that fold each row into typed arrays. No per-row JavaScript
// objects, no string sorts in SQL: a million edges load in about a second where row objects,
// joins to the peers' JSON and ORDER BY on peer keys took tens of seconds.
import { InternalError } from '../errors.js';
import { EDGE_PROTOCOLS, OBSERVED_VERDICTS } from '../model.js';
import type { Database } from './database.js';

/** Hour buckets to include (epoch hours, inclusive); null = unbounded. */
export interface HourRange { fromHour: number | null; toHour: number | null }

/** `verdict[id]`: 0 = no committed row in the range, 1 + slot = one Hubble verdict, MIXED = several. */
export const MIXED = 0xffff;


export interface EdgeColumns {
  /** One past the largest edge id. */
  size: number;
  count: Float64Array;
  first: Float64Array;
  last: Float64Array;
  verdict: Uint16Array;
  /** Verdict names by slot. */
  verdictNames: string[];
  /** Per-verdict counts of the edges seen with several verdicts. */
  mixed: Map<number, Map<string, number>>;
  source: Float64Array;
  destination: Float64Array;
  /** Index into `protocols`. */
  protocol: Uint16Array;
  port: Float64Array;
  protocols: string[];
}

export function readEdgeColumns(db: Database, range: HourRange): EdgeColumns {
  const size = (db.prepare('SELECT coalesce(max(id), 0) FROM edges').pluck().get() as number) + 1;
  const c: EdgeColumns = {
    size, count: new Float64Array(size), first: new Float64Array(size), last: new Float64Array(size), verdict: new Uint16Array(size),
    verdictNames: [], mixed: new Map(), source: new Float64Array(size), destination: new Float64Array(size),
    protocol: new Uint16Array(size), port: new Float64Array(size), protocols: [],
  };
  // Known verdicts arrive as their slot number (no string per row), others as text.
  OBSERVED_VERDICTS.forEach((v) => c.verdictNames.push(v));
  const slots = new Map<string, number>(OBSERVED_VERDICTS.map((v, i) => [v, i + 1]));
  db.function('flowpol_fold_hour', (id: number, verdict: number | string, count: number, first: number, last: number): null => {
    let slot = typeof verdict === 'number' ? verdict : slots.get(verdict);
    if (slot === undefined) {
      slot = c.verdictNames.push(verdict as string);
      if (slot >= MIXED) throw new InternalError(`more than ${MIXED - 1} distinct Hubble verdicts in edge_hours`);
      slots.set(verdict as string, slot);
    }
    const seen = c.verdict[id] as number;
    if (seen === 0) {
      c.verdict[id] = slot;
      c.count[id] = count;
      c.first[id] = first;
      c.last[id] = last;
      return null;
    }
    if (seen !== slot) {
      let split = c.mixed.get(id);
      if (split === undefined) {
        split = new Map([[c.verdictNames[seen - 1] as string, c.count[id] as number]]);
        c.mixed.set(id, split);
        c.verdict[id] = MIXED;
      }
      const name = c.verdictNames[slot - 1] as string;
      split.set(name, (split.get(name) ?? 0) + count);
    }
    c.count[id] = (c.count[id] as number) + count;
    if (first < (c.first[id] as number)) c.first[id] = first;
    if (last > (c.last[id] as number)) c.last[id] = last;
    return null;
  });
  const slotCase = `CASE verdict ${OBSERVED_VERDICTS.map((v, i) => `WHEN '${v}' THEN ${i + 1}`).join(' ')} ELSE verdict END`;
  const hours = [range.fromHour === null ? '' : ' AND hour >= :fromHour', range.toHour === null ? '' : ' AND hour <= :toHour'].join('');
  const fold = db.prepare(`SELECT count(flowpol_fold_hour(edge_id, ${slotCase}, count, first_seen, last_seen)) FROM edge_hours WHERE unit_id = :unit${hours}`).pluck();
  const units = db.prepare(`SELECT id FROM ingest_units WHERE status = 'committed' ORDER BY id`).pluck().all() as number[];
  for (const unit of units) fold.get({ unit, ...(range.fromHour === null ? {} : { fromHour: range.fromHour }), ...(range.toHour === null ? {} : { toHour: range.toHour }) });

  // Known protocols arrive as their index too.
  c.protocols.push(...EDGE_PROTOCOLS);
  const protocols = new Map<string, number>(EDGE_PROTOCOLS.map((p, i) => [p, i]));
  db.function('flowpol_fold_edge', (id: number, source: number, destination: number, protocol: number | string, port: number): null => {
    if (c.verdict[id] === 0) return null;
    let p = typeof protocol === 'number' ? protocol : protocols.get(protocol);
    if (p === undefined) {
      p = c.protocols.push(protocol as string) - 1;
      if (p >= 0xffff) throw new InternalError(`more than ${0xffff} distinct protocols in edges`);
      protocols.set(protocol as string, p);
    }
    c.source[id] = source;
    c.destination[id] = destination;
    c.protocol[id] = p;
    c.port[id] = port;
    return null;
  });
  const protocolCase = `CASE protocol ${EDGE_PROTOCOLS.map((p, i) => `WHEN '${p}' THEN ${i}`).join(' ')} ELSE protocol END`;
  db.prepare(`SELECT count(flowpol_fold_edge(id, source_id, destination_id, ${protocolCase}, port)) FROM edges`).pluck().get();
  return c;
}
