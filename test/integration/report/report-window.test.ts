// The report's window is the one evaluated: --since/--until select whole clock hours (as `edges`
// and `generate` read them), so the window line, the short-window warning and every listed edge
// agree, in every format.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../support/cli.js';

const SEED_RECORDING = 'test/integration/report/fixtures/seed-three-tier.jsonl';
const WINDOW = ['--since', '2026-01-05T10:00:00Z', '--until', '2026-01-05T10:05:00Z', '--proposed', 'generated'];
let dir: string;
let db: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'flowpol-report-window-'));
  db = join(dir, 'seed.db');
  const r = await runCli(['collect', '--db', db, '--input-file', SEED_RECORDING]);
  if (r.code !== 0) throw new Error(r.stderr);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('report --since/--until', () => {
  it('shows the whole hours evaluated, and lists only edges seen in them', async () => {
    const json = await runCli(['report', '--db', db, '-o', 'json', ...WINDOW]);
    expect(json.code, json.stderr).toBe(0);
    const doc = JSON.parse(json.stdout) as { window: { first: string; last: string }; coverage: { message: string }[]; edges: { firstSeen: string; lastSeen: string }[] };
    expect(doc.window).toEqual({ first: '2026-01-05T10:00:00Z', last: '2026-01-05T11:00:00Z' });
    expect(doc.coverage[0]?.message).toContain('the observation window is 1h (2026-01-05T10:00:00Z .. 2026-01-05T11:00:00Z)');
    expect(doc.edges.length).toBeGreaterThan(0);
    for (const e of doc.edges) {
      expect(e.firstSeen >= doc.window.first && e.lastSeen <= doc.window.last, `${e.firstSeen} .. ${e.lastSeen}`).toBe(true);
    }
    const text = await runCli(['report', '--db', db, ...WINDOW]);
    expect(text.stdout).toContain('  window:   2026-01-05T10:00:00Z .. 2026-01-05T11:00:00Z\n');
    const md = await runCli(['report', '--db', db, '-o', 'markdown', ...WINDOW]);
    expect(md.stdout).toContain('Observed: 2026-01-05T10:00:00Z .. 2026-01-05T11:00:00Z.');
    const html = await runCli(['report', '--db', db, '-o', 'html', ...WINDOW]);
    expect(html.stdout).toContain('2026-01-05T10:00:00Z .. 2026-01-05T11:00:00Z');
    expect(html.stdout).not.toContain('10:05:00Z');
  });

  it('never widens the window past the flows ingested', async () => {
    const r = await runCli(['report', '--db', db, '-o', 'json', '--since', '2026-01-04T00:00:00Z', '--until', '2026-01-09T00:30:00Z']);
    expect(JSON.parse(r.stdout).window).toEqual({ first: '2026-01-05T00:02:30Z', last: '2026-01-06T00:57:30Z' });
  });
});
