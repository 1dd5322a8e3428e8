import { describe, expect, it } from 'vitest';
import { printable, printableLine } from '../../src/printable.js';

describe('printable', () => {
  it('writes ESC, BEL and the OSC/CSI of a hostile record as visible escapes', () => {
    expect(printable('hello \u001b[31mRED\u001b[0m \u001b]0;pwned\u0007 world')).toBe('hello \\x1b[31mRED\\x1b[0m \\x1b]0;pwned\\x07 world');
  });

  it('escapes every C0 control but tab and newline, DEL and every C1 control', () => {
    const controls = [...Array(0x20).keys(), 0x7f, ...Array.from({ length: 0x20 }, (_, i) => 0x80 + i)]
      .filter((c) => c !== 0x09 && c !== 0x0a);
    for (const c of controls) {
      const out = printable(`a${String.fromCharCode(c)}b`);
      expect(out, `U+${c.toString(16)}`).toMatch(/^a\\(x[0-9a-f]{2}|u00[89][0-9a-f])b$/);
      expect(out).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    }
    expect(printable('\r\u007f\u009b\u0085')).toBe('\\x0d\\x7f\\u009b\\u0085');
  });

  it('keeps tab, newline and printable text, including non-ASCII and the replacement character', () => {
    const text = 'file\tline 3\nnamespace "café" — 名前 \ufffd\u00a0end';
    expect(printable(text)).toBe(text);
  });

  it('printableLine also keeps text on one line: a newline becomes \\n', () => {
    expect(printableLine('ns x\nkind: Secret\t\u001b')).toBe('ns x\\nkind: Secret\t\\x1b');
  });
});
