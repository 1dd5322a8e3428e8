// `flowpol report -o html`: one self-contained page (no network, strict CSP) with the summary,
// a traffic graph laid out here with elkjs (the page gets positioned SVG), filters, and the
// flows, verdict, reason and proposed policy behind every workload and edge.
import type { BreakageReport, NetworkPolicy } from '../model.js';
import { toHtmlReport } from './html/from-breakage.js';
import { buildLinks } from './html/links.js';
import { layoutGraph } from './html/layout.js';
import { renderPage } from './html/page.js';
import { renderSvg } from './html/svg.js';
import type { HtmlReport } from './html/view-model.js';

/** Above this many nodes the page opens with every namespace collapsed into one node. */
export const COLLAPSE_THRESHOLD = 120;

export interface HtmlOptions {
  /** Open collapsed (true) or expanded (false); default: collapsed above COLLAPSE_THRESHOLD nodes. */
  collapse?: boolean;
}

/** The page for a report; `policies` = every policy it evaluated (the engine's), for the YAML panel. */
export async function renderHtml(report: BreakageReport, policies: readonly NetworkPolicy[], options: HtmlOptions = {}): Promise<string> {
  return renderHtmlPage(toHtmlReport({ report, policies }), options);
}

/** The page for a view model (async: elkjs lays it out). */
export async function renderHtmlPage(view: HtmlReport, options: HtmlOptions = {}): Promise<string> {
  const links = buildLinks(view);
  const layout = await layoutGraph(view, links);
  const svg = renderSvg(view, links, layout);
  const collapse = options.collapse ?? view.nodes.length > COLLAPSE_THRESHOLD;
  return renderPage({ report: view, links, layout, svg, defaultView: collapse ? 'collapsed' : 'full' });
}
