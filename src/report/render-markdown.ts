// `-o markdown`: the report as a pull-request comment (GitHub-flavoured Markdown). Summary table
// and warnings first; one table per workload with what breaks, is dropped today or is not
// governed; edges that keep working are counted (listed with `allowed: 'list'`).
import { EDGE_STATUSES, type BreakageReport, type EdgeStatus, type ReportEdge, type WorkloadReport } from '../model.js';
import { countText, coverageMessage, edgeReason, edgeTitle, IPBLOCK_CHOICE, isoTime, policiesLine, STATUS_LABEL, workloadTitle } from './reasons.js';
import type { RenderOptions } from './render-text.js';
import { cell, code } from './markdown-cells.js';
import { clusterLine, silentMarkdown } from './silent-render.js';

const ICON: Readonly<Record<EdgeStatus, string>> = { breaks: ':x:', dropped: ':no_entry_sign:', 'not-governed': ':grey_question:', allowed: ':white_check_mark:' };

export function renderMarkdown(r: BreakageReport, options: RenderOptions): string {
  const out: string[] = ['## flowpol dry-run breakage report', ''];
  const breaks = r.totals.breaks;
  out.push(breaks.edges === 0 ? '**Nothing would break.**' : `**${countText(breaks)} would break.**`, '');
  const cluster = clusterLine(r);
  if (cluster !== undefined) out.push(`Cluster: ${cluster}.`);
  out.push(`Policies: ${policiesLine(r)}.`);
  if (r.window !== undefined) out.push(`Observed: ${isoTime(r.window.first)} .. ${isoTime(r.window.last)}.`);
  out.push('', '| | edges | flows |', '|---|---:|---:|');
  for (const s of EDGE_STATUSES) out.push(`| ${ICON[s]} ${STATUS_LABEL[s]} | ${r.totals[s].edges} | ${r.totals[s].flows} |`);
  for (const w of r.coverage) out.push('', '> [!WARNING]', `> ${coverageMessage(w)}`);
  for (const ns of r.namespaces) {
    out.push('', `### ${ns.namespace === '' ? 'No pod at either end' : `Namespace ${code(ns.namespace)}`}`);
    for (const w of ns.workloads) out.push(...workload(w, options));
  }
  out.push(...silentMarkdown(r), '', `<sub>${IPBLOCK_CHOICE}</sub>`);
  return `${out.join('\n')}\n`;
}

function workload(w: WorkloadReport, options: RenderOptions): string[] {
  const lines = ['', `#### ${w.workload === undefined ? workloadTitle(w) : code(workloadTitle(w))}`];
  const shown = options.allowed === 'list' ? w.edges : w.edges.filter((e) => e.status !== 'allowed');
  if (shown.length > 0) {
    lines.push('', '| status | connection | flows | first seen | last seen | why |', '|---|---|---:|---|---|---|');
    for (const e of shown) lines.push(row(e));
  }
  if (options.allowed === 'summary' && w.totals.allowed.edges > 0) lines.push('', `${ICON.allowed} keeps working: ${countText(w.totals.allowed)}`);
  return lines;
}

function row(e: ReportEdge): string {
  const { edge } = e;
  return `| ${ICON[e.status]} ${STATUS_LABEL[e.status]} | ${cell(code(edgeTitle(e)))} | ${edge.count} | ${isoTime(edge.firstSeen)} | ${isoTime(edge.lastSeen)} | ${cell(edgeReason(e))} |`;
}
