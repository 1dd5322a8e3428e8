// Turns whatever a Kubernetes request failed with into ONE line the user can act on: an
// OperationalError with a stable code, naming the RBAC verb and resource for 401/403. Duck-typed
// (no client-node import): an API error has a numeric `code` and a `body`; a network error from
// node-fetch has a string `code` (ECONNREFUSED…); an abort is our per-request timeout.
// Never puts credentials in a message: server text is redacted and cut to its first line.
import { OperationalError } from '../errors.js';

/** What a request was for, in RBAC words. `group` is '' for the core API group. */
export interface ApiRequest {
  verb: 'list' | 'get' | 'patch';
  resource: string;
  group: string;
  namespace?: string;
  name?: string;
}

/** Where the request went, for messages. */
export interface RequestTarget { server: string; context: string; timeoutMs: number }

export const K8S_ERROR_CODES = {
  unauthorized: 'E_K8S_UNAUTHORIZED',
  forbidden: 'E_K8S_FORBIDDEN',
  notFound: 'E_K8S_NOT_FOUND',
  conflict: 'E_K8S_CONFLICT',
  expired: 'E_K8S_EXPIRED',
  invalid: 'E_K8S_INVALID',
  server: 'E_K8S_SERVER',
  timeout: 'E_K8S_TIMEOUT',
  unreachable: 'E_K8S_UNREACHABLE',
  tls: 'E_K8S_TLS',
  client: 'E_K8S_CLIENT',
} as const;

const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'ETIMEDOUT', 'EAI_AGAIN', 'EPIPE']);

/** `networkpolicies.networking.k8s.io`, or `pods` for the core group (as kubectl names them). */
function resourceName(req: ApiRequest): string {
  return req.group === '' ? req.resource : `${req.resource}.${req.group}`;
}

function scope(req: ApiRequest): string {
  return req.namespace === undefined ? 'at the cluster scope' : `in the namespace "${req.namespace}"`;
}

/** The message for a 403, naming the verb, resource and group to grant. */
export function forbiddenMessage(req: ApiRequest, serverMessage?: string): string {
  // The server names the verb it actually checked (server-side apply of a new object checks
  // "create" after "patch"); prefer it over the verb we sent.
  const verb = /cannot (\w+) resource/.exec(serverMessage ?? '')?.[1] ?? req.verb;
  const group = req.group === '' ? '"" (the core group)' : `"${req.group}"`;
  return `forbidden: cannot ${verb} ${resourceName(req)} ${scope(req)} — grant verb "${verb}" on "${req.resource}" in group ${group}`;
}

/** A Status body; `fields`: its details.causes' fields (a server-side apply conflict lists them there). */
interface StatusBody { message?: string; reason?: string; fields?: string[] }

function statusOf(body: unknown): StatusBody {
  if (typeof body === 'string') {
    try {
      return statusOf(JSON.parse(body) as unknown);
    } catch {
      return { message: body };
    }
  }
  if (body !== null && typeof body === 'object') {
    const o = body as Record<string, unknown>;
    const causes = (o.details as { causes?: unknown } | undefined)?.causes;
    const fields = Array.isArray(causes) ? causes.flatMap((c) => (typeof c?.field === 'string' ? [c.field as string] : [])) : [];
    return {
      message: typeof o.message === 'string' ? o.message : undefined,
      reason: typeof o.reason === 'string' ? o.reason : undefined,
      ...(fields.length > 0 ? { fields } : {}),
    };
  }
  return {};
}

/** First line, tokens and JWT-like strings masked, at most 300 characters. */
/** URLs in `text` with any `user:password@` masked (a kubeconfig's server URL may carry them). */
export function withoutUserInfo(text: string): string {
  return text.replace(/(\b[a-z][a-z0-9+.-]*:\/\/)[^\s/@]+@/gi, '$1***@');
}

