// The hubble connection flags (same names and meanings as the hubble CLI) for any command that
// reads live flows, and what they turn into: client options, the GetFlows query, the
// ServerStatus report, and a FlowSource that reports connection news on stderr.
import { Option } from 'commander';
import type { Command } from 'commander';
import { ALL_FLOWS } from '../collect/hubble-limits.js';
import type { HubbleClient, HubbleConnectOptions, HubbleFlowQuery, HubbleNotice, HubbleServerStatus } from '../collect/hubble-client.js';
import { UsageError } from '../errors.js';
import type { FlowFilter } from '../model.js';
import type { ReadyFlowSource } from '../collect/json-reader.js';
import type { IngestUnit } from '../collect-pipeline.js';
import { collectList } from './options.js';
import { duration as longDuration } from '../report/reasons.js';

export const DEFAULT_SERVER = 'localhost:4245';

export interface HubbleFlags {
  server?: string;
  tls?: boolean;
  tlsCaCertFiles: string[];
  tlsClientCertFile?: string;
  tlsClientKeyFile?: string;
  tlsServerName?: string;
  tlsAllowInsecure?: boolean;
  basicAuthUsername?: string;
  basicAuthPassword?: string;
  follow?: boolean;
  last?: number;
  first?: number;
  all?: boolean;
}

/** Live-source flags that make no sense without --server. */
const LIVE_ONLY = [
  'follow', 'last', 'first', 'all', 'tls', 'tlsServerName', 'tlsAllowInsecure', 'tlsClientCertFile', 'tlsClientKeyFile', 'basicAuthUsername', 'basicAuthPassword',
] as const;

const count = (flag: string) => (value: string): number => {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n <= 0) throw new UsageError(`${flag} ${value}: expected a positive whole number`);
  return n;
};

/** Adds --server, TLS, basic auth and the selection flags (--follow, --last, --first, --all). */
export function addHubbleOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--server [address]', `read live flows from Hubble Relay or an agent: host:port, tls://host:port or unix:///var/run/cilium/hubble.sock (alone: ${DEFAULT_SERVER})`).preset(DEFAULT_SERVER))
    .option('--tls', 'use TLS to the server (implied by a tls:// address and by any other --tls-* flag)')
    .option('--tls-ca-cert-files <files>', 'PEM CA certificates the server certificate must chain to (comma list or repeated; default: system roots)', collectList, [] as string[])
    .option('--tls-client-cert-file <file>', 'client certificate (PEM) for mTLS')
    .option('--tls-client-key-file <file>', 'client private key (PEM) for mTLS')
    .option('--tls-server-name <name>', 'name the server certificate must carry, e.g. instance.hubble-relay.cilium.io')
    .option('--tls-allow-insecure', 'do not verify the server certificate (testing only)')
    .option('--basic-auth-username <name>', 'basic auth user name (needs TLS)')
    .option('--basic-auth-password <password>', 'basic auth password (needs TLS; never printed)')
    .option('--follow', 'keep collecting new flows until SIGINT/SIGTERM, committing every few seconds and on exit')
    .option('--last <n>', 'the newest N flows of the ring (per node on Relay)', count('--last'))
    .option('--first <n>', 'the oldest N flows of the ring', count('--first'))
    .option('--all', 'the whole ring (the default with --server when no --last/--first/--since/--follow)')
    .addHelpText(
      'after',
      `
Live collection (hubble CLI flags; dial timeout 5 s, ServerStatus 12 s):
  flowpol collect --server                                    # Relay at ${DEFAULT_SERVER}, whole ring
  flowpol collect --server localhost:4245 --follow            # stream new flows until Ctrl-C
  flowpol collect --server localhost:4245 --last 1000 -n shop
  flowpol collect --server localhost:4245 --first 500       # the oldest 500 flows in the ring
  flowpol collect --server localhost:4245 --all             # the whole ring (the default), spelled out
  flowpol collect --server localhost:4245 --follow --until 2024-05-02T06:00:00Z   # stops past --until
  flowpol collect --server unix:///var/run/cilium/hubble.sock --since 10m
  flowpol collect --server tls://hubble-relay.example:443 --tls-ca-cert-files ca.crt \\
      --tls-server-name instance.hubble-relay.cilium.io --tls-client-cert-file tls.crt --tls-client-key-file tls.key
  flowpol collect --server tls://relay:443 --basic-auth-username me --basic-auth-password "$PW"
  flowpol collect --server tls://10.0.0.5:4245 --tls-allow-insecure   # TLS, certificate not checked (testing only)
A broken stream is reconnected with backoff and resumed at the last flow time; the gap is reported.
--follow --until T stops (commits, exit 0) at the first flow more than 1 s past T (Relay delivers
flows up to ~1 s out of order). hubble itself does not send --until with --follow, so a quiet
server keeps the follow waiting until a later flow arrives or Ctrl-C. A host without a port dials port 443, as the hubble CLI does.`,
    );
}

