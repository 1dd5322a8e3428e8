// Wrong command lines and broken TLS material for the live path, through the built CLI: one
// typed line naming the flag or file, the right exit code, no stack, no database created.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliResult } from '../../support/cli.js';
import { writeFlowFile } from '../../support/flow-generator.js';
import { makePki, type Pki } from './certs.js';
import { readKeyPair } from '../../../src/collect/tls-files.js';
import { killChildren, replay } from './cli-process.js';

let dir: string;
let recording: string;
let pki: Pki;
let junk: string;
let n = 0;
const freshDb = (): string => join(dir, `db-${++n}.db`);

/** Exit code, one error line with this code and text, no stack trace, and the database untouched. */
function expectOneLineError(r: CliResult, db: string | undefined, exit: number, code: string, text: RegExp): void {
  expect(r.code, r.stderr).toBe(exit);
  const errors = r.stderr.split('\n').filter((l) => l.startsWith('flowpol: error'));
  expect(errors).toHaveLength(1);
  expect(errors[0]).toContain(`[${code}]`);
  expect(errors[0]).toMatch(text);
  expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
  if (db !== undefined) {
    expect(r.stderr).not.toMatch(/collect summary/);
    expect(existsSync(db)).toBe(false);
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'flowpol-grpc-errors-'));
  recording = join(dir, 'flows.jsonl');
  await writeFlowFile(recording, { seed: 5, flows: 300, namespaces: 3, startTime: Date.UTC(2024, 5, 1) });
  pki = makePki(dir);
  junk = join(dir, 'junk.pem');
  writeFileSync(junk, 'garbage\n');
});
afterEach(killChildren);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('collect: a server that takes the connection and never answers', () => {
  it('over TLS: the dial timeout ends the run, exit 1 (QA: the pending handshake kept the process alive until the peer closed)', async () => {
    const held: Socket[] = [];
    const silent = createServer((socket) => held.push(socket)); // accepts, never writes: no TLS handshake ever completes
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    try {
      const started = Date.now();
      const db = freshDb();
      const r = await runCli(['collect', '--server', `tls://127.0.0.1:${port}`, '--tls-allow-insecure', '--db', db]);
      expectOneLineError(r, db, 1, 'E_HUBBLE_TIMEOUT', /cannot connect to Hubble at 127\.0\.0\.1:\d+ within 5 s/);
      expect(Date.now() - started).toBeLessThan(15_000);
    } finally {
      for (const socket of held) socket.destroy();
      silent.close();
    }
  }, 30_000);
});

describe('a client certificate out of its validity', () => {
  it('is named as such before connecting (QA: the server\'s refusal read as a vague handshake error)', () => {
    const cert = { file: pki.clientCert, flag: '--tls-client-cert-file' };
    const key = { file: pki.clientKey, flag: '--tls-client-key-file' };
    expect(() => readKeyPair(cert, key, Date.UTC(2100, 0, 1))).toThrow(/client\.crt \(--tls-client-cert-file\): expired on .+ GMT: a server refuses it$/);
    expect(() => readKeyPair(cert, key, 0)).toThrow(/client\.crt \(--tls-client-cert-file\): is not valid before .+ GMT: a server refuses it$/);
    expect(readKeyPair(cert, key, Date.now()).cert.length).toBeGreaterThan(0);
  });
});

describe('collect: TLS files are checked before anything is opened', () => {
  const collectTls = (tlsFlags: string[], db = freshDb()) => runCli(['collect', '--server', 'tls://127.0.0.1:1', ...tlsFlags, '--db', db]).then((r) => ({ r, db }));

  it('a client key that is not the certificate\'s', async () => {
    const { r, db } = await collectTls(['--tls-client-cert-file', pki.clientCert, '--tls-client-key-file', pki.serverKey]);
    expectOneLineError(r, db, 1, 'E_TLS_FILE', /server\.key \(--tls-client-key-file\): is not the private key of --tls-client-cert-file \S*client\.crt/);
  });

  it('files without PEM content name the file and what it lacks', async () => {
    const cert = await collectTls(['--tls-client-cert-file', junk, '--tls-client-key-file', pki.clientKey]);
    expectOneLineError(cert.r, cert.db, 1, 'E_TLS_FILE', /junk\.pem \(--tls-client-cert-file\): holds no PEM certificate/);
    const key = await collectTls(['--tls-client-cert-file', pki.clientCert, '--tls-client-key-file', junk]);
    expectOneLineError(key.r, key.db, 1, 'E_TLS_FILE', /junk\.pem \(--tls-client-key-file\): holds no readable private key/);
    const ca = await collectTls(['--tls-ca-cert-files', pki.clientKey]);
    expectOneLineError(ca.r, ca.db, 1, 'E_TLS_FILE', /client\.key \(--tls-ca-cert-files\): holds no PEM certificate \(it holds a private key\)/);
  });
});

