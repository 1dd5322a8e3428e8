// Deterministic order for everything flowpol writes: strings by UTF-16 code unit (what `sort()`
// with no comparator does), independent of locale; and equality of string lists in order.
// Imports nothing, like model.ts.

/** Comparator for code-unit order of two strings. */
export const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** A copy of `r` with its keys in code-unit order (JSON text and labels come out the same every time). */
export function sortedRecord<T>(r: Readonly<Record<string, T>>): Record<string, T> {
  return Object.fromEntries(Object.entries(r).sort(([a], [b]) => compareText(a, b)));
}

/** The same strings in the same order. */
export function sameStrings(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
