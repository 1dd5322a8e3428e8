// Flushing in the middle of a file (many edges in the batch) gives exactly the graph of one flush
// at the end: counts of an edge flushed several times add up.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, expect, it, vi } from 'vitest';
import { type IngestUnit, collect } from '../../../src/collect-pipeline.js';
import { readFlowFile } from '../../../src/collect/json-reader.js';
import { DEFAULT_IDENTITY_OPTIONS } from '../../../src/identity/identity.js';
import { openDatabase } from '../../../src/store/database.js';
import { loadEdges } from '../../../src/store/edges.js';
import { IngestWriter } from '../../../src/store/ingest.js';
import { writeFlowFile } from '../../support/flow-generator.js';

const dir = mkdtempSync(join(tmpdir(), 'flowpol-flush-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

async function collectWith(file: string, name: string, flushAtEdges?: number): Promise<{ edges: ReturnType<typeof loadEdges>; flushes: number }> {
  const flush = vi.spyOn(IngestWriter.prototype, 'flush');
  const db = openDatabase(join(dir, name), { create: true });
  try {
    const unit: IngestUnit = { kind: 'file', name: file, atomic: true, open: (hooks) => readFlowFile(file, { skipInvalid: false, ...hooks }) };
    await collect(db, [unit], { filter: { namespaces: [] }, identity: DEFAULT_IDENTITY_OPTIONS, force: false, flushAtEdges, flushEveryMs: 3_600_000 });
    return { edges: loadEdges(db), flushes: flush.mock.calls.length };
  } finally {
    db.close();
    flush.mockRestore();
  }
}

it('a batch flushed whenever it holds a few edges ends with the same graph as one flush', async () => {
  const file = join(dir, 'flows.jsonl');
  await writeFlowFile(file, { seed: 3, flows: 30_000 });
  const once = await collectWith(file, 'once.db');
  const often = await collectWith(file, 'often.db', 50);
  expect(once.flushes).toBe(0); // only the commit writes
  expect(often.flushes).toBeGreaterThan(3);
  expect(once.edges.length).toBeGreaterThan(50);
  expect(often.edges).toEqual(once.edges);
});
