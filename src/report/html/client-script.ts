// The page's only script (allowed by its CSP hash): pan and zoom, level of detail, filters, the
// two views, and the details panel. It builds the panel with DOM text nodes only, never markup.
export const CLIENT_SCRIPT = String.raw`(function () {
'use strict';
var data = JSON.parse(document.getElementById('report-data').textContent);
var svg = document.getElementById('graph');
var views = { full: document.getElementById('view-full'), collapsed: document.getElementById('view-collapsed') };
var details = document.getElementById('details');
var nsSelect = document.getElementById('filter-ns');
var textInput = document.getElementById('filter-text');
var toggle = document.getElementById('toggle-view');
var counter = document.getElementById('filter-count');
var verdictBoxes = Array.prototype.slice.call(document.querySelectorAll('input[data-verdict-filter]'));
var LOD_SCALE = 0.4;
var view = data.defaultView;
var vb = { x: 0, y: 0, w: 1, h: 1 };
var edgeVisible = [];

function q(sel) { return Array.prototype.slice.call(svg.querySelectorAll(sel)); }
var nodeEls = q('[data-node]');
var linkEls = q('[data-link]');
var glinkEls = q('[data-glink]');
var groupEls = q('[data-group]');
var groupNodeEls = q('[data-group-node]');

function scale() { return Math.min(svg.clientWidth / vb.w, svg.clientHeight / vb.h); }
function setViewBox(x, y, w, h) {
  vb = { x: x, y: y, w: w, h: h };
  svg.setAttribute('viewBox', x + ' ' + y + ' ' + w + ' ' + h);
  svg.classList.toggle('lod-far', scale() < LOD_SCALE);
}
function fit(box) {
  var pad = 24;
  setViewBox(box.x - pad, box.y - pad, Math.max(box.width, 1) + 2 * pad, Math.max(box.height, 1) + 2 * pad);
}
function showView(name, box) {
  view = name;
  views.full.classList.toggle('hidden', name !== 'full');
  views.collapsed.classList.toggle('hidden', name !== 'collapsed');
  toggle.textContent = name === 'full' ? 'Collapse namespaces' : 'Expand namespaces';
  fit(box || { x: 0, y: 0, width: data.sizes[name].width, height: data.sizes[name].height });
}

function toGraph(ev) {
  var p = new DOMPoint(ev.clientX, ev.clientY).matrixTransform(svg.getScreenCTM().inverse());
  return { x: p.x, y: p.y };
}
svg.addEventListener('wheel', function (ev) {
  ev.preventDefault();
  var f = Math.exp(ev.deltaY * 0.0015);
  var p = toGraph(ev);
  setViewBox(p.x - (p.x - vb.x) * f, p.y - (p.y - vb.y) * f, vb.w * f, vb.h * f);
}, { passive: false });
var drag = null;
var dragged = false;
svg.addEventListener('pointerdown', function (ev) {
  drag = { x: ev.clientX, y: ev.clientY, vb: vb, s: scale() };
  dragged = false;
});
svg.addEventListener('pointermove', function (ev) {
  if (!drag) return;
  var dx = ev.clientX - drag.x, dy = ev.clientY - drag.y;
  if (!dragged && Math.abs(dx) + Math.abs(dy) < 4) return;
  dragged = true;
  setViewBox(drag.vb.x - dx / drag.s, drag.vb.y - dy / drag.s, drag.vb.w, drag.vb.h);
});
window.addEventListener('pointerup', function () { drag = null; });
window.addEventListener('resize', function () { setViewBox(vb.x, vb.y, vb.w, vb.h); });

function el(tag, cls) {
  var e = document.createElement(tag);
  if (cls) e.className = cls;
  for (var i = 2; i < arguments.length; i++) e.append(arguments[i]);
  return e;
}
function time(ms) { return new Date(ms).toISOString().replace('T', ' ').slice(0, 19) + 'Z'; }
function plural(n, word) { return n + ' ' + word + (n === 1 ? '' : 's'); }
function nodeName(i) { return data.nodes[i].label; }
function verdictTag(v) { return el('span', 'tag v-' + v, data.verdictLabels[v]); }
function edgeList(indexes) {
  var list = el('ol', 'edges');
  indexes.forEach(function (i) {
    var e = data.edges[i];
    list.append(el('li', 'edge v-' + e.verdict,
      el('div', 'edge-title', data.nodes[e.source].title + ' \u2192 ' + data.nodes[e.target].title + ' ' + e.port),
      el('div', 'edge-traffic', verdictTag(e.verdict), ' ' + plural(e.count, 'flow') + ', ' + time(e.firstSeen) + ' .. ' + time(e.lastSeen)),
      el('div', 'reason', e.reason)));
  });
  return list;
}
function flowsLine(indexes) {
  var flows = 0;
  indexes.forEach(function (i) { flows += data.edges[i].count; });
  return plural(indexes.length, 'edge') + ', ' + plural(flows, 'flow');
}
function showEdges(title, indexes) {
  details.replaceChildren(el('h2', '', title), el('p', '', flowsLine(indexes)), edgeList(indexes));
}
function showNode(i) {
  var n = data.nodes[i];
  var touching = [];
  data.edges.forEach(function (e, k) { if (e.source === i || e.target === i) touching.push(k); });
  var parts = [el('h2', '', n.label), el('p', 'node-title', n.title), el('p', '', flowsLine(touching)), edgeList(touching)];
  parts.push(el('h3', '', 'Policy'));
  if (n.kind !== 'workload') {
    parts.push(el('p', '', 'Not a workload: NetworkPolicies select pods, so there is no policy for it.'));
  } else if (data.policies === null) {
    parts.push(el('p', '', 'None: this report evaluated no proposed or generated policies.'));
  } else if (data.policies[i] === undefined) {
    parts.push(el('p', '', 'None: no proposed or generated policy selects this workload.'));
  } else {
    parts.push(el('pre', 'yaml', data.policies[i]));
  }
  details.replaceChildren.apply(details, parts);
}
svg.addEventListener('click', function (ev) {
  if (dragged) return;
  var t = ev.target;
  var hit = t.closest('[data-node],[data-link],[data-glink],[data-group-node]');
  if (!hit) return;
  if (hit.hasAttribute('data-node')) showNode(Number(hit.getAttribute('data-node')));
  else if (hit.hasAttribute('data-link')) {
    var l = data.links[Number(hit.getAttribute('data-link'))];
    showEdges(nodeName(l.source) + ' \u2192 ' + nodeName(l.target) + ' (' + data.verdictLabels[l.verdict] + ')', l.edges);
  } else if (hit.hasAttribute('data-glink')) {
    var g = data.groupLinks[Number(hit.getAttribute('data-glink'))];
    showEdges(data.groups[g.source].label + ' \u2192 ' + data.groups[g.target].label + ' (' + data.verdictLabels[g.verdict] + ')', g.edges);
  } else {
    var gi = Number(hit.getAttribute('data-group-node'));
    showView('full', data.groupBoxes[gi]);
    applyFilters();
  }
});

function applyFilters() {
  var ns = nsSelect.value;
  var text = textInput.value.trim().toLowerCase();
  var verdicts = {};
  verdictBoxes.forEach(function (b) { verdicts[b.value] = b.checked; });
  var nodeMatch = data.nodes.map(function (n) {
    return (ns === '' || String(n.group) === ns) && (text === '' || n.search.indexOf(text) >= 0);
  });
  var nodeShown = nodeMatch.slice();
  var shownEdges = 0;
  edgeVisible = data.edges.map(function (e) {
    var v = verdicts[e.verdict] && (nodeMatch[e.source] || nodeMatch[e.target]);
    if (v) { nodeShown[e.source] = true; nodeShown[e.target] = true; shownEdges++; }
    return v;
  });
  nodeEls.forEach(function (e) {
    var i = Number(e.getAttribute('data-node'));
    e.classList.toggle('hidden', !nodeShown[i]);
    e.classList.toggle('match', text !== '' && nodeMatch[i]);
  });
  var groupShown = data.groups.map(function () { return false; });
  data.nodes.forEach(function (n, i) { if (nodeShown[i]) groupShown[n.group] = true; });
  groupEls.forEach(function (e) { e.classList.toggle('hidden', !groupShown[Number(e.getAttribute('data-group'))]); });
  groupNodeEls.forEach(function (e) { e.classList.toggle('hidden', !groupShown[Number(e.getAttribute('data-group-node'))]); });
  function anyEdge(l) { return l.edges.some(function (k) { return edgeVisible[k]; }); }
  linkEls.forEach(function (e) { e.classList.toggle('hidden', !anyEdge(data.links[Number(e.getAttribute('data-link'))])); });
  glinkEls.forEach(function (e) { e.classList.toggle('hidden', !anyEdge(data.groupLinks[Number(e.getAttribute('data-glink'))])); });
  counter.textContent = 'showing ' + shownEdges + ' of ' + plural(data.edges.length, 'edge');
}
nsSelect.addEventListener('change', applyFilters);
textInput.addEventListener('input', applyFilters);
verdictBoxes.forEach(function (b) { b.addEventListener('change', applyFilters); });
toggle.addEventListener('click', function () { showView(view === 'full' ? 'collapsed' : 'full'); });
document.getElementById('zoom-fit').addEventListener('click', function () { showView(view); });

showView(view);
applyFilters();
document.body.setAttribute('data-ready', 'true');
})();
`;
