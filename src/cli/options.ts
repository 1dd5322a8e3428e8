// Flags shared by several commands, declared once so they read the same everywhere:
// --db, -n/--namespace + --all-namespaces, --since/--until, -o/--output.
import { InvalidArgumentError, Option } from 'commander';
import type { Command } from 'commander';
import { parseTimeArg } from '../collect/filter.js';
import { UsageError } from '../errors.js';

const DEFAULT_DB = 'flowpol.db';

export interface DbOptions { db: string }
export interface NamespaceOptions { namespace: string[]; allNamespaces?: boolean }
export interface TimeWindowOptions { since?: string; until?: string }

const TIME_FORMATS = 'RFC 3339 (2024-05-01T12:00:00Z), a date (2024-05-01) or a duration before now (90s, 1.5h, 1h30m, 3d)';

/** `--db <file>` (default flowpol.db). */
export function addDbOption(cmd: Command, what: string): Command {
  return cmd.option('--db <file>', `SQLite database ${what}`, DEFAULT_DB);
}

/** `-n/--namespace <ns>` (repeatable, comma lists allowed) and `--all-namespaces` (the default). */
export function addNamespaceOptions(cmd: Command, what: string): Command {
  return cmd
    .option('-n, --namespace <ns>', `only ${what} with either end in this namespace (repeatable, or a comma list)`, collectList, [] as string[])
    .option('--all-namespaces', `${what} in every namespace (the default; cannot be combined with -n)`);
}

/** `--since <time>` / `--until <time>`, both inclusive. */
export function addTimeWindowOptions(cmd: Command, what: string): Command {
  return cmd
    .option('--since <time>', `only ${what} at or after this time: ${TIME_FORMATS}`)
    .option('--until <time>', `only ${what} at or before this time (same formats)`);
}

/** `-o/--output <format>` with a fixed list of formats. */
export function addOutputOption(cmd: Command, formats: readonly string[], fallback: string): Command {
  return cmd.addOption(new Option('-o, --output <format>', 'output format').choices(formats).default(fallback));
}

/** A repeatable option's values, each kept whole (file names may hold commas). */
export const appendValue = (value: string, previous: string[] = []): string[] => [...previous, value];

/** Comma-separated, repeatable list flags (`-n a -n b,c` → [a, b, c]). */
export function collectList(value: string, previous: string[]): string[] {
  const items = value.split(',').map((v) => v.trim()).filter((v) => v !== '');
  // An empty value (`-n "$NS"` with NS unset) must not quietly mean "all" or "none".
  if (items.length === 0) throw new InvalidArgumentError('empty: give at least one name');
  return [...previous, ...items];
}

/** The namespaces to keep; [] means all. */
export function resolveNamespaces(opts: NamespaceOptions): string[] {
  if (opts.allNamespaces === true && opts.namespace.length > 0) {
    throw new UsageError('-n/--namespace and --all-namespaces cannot be combined; drop one of them');
  }
  return [...new Set(opts.namespace)].sort();
}

/** Parsed --since/--until in epoch ms; UsageError when since is after until. */
export function resolveTimeWindow(opts: TimeWindowOptions, now: number): { since?: number; until?: number } {
  const since = opts.since === undefined ? undefined : parseTimeArg(opts.since, now, '--since');
  const until = opts.until === undefined ? undefined : parseTimeArg(opts.until, now, '--until');
  if (since !== undefined && until !== undefined && since > until) {
    throw new UsageError(`--since (${opts.since}) is after --until (${opts.until}); swap them`);
  }
  return { ...(since === undefined ? {} : { since }), ...(until === undefined ? {} : { until }) };
}

/** An option parser for a whole number from min to max (commander reports a bad one as a usage error). */
export const integer = (min: number, max: number) => (value: string): number => {
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new InvalidArgumentError(`must be a whole number from ${min} to ${max}`);
  }
  return Number(value);
};
