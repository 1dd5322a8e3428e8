// `npm run bench`: runs every bench module in turn and prints one table. Add a module to BENCHES.
// Figures depend on the machine and its load; they are compared to targets, never asserted in tests.
import * as generate from './generate.js';
import * as grpc from './grpc.js';
import * as html from './html.js';
import * as ingest from './ingest.js';
import * as policyEngine from './policy-engine.js';
import * as report from './report.js';
import type { BenchModule, BenchResult } from './types.js';

const BENCHES: readonly BenchModule[] = [ingest, grpc, policyEngine, html, generate, report];

const results: BenchResult[] = [];
for (const bench of BENCHES) results.push(await bench.run());

const rows = [['bench', 'metric', 'value', 'target', 'result']];
for (const r of results) {
  for (const m of r.metrics) {
    rows.push([r.name, m.label, `${formatValue(m.value)} ${m.unit}`, m.target ?? '', m.ok === undefined ? '' : m.ok ? 'ok' : 'MISSED']);
  }
}
const widths = rows[0]?.map((_, i) => Math.max(...rows.map((row) => (row[i] ?? '').length))) ?? [];
for (const row of rows) process.stdout.write(`${row.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd()}\n`);
for (const r of results) for (const n of r.notes) process.stdout.write(`${r.name}: ${n}\n`);

function formatValue(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toFixed(1);
}