describe('collect: usage errors come before the database', () => {
  it.each([
    [['--first', '5', '--follow'], /--first cannot be combined with --follow/],
    [['--first', '10', '--last', '10'], /--last, --first and --all exclude each other/],
    [['--all', '--last', '5'], /--last, --first and --all exclude each other/],
  ])('%j', async (flags, message) => {
    const db = freshDb();
    expectOneLineError(await runCli(['collect', '--server', '127.0.0.1:1', ...flags, '--db', db]), db, 2, 'E_USAGE', message);
  });

  it('a port out of range is a usage error naming it; a missing port is named as dialled', async () => {
    const db = freshDb();
    expectOneLineError(await runCli(['collect', '--server', '127.0.0.1:99999', '--db', db]), db, 2, 'E_USAGE', /--server 127\.0\.0\.1:99999: port 99999 is not a port number/);
    const noPort = await runCli(['collect', '--server', '127.0.0.1', '--db', freshDb()]);
    expect(noPort.code).toBe(1);
    expect(noPort.stderr).toMatch(/Hubble at 127\.0\.0\.1:443/);
  });

  it('a server that is not there: the one error line, no summary of nothing, no database (QA: an empty one was created)', async () => {
    const db = freshDb();
    const r = await runCli(['collect', '--server', '127.0.0.1:1', '--db', db]);
    expectOneLineError(r, db, 1, 'E_HUBBLE_UNAVAILABLE', /cannot reach Hubble at 127\.0\.0\.1:1/);
    expect(r.stderr).not.toMatch(/collect summary/);
  });
});

describe('TLS failure hints', () => {
  it('a tls:// target that is down is not told to add --tls', async () => {
    const r = await runCli(['collect', '--server', 'tls://127.0.0.1:1', '--db', freshDb()]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/E_HUBBLE_UNAVAILABLE.*cannot reach Hubble at 127\.0\.0\.1:1/);
    expect(r.stderr).not.toMatch(/needs --tls/);
  });

  it('a plaintext server: told to drop TLS, whichever --tls* flag turned it on', async () => {
    const r = await replay([recording]);
    const c = await runCli(['collect', '--server', r.address, '--tls-allow-insecure', '--db', freshDb()]);
    expectOneLineError(c, undefined, 1, 'E_HUBBLE_TLS', /the server does not speak TLS: connect without TLS, that is without tls:\/\/ and every --tls\* flag/);
  });

  it('a client certificate from another CA: the server rejected the handshake', async () => {
    const r = await replay(['--tls-cert-file', pki.serverCert, '--tls-key-file', pki.serverKey, '--tls-client-ca-files', pki.ca, recording]);
    const c = await runCli(['collect', '--server', `tls://${r.address}`, '--tls-ca-cert-files', pki.ca,
      '--tls-client-cert-file', pki.otherCa, '--tls-client-key-file', join(dir, 'other-ca.key'), '--db', freshDb()]);
    expect(c.code).toBe(1);
    expect(c.stderr).toMatch(/flowpol: error \[E_HUBBLE_TLS\]: .*the server rejected the TLS handshake: most likely the client certificate/);
    expect(c.stderr).not.toMatch(/is it running/);
  });
});

describe('replay: TLS files are checked at start-up', () => {
  const replayTls = (flags: string[]) => runCli(['replay', '--listen', '127.0.0.1:0', ...flags, recording]);

  it('mismatched key, a junk certificate, junk client CAs: one line naming the file, no listening', async () => {
    const mismatch = await replayTls(['--tls-cert-file', pki.serverCert, '--tls-key-file', pki.clientKey]);
    expectOneLineError(mismatch, undefined, 1, 'E_TLS_FILE', /client\.key \(--tls-key-file\): is not the private key of --tls-cert-file \S*server\.crt/);
    const cert = await replayTls(['--tls-cert-file', junk, '--tls-key-file', pki.serverKey]);
    expectOneLineError(cert, undefined, 1, 'E_TLS_FILE', /junk\.pem \(--tls-cert-file\): holds no PEM certificate/);
    const ca = await replayTls(['--tls-cert-file', pki.serverCert, '--tls-key-file', pki.serverKey, '--tls-client-ca-files', junk]);
    expectOneLineError(ca, undefined, 1, 'E_TLS_FILE', /junk\.pem \(--tls-client-ca-files\): holds no PEM certificate/);
    for (const r of [mismatch, cert, ca]) expect(r.stderr).not.toMatch(/listening/);
  });
});

describe('replay: where it listens', () => {
  it('a port out of range is a usage error; a port in use is one line saying so, without grpc-js\'s own copy', async () => {
    const out = await runCli(['replay', '--listen', '127.0.0.1:70000', recording]);
    expectOneLineError(out, undefined, 2, 'E_USAGE', /--listen 127\.0\.0\.1:70000: port 70000 is not a port number \(0-65535/);
    const first = await replay([recording]);
    const busy = await runCli(['replay', '--listen', first.address, recording]);
    expectOneLineError(busy, undefined, 1, 'E_LISTEN', /cannot listen on 127\.0\.0\.1:\d+: the address is already in use/);
    expect(busy.stderr.split('\n').filter((l) => l !== '' && !l.startsWith('flowpol: '))).toEqual([]);
  });
});
