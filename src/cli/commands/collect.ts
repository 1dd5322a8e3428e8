// `flowpol collect`: read flows into the database. Sources plug in as IngestUnits: recorded
// files/stdin here; a live gRPC source adds its own unit the same way.
import { expandInputs } from '../../collect/inputs.js';
import { fileUnits } from '../../collect/file-units.js';
import { stat } from 'node:fs/promises';
import { setFlagsFromString } from 'node:v8';
import { availableParallelism } from 'node:os';
import { InvalidArgumentError } from 'commander';
import { ParsePool } from '../../collect/parse-pool.js';
import { OperationalError, UsageError } from '../../errors.js';
import type { InputError } from '../../errors.js';
import { VOLATILE_LABEL_RULES, withLabelOverrides } from '../../identity/labels.js';
import { type CollectResult, collect, newCollectResult } from '../../collect-pipeline.js';
import { openDatabase, type Database } from '../../store/database.js';
import { loadIngestSummary, type IngestSummary } from '../../store/summary.js';
import type { Register } from './index.js';
import { printable } from '../../printable.js';
import { addDbOption, addNamespaceOptions, addTimeWindowOptions, collectList, integer, resolveNamespaces, resolveTimeWindow } from '../options.js';
import type { DbOptions, NamespaceOptions, TimeWindowOptions } from '../options.js';
import { formatSummary, startProgress } from '../progress.js';
import { addHubbleOptions, hubbleClient, hubbleConnectOptions, hubbleQuery, hubbleUnits } from '../hubble-options.js';
import type { HubbleFlags } from '../hubble-options.js';
import { addFlowSelectionOptions, flowFilterFrom, type FlowSelectionFlags } from '../flow-selection-options.js';

interface CollectFlags extends DbOptions, NamespaceOptions, TimeWindowOptions, HubbleFlags, FlowSelectionFlags {
  inputFile?: string[];
  skipInvalid?: boolean;
  force?: boolean;
  dropLabels: string[];
  keepLabels: string[];
  workers?: number | 'auto';
  rememberConnections: number;
}

const MAX_INVALID_WARNINGS = 20;
const MAX_WORKERS = 64;
/**
 * `auto` uses threads from this much input (files; measured on 2 cores with one thread: 67 MB
 * read slower, 253 MB 9 % faster, 1.6 GB 30 %): below it they cost more to start than they save.
 */
const AUTO_FROM_BYTES = 256 * 1024 * 1024;

/**
 * The parse threads for `files` (none for stdin), loaded before the first chunk (else it is parsed
 * while they load): as many as asked, or with `auto` one less than the cores for large inputs.
 */
async function parseThreads(workers: number | 'auto', files: readonly string[]): Promise<ParsePool | undefined> {
  const count = workers === 'auto' ? Math.min(MAX_WORKERS, availableParallelism() - 1) : workers;
  const paths = files.filter((f) => f !== '-');
  if (count <= 0 || paths.length === 0) return undefined;
  if (workers === 'auto') {
    let bytes = 0;
    for (const file of paths) bytes += (await stat(file).catch(() => undefined))?.size ?? 0; // reading it will say what is wrong
    if (bytes < AUTO_FROM_BYTES) return undefined;
  }
  const pool = new ParsePool(count);
  await pool.ready();
  return pool;
}

/** --workers: a count, or `auto` (see parseThreads). */
function parseWorkers(value: string): number | 'auto' {
  if (value === 'auto') return value;
  if (!/^\d+$/.test(value) || Number(value) > MAX_WORKERS) throw new InvalidArgumentError(`must be auto or a whole number from 0 to ${MAX_WORKERS}`);
  return Number(value);
}

