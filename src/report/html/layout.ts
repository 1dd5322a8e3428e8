// Positions for the page's SVG, computed here in Node with elkjs (the page does no layout).
// Each group (namespace, world, reserved) is laid out on its own from the links inside it, then
// the groups are placed from the links between them: one elk graph of 500 workloads and 5,000
// edges with hierarchy takes about a minute; group by group it takes a few seconds.
import type { ElkExtendedEdge, ElkNode, LayoutOptions } from 'elkjs/lib/elk-api.js';
import { InternalError } from '../../errors.js';
import type { GraphLinks } from './links.js';
import { distinctPairs } from './links.js';
import type { HtmlNode, HtmlReport } from './view-model.js';

export interface Box { x: number; y: number; width: number; height: number }

export interface PlacedView {
  width: number;
  height: number;
  groups: ReadonlyMap<string, Box>;
  /** Absolute node boxes (empty in the collapsed view). */
  nodes: ReadonlyMap<string, Box>;
}

export interface GraphLayout { full: PlacedView; collapsed: PlacedView }

export const NODE_HEIGHT = 30;
export const GROUP_HEADER = 30;
const COLLAPSED_HEIGHT = 46;
/** Above this many distinct links between groups, groups are packed instead of layered. */
const LAYERED_GROUP_LINK_LIMIT = 150;
/** Above this many distinct links per member inside a group, its members are packed instead of layered. */
const DENSE_LINKS_PER_MEMBER = 2;

/** Text width estimate for a 12px sans-serif label (the page truncates longer labels). */
function labelWidth(text: string, min: number, max: number): number {
  return Math.min(max, Math.max(min, Math.round(text.length * 7 + 24)));
}

export async function layoutGraph(report: HtmlReport, links: GraphLinks): Promise<GraphLayout> {
  // elkjs (1.6 MB of CommonJS) loads when a page is laid out, not with every report command.
  // It is CommonJS: Node's default import is `module.exports`, whose `default` is the class too.
  const ELK = (await import('elkjs/lib/elk.bundled.js')).default.default;
  const elk = new ELK();
  const nodesByGroup = new Map<string, HtmlNode[]>(report.groups.map((g) => [g.id, []]));
  for (const n of report.nodes) {
    const members = nodesByGroup.get(n.group);
    if (members === undefined) throw new InternalError(`node ${n.id} is in unknown group ${n.group}`);
    members.push(n);
  }
  const groupOf = new Map(report.nodes.map((n) => [n.id, n.group]));
  const pairs = distinctPairs(links.nodes);
  const groupPairs = distinctPairs(links.groups);

  const outer = outerOptions(groupPairs.length);
  const outerEdges = outer['elk.algorithm'] === 'layered' ? elkEdges(groupPairs) : [];
  const inner = new Map<string, ElkNode>();
  for (const group of report.groups) {
    const members = nodesByGroup.get(group.id) ?? [];
    const internal = pairs.filter(([s, t]) => groupOf.get(s) === group.id && groupOf.get(t) === group.id);
    const layoutOptions = innerOptions(internal.length, members.length);
    const graph: ElkNode = {
      id: group.id,
      layoutOptions,
      children: members.map((n) => ({ id: n.id, width: labelWidth(n.label, 70, 240), height: NODE_HEIGHT })),
      // Packing ignores links: do not make elk copy them.
      edges: layoutOptions['elk.algorithm'] === 'layered' ? elkEdges(internal) : [],
    };
    inner.set(group.id, await elk.layout(graph));
  }

  const full: ElkNode = await elk.layout({
    id: 'full',
    layoutOptions: outer,
    children: report.groups.map((g) => {
      const laid = inner.get(g.id);
      return { id: g.id, width: Math.max(laid?.width ?? 0, labelWidth(g.label, 120, 400)), height: laid?.height ?? 0 };
    }),
    edges: outerEdges,
  });
  const collapsed: ElkNode = await elk.layout({
    id: 'collapsed',
    layoutOptions: outer,
    children: report.groups.map((g) => ({ id: g.id, width: labelWidth(g.label, 120, 300), height: COLLAPSED_HEIGHT })),
    edges: outerEdges,
  });

  const groupBoxes = boxes(full.children);
  const nodeBoxes = new Map<string, Box>();
  for (const [id, laid] of inner) {
    const origin = groupBoxes.get(id);
    if (origin === undefined) continue;
    for (const [nodeId, box] of boxes(laid.children)) {
      nodeBoxes.set(nodeId, { ...box, x: round(origin.x + box.x), y: round(origin.y + box.y) });
    }
  }
  return {
    full: { width: round(full.width ?? 0), height: round(full.height ?? 0), groups: groupBoxes, nodes: nodeBoxes },
    collapsed: { width: round(collapsed.width ?? 0), height: round(collapsed.height ?? 0), groups: boxes(collapsed.children), nodes: new Map() },
  };
}

function innerOptions(internalLinks: number, members: number): LayoutOptions {
  const padding = `[top=${GROUP_HEADER + 8},left=14,bottom=14,right=14]`;
  // Layered shows who calls whom when the links inside are sparse. With few links it would stack
  // the members in one tall column; with many it is a slow hairball (about a second for 20
  // workloads with 100 links): pack the members in a grid instead.
  if (internalLinks * 2 < members || internalLinks > members * DENSE_LINKS_PER_MEMBER) {
    return { 'elk.algorithm': 'rectpacking', 'elk.padding': padding, 'elk.spacing.nodeNode': '12', 'elk.aspectRatio': '2.0' };
  }
  return {
    'elk.algorithm': 'layered', 'elk.direction': 'RIGHT', 'elk.padding': padding, 'elk.layered.thoroughness': '3',
    'elk.spacing.nodeNode': '10', 'elk.layered.spacing.nodeNodeBetweenLayers': '40',
  };
}

function outerOptions(groupLinks: number): LayoutOptions {
  if (groupLinks > LAYERED_GROUP_LINK_LIMIT) {
    return { 'elk.algorithm': 'rectpacking', 'elk.padding': '[top=20,left=20,bottom=20,right=20]', 'elk.spacing.nodeNode': '60', 'elk.aspectRatio': '1.6' };
  }
  return {
    'elk.algorithm': 'layered', 'elk.direction': 'RIGHT', 'elk.padding': '[top=20,left=20,bottom=20,right=20]',
    'elk.spacing.nodeNode': '30', 'elk.layered.spacing.nodeNodeBetweenLayers': '60',
  };
}

function elkEdges(pairs: ReadonlyArray<readonly [string, string]>): ElkExtendedEdge[] {
  return pairs.map(([s, t], i) => ({ id: `e${i}`, sources: [s], targets: [t] }));
}

function boxes(children: ElkNode[] | undefined): Map<string, Box> {
  const out = new Map<string, Box>();
  for (const c of children ?? []) {
    out.set(c.id, { x: round(c.x ?? 0), y: round(c.y ?? 0), width: round(c.width ?? 0), height: round(c.height ?? 0) });
  }
  return out;
}

function round(v: number): number {
  return Math.round(v * 10) / 10;
}
