// The connection side of the Hubble client: server address forms, TLS / mTLS credentials, and
// gRPC failures as one clear line with a stable code.
import { readFileSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import { OperationalError, UsageError } from '../errors.js';

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

export function parseServer(server: string, tls: HubbleTlsOptions | undefined): { target: string; tls: HubbleTlsOptions | undefined } {
  if (server.startsWith('tls://')) return { target: server.slice(6), tls: tls ?? { caCertFiles: [], allowInsecure: false } };
  if (server.startsWith('unix://') || /^[^/]+$/.test(server)) return { target: server, tls };
  throw new UsageError(`--server ${server}: expected host:port, tls://host:port or unix:///path`);
}

export function tlsCredentials(tls: HubbleTlsOptions): grpc.ChannelCredentials {
  const read = (file: string, what: string): Buffer => {
    try {
      return readFileSync(file);
    } catch (err) {
      throw new OperationalError('E_TLS_FILE', `cannot read ${what} ${file}: ${(err as Error).message}`);
    }
  };
  const ca = tls.caCertFiles.length > 0 ? Buffer.concat(tls.caCertFiles.map((f) => read(f, '--tls-ca-cert-files'))) : null;
  if ((tls.clientCertFile === undefined) !== (tls.clientKeyFile === undefined)) {
    throw new UsageError('--tls-client-cert-file and --tls-client-key-file go together (mTLS)');
  }
  const cert = tls.clientCertFile === undefined ? null : read(tls.clientCertFile, '--tls-client-cert-file');
  const key = tls.clientKeyFile === undefined ? null : read(tls.clientKeyFile, '--tls-client-key-file');
  return grpc.credentials.createSsl(ca, key, cert, tls.allowInsecure ? { rejectUnauthorized: false, checkServerIdentity: () => undefined } : {});
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
  [/self[- ]signed|unable to (verify|get)|certificate chain|UNABLE_TO/, 'the server certificate is not signed by a CA in --tls-ca-cert-files'],
  [/certificate required|handshake failure|bad certificate|unknown ca/, 'the server requires a valid client certificate: pass --tls-client-cert-file and --tls-client-key-file'],
  [/expired/, 'a certificate has expired'],
  [/wrong version number|packet length too long/, 'the server does not speak TLS: drop --tls / tls://'],
];

/** A gRPC failure as one clear line with a stable code (never a stack). */
export function grpcError(err: grpc.ServiceError, target: string): OperationalError {
  const detail = cause(err);
  const where = `Hubble at ${target}`;
  const tlsHint = TLS_HINTS.find(([re]) => re.test(detail));
  if (tlsHint || /certificate|SSL|TLS/i.test(detail)) {
    return new OperationalError('E_HUBBLE_TLS', `TLS with ${where} failed: ${detail}${tlsHint ? ` (${tlsHint[1]})` : ''}`);
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
      return new OperationalError('E_HUBBLE_UNAVAILABLE', `cannot reach ${where}: ${detail} (is it running? a TLS server needs --tls)`);
    default:
      return new OperationalError('E_HUBBLE_GRPC', `${where} failed: ${grpc.status[err.code] ?? err.code}: ${detail}`);
  }
}
