// Where a JSON path is in a parsed YAML/JSON document: the line of its node, or of its deepest
// ancestor that exists (a missing field is reported where it should have been).
import type { Document, LineCounter } from 'yaml';

export function lineOfPath(doc: Document.Parsed, path: readonly (string | number)[], lines: LineCounter): number | undefined {
  for (let n = path.length; n >= 0; n--) {
    const node = doc.getIn(path.slice(0, n), true) as { range?: [number, number, number] } | undefined;
    if (node?.range !== undefined) return lines.linePos(node.range[0]).line;
  }
  return undefined;
}
