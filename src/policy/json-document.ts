// The fast path for policy files that are one JSON object (what `kubectl get -o json` writes):
// JSON.parse for the value, and one scan of the text for the lines the YAML path reports (the
// object's, and each item's of its top-level `items` list). Anything else (YAML, several
// documents, duplicate keys, a syntax error) gives undefined, and the YAML path decides and
// reports. A 2,000-policy List parses in milliseconds instead of about a second.

export interface JsonDocument { value: unknown; line: number; itemLines: number[] }

type Container = { kind: 'object'; keys: Set<string>; expectKey: boolean } | { kind: 'array'; items: boolean };

const SPACE = new Set([0x20, 0x09, 0x0d]);

export function parseJsonDocument(text: string): JsonDocument | undefined {
  let start = 0;
  while (start < text.length && (SPACE.has(text.charCodeAt(start)) || text.charCodeAt(start) === 0x0a)) start++;
  if (text.charCodeAt(start) !== 0x7b /* { */) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const lines = scanLines(text, start);
  return lines === undefined ? undefined : { value, ...lines };
}

/** Lines (1-based) of the root object and of each top-level `items` element; undefined on a duplicate key (a YAML error). */
function scanLines(text: string, start: number): { line: number; itemLines: number[] } | undefined {
  let line = 1;
  for (let i = 0; i < start; i++) if (text.charCodeAt(i) === 0x0a) line++;
  const root = line;
  const itemLines: number[] = [];
  const stack: Container[] = [];
  let rootKey = '';
  let expectItem = false;
  for (let i = start; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 0x0a) line++;
    if (ch === 0x0a || SPACE.has(ch)) continue;
    if (expectItem && ch !== 0x5d /* ] */) itemLines.push(line);
    expectItem = false;
    const top = stack[stack.length - 1];
    if (ch === 0x22 /* " */) {
      let end = i + 1;
      let escaped = false;
      for (; end < text.length && text.charCodeAt(end) !== 0x22; end++) {
        if (text.charCodeAt(end) === 0x5c /* \ */) {
          end++;
          escaped = true;
        }
      }
      if (top?.kind === 'object' && top.expectKey) {
        const key = escaped ? (JSON.parse(text.slice(i, end + 1)) as string) : text.slice(i + 1, end);
        if (top.keys.has(key)) return undefined;
        top.keys.add(key);
        if (stack.length === 1) rootKey = key;
      }
      i = end;
      continue;
    }
    switch (ch) {
      case 0x7b /* { */:
        stack.push({ kind: 'object', keys: new Set(), expectKey: true });
        break;
      case 0x5b /* [ */: {
        const items = stack.length === 1 && rootKey === 'items';
        stack.push({ kind: 'array', items });
        expectItem = items;
        break;
      }
      case 0x7d /* } */:
      case 0x5d /* ] */:
        stack.pop();
        break;
      case 0x3a /* : */:
        if (top?.kind === 'object') top.expectKey = false;
        break;
      case 0x2c /* , */:
        if (top?.kind === 'object') top.expectKey = true;
        else expectItem = top?.items === true;
        break;
    }
  }
  return { line: root, itemLines };
}
