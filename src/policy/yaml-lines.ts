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
  /** The documents with content, each with the line it starts on (in order), once asked. */
  let parsed: { docs: { doc: Document.Parsed; start: number }[]; lines: LineCounter } | undefined;
  return (line, field) => {
    if (parsed === undefined) {
      const lines = new LineCounter();
      const docs = (parseAllDocuments(text, { lineCounter: lines }) as Document.Parsed[]).filter((d) => d.contents !== null);
      parsed = { docs: docs.map((doc) => ({ doc, start: lines.linePos(doc.contents?.range?.[0] ?? 0).line })), lines };
    }
    const { docs, lines } = parsed;
    const found = docs.filter((d) => d.start <= line).at(-1);
    return found === undefined ? undefined : lineOfPath(found.doc, pathSegments(field), lines);
  };
}
