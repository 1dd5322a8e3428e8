// The --world-out promise, as both report suites check it: `flowpol check` on the world a report
// wrote passes one probe per edge the report evaluated (but those whose other end has no pod and
// no address: the world cannot hold that end).
import { expect } from 'vitest';
import { runCli } from '../../support/cli.js';

type Totals = Record<string, { edges: number } | undefined>;
interface Listed { status: string; gaps?: { kind: string }[] }

/** `report` ran with `-o json --world-out world`: its probes all pass, one per evaluated edge. */
export async function expectCheckAgrees(report: { stdout: string; stderr: string }, world: string): Promise<void> {
  const { totals, edges } = JSON.parse(report.stdout) as { totals: Totals; edges: Listed[] };
  const unaddressed = edges.filter((e) => e.gaps?.some((g) => g.kind === 'peer-unaddressed') === true).length;
  const evaluated = (totals.breaks?.edges ?? 0) + (totals.dropped?.edges ?? 0) + (totals.allowed?.edges ?? 0) - unaddressed;
  expect(report.stderr).toContain(`(${evaluated} probes)`);
  const check = await runCli(['check', world]);
  expect(check.code, check.stdout).toBe(0);
  expect(check.stdout).toContain(`${evaluated} passed, 0 failed`);
}