/** Client options from the flags; undefined when --server was not given. */
export function hubbleConnectOptions(flags: HubbleFlags): HubbleConnectOptions | undefined {
  if (flags.server === undefined) {
    const stray: string[] = LIVE_ONLY.filter((k) => flags[k] !== undefined);
    if (flags.tlsCaCertFiles.length > 0) stray.push('tlsCaCertFiles');
    if (stray[0] !== undefined) throw new UsageError(`--${kebab(stray[0])} needs --server (live collection)`);
    return undefined;
  }
  const tlsWanted = flags.tls === true || flags.tlsCaCertFiles.length > 0 || flags.tlsClientCertFile !== undefined ||
    flags.tlsClientKeyFile !== undefined || flags.tlsServerName !== undefined || flags.tlsAllowInsecure === true;
  const tls = tlsWanted
    ? {
        caCertFiles: flags.tlsCaCertFiles, allowInsecure: flags.tlsAllowInsecure === true,
        ...(flags.tlsClientCertFile === undefined ? {} : { clientCertFile: flags.tlsClientCertFile }),
        ...(flags.tlsClientKeyFile === undefined ? {} : { clientKeyFile: flags.tlsClientKeyFile }),
        ...(flags.tlsServerName === undefined ? {} : { serverName: flags.tlsServerName }),
      }
    : undefined;
  if ((flags.basicAuthUsername === undefined) !== (flags.basicAuthPassword === undefined)) {
    throw new UsageError('--basic-auth-username and --basic-auth-password go together');
  }
  const basicAuth = flags.basicAuthUsername === undefined ? undefined : { username: flags.basicAuthUsername, password: flags.basicAuthPassword ?? '' };
  if (basicAuth && !tls && !flags.server.startsWith('tls://')) {
    throw new UsageError('--basic-auth-username/--basic-auth-password need TLS (--tls or a tls:// server)');
  }
  return { server: flags.server, ...(tls ? { tls } : {}), ...(basicAuth ? { basicAuth } : {}) };
}

/** The GetFlows query (hubble observe §C): the filter (window and selection) and how many flows; the whole ring unless narrowed. */
export function hubbleQuery(flags: HubbleFlags, filter: FlowFilter): Omit<HubbleFlowQuery, 'onNotice'> {
  const chosen = [flags.last !== undefined, flags.first !== undefined, flags.all === true].filter(Boolean).length;
  if (chosen > 1) throw new UsageError('--last, --first and --all exclude each other; pick one');
  if (flags.first !== undefined && flags.follow) throw new UsageError('--first cannot be combined with --follow');
  const follow = flags.follow === true;
  const number = flags.last ?? flags.first ?? (flags.all || (filter.since === undefined && !follow) ? ALL_FLOWS : 0);
  return { ...filter, number, follow, ...(flags.first !== undefined ? { first: true } : {}) };
}

