// The JSON fast path of policy files gives the same policies, lines and skipped objects as the
// YAML path, and hands everything it does not handle (YAML, duplicate keys, bad JSON) to it.
import { describe, expect, it } from 'vitest';
import { parseJsonDocument } from '../../../src/policy/json-document.js';
import { parsePolicyText } from '../../../src/policy/load.js';

const policy = (name: string) => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace: 'x' }, spec: { podSelector: {} } });
const list = { apiVersion: 'v1', kind: 'List', meta: { items: [1, 2] }, items: [policy('a'), { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' } }, policy('b')] };

describe('JSON policy documents', () => {
  it('finds the lines of a pretty-printed List\'s items, as the YAML path does', () => {
    const text = `\n${JSON.stringify(list, null, 2)}\n`;
    const json = parseJsonDocument(text);
    expect(json?.line).toBe(2);
    // Each item's opening brace; the nested meta.items list is not the List's items.
    expect(json?.itemLines).toEqual([12, 23, 30]);
    const r = parsePolicyText(text, 'l.json');
    const places = (loaded: typeof r) => loaded.policies.map(({ origin: { lineOf, ...at } }) => ({ ...at, metadata: lineOf?.(`${at.field ?? ''}.metadata`) }));
    expect(places(r)).toEqual([{ file: 'l.json', line: 12, field: 'items[0]', metadata: 15 }, { file: 'l.json', line: 30, field: 'items[2]', metadata: 33 }]);
    expect(r.skipped).toEqual([{ file: 'l.json', line: 23, kind: 'Service' }]);
    // The same document as YAML (a comment makes it one) reads the same.
    const yaml = parsePolicyText(`# yaml\n${JSON.stringify(list, null, 2)}\n`, 'l.json');
    expect({ ...yaml, policies: yaml.policies.map((p) => p.policy) }).toEqual({ ...r, policies: r.policies.map((p) => p.policy) });
    expect(places(yaml)).toEqual(places(r));
  });

  it('reads escaped keys and strings with brackets in them', () => {
    const json = parseJsonDocument('{"kind": "List", "x\\u0041": "[{,\\"]", "items": [\n{"a": "]"},\n {"b": 1}]}');
    expect(json?.value).toMatchObject({ kind: 'List', xA: '[{,"]' });
    expect(json?.itemLines).toEqual([2, 3]);
  });

  it('leaves YAML, several documents, duplicate keys and bad JSON to the YAML path', () => {
    expect(parseJsonDocument('kind: NetworkPolicy\n')).toBeUndefined();
    expect(parseJsonDocument('{"kind": "Pod"}\n---\n{"kind": "Pod"}\n')).toBeUndefined();
    expect(parseJsonDocument('{"kind": "Pod", "kind": "Pod"}')).toBeUndefined();
    expect(parseJsonDocument('{"kind": "Pod",}')).toBeUndefined();
    expect(() => parsePolicyText('{"kind": "NetworkPolicy", "kind": "NetworkPolicy"}', 'd.json')).toThrow(/^d\.json:1: not valid YAML\/JSON: Map keys must be unique/);
  });
});
