// `flowpol report -o html`: one self-contained page (no network) with the summary, a traffic
// graph laid out here with elkjs, filters, and per-workload/edge details.
import { buildLinks } from './html/links.js';
import { layoutGraph } from './html/layout.js';
import { renderPage } from './html/page.js';
import { renderSvg } from './html/svg.js';
import type { HtmlReport } from './html/view-model.js';

/** Above this many nodes the page opens with every namespace collapsed into one node. */
export const COLLAPSE_THRESHOLD = 120;

export interface HtmlOptions {
  /** Override the collapsed/expanded choice (default: collapse above COLLAPSE_THRESHOLD nodes). */
  collapse?: boolean;
}

/** Renders the page for a view model (async: the layout runs in elkjs). */
export async function renderHtmlPage(report: HtmlReport, options: HtmlOptions = {}): Promise<string> {
  const links = buildLinks(report);
  const layout = await layoutGraph(report, links);
  const svg = renderSvg(report, links, layout);
  const collapse = options.collapse ?? report.nodes.length > COLLAPSE_THRESHOLD;
  return renderPage({ report, links, layout, svg, defaultView: collapse ? 'collapsed' : 'full' });
}
