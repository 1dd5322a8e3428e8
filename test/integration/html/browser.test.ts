// The HTML report in Debian's Chromium (playwright-core; installed with apt-get on first use).
// Built by the CLI from a bundled recording (run `npm run build` first) and opened from a file://
// URL with every request routed: any non-file request fails the test. Checks the summary against
// `-o json`, clicks an edge and reads its reason, uses the filters, takes a screenshot into
// test-output/ (UPDATE_GOLDEN=1 also refreshes the README's copy in test/golden/html/report.png).
// Hostile data must not run; a 500-workload report must open collapsed and expand on click.
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderHtml, renderHtmlPage } from '../../../src/report/render-html.js';
import type { HtmlReport } from '../../../src/report/html/view-model.js';
import { launchBrowser, type Browser } from '../../support/browser.js';
import { REPO_ROOT, runCli } from '../../support/cli.js';
import { hostileReport } from './hostile.js';
import { syntheticReport } from './synthetic.js';

const BUNDLED = 'recorded-flows/';
const ARGS = ['--default-deny', 'all', '--proposed', 'generated'];

interface JsonEdge { status: string; title: string; reason: string }
interface JsonTotals { edges: number; flows: number }
interface JsonReport { totals: Record<'breaks' | 'dropped' | 'not-governed' | 'allowed', JsonTotals>; edges: JsonEdge[] }

let browser: Browser;
let dir: string;
let json: JsonReport;
let reportUrl: string;
/** Everything a page did that it must not: non-file requests, script errors, CSP violations, dialogs. */
const problems: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'flowpol-html-browser-'));
  const db = join(dir, 'flows.db');
  const collected = await runCli(['collect', '--db', db, '--input-file', BUNDLED]);
  expect(collected.code, collected.stderr).toBe(0);
  const asJson = await runCli(['report', '--db', db, ...ARGS, '-o', 'json']);
  expect(asJson.code, asJson.stderr).toBe(0);
  json = JSON.parse(asJson.stdout) as JsonReport;
  const asHtml = await runCli(['report', '--db', db, ...ARGS, '-o', 'html']);
  expect(asHtml.code, asHtml.stderr).toBe(0);
  reportUrl = writePage('report.html', asHtml.stdout);
  browser = await launchBrowser();
  await browser.context.route('**/*', async (route) => {
    const url = route.request().url();
    if (url.startsWith('file://')) return route.continue();
    problems.push(`request to ${url}`);
    return route.abort();
  });
}, 300_000);

afterAll(async () => {
  await browser?.close();
});

function writePage(name: string, html: string): string {
  const file = join(dir, name);
  writeFileSync(file, html);
  return pathToFileURL(file).href;
}

async function open(url: string): Promise<Page> {
  const page = await browser.context.newPage();
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.on('dialog', (d) => { problems.push(`dialog: ${d.message()}`); void d.dismiss(); });
  await page.goto(url);
  await page.waitForSelector('body[data-ready="true"]');
  return page;
}

const counter = async (page: Page): Promise<string> => (await page.locator('#filter-count').textContent()) ?? '';

