// The one client-side selection, applied to recorded and live sources alike (hubble's
// --since/--until, namespace, pod, verdict and label filters; see flow-selection.ts).
import type { Flow, FlowFilter } from '../model.js';
import { UsageError } from '../errors.js';
import { compileSelectors, selectorsOf, type SelectionView } from './flow-selection.js';
import { parseRfc3339 } from './time.js';

const compiled = new WeakMap<FlowFilter, ((v: SelectionView) => boolean) | null>();

/** The filter's selectors compiled once (null = nothing but the time window); UsageError on bad ones. */
export function compileFilter(filter: FlowFilter): ((v: SelectionView) => boolean) | null {
  let m = compiled.get(filter);
  if (m === undefined) {
    const selectors = selectorsOf(filter);
    m = selectors.length === 0 ? null : compileSelectors(selectors);
    compiled.set(filter, m);
  }
  return m;
}

/**
 * true when the flow is inside the time window (`since` and `until` both inclusive, as in hubble)
 * and matches the filter's selectors as the hubble CLI would send them (e.g. namespaces: either
 * end's `namespace` field is one of them, like hubble's `ns/` source_pod/destination_pod pair).
 */
export function matchesFilter(flow: Flow, filter: FlowFilter): boolean {
  return flowMatcher(filter)(flow);
}

/** matchesFilter for one filter, compiled once: what a loop over many flows calls. */
export function flowMatcher(filter: FlowFilter): (flow: Flow) => boolean {
  const { since, until } = filter;
  const m = compileFilter(filter);
  if (since === undefined && until === undefined && m === null) return () => true;
  return (flow) => (since === undefined || flow.time >= since) && (until === undefined || flow.time <= until) && (m === null || m(flow));
}

/**
 * The selection as collect's flags (`-n a,b --since 2026-01-05T00:00:00.000Z --verdict DROPPED`),
 * canonical: values sorted, times absolute; '' when every flow is selected. What an ingest is
 * recorded with, to tell a collect of the same file with another selection (see collect-pipeline.ts).
 */
export function selectionText(filter: FlowFilter): string {
  const parts: string[] = [];
  const flag = (name: string, values: readonly string[] | undefined): void => {
    for (const v of [...new Set(values ?? [])].sort()) parts.push(`${name} ${/^[\w./:=!-]+$/.test(v) ? v : JSON.stringify(v)}`);
  };
  if (filter.namespaces.length > 0) parts.push(`-n ${[...new Set(filter.namespaces)].sort().join(',')}`);
  if (filter.since !== undefined) parts.push(`--since ${new Date(filter.since).toISOString()}`);
  if (filter.until !== undefined) parts.push(`--until ${new Date(filter.until).toISOString()}`);
  flag('--pod', filter.pods);
  flag('--from-pod', filter.fromPods);
  flag('--to-pod', filter.toPods);
  flag('--verdict', filter.verdicts);
  flag('--label', filter.labels);
  flag('--from-label', filter.fromLabels);
  flag('--to-label', filter.toLabels);
  return parts.join(' ');
}

const DATE_ONLY = /^(\d{4})-(\d\d)-(\d\d)$/;
/** A duration as Go's time.ParseDuration reads it (what hubble takes: `1.5h`, `2h45m`, `300ms`), plus days. */
const DURATION_PART = '(\\d+(?:\\.\\d*)?|\\.\\d+)(d|h|ms|m|s|us|µs|ns)'; // `ms` before `m`
const DURATION = new RegExp(`^(?:${DURATION_PART})+$`);
const DURATION_PARTS = new RegExp(DURATION_PART, 'g');
const UNIT_MS: Readonly<Record<string, number>> = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000, ms: 1, us: 1e-3, µs: 1e-3, ns: 1e-6 };

const MAX_DATE_MS = 8.64e15;

/**
 * Parse `--since/--until`: RFC 3339 (any fraction digits, Z or offset), `2006-01-02` (midnight
 * UTC), or a duration before `now` as hubble takes them (`90s`, `5m`, `1.5h`, `1h30m`, `300ms`)
 * or in days (`3d`); epoch ms.
 * UsageError on garbage, naming `flag`.
 */
export function parseTimeArg(value: string, now: number, flag: string): number {
  const text = value.trim();
  const absolute = parseRfc3339(text);
  if (absolute !== undefined) return absolute;
  const date = DATE_ONLY.exec(text);
  if (date !== null) {
    const ms = parseRfc3339(`${text}T00:00:00Z`);
    if (ms !== undefined) return ms;
  }
  if (DURATION.test(text)) {
    let ms = 0;
    for (const [, amount, unit] of text.matchAll(DURATION_PARTS)) ms += Number(amount) * (UNIT_MS[unit as string] ?? 0);
    // A Date holds ±8.64e15 ms (about 273,000 years): a window reaching past that is no time at all.
    if (!(Math.abs(now - ms) <= MAX_DATE_MS)) throw new UsageError(`${flag}: ${value} before now is before any time a date can hold`);
    return now - ms;
  }
  throw new UsageError(
    `${flag}: cannot read "${value}" as a time; use RFC 3339 (2024-01-02T15:04:05Z, 2024-01-02T17:04:05.123+02:00), ` +
      'a date (2024-01-02) or a duration before now (90s, 5m, 1.5h, 1h30m, 3d)',
  );
}
