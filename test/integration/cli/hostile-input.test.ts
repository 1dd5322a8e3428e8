// Hostile input must not reach the terminal raw: an ESC/OSC/BEL in a flow file, or in an argument,
// is shown as a visible escape in every error and summary flowpol prints.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'flowpol-hostile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** C0 controls but tab and newline, DEL, C1 controls: what a terminal acts on. */
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

describe('terminal escape sequences in input', () => {
  it('a flow file with ESC, OSC and BEL: the error and the summary show them escaped', async () => {
    const file = join(dir, 'x.json');
    writeFileSync(file, 'hello \u001b[31mRED\u001b[0m \u001b]0;pwned\u0007 world\n');
    const r = await runCli(['collect', '--input-file', file, '--db', join(dir, 't.db')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`flowpol: error [E_INPUT]: ${file}:1: expected a JSON object, found 'hello \\x1b[31mRED\\x1b[0m \\x1b]0;pwned\\x07 world'`);
    expect(r.stderr).toContain('rolled-back'); // the summary quotes the same reason, escaped too
    expect(r.stderr).not.toMatch(RAW_CONTROL);
  });

  it('a file name with an escape sequence, echoed in the summary', async () => {
    const file = join(dir, 'evil\u001b]0;pwned\u0007.json');
    writeFileSync(file, '{"flow":{"time":"2024-01-01T00:00:00Z"}}\n');
    const r = await runCli(['collect', '--input-file', file, '--db', join(dir, 'names.db')]);
    expect(r.stderr).toContain('evil\\x1b]0;pwned\\x07.json');
    expect(r.stderr).not.toMatch(RAW_CONTROL);
  });

  it('a policy file object whose kind holds an escape sequence: the skipped-object warning shows it escaped', async () => {
    const file = join(dir, 'not-a-policy.json');
    writeFileSync(file, JSON.stringify({ apiVersion: 'v1', kind: 'Evil\u001b]0;pwned\u0007', metadata: { name: 'x' } }));
    const r = await runCli(['check', 'test/worlds/seed-three-tier.json', '--policies', file]);
    expect(r.stderr).toContain(`flowpol: ${file}:1: skipped a Evil\\x1b]0;pwned\\x07 (not a NetworkPolicy)`);
    expect(r.stderr).not.toMatch(RAW_CONTROL);
  });

  it("commander's own errors escape the argument they echo", async () => {
    const r = await runCli(['collect', '--bad\u001b[31m']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown option '--bad\\x1b[31m'");
    expect(r.stderr).not.toMatch(RAW_CONTROL);
  });
});
