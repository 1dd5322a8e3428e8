// The HTML page as text: golden for a bundled recording through the built CLI (run `npm run build`
// first; UPDATE_GOLDEN=1 rewrites it), the CSP (hashes of the page's own script and style, no
// remote source), escaping of hostile data, and the view model the page is built from.
import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { renderHtml, renderHtmlPage } from '../../../src/report/render-html.js';
import type { HtmlReport } from '../../../src/report/html/view-model.js';
import { shortLabels, toHtmlReport } from '../../../src/report/html/from-breakage.js';
import { buildLinks } from '../../../src/report/html/links.js';
import type { Edge, NetworkPolicy, Peer } from '../../../src/model.js';
import { buildBreakageReport } from '../../../src/report/breakage.js';
import { runCli } from '../../support/cli.js';
import { matchesGolden } from '../../unit/report/golden.js';
import { HOSTILE_ANNOTATION, HOSTILE_LABEL, HOSTILE_NAME, hostileReport } from './hostile.js';

const BUNDLED = 'recorded-flows/hubble-otel__basic-sample-400-tcp-flows.jsonl';
let html: string;

beforeAll(async () => {
  const db = join(mkdtempSync(join(tmpdir(), 'flowpol-html-')), 'flows.db');
  const collected = await runCli(['collect', '--db', db, '--input-file', BUNDLED]);
  expect(collected.code, collected.stderr).toBe(0);
  const r = await runCli(['report', '--db', db, '--default-deny', 'all', '--proposed', 'generated', '-o', 'html']);
  expect(r.code, r.stderr).toBe(0);
  html = r.stdout;
});

const sha256 = (text: string): string => `sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}`;
const inner = (page: string, open: string, close: string): string[] =>
  page.split(open).slice(1).map((part) => part.slice(0, part.indexOf(close)));

describe('flowpol report -o html', () => {
  it('matches the golden page for a bundled recording', () => {
    // Lives next to the committed screenshot in test/golden/html/.
    matchesGolden('../html/bundled-tcp.html', html);
  });

  it('allows only its own script and style, by hash, and loads nothing', () => {
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1] ?? '';
    const scripts = inner(html, '<script>', '</script>');
    const styles = inner(html, '<style>', '</style>');
    expect(scripts).toHaveLength(1);
    expect(styles).toHaveLength(1);
    expect(csp.split('; ')).toEqual([
      "default-src 'none'", `script-src '${sha256(scripts[0] ?? '')}'`, `style-src '${sha256(styles[0] ?? '')}'`,
      "img-src 'none'", "connect-src 'none'", "base-uri 'none'", "form-action 'none'",
    ]);
    // The SVG namespace is a name, not a fetch; no other URL appears anywhere.
    expect(html.replaceAll('xmlns="http://www.w3.org/2000/svg"', '')).not.toMatch(/https?:\/\/|src=|href=/i);
    expect(html).not.toMatch(/ style="| on[a-z]+="/);
  });

  it('opens with the full graph for a small report', () => {
    expect(html).toContain('"defaultView":"full"');
    expect(html).toContain('<g id="view-collapsed" class="view hidden">');
  });
});

describe('hostile data', () => {
  it('escapes labels, DNS names and policy YAML everywhere', async () => {
    const result = hostileReport();
    const page = await renderHtml(result.report, result.engine.policies);
    expect(page.match(/<script/g)).toHaveLength(2); // the JSON data block and the page's script
    expect(page).not.toContain('<img');
    expect(page).not.toContain('<svg onload');
    expect(page).not.toContain('</pre></script>');
    // In the JSON block nothing can close the element: every < > & is a \u escape.
    const data = inner(page, '<script type="application/json" id="report-data">', '</script>')[0] ?? '';
    expect(data).not.toMatch(/[<>&]/);
    const parsed = JSON.parse(data) as { nodes: { title: string }[]; policies: Record<string, string> };
    expect(parsed.nodes.map((n) => n.title)).toContain(`shop/app=web,note=${HOSTILE_LABEL}`);
    expect(parsed.nodes.map((n) => n.title)).toContain(`${HOSTILE_NAME} (198.51.100.7/32)`);
    expect(Object.values(parsed.policies).join('\n')).toContain(HOSTILE_ANNOTATION);
  });
});

describe('counts in words', () => {
  it('are singular for one: 1 edge, 1 flow, 1 node', async () => {
    const view: HtmlReport = {
      title: 't', subtitle: [], summary: [], warnings: [], notes: [],
      groups: [{ id: 'ns:x', kind: 'namespace', label: 'x' }],
      nodes: [{ id: 'a', kind: 'workload', group: 'ns:x', label: 'app=a', title: 'x/app=a' }],
      edges: [{ source: 'a', target: 'a', port: 'TCP/80', count: 1, firstSeen: 0, lastSeen: 0, verdict: 'allowed', reason: 'r' }],
    };
    const page = await renderHtmlPage(view);
    expect(page).toContain('<title>keeps working: 1 edge, 1 flow</title>');
    expect(page).toContain('<title>x: 1 node (click to expand)</title>');
    expect(page).toContain('>1 node</text>');
    expect(page).not.toMatch(/\b1 (edges|flows|nodes)\b/);
  });
});

