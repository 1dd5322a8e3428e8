// The page's only stylesheet (allowed by its CSP hash). Verdict colours are the classes
// `v-breaks`, `v-dropped`, `v-not-governed`, `v-allowed`.
export const PAGE_STYLE = `
:root { --break: #d62728; --dropped: #7f7f7f; --ungoverned: #9a5bd0; --works: #2ca02c; --line: #d0d4da; }
* { box-sizing: border-box; }
body { margin: 0; font: 13px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1d2330; background: #f6f7f9; }
header, nav, footer { padding: 8px 16px; }
h1 { font-size: 18px; margin: 4px 0; }
h2 { font-size: 15px; margin: 4px 0 6px; word-break: break-all; }
h3 { font-size: 13px; margin: 12px 0 4px; }
.subtitle { margin: 0; color: #555; }
#summary { border-collapse: collapse; margin: 8px 0; }
#summary th, #summary td { padding: 2px 10px; border-bottom: 1px solid var(--line); text-align: right; }
#summary th:first-child { text-align: left; }
#summary tr.total th, #summary tr.total td { font-weight: 700; }
.warnings { margin: 4px 0; padding-left: 20px; color: #8a4b00; }
nav { display: flex; flex-wrap: wrap; gap: 12px; align-items: center; background: #fff; border-top: 1px solid var(--line); border-bottom: 1px solid var(--line); }
nav label { display: inline-flex; align-items: center; gap: 4px; }
#filter-count { color: #555; margin-left: auto; }
main { display: flex; height: 72vh; min-height: 420px; }
#canvas { flex: 1 1 auto; min-width: 0; background: #fff; }
#graph { width: 100%; height: 100%; display: block; cursor: grab; user-select: none; }
#details { flex: 0 0 400px; overflow: auto; padding: 8px 12px; border-left: 1px solid var(--line); background: #fff; }
.node-title { color: #555; word-break: break-all; }
ol.edges { list-style: none; margin: 0; padding: 0; font-size: 12px; }
li.edge { border-bottom: 1px solid var(--line); padding: 4px 0; }
.edge-title { word-break: break-all; font-weight: 600; }
.edge-traffic { color: #444; margin: 2px 0; }
.edge .reason { color: #1d2330; }
pre.yaml { background: #f3f4f6; padding: 8px; overflow: auto; font-size: 12px; }
.tag { padding: 0 4px; border-radius: 3px; color: #fff; white-space: nowrap; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 4px; }
.tag.v-breaks, .swatch.v-breaks { background: var(--break); }
.tag.v-dropped, .swatch.v-dropped { background: var(--dropped); }
.tag.v-not-governed, .swatch.v-not-governed { background: var(--ungoverned); }
.tag.v-allowed, .swatch.v-allowed { background: var(--works); }
footer { color: #555; font-size: 12px; }
footer p { margin: 2px 0; }
.hidden { display: none; }
.group > rect { fill: #f1f4f8; stroke: #b9c2cf; }
.group-world > rect { fill: #fdf6ec; }
.group-reserved > rect { fill: #f3eefa; }
.group-label { font-size: 13px; font-weight: 600; fill: #44505f; }
.node > rect { fill: #fff; stroke: #6b7685; stroke-width: 1; }
.node-external > rect { fill: #fff8ee; }
.node-reserved > rect { fill: #f7f2ff; }
.group-node > rect { fill: #eef2f7; stroke: #6b7685; }
.node { cursor: pointer; }
.node:hover > rect, .node.match > rect { stroke: #1f6feb; stroke-width: 2.5; }
.node-label { font-size: 12px; fill: #1d2330; pointer-events: none; }
.node-sub { font-size: 11px; fill: #555; pointer-events: none; }
.link { cursor: pointer; }
.link .line { fill: none; stroke-opacity: 0.75; }
.link .hit { fill: none; stroke: transparent; stroke-width: 12; }
.link:hover .line { stroke-opacity: 1; }
.link.v-breaks .line { stroke: var(--break); }
.link.v-dropped .line { stroke: var(--dropped); stroke-dasharray: 6 4; }
.link.v-not-governed .line { stroke: var(--ungoverned); stroke-dasharray: 2 3; }
.link.v-allowed .line { stroke: var(--works); }
.arrow.v-breaks { fill: var(--break); }
.arrow.v-dropped { fill: var(--dropped); }
.arrow.v-not-governed { fill: var(--ungoverned); }
.arrow.v-allowed { fill: var(--works); }
.lod-far .node-label, .lod-far .node-sub, .lod-far .group-label { display: none; }
`;
