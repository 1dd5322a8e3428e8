// Aligned text tables for CLI output (`flowpol edges`, `flowpol check`): every column but the
// last padded to its widest cell. Cells hold text from flows, so control characters and newlines
// are escaped (printableLine): they cannot drive the terminal or break a row. Widths are found
// with a loop, not Math.max(...cells): spreading a column of 100k+ rows as arguments overflows
// the call stack.
import { printableLine } from '../printable.js';

/** The header and rows as lines joined by two spaces, each ending in a newline. */
export function alignedTable(header: readonly string[], table: readonly (readonly string[])[]): string {
  const rows = table.map((row) => row.map(printableLine));
  const widths = header.map((h) => h.length);
  for (const row of rows) {
    for (let i = 0; i < widths.length; i++) {
      const n = (row[i] ?? '').length;
      if (n > (widths[i] ?? 0)) widths[i] = n;
    }
  }
  const last = header.length - 1;
  const line = (cells: readonly string[]): string => cells.map((c, i) => (i === last ? c : c.padEnd(widths[i] ?? 0))).join('  ');
  let out = `${line(header)}\n`;
  for (const row of rows) out += `${line(row)}\n`;
  return out;
}