export const registerCollect: Register = (command) => {
  const cmd = command('collect').description(
    'Read Hubble flows and add what they show to the database: edges between label identities, ' +
      'counted per hour and per observed verdict. Repeated runs add up; a file already ingested is skipped.',
  );
  cmd.option('--input-file <file...>', 'recorded flows: files, directories (*.json, *.jsonl, *.ndjson, *.log, .gz; recursive) or - for stdin');
  addHubbleOptions(cmd);
  addDbOption(cmd, 'to write (created when missing)');
  addTimeWindowOptions(cmd, 'flows');
  addNamespaceOptions(cmd, 'flows');
  addFlowSelectionOptions(cmd);
  cmd
    .option('--skip-invalid', 'skip malformed records (each is reported on stderr and counted) instead of failing')
    .option('--force', 'ingest files whose content was already ingested, replacing what they added before')
    .option('--drop-labels <keys>', 'also drop these pod label keys from identities (comma list; a trailing * matches a prefix)', collectList, [] as string[])
    .option('--workers <n|auto>', 'parse recorded files on n more threads (default 0: all on one; auto: one less than the cores, for 256 MiB of files or more); the result is the same, only faster on large inputs', parseWorkers)
    .option('--remember-connections <n>', 'connections remembered however long ago, so that another node\'s export, read next, folds its copies of them (1 to 10000000, about 0.4 KB each; the summary says when forgotten ones counted again)', integer(1, 10_000_000), 20_000)
    .option('--keep-labels <keys>', 'keep these label keys although a rule below drops them (comma list; a trailing * matches a prefix); never the namespace or Cilium\'s io.cilium.k8s.* keys, which are no pod labels', collectList, [] as string[])
    .addHelpText(
      'after',
      `
Examples:
  flowpol collect --input-file flows.json                     # into ./flowpol.db
  flowpol collect --input-file recordings/ --db prod.db       # every recording below a directory
  hubble observe -o jsonpb --all | flowpol collect --input-file -
  hubble observe -o jsonpb --follow | flowpol collect --input-file -   # until Ctrl-C
  flowpol collect --input-file exporter.log.gz --since 2024-05-01 --until 2024-05-02T06:00:00Z
  flowpol collect --input-file flows.json --since 2h          # only the last two hours
  flowpol collect --input-file flows.json -n shop -n payments # flows with an end in shop or payments
  flowpol collect --input-file flows.json --verdict DROPPED --pod shop/  # drops to or from shop (see above)
  flowpol collect --input-file flows.json --all-namespaces    # the default, spelled out
  flowpol collect --input-file dirty.json --skip-invalid      # report and skip malformed records
  flowpol collect --input-file flows.json --force             # re-ingest a file seen before
  flowpol collect --input-file big.jsonl.gz --workers auto    # parse on the other cores too
  flowpol collect --input-file node-a.json node-b.json --remember-connections 300000   # node exports of 300k connections each
  flowpol collect --input-file flows.json --drop-labels version,canary/*
  flowpol collect --input-file flows.json --keep-labels job-name,topology.kubernetes.io/zone
  flowpol collect --server localhost:4245 --follow             # live from Hubble Relay (see below)

Each file is committed as a whole: a malformed record (without --skip-invalid) stops with
file:line and rolls that file back; files before it stay committed. A killed collect leaves the
database at its last commit; the next collect discards the unfinished file's staged rows.
Stdin (like --server) is committed every 2 s instead, so Ctrl-C or a kill of
\`hubble observe --follow -o jsonpb | flowpol collect --input-file -\` keeps what was read.
Files are recognised by size and SHA-256 of their first and last MiB, not by name; stdin
is never recognised, so piping the same flows twice counts them twice. A file that grew since it
was ingested under the same name (a live exporter log) is read whole again and replaces that
ingest, so its earlier flows are not counted twice.

Label keys dropped from identities by default (a trailing * is a prefix):
${VOLATILE_LABEL_RULES.map((r) => `  ${r.pattern.padEnd(40)} ${r.reason}`).join('\n')}
Changing --drop-labels/--keep-labels between runs on one database yields different identities.`,
    )
    .action(async (flags: CollectFlags) => runCollect(flags));
};

/**
 * When collecting garbage looks cheap, V8 lets the heap grow to up to 4x what survived its last
 * full collection, and collect makes garbage fast (every parsed line): two nodes' files of 600,000
 * connections peaked at 350-520 MB RSS while holding under 200 MB. Growing by at most 2x keeps
 * that under 300 MB (bench ingest-nodes), at the same speed on one thread; --workers 1 gives up
 * about 10 % of its speed for it.
 * Process-wide, so set here, by the command, and not by the library.
 */
