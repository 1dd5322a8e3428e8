// The connection side of the Hubble client: server address forms, TLS / mTLS credentials, and
// gRPC failures as one clear line with a stable code.
import * as grpc from '@grpc/grpc-js';
import { OperationalError, UsageError } from '../errors.js';
import { readCaFiles, readKeyPair } from './tls-files.js';

export interface HubbleTlsOptions {
  /** PEM files of the CAs that may sign the server certificate (empty = system roots). */
  caCertFiles: string[];
  clientCertFile?: string;
  clientKeyFile?: string;
  /** Name the server certificate must carry (e.g. `instance.hubble-relay.cilium.io`). */
  serverName?: string;
  /** Skip server certificate verification (testing only). */
  allowInsecure: boolean;
}

export interface HubbleConnectOptions {
  /** `host:port`, `tls://host:port` (turns TLS on) or `unix:///var/run/cilium/hubble.sock`. */
  server: string;
  /** TLS settings; undefined = plaintext (unless the server has a `tls://` prefix). */
  tls?: HubbleTlsOptions;
  /** Sent as `authorization: Basic …` metadata; needs TLS. Never logged. */
  basicAuth?: { username: string; password: string };
  dialTimeoutMs?: number;
  requestTimeoutMs?: number;
}

/** gRPC's port for a host given without one (the hubble CLI dials the same). */
const DEFAULT_GRPC_PORT = 443;

export function parseServer(server: string, tls: HubbleTlsOptions | undefined): { target: string; tls: HubbleTlsOptions | undefined } {
  if (server.startsWith('tls://')) return { target: hostPort(server, server.slice(6)), tls: tls ?? { caCertFiles: [], allowInsecure: false } };
  if (server.startsWith('unix://')) {
    if (!server.startsWith('unix:///')) throw new UsageError(`--server ${shown(server)}: a socket needs its absolute path, unix:///path (three slashes)`);
    return { target: server, tls };
  }
  return { target: hostPort(server, server), tls };
}

/** The address as it may be printed: a user or password in it (`user:pass@host`, after any scheme) never is. */
function shown(server: string): string {
  return server.replace(/^([A-Za-z][A-Za-z0-9+.-]*:\/\/\/?)?.*@/, '$1***@');
}

/** `host:port` with the port checked, and made explicit when missing (so messages name the port dialled). */
function hostPort(flag: string, address: string): string {
  if (address.includes('@')) {
    throw new UsageError(`--server ${shown(flag)}: a user or password in the address is not supported (nor printed); use --basic-auth-username and --basic-auth-password`);
  }
  const m = /^(\[[^\]/]*\]|[^:/[\]]+)(?::(\d*))?$/.exec(address);
  if (!m) {
    if (/^[0-9a-fA-F:]+$/.test(address) && address.includes('::')) return address; // a bare IPv6 address
    throw new UsageError(`--server ${flag}: expected host:port, tls://host:port or unix:///path`);
  }
  const [, host, port] = m;
  if (port === undefined) return `${host}:${DEFAULT_GRPC_PORT}`;
  const n = Number(port);
  if (port === '' || !Number.isInteger(n) || n < 1 || n > 65535) throw new UsageError(`--server ${flag}: port ${port === '' ? '(empty)' : port} is not a port number (1-65535)`);
  return `${host}:${n}`;
}

export function tlsCredentials(tls: HubbleTlsOptions): grpc.ChannelCredentials {
  const ca = readCaFiles(tls.caCertFiles, '--tls-ca-cert-files');
  if ((tls.clientCertFile === undefined) !== (tls.clientKeyFile === undefined)) {
    throw new UsageError('--tls-client-cert-file and --tls-client-key-file go together (mTLS)');
  }
  const pair = tls.clientCertFile === undefined || tls.clientKeyFile === undefined
    ? undefined
    : readKeyPair({ file: tls.clientCertFile, flag: '--tls-client-cert-file' }, { file: tls.clientKeyFile, flag: '--tls-client-key-file' }, Date.now());
  try {
    return grpc.credentials.createSsl(ca, pair?.key ?? null, pair?.cert ?? null, tls.allowInsecure ? { rejectUnauthorized: false, checkServerIdentity: () => undefined } : {});
  } catch (err) {
    const files = [...tls.caCertFiles, tls.clientCertFile, tls.clientKeyFile].filter((f) => f !== undefined).join(', ');
    throw new OperationalError('E_TLS_FILE', `TLS files ${files} cannot be used: ${(err as Error).message}`);
  }
}

