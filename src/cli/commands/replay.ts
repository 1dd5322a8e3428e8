// `flowpol replay`: serve recorded flows as a Hubble Observer over real gRPC, so the live path
// (`collect --server`, or the hubble CLI itself) can be exercised without a cluster.
import { logVerbosity, setLogVerbosity } from '@grpc/grpc-js';
import { Option } from 'commander';
import { expandInputs } from '../../collect/inputs.js';
import { startReplayServer, type ReplayServerOptions } from '../../collect/replay-server.js';
import { UsageError } from '../../errors.js';
import { collectList } from '../options.js';
import type { Register } from './index.js';

interface ReplayFlags extends Pick<ReplayServerOptions, 'listen' | 'allowRemote' | 'rate' | 'follow' | 'loop' | 'ringSize'> {
  tlsCertFile?: string;
  tlsKeyFile?: string;
  tlsClientCaFiles: string[];
}

const positive = (flag: string) => (value: string): number => {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${flag} ${value}: expected a positive number`);
  return n;
};

export const registerReplay: Register = (command) => {
  command('replay <recording...>')
    .description('Serve recorded Hubble flows over gRPC (observer.Observer: GetFlows, ServerStatus) like a live Hubble agent or Relay, for `flowpol collect --server` or `hubble observe --server`.')
    .option('--listen <address>', 'host:port to listen on (port 0 picks a free port; loopback only unless --allow-remote), or unix:///path', '127.0.0.1:4245')
    .option('--allow-remote', 'allow a non-loopback --listen address (serves your recordings to the network)')
    .option('--rate <n>', 'flows per second entering the ring (default: the whole recording is there at start)', positive('--rate'))
    .option('--follow', 'keep follow streams open after the recording ended (a quiet live agent)')
    .option('--loop', 'play the recording again after its end, with times shifted past the previous pass (the ring keeps the newest pass unless --ring-size)')
    .addOption(new Option('--ring-size <n>', 'ring capacity (max_flows): only the newest N observed flows can be asked for (default: the recording\'s size)').argParser(positive('--ring-size')))
    .option('--tls-cert-file <file>', 'serve TLS with this certificate (PEM)')
    .option('--tls-key-file <file>', 'private key (PEM) of --tls-cert-file')
    .option('--tls-client-ca-files <files>', 'require client certificates signed by these CAs (mTLS; comma list or repeated)', collectList, [] as string[])
    .addHelpText(
      'after',
      `
Examples:
  flowpol replay recorded-flows/hubble-otel__basic-sample-10-flows.jsonl
  flowpol replay --listen 127.0.0.1:0 flows.json         # prints the port it picked
  flowpol replay --rate 200 --follow --loop flows.json   # an endless live-looking stream
  flowpol replay --ring-size 4095 big.jsonl.gz           # behave like a default Hubble ring
  flowpol replay --tls-cert-file srv.crt --tls-key-file srv.key --tls-client-ca-files ca.crt flows.json
  flowpol collect --server 127.0.0.1:4245                # in another shell
  flowpol replay --listen 0.0.0.0:4245 --allow-remote flows.json   # reachable from other hosts

Prints "listening on HOST:PORT" on stderr, then serves until SIGINT/SIGTERM; after each GetFlows
stream, how many flows it sent (the client's filters are applied here, as a Hubble server does).`,
    )
    .action(async (recordings: string[], flags: ReplayFlags) => runReplay(recordings, flags));
};

async function runReplay(recordings: string[], flags: ReplayFlags): Promise<void> {
  if ((flags.tlsCertFile === undefined) !== (flags.tlsKeyFile === undefined)) {
    throw new UsageError('--tls-cert-file and --tls-key-file go together');
  }
  if (flags.tlsClientCaFiles.length > 0 && flags.tlsCertFile === undefined) {
    throw new UsageError('--tls-client-ca-files needs --tls-cert-file/--tls-key-file (mTLS is TLS first)');
  }
  // grpc-js prints its own copy of a bind failure; the CLI reports it once (GRPC_VERBOSITY still works for debugging).
  if (process.env['GRPC_VERBOSITY'] === undefined) setLogVerbosity(logVerbosity.NONE);
  const server = await startReplayServer({
    onServed: (s) => process.stderr.write(`flowpol: GetFlows stream ${s.cancelled ? 'cancelled' : 'ended'}: sent ${s.flows} flows and ${s.otherEvents} other events\n`),
    recordings: await expandInputs(recordings),
    listen: flags.listen,
    allowRemote: flags.allowRemote === true,
    follow: flags.follow === true,
    loop: flags.loop === true,
    ...(flags.rate === undefined ? {} : { rate: flags.rate }),
    ...(flags.ringSize === undefined ? {} : { ringSize: Math.floor(flags.ringSize) }),
    ...(flags.tlsCertFile === undefined || flags.tlsKeyFile === undefined
      ? {}
      : { tls: { certFile: flags.tlsCertFile, keyFile: flags.tlsKeyFile, clientCaFiles: flags.tlsClientCaFiles } }),
  });
  process.stderr.write(`flowpol: replaying ${server.events} events\nlistening on ${server.address}\n`);
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop).off('SIGTERM', stop);
      resolve();
    };
    process.once('SIGINT', stop).once('SIGTERM', stop);
  });
  await server.close();
}
