// --world-out with silent pods (in process): they join the world's pods under their own names,
// renamed `-2`, `-3` … only where a workload pod of the world holds the name, sorted, without
// probes; and the world still parses and every probe is decided as the report did.
import { describe, expect, it } from 'vitest';
import type { Pod } from '../../../src/model.js';
import { parseWorld, runProbes } from '../../../src/policy/world-file.js';
import { buildBreakageReport } from '../../../src/report/breakage.js';
import { reportWorld } from '../../../src/report/world-out.js';
import { FORGETS_DNS, SEED_EDGES, SEED_NAMESPACES } from './seed-edges.js';

const result = buildBreakageReport(
  { edges: SEED_EDGES, namespaces: SEED_NAMESPACES, existing: FORGETS_DNS, proposed: [], observation: { lostEvents: 0 } },
  { defaultDeny: { kind: 'all' }, direction: 'both' },
);

const pod = (namespace: string, name: string, labels: Record<string, string>): Pod => ({ namespace, name, labels, ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] });

describe('reportWorld with silent pods', () => {
  it('adds them under their own names, renaming only on a clash with a workload pod, sorted, in no probe', () => {
    const silent = [pod('production', 'backup-7xq2m', { app: 'backup' }), pod('production', 'frontend', { app: 'frontend-canary' }), pod('production', 'frontend-2', { app: 'x' })];
    const doc = reportWorld(result, 'seed', silent);
    const world = parseWorld(JSON.stringify(doc), 'world.json');
    const production = world.pods.filter((p) => p.namespace === 'production');
    expect(production.map((p) => `${p.name} ${p.labels.app}`)).toEqual([
      'api-server api-server', 'backup-7xq2m backup', 'frontend frontend', 'frontend-2 x', 'frontend-3 frontend-canary', 'postgres postgres',
    ]);
    expect(production.find((p) => p.name === 'backup-7xq2m')?.ports).toEqual([{ name: 'http', port: 8080, protocol: 'TCP' }]);
    const silentNames = new Set(['production/backup-7xq2m', 'production/frontend-2', 'production/frontend-3']);
    expect(world.probes.filter((p) => silentNames.has(p.from) || silentNames.has(p.to))).toEqual([]);
    expect(world.probes.length).toBe((reportWorld(result, 'seed').probes as unknown[]).length);
    expect(runProbes(world).filter((r) => r.verdict.decision !== r.expected)).toEqual([]);
    expect(silent[1]?.name).toBe('frontend'); // the caller's pods are not renamed in place
  });

  it('without silent pods the world is the one built from edges alone', () => {
    const alone = reportWorld(result, 'seed');
    expect(reportWorld(result, 'seed', [])).toEqual(alone);
    expect(alone.note).not.toContain('silent');
  });
});