describe('view model', () => {
  it('groups workloads by namespace and externals by DNS name, with the report totals', () => {
    const result = hostileReport();
    const view = toHtmlReport({ report: result.report, policies: result.engine.policies });
    expect(view.groups.map((g) => [g.id, g.kind])).toEqual([['ns:shop', 'namespace'], ['world', 'world']]);
    expect(view.nodes.map((n) => [n.id, n.group])).toEqual([
      ['workload:shop/app=api', 'ns:shop'],
      [`workload:shop/app=web,note=${HOSTILE_LABEL}`, 'ns:shop'],
      [`dns:${HOSTILE_NAME}`, 'world'],
    ]);
    expect(view.summary.map((r) => [r.label, r.edges, r.flows])).toEqual([
      ['would break', 1, 3], ['already dropped today', 0, 0], ['not governed by NetworkPolicy', 0, 0], ['keeps working', 1, 3], ['all observed', 2, 6],
    ]);
    // Only the workload the proposed policy selects has YAML.
    expect(Object.keys(view.policies ?? {})).toEqual([`workload:shop/app=web,note=${HOSTILE_LABEL}`]);
  });

  it('names an external by the DNS names flows gave it only where it is the destination', () => {
    const client: Peer = { kind: 'cidr', cidr: '192.0.2.9/32' };
    const server: Peer = { kind: 'cidr', cidr: '198.51.100.7/32' };
    const edge: Edge = {
      source: client, destination: server, protocol: 'TCP', port: 443, count: 2, firstSeen: 0, lastSeen: 0, verdicts: { FORWARDED: 2 }, destinationNames: ['api.example'],
    };
    const result = buildBreakageReport({ edges: [edge], namespaces: [], existing: [], proposed: [], observation: { lostEvents: 0 } }, { defaultDeny: { kind: 'none' }, direction: 'both' });
    const view = toHtmlReport({ report: result.report, policies: result.engine.policies });
    expect(view.nodes.map((n) => [n.label, n.title])).toEqual([['192.0.2.9/32', '192.0.2.9/32'], ['api.example', 'api.example (198.51.100.7/32)']]);
  });

  it('shows a proposed policy only on the workloads of its own namespace', () => {
    const web: Peer = { kind: 'workload', identity: { namespace: 'shop', labels: { app: 'web' } } };
    const other: Peer = { kind: 'workload', identity: { namespace: 'blog', labels: { app: 'web' } } };
    const edge: Edge = { source: other, destination: web, protocol: 'TCP', port: 80, count: 1, firstSeen: 0, lastSeen: 0, verdicts: { FORWARDED: 1 }, destinationNames: [] };
    const everyPod: NetworkPolicy = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'all', namespace: 'shop' }, spec: { podSelector: {}, ingress: [{}] } };
    const result = buildBreakageReport({ edges: [edge], namespaces: [], existing: [], proposed: [everyPod], observation: { lostEvents: 0 } }, { defaultDeny: { kind: 'none' }, direction: 'both' });
    const view = toHtmlReport({ report: result.report, policies: result.engine.policies });
    expect(Object.keys(view.policies ?? {})).toEqual(['workload:shop/app=web']);
  });

  it('draws one link per source, target and verdict, carrying the flows of all its edges', async () => {
    const node = (id: string) => ({ id, kind: 'workload' as const, group: 'ns:x', label: id, title: id });
    const link = (source: string, target: string, count: number) => ({ source, target, port: 'TCP/80', count, firstSeen: 0, lastSeen: 0, verdict: 'allowed' as const, reason: 'r' });
    const view: HtmlReport = {
      title: 't', subtitle: [], summary: [], warnings: [], notes: [], groups: [{ id: 'ns:x', kind: 'namespace', label: 'x' }],
      nodes: [node('a'), node('b')], edges: [link('a', 'b', 3), link('a', 'b', 4)],
    };
    expect(buildLinks(view).nodes).toEqual([{ source: 'a', target: 'b', verdict: 'allowed', count: 7, edges: [0, 1] }]);
    expect(await renderHtmlPage(view)).toContain('<title>keeps working: 2 edges, 7 flows</title>');
  });

  it('names a node by its naming labels and counts the rest', () => {
    expect(shortLabels({ app: 'reviews', version: 'v2', 'security.istio.io/tlsMode': 'istio' })).toBe('app=reviews version=v2 +1');
    expect(shortLabels({ 'k8s-app': 'kube-dns' })).toBe('k8s-app=kube-dns');
    expect(shortLabels({ b: '2', a: '1' })).toBe('a=1 +1');
    expect(shortLabels({})).toBe('(no labels)');
  });
});