const HEAP_GROWING = '--heap-growing-percent=100';

async function runCollect(flags: CollectFlags): Promise<void> {
  setFlagsFromString(HEAP_GROWING);
  const inputs = flags.inputFile ?? [];
  const live = hubbleConnectOptions(flags);
  if (inputs.length === 0 && live === undefined) throw new UsageError('collect needs a source: --input-file <file|dir|-> or --server <host:port>');
  if (inputs.length > 0 && live !== undefined) throw new UsageError('--input-file and --server exclude each other; collect one source per run');
  if (live !== undefined && typeof flags.workers === 'number' && flags.workers > 0) throw new UsageError('--workers parses recorded files; a --server stream is decoded as it arrives');
  const window = resolveTimeWindow(flags, Date.now());
  const filter = flowFilterFrom(window, resolveNamespaces(flags), flags);
  const identity = { dropRules: withLabelOverrides(VOLATILE_LABEL_RULES, { drop: flags.dropLabels, keep: flags.keepLabels }) };
  // Every flag, address and TLS file is checked before the database is opened or created.
  const query = live === undefined ? undefined : hubbleQuery(flags, filter);
  const client = live === undefined ? undefined : await hubbleClient(live);
  const files = live === undefined ? await expandInputs(inputs) : [];
  const workers = await parseThreads(flags.workers ?? 0, files);
  let db: Database;
  try {
    await client?.connect(); // an unreachable server creates no database
    db = openDatabase(flags.db, { create: true });
  } catch (err) {
    client?.close();
    await workers?.close();
    throw err;
  }
  const result = newCollectResult();
  const controller = new AbortController();
  const abort = (): void => controller.abort();
  process.once('SIGINT', abort).once('SIGTERM', abort);
  const stopProgress = startProgress(result, live === undefined ? files.length : 1);
  const units = live === undefined ? 'files' : 'streams';
  let invalidShown = 0;
  const onInvalid = (error: InputError): void => {
    if (++invalidShown <= MAX_INVALID_WARNINGS) process.stderr.write(`flowpol: warning: skipped invalid record: ${printable(error.message)}\n`);
    else if (invalidShown === MAX_INVALID_WARNINGS + 1) process.stderr.write('flowpol: warning: more invalid records skipped (see the count in the summary)\n');
  };
  try {
    const source = client === undefined || query === undefined ? fileUnits(files, flags.skipInvalid === true, workers) : hubbleUnits(client, query);
    await collect(db, source, { filter, identity, keepConnections: flags.rememberConnections, force: flags.force === true, signal: controller.signal, onInvalid }, result);
    stopProgress();
    process.stderr.write(formatSummary(result, loadIngestSummary(db, { runId: result.runId }), units));
  } catch (err) {
    stopProgress();
    // Nothing started (an unreachable server, a file that cannot be opened): the error says it all.
    if (result.units.length > 0) process.stderr.write(formatSummary(result, summaryAfterFailure(db, result.runId, err), units, notReached(files, result)));
    throw err;
  } finally {
    process.off('SIGINT', abort).off('SIGTERM', abort);
    client?.close();
    db.close();
    await workers?.close();
  }
  // A --follow session ends with a signal; a bounded one (the ring, --last, --since) ended early.
  if (controller.signal.aborted && live !== undefined && flags.follow !== true) {
    throw new OperationalError('E_INTERRUPTED', 'interrupted before the server had sent every flow asked for; what was read until then is committed');
  }
}

/** The input files a run that stopped early never reached (neither read, skipped nor rolled back). */
function notReached(files: readonly string[], result: CollectResult): string[] {
  const reached = new Set(result.units.map((u) => u.name));
  return files.filter((file) => !reached.has(file));
}

/** What the run committed before it failed (units before the failing one, a live stream's flows); none when the database is the failure. */
function summaryAfterFailure(db: Database, runId: number, err: unknown): IngestSummary | undefined {
  const code = (err as { code?: unknown }).code;
  if (runId === 0 || (typeof code === 'string' && /^(SQLITE|E_DB)/.test(code))) return undefined;
  try {
    return loadIngestSummary(db, { runId });
  } catch {
    return undefined;
  }
}
