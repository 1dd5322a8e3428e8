// `-o text` (default): a terminal report. Summary and coverage warnings at the top; then per
// namespace and workload every edge that breaks, is dropped today or is not governed, with why;
// edges that keep working are counted per workload (listed with `allowed: 'list'`).
import { EDGE_STATUSES, type BreakageReport, type EdgeStatus, type ReportEdge, type WorkloadReport } from '../model.js';
import { countText, coverageMessage, edgeReasons, edgeTitle, IPBLOCK_CHOICE, isoTime, policiesLine, STATUS_LABEL, workloadTitle } from './reasons.js';
import { clusterLine, silentText } from './silent-render.js';

export interface RenderOptions {
  /** `summary` counts the edges that keep working per workload; `list` lists them too. */
  allowed: 'summary' | 'list';
}

const TAG: Readonly<Record<EdgeStatus, string>> = { breaks: 'BREAKS', dropped: 'DROPPED', 'not-governed': 'NOT GOVERNED', allowed: 'ALLOWED' };
const TAG_WIDTH = Math.max(...Object.values(TAG).map((t) => t.length));

export function renderText(r: BreakageReport, options: RenderOptions): string {
  const cluster = clusterLine(r);
  const out: string[] = ['flowpol dry-run breakage report', ...(cluster === undefined ? [] : [`  cluster:  ${cluster}`]), `  policies: ${policiesLine(r)}`];
  if (r.window !== undefined) out.push(`  window:   ${isoTime(r.window.first)} .. ${isoTime(r.window.last)}`);
  out.push('');
  const width = Math.max(...EDGE_STATUSES.map((s) => STATUS_LABEL[s].length));
  const flowsWidth = Math.max(5, ...EDGE_STATUSES.map((s) => String(r.totals[s].flows).length));
  out.push(`  ${''.padEnd(width)}  ${'edges'.padStart(flowsWidth)}  ${'flows'.padStart(flowsWidth)}`);
  for (const s of EDGE_STATUSES) {
    out.push(`  ${STATUS_LABEL[s].padEnd(width)}  ${String(r.totals[s].edges).padStart(flowsWidth)}  ${String(r.totals[s].flows).padStart(flowsWidth)}`);
  }
  if (r.coverage.length > 0) out.push('', ...r.coverage.map((w) => `warning: ${coverageMessage(w)}`));
  for (const ns of r.namespaces) {
    const broken = ns.totals.breaks.edges > 0 ? `: ${countText(ns.totals.breaks)} would break` : '';
    out.push('', ns.namespace === '' ? `(no pod at either end)${broken}` : `namespace ${ns.namespace}${broken}`);
    for (const w of ns.workloads) out.push(...workload(w, options));
  }
  out.push(...silentText(r), '', IPBLOCK_CHOICE);
  return `${out.join('\n')}\n`;
}

function workload(w: WorkloadReport, options: RenderOptions): string[] {
  const lines = [`  ${workloadTitle(w)}`];
  const shown = options.allowed === 'list' ? w.edges : w.edges.filter((e) => e.status !== 'allowed');
  for (const e of shown) lines.push(...edge(e));
  if (options.allowed === 'summary' && w.totals.allowed.edges > 0) lines.push(`    keeps working: ${countText(w.totals.allowed)}`);
  return lines;
}

function edge(e: ReportEdge): string[] {
  const pad = ' '.repeat(TAG_WIDTH + 6);
  const seen = `${e.edge.count} flow${e.edge.count === 1 ? '' : 's'}, ${isoTime(e.edge.firstSeen)} .. ${isoTime(e.edge.lastSeen)}`;
  return [`    ${TAG[e.status].padEnd(TAG_WIDTH)}  ${edgeTitle(e)}  (${seen})`, ...edgeReasons(e).map((r) => `${pad}${r}`)];
}
