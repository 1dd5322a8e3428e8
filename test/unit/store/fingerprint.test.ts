import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fingerprintFile, fingerprintPrefix } from '../../../src/store/fingerprint.js';

const MIB = 1024 * 1024;
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'flowpol-fp-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, bytes: Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

describe('fingerprintFile', () => {
  it('is the same for the same bytes under another name, and differs when content or size differ', async () => {
    const a = await fingerprintFile(file('a.json', Buffer.from('{"flow":{}}\n')));
    expect(a).toEqual({ size: 12, fingerprint: expect.stringMatching(/^v1:12:[0-9a-f]{64}:[0-9a-f]{64}$/) });
    expect(await fingerprintFile(file('b.json', Buffer.from('{"flow":{}}\n')))).toEqual(a);
    expect((await fingerprintFile(file('c.json', Buffer.from('{"flow":{ }}\n')))).fingerprint).not.toBe(a.fingerprint);
    expect((await fingerprintFile(file('d.json', Buffer.from('{"flow":{}}\n\n')))).fingerprint).not.toBe(a.fingerprint);
  });

  it('reads only the first and last MiB of a large file (documented: the middle is not hashed)', async () => {
    const big = Buffer.alloc(3 * MIB, 0x61);
    const base = await fingerprintFile(file('big.json', big));
    const middle = Buffer.from(big);
    middle[Math.floor(1.5 * MIB)] = 0x62;
    expect((await fingerprintFile(file('middle.json', middle))).fingerprint).toBe(base.fingerprint);
    const tail = Buffer.from(big);
    tail[3 * MIB - 10] = 0x62;
    expect((await fingerprintFile(file('tail.json', tail))).fingerprint).not.toBe(base.fingerprint);
    const head = Buffer.from(big);
    head[10] = 0x62;
    expect((await fingerprintFile(file('head.json', head))).fingerprint).not.toBe(base.fingerprint);
  });
});

describe('fingerprintPrefix (a file that grew) and empty files', () => {
  it('the first bytes of a grown file fingerprint as the file did then, small or over 2 MiB', async () => {
    for (const [name, size] of [['small', 100], ['large', 3 * MIB + 5]] as const) {
      const before = Buffer.alloc(size, 'a');
      before.write('x', size - 1); // the old end differs from what follows
      const path = file(`${name}.json`, before);
      const then = await fingerprintFile(path);
      writeFileSync(path, Buffer.concat([before, Buffer.from('{"flow":{}}\n')]));
      expect(await fingerprintPrefix(path, size)).toBe(then.fingerprint);
      expect(await fingerprintPrefix(path, size - 1)).not.toBe(then.fingerprint);
      expect((await fingerprintFile(path)).fingerprint).not.toBe(then.fingerprint);
    }
  });

  it('a file shorter than the size asked has no prefix fingerprint; an empty file none at all', async () => {
    expect(await fingerprintPrefix(file('short.json', Buffer.from('{}\n')), 10)).toBeUndefined();
    const whole = file('whole.json', Buffer.from('{}\n'));
    expect(await fingerprintPrefix(whole, 3)).toBe((await fingerprintFile(whole)).fingerprint); // as long as asked: all of it
    expect(await fingerprintFile(file('empty.json', Buffer.alloc(0)))).toEqual({ size: 0 });
  });
});
