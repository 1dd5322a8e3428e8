import { describe, expect, it } from 'vitest';
import { runCli } from '../../support/cli.js';

describe('flowpol CLI shell', () => {
  it('prints help with the exit codes and exits 0', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: flowpol');
    expect(r.stdout).toContain('Exit codes: 0 ok, 1 failure, 2 usage error');
  });

  it('exits 2 on an unknown option and says so on stderr', async () => {
    const r = await runCli(['--no-such-flag']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain("unknown option '--no-such-flag'");
  });
});
