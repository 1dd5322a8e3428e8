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

  it('exits 2 on an empty list value, which must not quietly mean every namespace or none (`--default-deny "$NS"` with NS unset)', async () => {
    for (const args of [['report', '--default-deny', ''], ['report', '--default-deny', ' , '], ['edges', '-n', ''], ['generate', '-n', ''], ['collect', '--keep-labels', '']]) {
      const r = await runCli([...args, '--db', '/nonexistent/flowpol.db']);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toContain(`option '${args[1] === '-n' ? '-n, --namespace <ns>' : args[1]}`);
      expect(r.stderr).toContain('is invalid. empty: give at least one name');
    }
  });
});
