import { describe, expect, it } from 'vitest';
import { alignedTable } from '../../../src/cli/table.js';

describe('alignedTable', () => {
  it('pads every column but the last to its widest cell', () => {
    expect(alignedTable(['A', 'BB', 'C'], [['xxx', 'y', 'last column'], ['x', 'yyyy', '']])).toBe(
      'A    BB    C\nxxx  y     last column\nx    yyyy  \n',
    );
  });

  it('renders hundreds of thousands of rows (no argument spread of a column)', () => {
    const rows = Array.from({ length: 300_000 }, (_, i) => [String(i), 'b', 'c']);
    const out = alignedTable(['N', 'B', 'C'], rows);
    expect(out.split('\n')).toHaveLength(300_002);
    expect(out.startsWith('N       B  C\n0       b  c\n')).toBe(true);
  });
});
