// Deterministic order for everything flowpol writes: strings by UTF-16 code unit (what `sort()`
// with no comparator does), independent of locale. Imports nothing, like model.ts.

/** Comparator for code-unit order of two strings. */
export const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** A copy of `r` with its keys in code-unit order (JSON text and labels come out the same every time). */
export function sortedRecord<T>(r: Readonly<Record<string, T>>): Record<string, T> {
  return Object.fromEntries(Object.entries(r).sort(([a], [b]) => compareText(a, b)));
}
