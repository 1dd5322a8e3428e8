// Typed reads of protojson fields. Every getter accepts the proto name (`destination_port`, what
// the Hubble CLI/exporter write) and the lowerCamelCase JSON name (`destinationPort`, grpcurl,
// protobuf-es), treats null/absent as absent, and throws an InputError naming the field path
// when the value has the wrong type. The reader fills in file and line.
import { InputError } from '../errors.js';

export type JsonObject = Record<string, unknown>;

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The value under either spelling, or undefined. */
export function pick(o: JsonObject, snake: string, camel: string): unknown {
  const v = o[snake];
  if (v !== undefined && v !== null) return v;
  const w = o[camel];
  return w === null ? undefined : w;
}

export function fieldError(path: string, key: string, reason: string): InputError {
  return new InputError({ file: '', field: path === '' ? key : `${path}.${key}` }, reason);
}

export function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 30 ? `${v.slice(0, 30)}…` : v)}`;
  return typeof v === 'object' ? 'an object' : `${typeof v} ${String(v)}`;
}

export function optString(o: JsonObject, snake: string, camel: string, path: string): string | undefined {
  const v = pick(o, snake, camel);
  if (v === undefined || typeof v === 'string') return v === '' ? undefined : v;
  throw fieldError(path, snake, `expected a string, found ${typeName(v)}`);
}

export function optBool(o: JsonObject, snake: string, camel: string, path: string): boolean | undefined {
  const v = pick(o, snake, camel);
  if (v === undefined || typeof v === 'boolean') return v;
  throw fieldError(path, snake, `expected true or false, found ${typeName(v)}`);
}

/** A 32-bit unsigned protobuf integer (JSON number; protojson also accepts a decimal string). */
export function optUint(o: JsonObject, snake: string, camel: string, path: string, max = 0xffffffff): number | undefined {
  const v = pick(o, snake, camel);
  if (v === undefined) return undefined;
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : Number.NaN;
  if (Number.isInteger(n) && n >= 0 && n <= max) return n;
  throw fieldError(path, snake, `expected an integer from 0 to ${max}, found ${typeName(v)}`);
}

/** A signed 32-bit protobuf integer. */
export function optInt(o: JsonObject, snake: string, camel: string, path: string): number | undefined {
  const v = pick(o, snake, camel);
  if (v === undefined) return undefined;
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : Number.NaN;
  if (Number.isInteger(n)) return n;
  throw fieldError(path, snake, `expected an integer, found ${typeName(v)}`);
}

/** A 64-bit protobuf integer: protojson writes it as a decimal string. */
export function optUint64(o: JsonObject, snake: string, camel: string, path: string): number | undefined {
  return optUint(o, snake, camel, path, Number.MAX_SAFE_INTEGER);
}

export function optObject(o: JsonObject, snake: string, camel: string, path: string): JsonObject | undefined {
  const v = pick(o, snake, camel);
  if (v === undefined || isObject(v)) return v;
  throw fieldError(path, snake, `expected an object, found ${typeName(v)}`);
}

export function stringList(o: JsonObject, snake: string, camel: string, path: string): string[] {
  const v = pick(o, snake, camel);
  if (v === undefined) return [];
  if (Array.isArray(v)) {
    let ok = true;
    for (const item of v) if (typeof item !== 'string') ok = false;
    if (ok) return v as string[];
  }
  throw fieldError(path, snake, `expected a list of strings, found ${typeName(v)}`);
}

export function objectList(o: JsonObject, snake: string, camel: string, path: string): JsonObject[] {
  const v = pick(o, snake, camel);
  if (v === undefined) return [];
  if (Array.isArray(v) && v.every(isObject)) return v;
  throw fieldError(path, snake, `expected a list of objects, found ${typeName(v)}`);
}

/**
 * A protobuf enum: protojson writes the value name; a number is accepted too and looked up in
 * `names` (index = enum number). Names outside `names` (newer Hubble) map to `fallback`.
 */
export function optEnum<T extends string>(
  o: JsonObject, snake: string, camel: string, path: string, names: readonly T[], fallback: T | undefined,
): T | undefined {
  const v = pick(o, snake, camel);
  if (v === undefined) return undefined;
  if (typeof v === 'string') return (names as readonly string[]).includes(v) ? (v as T) : fallback;
  if (typeof v === 'number' && Number.isInteger(v)) return names[v] ?? fallback;
  throw fieldError(path, snake, `expected an enum name, found ${typeName(v)}`);
}