/** ServerStatus as stderr lines: what the server holds, and warnings when it cannot cover the ask. */
export function describeStatus(target: string, s: HubbleServerStatus, q: Omit<HubbleFlowQuery, 'onNotice'>, now: number): string[] {
  const nodes = s.numConnectedNodes === undefined ? '' : `, ${s.numConnectedNodes} nodes connected`;
  const lines = [`hubble ${s.version || '(unknown version)'} at ${target}: ring ${s.numFlows}/${s.maxFlows} flows, ${s.seenFlows} seen, ${s.flowsRate.toFixed(1)} flows/s${nodes}`];
  if ((s.numUnavailableNodes ?? 0) > 0) {
    lines.push(`warning: ${s.numUnavailableNodes} nodes unavailable (${s.unavailableNodes.join(', ')}): their flows are missing`);
  }
  // Nothing is gone unless the ring has overwritten flows (seen more than it holds).
  const evicted = s.seenFlows > s.numFlows;
  const advice = q.follow ? 'keep a collect --follow running to miss nothing' : 'use --follow to collect continuously';
  if (evicted && q.number !== ALL_FLOWS && q.number > s.maxFlows && s.maxFlows > 0) {
    lines.push(`warning: asked for ${q.number} flows but the ring holds at most ${s.maxFlows}: older flows are gone (${advice})`);
  }
  if (evicted && q.since !== undefined && s.flowsRate > 0) {
    const coverMs = (s.maxFlows / s.flowsRate) * 1000;
    if (now - q.since > coverMs) {
      lines.push(`warning: the window starts ${duration(now - q.since)} ago but the ring holds ${s.maxFlows} flows, about ${duration(coverMs)} at ${s.flowsRate.toFixed(1)} flows/s: the start of the window is gone (${advice})`);
    }
  }
  return lines;
}

/** One stderr line per connection notice. */
export function describeNotice(n: HubbleNotice): string {
  if (n.kind === 'reconnecting') return `warning: hubble stream broken (${n.reason}); reconnect ${n.attempt} in ${n.delayMs} ms`;
  if (n.kind === 'node-problem') {
    const s = n.status;
    return `warning: ${s.state} ${s.nodeNames.join(', ')}${s.message ? `: ${s.message}` : ''} (flows of these nodes are missing)`;
  }
  const from = n.since === undefined ? '' : ` from ${new Date(n.since).toISOString()}`;
  return `warning: hubble stream resumed${from} after a gap of ${duration(n.downMs)}; flows the ring overwrote meanwhile are lost`;
}

/**
 * The client for the flags, made before anything is opened: a bad address or TLS file fails here
 * (the channel connects lazily, in openHubbleSource).
 */
export async function hubbleClient(connect: HubbleConnectOptions): Promise<HubbleClient> {
  // Loaded here, not at the top: @grpc/grpc-js costs `collect --input-file` ~0.2 s of start-up.
  const { HubbleClient } = await import('../collect/hubble-client.js');
  return new HubbleClient(connect);
}

/** Connects, reports ServerStatus, and returns the live FlowSource (its notices go to stderr). */
async function openHubbleSource(client: HubbleClient, query: Omit<HubbleFlowQuery, 'onNotice'>, out: Pick<NodeJS.WriteStream, 'write'> = process.stderr): Promise<{ source: ReadyFlowSource; name: string }> {
  try {
    await client.connect();
    for (const line of describeStatus(client.target, await client.serverStatus(), query, Date.now())) out.write(`flowpol: ${line}\n`);
  } catch (err) {
    client.close();
    throw err;
  }
  const flows = client.flows({ ...query, onNotice: (n) => out.write(`flowpol: ${describeNotice(n)}\n`) });
  return {
    name: client.target,
    source: {
      [Symbol.asyncIterator]: () => flows[Symbol.asyncIterator](),
      takeReady: () => flows.takeReady(),
      close: () => {
        flows.close();
        client.close();
      },
    },
  };
}

/** The live session as collect's one ingest unit (committed at every flush, not all-or-nothing). */
export async function* hubbleUnits(client: HubbleClient, query: Omit<HubbleFlowQuery, 'onNotice'>): AsyncGenerator<IngestUnit> {
  const { source, name } = await openHubbleSource(client, query);
  yield { kind: 'live', name, atomic: false, open: () => source };
}

const kebab = (s: string): string => s.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** A duration for people: `1.5 s` below two minutes (reconnect gaps), else `7m`, `3h 20m`, `30d 15h`. */
const duration = (ms: number): string => (ms < 120_000 ? `${(ms / 1000).toFixed(1)} s` : longDuration(ms));
