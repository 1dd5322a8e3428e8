// Flushing in the middle of a file (many edges or hour buckets in the batch) gives exactly the
// graph of one flush at the end: counts of an edge flushed several times add up. The timer flushes
// stdin, never a file.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import { afterAll, afterEach, expect, it, vi } from 'vitest';
import { type IngestUnit, collect } from '../../../src/collect-pipeline.js';
import { eventFromJson } from '../../../src/collect/from-json.js';
import { fileUnits } from '../../../src/collect/file-units.js';
import { readFlowFile } from '../../../src/collect/json-reader.js';
import { DEFAULT_IDENTITY_OPTIONS } from '../../../src/identity/identity.js';
import { openDatabase } from '../../../src/store/database.js';
import { loadEdges } from '../../../src/store/edges.js';
import { IngestWriter } from '../../../src/store/ingest.js';
import type { FlowEvent, FlowSource } from '../../../src/model.js';
import { generateFlowLines, writeFlowFile } from '../../support/flow-generator.js';

const dir = mkdtempSync(join(tmpdir(), 'flowpol-flush-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

interface FlushOptions { flushAtEdges?: number; flushAtBuckets?: number; flushEveryMs?: number }

async function collectWith(
  name: string, unit: IngestUnit, flushes: FlushOptions = {},
): Promise<{ edges: ReturnType<typeof loadEdges>; flushes: number }> {
  const flush = vi.spyOn(IngestWriter.prototype, 'flush');
  const db = openDatabase(join(dir, name), { create: true });
  try {
    await collect(db, [unit], { filter: { namespaces: [] }, identity: DEFAULT_IDENTITY_OPTIONS, force: false, flushEveryMs: 3_600_000, ...flushes });
    return { edges: loadEdges(db), flushes: flush.mock.calls.length };
  } finally {
    db.close();
    flush.mockRestore();
  }
}

const fileUnit = (file: string): IngestUnit => ({ kind: 'file', name: file, atomic: true, open: (hooks) => readFlowFile(file, { skipInvalid: false, ...hooks }) });

/** Events that arrive over time, like a pipe: `gapMs` between two. */
function slowSource(events: FlowEvent[], gapMs: number): FlowSource {
  async function* arriving(): AsyncGenerator<FlowEvent> {
    for (const event of events) {
      await sleep(gapMs);
      yield event;
    }
  }
  return Object.assign(arriving(), { close: () => {} });
}

it('a batch flushed whenever it holds a few edges ends with the same graph as one flush', async () => {
  const file = join(dir, 'flows.jsonl');
  await writeFlowFile(file, { seed: 3, flows: 30_000 });
  const once = await collectWith('once.db', fileUnit(file));
  const often = await collectWith('often.db', fileUnit(file), { flushAtEdges: 50 });
  expect(once.flushes).toBe(0); // only the commit writes
  expect(often.flushes).toBeGreaterThan(3);
  expect(once.edges.length).toBeGreaterThan(50);
  expect(often.edges).toEqual(once.edges);
});

it('flows spread over many hours are flushed when the batch holds many hour buckets, with the same graph', async () => {
  const file = join(dir, 'hours.jsonl');
  await writeFlowFile(file, { seed: 5, flows: 20_000, meanGapMs: 60_000 }); // about two weeks
  const once = await collectWith('hours-once.db', fileUnit(file));
  const often = await collectWith('hours-often.db', fileUnit(file), { flushAtBuckets: 500 });
  expect(once.flushes).toBe(0);
  expect(often.flushes).toBeGreaterThan(3);
  expect(often.edges).toEqual(once.edges);
});

it('the timer flushes stdin, which arrives over time, but never a file', async () => {
  const events = [...generateFlowLines({ seed: 9, flows: 12 })].map((line) => eventFromJson(JSON.parse(line)));
  const unit = (kind: 'file' | 'stdin'): IngestUnit => ({ kind, name: kind, atomic: true, open: () => slowSource(events, 15) });
  const stdin = await collectWith('timer-stdin.db', unit('stdin'), { flushEveryMs: 20 });
  const file = await collectWith('timer-file.db', unit('file'), { flushEveryMs: 20 });
  expect(stdin.flushes).toBeGreaterThan(2);
  expect(file.flushes).toBe(0);
  expect(file.edges.length).toBeGreaterThan(0);
  expect(file.edges).toEqual(stdin.edges);
});

it('a filter the library caller got wrong fails before any unit is started: nothing staged is left behind', async () => {
  const file = join(dir, 'filter.jsonl');
  await writeFlowFile(file, { seed: 3, flows: 10 });
  const db = openDatabase(join(dir, 'filter.db'), { create: true });
  try {
    await expect(collect(db, [fileUnit(file)], { filter: { namespaces: [], fromLabels: ['!'] }, identity: DEFAULT_IDENTITY_OPTIONS, force: false }))
      .rejects.toThrow(/label/);
    expect(db.prepare('SELECT count(*) FROM ingest_units').pluck().get()).toBe(0);
  } finally {
    db.close();
  }
});

it('fileUnits gives library callers what --input-file gives: a file ingested before is recognised and skipped', async () => {
  const file = join(dir, 'twice.jsonl');
  await writeFlowFile(file, { seed: 4, flows: 50 });
  const db = openDatabase(join(dir, 'twice.db'), { create: true });
  try {
    const options = { filter: { namespaces: [] }, identity: DEFAULT_IDENTITY_OPTIONS, force: false };
    const first = await collect(db, fileUnits([file], false), options);
    const again = await collect(db, fileUnits([file], false), options);
    expect([first.units[0]?.status, again.units[0]?.status]).toEqual(['committed', 'skipped']);
    expect(again.units[0]?.reason).toContain('already ingested');
  } finally {
    db.close();
  }
});