const oneLine = (s: string): string => s.replace(/\s+/g, ' ').trim();

/** grpc-js wraps the real cause in boilerplate; keep the cause only. */
export function cause(err: grpc.ServiceError): string {
  return oneLine(err.details || err.message)
    .replace(/^No connection established\. Last error: /, '')
    .replace(/ ?\(\d{4}-\d\d-\d\dT[^)]*\)/g, '')
    .replace(/\. Resolution note:.*$/, '')
    .replace(/^(Error( \[\w+\])?: )/, '')
    .replace(/^[0-9A-F]+:error:[0-9A-F]+:SSL routines:\w+:([^:]+):.*$/, '$1');
}

const TLS_HINTS: readonly [RegExp, string][] = [
  [/altnames|ALTNAME/, 'the server certificate does not carry that name: set --tls-server-name to a name it carries'],
  [/self[- ]signed|unable to (verify|get)|certificate chain|UNABLE_TO/, 'the server certificate is not signed by a CA this client trusts: the --tls-ca-cert-files given, else the system\'s roots'],
  [/certificate required|handshake failure|bad certificate|unknown ca/, 'the server requires a valid client certificate: pass --tls-client-cert-file and --tls-client-key-file'],
  [/expired/, 'a certificate has expired'],
  [/wrong version number|packet length too long/, 'the server does not speak TLS: connect without TLS, that is without tls:// and every --tls* flag (any of them turns TLS on)'],
];

/** How the client talks to the server: the hints of a failure depend on it. */
export type Transport = 'plaintext' | 'tls' | 'mtls';

export function transportOf(tls: HubbleTlsOptions | undefined): Transport {
  if (tls === undefined) return 'plaintext';
  return tls.clientCertFile === undefined ? 'tls' : 'mtls';
}

/** A gRPC failure as one clear line with a stable code (never a stack). */
export function grpcError(err: grpc.ServiceError, target: string, transport: Transport = 'plaintext'): OperationalError {
  const detail = cause(err);
  const where = `Hubble at ${target}`;
  const tlsHint = TLS_HINTS.find(([re]) => re.test(detail));
  if (tlsHint || /certificate|SSL|TLS/i.test(detail)) {
    return new OperationalError('E_HUBBLE_TLS', `TLS with ${where} failed: ${detail}${tlsHint ? ` (${tlsHint[1]})` : ''}`);
  }
  // A server that refuses the client certificate closes the connection mid-handshake; depending on
  // timing gRPC reports that as a reset, a hang-up or a bare "Failed to connect".
  if (transport === 'mtls' && err.code === grpc.status.UNAVAILABLE && /ECONNRESET|socket hang up|^Failed to connect$/.test(detail)) {
    return new OperationalError('E_HUBBLE_TLS', `TLS with ${where} failed: ${detail} (the server rejected the TLS handshake: most likely the client certificate, e.g. one not signed by a CA the server trusts)`);
  }
  switch (err.code) {
    case grpc.status.UNAUTHENTICATED:
    case grpc.status.PERMISSION_DENIED:
      return new OperationalError('E_HUBBLE_AUTH', `${where} refused the credentials: ${detail} (check --basic-auth-username/--basic-auth-password)`);
    case grpc.status.DEADLINE_EXCEEDED:
      return new OperationalError('E_HUBBLE_TIMEOUT', `${where} did not answer in time: ${detail}`);
    case grpc.status.UNIMPLEMENTED:
      return new OperationalError('E_HUBBLE_PROTOCOL', `${where} does not serve observer.Observer (is it a Hubble agent or Relay?): ${detail}`);
    case grpc.status.UNAVAILABLE:
      return new OperationalError('E_HUBBLE_UNAVAILABLE', `cannot reach ${where}: ${detail} (${transport === 'plaintext' ? 'is it running? a TLS server needs --tls' : 'is it running, at that address?'})`);
    default:
      return new OperationalError('E_HUBBLE_GRPC', `${where} failed: ${grpc.status[err.code] ?? err.code}: ${detail}`);
  }
}
