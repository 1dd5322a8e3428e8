// Positioned SVG for both views: the full graph (groups with their nodes) and the collapsed one
// (one node per group). Everything from the data is escaped; elements carry only indexes.
import { plural } from '../reasons.js';
import { escapeXml } from './escape.js';
import type { Box, GraphLayout } from './layout.js';
import { NODE_HEIGHT } from './layout.js';
import type { GraphLinks, Link } from './links.js';
import type { HtmlReport } from './view-model.js';
import { VERDICT_CLASSES, VERDICT_LABELS } from './view-model.js';

/** Labels longer than this are cut on the node; the full text is in its tooltip. */
const MAX_LABEL = 32;

export function renderSvg(report: HtmlReport, links: GraphLinks, layout: GraphLayout): string {
  const { full, collapsed } = layout;
  const out: string[] = [
    `<svg id="graph" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${full.width} ${full.height}" role="img" aria-label="traffic graph">`,
    markers(),
    '<g id="view-full" class="view"><g class="groups">',
  ];
  report.groups.forEach((g, i) => {
    const b = full.groups.get(g.id);
    if (b === undefined) return;
    out.push(`<g class="group group-${g.kind}" data-group="${i}"><rect x="${b.x}" y="${b.y}" width="${b.width}" height="${b.height}" rx="8"/>`,
      `<text class="group-label" x="${b.x + 12}" y="${b.y + 20}">${escapeXml(cut(g.label, 60))}</text></g>`);
  });
  out.push('</g><g class="links">');
  drawLinks(out, links.nodes, full.nodes, 'data-link');
  out.push('</g><g class="nodes">');
  report.nodes.forEach((n, i) => {
    const b = full.nodes.get(n.id);
    if (b === undefined) return;
    out.push(`<g class="node node-${n.kind}" data-node="${i}"><title>${escapeXml(n.title)}</title>`,
      `<rect x="${b.x}" y="${b.y}" width="${b.width}" height="${b.height}" rx="5"/>`,
      `<text class="node-label" x="${b.x + 8}" y="${b.y + NODE_HEIGHT / 2 + 4}">${escapeXml(cut(n.label, MAX_LABEL))}</text></g>`);
  });
  out.push('</g></g><g id="view-collapsed" class="view hidden"><g class="links">');
  drawLinks(out, links.groups, collapsed.groups, 'data-glink');
  out.push('</g><g class="nodes">');
  const members = countMembers(report);
  report.groups.forEach((g, i) => {
    const b = collapsed.groups.get(g.id);
    if (b === undefined) return;
    const n = members.get(g.id) ?? 0;
    out.push(`<g class="node group-node group-${g.kind}" data-group-node="${i}"><title>${escapeXml(g.label)}: ${plural(n, 'node')} (click to expand)</title>`,
      `<rect x="${b.x}" y="${b.y}" width="${b.width}" height="${b.height}" rx="8"/>`,
      `<text class="node-label" x="${b.x + 10}" y="${b.y + 19}">${escapeXml(cut(g.label, 40))}</text>`,
      `<text class="node-sub" x="${b.x + 10}" y="${b.y + 36}">${plural(n, 'node')}</text></g>`);
  });
  out.push('</g></g></svg>');
  return out.join('\n');
}

function drawLinks(
  out: string[], links: readonly Link[], boxes: ReadonlyMap<string, Box>, attr: string,
): void {
  const lane = new Map<string, number>();
  links.forEach((link, i) => {
    const s = boxes.get(link.source);
    const t = boxes.get(link.target);
    if (s === undefined || t === undefined) return;
    const pair = `${link.source}\u0000${link.target}`;
    const k = lane.get(pair) ?? 0;
    lane.set(pair, k + 1);
    const d = link.source === link.target ? loop(s, k) : curve(s, t, k);
    const width = strokeWidth(link.count);
    const title = `${VERDICT_LABELS[link.verdict]}: ${plural(link.edges.length, 'edge')}, ${plural(link.count, 'flow')}`;
    out.push(`<g class="link v-${link.verdict}" ${attr}="${i}"><title>${escapeXml(title)}</title>`,
      `<path class="hit" d="${d}"/><path class="line" d="${d}" stroke-width="${width}" marker-end="url(#arrow-${link.verdict})"/></g>`);
  });
}

/** A cubic from the right side of `s` to the left side of `t`; lanes keep parallel links apart. */
function curve(s: Box, t: Box, lane: number): string {
  const off = lane * 5;
  const x1 = s.x + s.width;
  const y1 = s.y + s.height / 2 + off;
  const x2 = t.x;
  const y2 = t.y + t.height / 2 + off;
  const dx = Math.max(40, Math.abs(x2 - x1) / 2);
  return `M${r(x1)},${r(y1)} C${r(x1 + dx)},${r(y1)} ${r(x2 - dx)},${r(y2)} ${r(x2)},${r(y2)}`;
}

/** A node talking to its own identity: a small loop over its top edge. */
function loop(b: Box, lane: number): string {
  const x1 = b.x + b.width * 0.55 + lane * 6;
  const x2 = x1 + 18;
  const h = 22 + lane * 4;
  return `M${r(x1)},${r(b.y)} C${r(x1)},${r(b.y - h)} ${r(x2)},${r(b.y - h)} ${r(x2)},${r(b.y)}`;
}

/** Width by traffic: 1.5 px for one flow, growing with the order of magnitude, at most 9 px. */
function strokeWidth(count: number): number {
  return r(Math.min(9, 1.5 + 1.5 * Math.log10(Math.max(1, count))));
}

function markers(): string {
  const defs = VERDICT_CLASSES.map((v) =>
    `<marker id="arrow-${v}" class="arrow v-${v}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" markerUnits="userSpaceOnUse" orient="auto"><path d="M0,0 L10,5 L0,10 z"/></marker>`);
  return `<defs>${defs.join('')}</defs>`;
}

function countMembers(report: HtmlReport): Map<string, number> {
  const out = new Map<string, number>();
  for (const n of report.nodes) out.set(n.group, (out.get(n.group) ?? 0) + 1);
  return out;
}

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function r(v: number): number {
  return Math.round(v * 10) / 10;
}
