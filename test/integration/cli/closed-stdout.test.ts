// `flowpol edges | head`: the reader closes the pipe early; flowpol must stop quietly, not crash.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, runCli } from '../../support/cli.js';
import { writeFlowFile } from '../../support/flow-generator.js';

const dir = mkdtempSync(join(tmpdir(), 'flowpol-epipe-'));
const db = join(dir, 'flows.db');

beforeAll(async () => {
  const flows = join(dir, 'flows.jsonl');
  await writeFlowFile(flows, { seed: 7, flows: 40_000, namespaces: 20 });
  const r = await runCli(['collect', '--input-file', flows, '--db', db]);
  expect(r.code, r.stderr).toBe(0);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('stdout closed by the reader', () => {
  it('stops with exit 0 and nothing on stderr once the pipe is gone', async () => {
    const child = spawn(process.execPath, ['bin/flowpol.js', 'edges', '--db', db, '-o', 'json'], { cwd: REPO_ROOT });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => { stderr += b.toString(); });
    let first = 0;
    // Take the first chunk, then close our end, as `head -c` does.
    child.stdout.once('data', (b: Buffer) => { first = b.length; child.stdout.destroy(); });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(first).toBeGreaterThan(0);
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });
});