describe('report built from a bundled recording', () => {
  let page: Page;
  beforeAll(async () => {
    page = await open(reportUrl);
  });

  it('shows the same summary numbers as the JSON report', async () => {
    for (const [status, totals] of Object.entries(json.totals)) {
      const row = page.locator(`#summary tr[data-verdict="${status}"]`);
      expect(await row.locator('td.edges').textContent(), status).toBe(String(totals.edges));
      expect(await row.locator('td.flows').textContent(), status).toBe(String(totals.flows));
    }
    expect(json.totals.breaks.edges).toBeGreaterThan(0);
  });

  it('clicking an edge that would break shows its flows, verdict and reason', async () => {
    await page.locator('#view-full .link.v-breaks').first().click();
    const reasons = await page.locator('#details li.edge .reason').allTextContents();
    expect(reasons.length).toBeGreaterThan(0);
    const breaking = json.edges.filter((e) => e.status === 'breaks').map((e) => e.reason);
    for (const reason of reasons) expect(breaking).toContain(reason);
    expect(await page.locator('#details li.edge .tag').first().textContent()).toBe('would break');
  });

  it('clicking a workload shows its proposed policy YAML', async () => {
    await page.locator('#view-full .node-workload', { hasText: 'app=productpage' }).first().click();
    const yaml = (await page.locator('#details pre.yaml').textContent()) ?? '';
    expect(yaml).toContain('kind: NetworkPolicy');
    expect(yaml).toContain('app: productpage');
    // generate cannot select a workload without labels: the panel says there is none.
    await page.locator('#view-full .node-workload', { hasText: '(no labels)' }).first().click();
    expect(await page.locator('#details pre.yaml').count()).toBe(0);
    expect(await page.locator('#details').textContent()).toContain('None: no proposed or generated policy selects this workload.');
  });

  it('filters by verdict, namespace and text', async () => {
    const all = json.edges.length;
    expect(await counter(page)).toBe(`showing ${all} of ${all} edges`);
    await page.locator('input[data-verdict-filter][value="allowed"]').uncheck();
    expect(await counter(page)).toBe(`showing ${all - json.totals.allowed.edges} of ${all} edges`);
    expect(await page.locator('#view-full .link.v-allowed:not(.hidden)').count()).toBe(0);
    await page.locator('input[data-verdict-filter][value="allowed"]').check();

    await page.locator('#filter-ns').selectOption({ label: 'kube-system' });
    const inKubeSystem = json.edges.filter((e) => e.title.split(' -> ').some((end) => end.startsWith('kube-system/'))).length;
    expect(inKubeSystem).toBeGreaterThan(0);
    expect(await counter(page)).toBe(`showing ${inKubeSystem} of ${all} edges`);
    await page.locator('#filter-ns').selectOption({ label: 'all' });

    await page.locator('#filter-text').fill('kube-dns');
    const dns = json.edges.filter((e) => e.title.includes('kube-dns')).length;
    expect(dns).toBeGreaterThan(0);
    expect(await counter(page)).toBe(`showing ${dns} of ${all} edges`);
    expect(await page.locator('#view-full .node.match').count()).toBeGreaterThan(0);
    await page.locator('#filter-text').fill('');
  });

  it('takes a screenshot', async () => {
    await page.locator('#zoom-fit').click();
    await page.locator('#view-full .link.v-breaks').first().click();
    mkdirSync(join(REPO_ROOT, 'test-output'), { recursive: true });
    const shot = join(REPO_ROOT, 'test-output', 'html-report.png');
    await page.screenshot({ path: shot, fullPage: true });
    if (process.env.UPDATE_GOLDEN === '1') copyFileSync(shot, join(REPO_ROOT, 'test', 'golden', 'html', 'report.png'));
  });
});

describe('hostile data', () => {
  it('is shown as text and never runs', async () => {
    const result = hostileReport();
    const page = await open(writePage('hostile.html', await renderHtml(result.report, result.engine.policies)));
    await page.locator('#view-full .node-workload', { hasText: 'app=web' }).click();
    expect(await page.locator('#details .node-title').textContent()).toContain('<img src=x onerror=');
    expect(await page.locator('#details pre.yaml').textContent()).toContain('</pre></script><script>window.__pwned=4</script>');
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.locator('svg[onload]').count()).toBe(0);
  });
});

describe('500 workloads, 5,000 edges', () => {
  it('opens collapsed, expands a namespace on click, hides labels when zoomed out', async () => {
    const result = syntheticReport({ namespaces: 25, workloads: 500, edges: 5000 });
    const page = await open(writePage('large.html', await renderHtml(result.report, result.engine.policies)));
    expect(await page.locator('#view-collapsed').isVisible()).toBe(true);
    expect(await page.locator('#view-full').isVisible()).toBe(false);
    await page.locator('#view-collapsed [data-group-node]', { hasText: 'team-03' }).click();
    expect(await page.locator('#view-full').isVisible()).toBe(true);
    const classes = async (): Promise<string> => (await page.locator('#graph').getAttribute('class')) ?? '';
    expect(await classes()).not.toContain('lod-far');
    await page.locator('#zoom-fit').click();
    expect(await classes()).toContain('lod-far');
    expect(await page.locator('#view-full .node-label').first().isVisible()).toBe(false);
  });
});

describe('one edge of one flow', () => {
  it('says 1 edge and 1 flow, in the counter and the details panel', async () => {
    const view: HtmlReport = {
      title: 't', subtitle: [], summary: [], warnings: [], notes: [],
      groups: [{ id: 'ns:x', kind: 'namespace', label: 'x' }],
      nodes: [{ id: 'a', kind: 'workload', group: 'ns:x', label: 'app=a', title: 'x/app=a' }, { id: 'b', kind: 'workload', group: 'ns:x', label: 'app=b', title: 'x/app=b' }],
      edges: [{ source: 'a', target: 'b', port: 'TCP/80', count: 1, firstSeen: 0, lastSeen: 0, verdict: 'allowed', reason: 'r' }],
    };
    const page = await open(writePage('one.html', await renderHtmlPage(view)));
    expect(await counter(page)).toBe('showing 1 of 1 edge');
    await page.locator('#view-full .node-workload', { hasText: 'app=a' }).first().click();
    expect(await page.locator('#details p').allTextContents()).toContain('1 edge, 1 flow');
    expect(await page.locator('#details .edge-traffic').textContent()).toContain(' 1 flow, ');
  });
});

describe('the pages', () => {
  it('made no network request, raised no error and opened no dialog', () => {
    expect(problems).toEqual([]);
  });
});
