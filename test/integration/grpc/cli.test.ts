// The built CLI end to end over real gRPC: `flowpol replay` in its own process, `flowpol collect
// --server` against it, compared with `collect --input-file` of the same recording.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../support/cli.js';
import { writeFlowFile } from '../../support/flow-generator.js';
import { makePki, type Pki } from './certs.js';
import { killChildren, replay, start, summaryCount } from './cli-process.js';

let dir: string;
let recording: string;
let pki: Pki;

const edges = async (db: string) => {
  const r = await runCli(['edges', '--db', db, '-o', 'json']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as unknown;
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'flowpol-grpc-cli-'));
  recording = join(dir, 'flows.jsonl');
  await writeFlowFile(recording, { seed: 3, flows: 6000, namespaces: 5, startTime: Date.UTC(2024, 5, 1), lostEvery: 1500 });
  pki = makePki(dir);
  const base = await runCli(['collect', '--input-file', recording, '--db', join(dir, 'file.db')]);
  expect(base.code, base.stderr).toBe(0);
});

afterEach(killChildren);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('collect --server against flowpol replay', () => {
  it('learns the same edges as collect --input-file of the same recording', async () => {
    const r = await replay([recording]);
    const live = await runCli(['collect', '--server', r.address, '--db', join(dir, 'live.db')]);
    expect(live.code, live.stderr).toBe(0);
    expect(live.stderr).toMatch(/hubble flowpol-replay at 127\.0\.0\.1:\d+: ring \d+\/\d+ flows/);
    expect(summaryCount(live.stderr, 'lost events')).toBe(summaryCount((await runCli(['collect', '--input-file', recording, '--db', join(dir, 'again.db')])).stderr, 'lost events'));
    expect(await edges(join(dir, 'live.db'))).toEqual(await edges(join(dir, 'file.db')));
  });

  it.each([
    ['--verdict DROPPED --pod team-1/', ['--verdict', 'DROPPED', '--pod', 'team-1/']],
    ['--from-label k8s:app=web --to-pod team-2/', ['--from-label', 'k8s:app=web', '--to-pod', 'team-2/']],
    ['-n team-3 --pod api --label version!=v1,!canary', ['-n', 'team-3', '--pod', 'api', '--label', 'version!=v1,!canary']],
  ])('%s: same edges from the file and from replay, which sends only the selected flows', async (name, flags) => {
    const tag = name.replace(/\W+/g, '-');
    const file = await runCli(['collect', '--input-file', recording, '--db', join(dir, `sel-file${tag}.db`), ...flags]);
    expect(file.code, file.stderr).toBe(0);
    const selected = summaryCount(file.stderr, 'flows read') - summaryCount(file.stderr, 'filtered out');
    expect(summaryCount(file.stderr, 'kept')).toBeGreaterThan(0);

    const r = await replay([recording]);
    const live = await runCli(['collect', '--server', r.address, '--db', join(dir, `sel-live${tag}.db`), ...flags]);
    expect(live.code, live.stderr).toBe(0);
    expect(await edges(join(dir, `sel-live${tag}.db`))).toEqual(await edges(join(dir, `sel-file${tag}.db`)));
    // The server did the selecting: it sent exactly the flows the file path kept after filtering.
    const served = /GetFlows stream ended: sent (\d+) flows/;
    while (!served.test(r.output())) await new Promise((res) => setTimeout(res, 20));
    const sent = Number(served.exec(r.output())?.[1]);
    expect(sent).toBe(selected);
    expect(sent).toBeLessThan(summaryCount(file.stderr, 'flows read') / 5);
    expect(summaryCount(live.stderr, 'flows read')).toBe(sent);
    expect(summaryCount(live.stderr, 'filtered out')).toBe(0);
  });

  it('refuses selection flags it cannot honour before touching any source', async () => {
    const bad = await runCli(['collect', '--server', '127.0.0.1:1', '--db', join(dir, 'bad.db'), '--pod', 'a/', '--from-pod', 'b/']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--pod and --from-pod cannot be combined/);
    const label = await runCli(['collect', '--input-file', recording, '--db', join(dir, 'bad.db'), '--label', 'app=(web)']);
    expect(label.code).toBe(2);
    expect(label.stderr).toMatch(/--label "app=\(web\)": not a label selector/);
    const verdict = await runCli(['collect', '--input-file', recording, '--db', join(dir, 'bad.db'), '--verdict', 'LOST']);
    expect(verdict.code).toBe(2);
    expect(verdict.stderr).toMatch(/--verdict LOST: expected one of FORWARDED, DROPPED/);
  });

  it('SIGTERM during --follow: every flow the summary counts is in the database', async () => {
    const r = await replay(['--rate', '3000', '--follow', recording]);
    const db = join(dir, 'follow.db');
    const c = await start(['collect', '--server', r.address, '--all', '--follow', '--db', db], /ring/);
    await new Promise((res) => setTimeout(res, 1500));
    c.child.kill('SIGTERM');
    const done = await c.exited;
    expect(done.code, done.stderr).toBe(0);
    const kept = summaryCount(done.stderr, 'kept');
    expect(kept).toBeGreaterThan(0);
    const inDb = (await edges(db) as { edges: { count: number }[] }).edges.reduce((n, e) => n + e.count, 0);
    expect(inDb).toBe(kept);
  });

  it('replay killed mid-stream and restarted: collection resumes, the gap is reported, nothing lost or doubled', async () => {
    const first = await replay(['--rate', '500', recording]);
    // 500 flows/s makes the ~6k-flow recording last ~12 s, so the kill below always lands mid-stream even on a loaded machine.
    const db = join(dir, 'resume.db');
    const c = await start(['collect', '--server', first.address, '--all', '--follow', '--db', db], /ring/);
    await new Promise((res) => setTimeout(res, 1000));
    first.child.kill('SIGKILL');
    await first.exited.catch(() => undefined);
    await new Promise((res) => setTimeout(res, 500));
    await start(['replay', '--listen', `127.0.0.1:${first.port}`, recording], /listening/); // whole recording, stream ends after it
    const done = await c.exited;
    expect(done.code, done.stderr).toBe(0);
    expect(done.stderr).toMatch(/hubble stream broken .*; reconnect 1 in \d+ ms/);
    expect(done.stderr).toMatch(/hubble stream resumed from \S+ after a gap of [\d.]+ s/);
    expect(await edges(db)).toEqual(await edges(join(dir, 'file.db')));
  });
});