export function redact(text: string): string {
  const line = (text.split(/\r?\n/).find((l) => l.trim() !== '') ?? '').trim();
  const masked = withoutUserInfo(line)
    .replace(/(bearer|basic)\s+[^\s"',]+/gi, '$1 ***')
    .replace(/eyJ[\w-]+\.[\w-]+\.[\w-]*/g, '***')
    .replace(/((?:token|password|secret)["']?\s*[:=]\s*["']?)[^\s"',]+/gi, '$1***');
  return masked.length > 300 ? `${masked.slice(0, 297)}...` : masked;
}

function httpError(status: number, body: unknown, req: ApiRequest, target: RequestTarget): OperationalError {
  const st = statusOf(body);
  const said = st.message === undefined ? '' : redact(st.message);
  const what = `${req.verb} ${resourceName(req)}${req.name === undefined ? '' : ` "${req.name}"`} ${scope(req)}`;
  switch (status) {
    case 401:
      return new OperationalError(K8S_ERROR_CODES.unauthorized,
        `unauthorized: the API server ${target.server} rejected the credentials of context "${target.context}" ` +
        `(expired or invalid token or certificate) while trying to ${req.verb} ${resourceName(req)} — log in again or refresh the kubeconfig credentials`);
    case 403:
      return new OperationalError(K8S_ERROR_CODES.forbidden, forbiddenMessage(req, st.message));
    case 404:
      // A missing namespace is the usual 404 of a namespaced write; else the resource type is unknown there.
      return new OperationalError(K8S_ERROR_CODES.notFound, `not found: ${what}${said ? `: ${said}` : ''} ` +
        (/namespaces "[^"]*" not found/.test(said) ? '(create the namespace first)' : `(does the server serve ${resourceName(req)}?)`));
    case 409: {
      // Several conflicts put their fields on the message's later lines, which redact drops.
      const fields = (st.fields ?? []).filter((f) => !said.includes(f));
      const text = fields.length === 0 ? said : `${said.replace(/:?$/, ':')} ${fields.join(', ')}`;
      return new OperationalError(K8S_ERROR_CODES.conflict,
        `conflict: ${what}: ${text || 'fields are owned by another field manager'} — review, then re-run with --force-conflicts to take them over`);
    }
    case 410:
      return new OperationalError(K8S_ERROR_CODES.expired, `expired: the list of ${resourceName(req)} changed while it was paged through; run again`);
    case 400:
    case 422:
      return new OperationalError(K8S_ERROR_CODES.invalid, `rejected by the API server: ${what}: ${said || `HTTP ${status}`}`);
    default:
      return new OperationalError(K8S_ERROR_CODES.server, `API server error HTTP ${status} on ${what}${said ? `: ${said}` : ''}`);
  }
}

/** Classify any failure of one request into a one-line OperationalError. */
export function toClusterError(err: unknown, req: ApiRequest, target: RequestTarget): OperationalError {
  if (err instanceof OperationalError) return err;
  const e = (err ?? {}) as { code?: unknown; body?: unknown; name?: unknown; message?: unknown; type?: unknown };
  if (typeof e.code === 'number') return httpError(e.code, e.body, req, target);
  const message = typeof e.message === 'string' ? e.message : String(err);
  if (e.name === 'AbortError' || e.type === 'aborted') {
    return new OperationalError(K8S_ERROR_CODES.timeout,
      `timeout: no answer from ${target.server} within ${target.timeoutMs / 1000}s to ${req.verb} ${resourceName(req)} — raise --request-timeout or check the server`);
  }
  const sysCode = typeof e.code === 'string' ? e.code : undefined;
  if (sysCode !== undefined && UNREACHABLE.has(sysCode)) {
    return new OperationalError(K8S_ERROR_CODES.unreachable,
      `unreachable: cannot connect to the API server ${target.server} of context "${target.context}" (${sysCode}) — is the cluster running and the kubeconfig current?`);
  }
  if (sysCode === 'EPROTO' && /wrong version number/.test(message)) {
    return new OperationalError(K8S_ERROR_CODES.tls,
      `TLS error talking to ${target.server} (${sysCode}): the server does not answer in TLS — is it a plain-HTTP port behind an https:// URL?`);
  }
  if (sysCode !== undefined && /CERT|TLS|SSL|SELF_SIGNED|UNABLE_TO_VERIFY|EPROTO/.test(sysCode)) {
    return new OperationalError(K8S_ERROR_CODES.tls, `TLS error talking to ${target.server} (${sysCode}): ${redact(message)}`);
  }
  if (/^spawn \S+/.test(message)) {
    // client-node runs the kubeconfig's `user.exec` credential plugin before any request.
    return new OperationalError(K8S_ERROR_CODES.client,
      `cannot run the credential plugin of context "${target.context}" (user.exec in the kubeconfig): ${redact(message)} — is it installed and on PATH?`);
  }
  return new OperationalError(K8S_ERROR_CODES.client,
    `cannot ${req.verb} ${resourceName(req)} on ${target.server}: ${redact(message)}`);
}
