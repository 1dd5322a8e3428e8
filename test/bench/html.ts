// HTML report bench: a seeded report of 500 workloads in 25 namespaces with 5,000 edges (the
// scale issue 9 names), rendered to the self-contained page. Targets: the elkjs layout within a
// few seconds (< 5 s) and the whole render < 8 s. Run alone: npx tsx test/bench/html.ts
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { toHtmlReport } from '../../src/report/html/from-breakage.js';
import { layoutGraph } from '../../src/report/html/layout.js';
import { buildLinks } from '../../src/report/html/links.js';
import { renderHtml } from '../../src/report/render-html.js';
import { syntheticReport } from '../integration/html/synthetic.js';
import type { BenchResult } from './types.js';

const SIZE = { namespaces: 25, workloads: 500, edges: 5000 };
const LAYOUT_TARGET_MS = 5000;
const RENDER_TARGET_MS = 8000;

export async function run(): Promise<BenchResult> {
  const { report, engine } = syntheticReport(SIZE);
  const view = toHtmlReport({ report, policies: engine.policies });
  const links = buildLinks(view);
  let t = performance.now();
  await layoutGraph(view, links);
  const layoutMs = performance.now() - t;
  t = performance.now();
  const html = await renderHtml(report, engine.policies);
  const renderMs = performance.now() - t;
  return {
    name: 'html',
    metrics: [
      { label: `elk layout, ${view.nodes.length} nodes / ${view.edges.length} edges`, value: layoutMs, unit: 'ms', target: `< ${LAYOUT_TARGET_MS} ms`, ok: layoutMs < LAYOUT_TARGET_MS },
      { label: 'renderHtml (view model, layout, SVG, page)', value: renderMs, unit: 'ms', target: `< ${RENDER_TARGET_MS} ms`, ok: renderMs < RENDER_TARGET_MS },
      { label: 'page size', value: html.length / 1e6, unit: 'MB' },
    ],
    notes: [`${links.nodes.length} drawn links, ${links.groups.length} between namespaces; the page opens collapsed above 120 nodes`],
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const r = await run();
  for (const m of r.metrics) process.stdout.write(`${m.label}: ${m.value.toFixed(1)} ${m.unit} ${m.target ?? ''} ${m.ok === false ? 'MISSED' : ''}\n`);
  for (const n of r.notes) process.stdout.write(`${n}\n`);
}