describe('TLS and secrets on the command line', () => {
  it('mTLS works; a wrong CA is one clear line; the basic auth password never appears', async () => {
    const r = await replay(['--tls-cert-file', pki.serverCert, '--tls-key-file', pki.serverKey, '--tls-client-ca-files', pki.ca, recording]);
    const secret = 'hunter2-very-secret';
    const common = ['collect', '--server', `tls://${r.address}`, '--tls-client-cert-file', pki.clientCert, '--tls-client-key-file', pki.clientKey,
      '--basic-auth-username', 'me', '--basic-auth-password', secret];
    const ok = await runCli([...common, '--tls-ca-cert-files', pki.ca, '--db', join(dir, 'tls.db')]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stderr).not.toMatch(/Warning/); // no DEP0123 for a TLS ServerName that is an IP (127.0.0.1)
    const bad = await runCli([...common, '--tls-ca-cert-files', pki.otherCa, '--db', join(dir, 'tls2.db')]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^flowpol: error \[E_HUBBLE_TLS\]: TLS with Hubble at 127\.0\.0\.1:\d+ failed: .*not signed by a CA this client trusts: the --tls-ca-cert-files given, else the system's roots\)\n$/m);
    expect(bad.stderr).not.toMatch(/\n\s+at /);
    for (const out of [ok.stdout, ok.stderr, bad.stdout, bad.stderr]) expect(out).not.toContain(secret);
  });

  it('replay refuses a non-loopback address without --allow-remote', async () => {
    const r = await runCli(['replay', '--listen', '0.0.0.0:0', recording]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not a loopback address.*--allow-remote/);
  });
});
