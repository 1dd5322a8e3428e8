#!/usr/bin/env node
// `npm run demo`: the whole pipeline on a bundled recording, with the embedded SQLite database.
// Each step is the built CLI run exactly as a user would type it.
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = 'demo-output';
rmSync(`${root}/${out}`, { recursive: true, force: true });
mkdirSync(`${root}/${out}`, { recursive: true });

/** @type {string[][]} */
const steps = [
  ['--version'],
  ['collect', '--input-file', 'recorded-flows/', '--db', `${out}/flowpol.db`],
  ['edges', '--db', `${out}/flowpol.db`, '-n', 'bookinfo'],
  ['generate', '--db', `${out}/flowpol.db`, '-n', 'bookinfo', '--out-dir', `${out}/policies`],
  ['generate', '--db', `${out}/flowpol.db`, '--always-dns', '-o', 'json', '--out-dir', `${out}/policies-json`],
  // flowpol generate with a cluster snapshot: owners' selectors, a host-network DaemonSet, named ports.
  ['collect', '--input-file', 'test/integration/generate/fixtures/shop.jsonl', '--db', `${out}/shop.db`],
  ['generate', '--db', `${out}/shop.db`, '--inventory', 'test/golden/generate/shop-world.yaml', '--named-ports', '--out-dir', `${out}/shop-policies`],
  ['check', 'test/worlds/seed-three-tier.json'],
  // flowpol report: the seed three-tier scenario (web -> api -> db, prometheus, DNS), three ways
  // (--offline: the same output even where a kubeconfig would connect the report to a cluster).
  ['collect', '--input-file', 'test/integration/report/fixtures/seed-three-tier.jsonl', '--db', `${out}/seed.db`],
  ['report', '--db', `${out}/seed.db`, '--offline', '--default-deny', 'all'],
  ['report', '--db', `${out}/seed.db`, '--offline', '--default-deny', 'all', '--proposed', 'generated', '--world-out', `${out}/seed-world.json`],
  ['check', `${out}/seed-world.json`, '-o', 'json'],
  ['report', '--db', `${out}/seed.db`, '--offline', '--existing', 'test/integration/report/fixtures/api-too-narrow.yaml', '-o', 'markdown'],
  // ... and with its cluster (a snapshot from `flowpol inventory`): named ports resolve, a silent CronJob.
  ['report', '--db', `${out}/seed.db`, '--inventory', 'test/integration/report/fixtures/seed-inventory.yaml', '--world-out', `${out}/seed-cluster-world.json`],
  ['check', `${out}/seed-cluster-world.json`, '-o', 'json'],
];

for (const args of steps) {
  process.stdout.write(`\n$ flowpol ${args.join(' ')}\n`);
  const r = spawnSync(process.execPath, ['bin/flowpol.js', ...args], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    process.stderr.write(`demo: step failed (exit ${r.status}): flowpol ${args.join(' ')}\n`);
    process.exit(r.status ?? 1);
  }
}
