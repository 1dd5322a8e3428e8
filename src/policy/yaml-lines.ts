// Where a JSON path is in a parsed YAML/JSON document: the line of its node, or of its deepest
// ancestor that exists (a missing field is reported where it should have been).
import { LineCounter, parseAllDocuments, type Document } from 'yaml';

export function lineOfPath(doc: Document.Parsed, path: readonly (string | number)[], lines: LineCounter): number | undefined {
  for (let n = path.length; n >= 0; n--) {
    const node = doc.getIn(path.slice(0, n), true) as { range?: [number, number, number] } | undefined;
    if (node?.range !== undefined) return lines.linePos(node.range[0]).line;
  }
  return undefined;
}

/** The line of a field in the document that starts on a line (see fieldLines). */
export type FieldLines = (line: number, field: string) => number | undefined;

/** `items[0].spec.ports[1].port` → ['items', 0, 'spec', 'ports', 1, 'port']. */
export function pathSegments(field: string): (string | number)[] {
  return field.split('.').filter((s) => s !== '').flatMap((part) => {
    const [head = '', ...indexes] = part.split('[');
    return [...(head === '' ? [] : [head]), ...indexes.map((i) => Number(i.replace(']', '')))];
  });
}

/**
 * For one file's text: the line of a field (a JSON path such as `items[1].spec.ingress[0]`) in
 * the document that starts on `line` or the nearest before it, or of its nearest ancestor the
 * parser placed; undefined when the text gives no position. The text (YAML or JSON) is parsed
 * on the first question only: a valid file never pays for it.
 */
export function fieldLines(text: string): FieldLines {
  let parsed: { docs: Document.Parsed[]; lines: LineCounter } | undefined;
  return (line, field) => {
    if (parsed === undefined) {
      const lines = new LineCounter();
      parsed = { docs: parseAllDocuments(text, { lineCounter: lines }) as Document.Parsed[], lines };
    }
    const { docs, lines } = parsed;
    const startOf = (d: Document.Parsed): number => lines.linePos(d.contents?.range?.[0] ?? 0).line;
    const doc = docs.filter((d) => d.contents !== null && startOf(d) <= line).at(-1);
    return doc === undefined ? undefined : lineOfPath(doc, pathSegments(field), lines);
  };
}
