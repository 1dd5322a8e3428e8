// The self-contained page: summary, filters, the positioned SVG, the details panel, the data the
// script reads (as inert JSON) and the script itself. A strict CSP allows only this page's own
// script and style (by hash): no network, no inline handlers, no injected markup can run.
import { createHash } from 'node:crypto';
import { CLIENT_SCRIPT } from './client-script.js';
import { escapeXml, jsonForScript } from './escape.js';
import type { GraphLayout } from './layout.js';
import type { GraphLinks } from './links.js';
import { PAGE_STYLE } from './page-style.js';
import type { HtmlReport } from './view-model.js';
import { VERDICT_CLASSES, VERDICT_LABELS } from './view-model.js';

export interface PageInput {
  report: HtmlReport;
  links: GraphLinks;
  layout: GraphLayout;
  svg: string;
  /** Which view opens first. */
  defaultView: 'full' | 'collapsed';
}

export function renderPage({ report, links, layout, svg, defaultView }: PageInput): string {
  const csp = [
    "default-src 'none'", `script-src '${sha256(CLIENT_SCRIPT)}'`, `style-src '${sha256(PAGE_STYLE)}'`,
    "img-src 'none'", "connect-src 'none'", "base-uri 'none'", "form-action 'none'",
  ].join('; ');
  const e = escapeXml;
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${csp}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="referrer" content="no-referrer">',
    `<title>${e(report.title)}</title>`,
    `<style>${PAGE_STYLE}</style>`,
    '</head>',
    '<body>',
    '<header>',
    `<h1>${e(report.title)}</h1>`,
    ...report.subtitle.map((line) => `<p class="subtitle">${e(line)}</p>`),
    summaryTable(report),
    report.warnings.length === 0 ? '' : `<ul class="warnings">${report.warnings.map((w) => `<li>${e(w)}</li>`).join('')}</ul>`,
    '</header>',
    filters(report),
    '<main>',
    `<div id="canvas">${svg}</div>`,
    '<aside id="details"><p>Click a workload or an edge to see its flows, verdict and reason, and the policy for a workload.</p></aside>',
    '</main>',
    `<footer>${report.notes.map((n) => `<p>${e(n)}</p>`).join('')}</footer>`,
    `<script type="application/json" id="report-data">${jsonForScript(clientData(report, links, layout, defaultView))}</script>`,
    `<script>${CLIENT_SCRIPT}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

function summaryTable(report: HtmlReport): string {
  const rows = report.summary.map((row) =>
    `<tr${row.verdict === undefined ? ' class="total"' : ` data-verdict="${row.verdict}"`}><th>${
      row.verdict === undefined ? '' : `<span class="swatch v-${row.verdict}"></span>`}${escapeXml(row.label)}</th>` +
    `<td class="edges">${row.edges}</td><td class="flows">${row.flows}</td></tr>`);
  return `<table id="summary"><thead><tr><th></th><th>edges</th><th>flows</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function filters(report: HtmlReport): string {
  const options = report.groups.map((g, i) => ({ i, g })).filter(({ g }) => g.kind === 'namespace')
    .map(({ i, g }) => `<option value="${i}">${escapeXml(g.label)}</option>`);
  const boxes = VERDICT_CLASSES.map((v) =>
    `<label class="verdict"><input type="checkbox" data-verdict-filter value="${v}" checked><span class="swatch v-${v}"></span>${VERDICT_LABELS[v]}</label>`);
  return [
    '<nav id="filters">',
    `<label>Namespace <select id="filter-ns"><option value="">all</option>${options.join('')}</select></label>`,
    ...boxes,
    '<label>Search <input id="filter-text" type="search" placeholder="label, DNS name, CIDR" autocomplete="off"></label>',
    '<button id="toggle-view" type="button"></button>',
    '<button id="zoom-fit" type="button">Fit</button>',
    '<span id="filter-count"></span>',
    '</nav>',
  ].join('\n');
}

/** What the script needs, by index (nodes and groups are referred to by position). */
function clientData(report: HtmlReport, links: GraphLinks, layout: GraphLayout, defaultView: 'full' | 'collapsed'): unknown {
  const nodeIndex = new Map(report.nodes.map((n, i) => [n.id, i]));
  const groupIndex = new Map(report.groups.map((g, i) => [g.id, i]));
  const node = (id: string): number => nodeIndex.get(id) ?? -1;
  const group = (id: string): number => groupIndex.get(id) ?? -1;
  let policies: Record<number, string> | null = null;
  if (report.policies !== undefined) {
    policies = {};
    for (const [id, yaml] of Object.entries(report.policies)) {
      const i = nodeIndex.get(id);
      if (i !== undefined) policies[i] = yaml;
    }
  }
  return {
    defaultView,
    verdictLabels: VERDICT_LABELS,
    sizes: {
      full: { width: layout.full.width, height: layout.full.height },
      collapsed: { width: layout.collapsed.width, height: layout.collapsed.height },
    },
    groups: report.groups.map((g) => ({ label: g.label, kind: g.kind })),
    groupBoxes: report.groups.map((g) => layout.full.groups.get(g.id) ?? { x: 0, y: 0, width: 0, height: 0 }),
    nodes: report.nodes.map((n) => ({
      label: n.label, title: n.title, kind: n.kind, group: group(n.group),
      search: `${n.label}\n${n.title}`.toLowerCase(),
    })),
    edges: report.edges.map((e) => ({ ...e, source: node(e.source), target: node(e.target) })),
    links: links.nodes.map((l) => ({ source: node(l.source), target: node(l.target), verdict: l.verdict, edges: l.edges })),
    groupLinks: links.groups.map((l) => ({ source: group(l.source), target: group(l.target), verdict: l.verdict, edges: l.edges })),
    policies,
  };
}

function sha256(text: string): string {
  return `sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}`;
}
