// A kubeconfig whose server URL carries `user:password@`: the password never reaches stderr, the
// snapshot or an error message (the mode line and errors name the server without it).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runCli } from '../../support/cli.js';
import { startFakeKubeApi, writeKubeconfig, type FakeKubeApi } from '../../support/fake-kube-api.js';
import { fixtureData } from './fixture.js';

const TOKEN = 'url-creds-token-77';
const PASSWORD = 'hunter2pass';
let api: FakeKubeApi;
let dir: string;
beforeAll(async () => {
  api = await startFakeKubeApi({ data: fixtureData(), token: TOKEN });
  dir = mkdtempSync(join(tmpdir(), 'flowpol-k8s-creds-'));
});
afterAll(async () => {
  await api.close();
  rmSync(dir, { recursive: true, force: true });
});

const env = (): NodeJS.ProcessEnv => ({ HOME: join(dir, 'home'), KUBECONFIG: '', KUBERNETES_SERVICE_HOST: '' });
const withUser = (url: string): string => url.replace('://', `://admin:${PASSWORD}@`);

it('live: the mode line names the server with its credentials masked, and nothing carries the password', async () => {
  const kubeconfig = writeKubeconfig(join(dir, 'live'), withUser(api.url), TOKEN);
  const r = await runCli(['inventory', '--kubeconfig', kubeconfig], { env: env() });
  expect(r.code, r.stderr).toBe(0);
  expect(r.stderr).toContain(`(${api.url.replace('://', '://***@')})`);
  expect(r.stderr + r.stdout).not.toContain(PASSWORD);
});

it('unreachable: the one error line names the server without the password', async () => {
  const kubeconfig = writeKubeconfig(join(dir, 'down'), `http://admin:${PASSWORD}@127.0.0.1:1`, TOKEN);
  const r = await runCli(['inventory', '--kubeconfig', kubeconfig], { env: env() });
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(/E_K8S_UNREACHABLE.*http:\/\/\*\*\*@127\.0\.0\.1:1/);
  expect(r.stderr).not.toContain(PASSWORD);
});
