// `npm run bench`: runs every bench module in turn and prints one table. Add a module to BENCHES.
// `npm run bench -- ingest report` runs only the named modules.
// Figures depend on the machine and its load; they are compared to targets, never asserted in tests.
import * as generate from './generate.js';
import * as grpc from './grpc.js';
import * as html from './html.js';
import * as ingest from './ingest.js';
import * as ingestNodes from './ingest-nodes.js';
import * as policyEngine from './policy-engine.js';
import * as report from './report.js';
import type { BenchModule, BenchResult } from './types.js';

const BENCHES: readonly BenchModule[] = [ingest, ingestNodes, grpc, policyEngine, html, generate, report];

const NAMES = { ingest, 'ingest-nodes': ingestNodes, grpc, 'policy-engine': policyEngine, html, generate, report } as const;
const wanted = process.argv.slice(2);
const unknown = wanted.filter((w) => !(w in NAMES));
if (unknown.length > 0) throw new Error(`unknown bench ${unknown.join(', ')}; choose from ${Object.keys(NAMES).join(', ')}`);
const selected = wanted.length === 0 ? BENCHES : BENCHES.filter((b) => wanted.some((w) => NAMES[w as keyof typeof NAMES] === b));

const results: BenchResult[] = [];
for (const bench of selected) results.push(await bench.run());

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
