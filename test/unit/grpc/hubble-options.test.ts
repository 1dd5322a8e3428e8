// The hubble flags → client options / GetFlows selection / ServerStatus report.
import { describe, expect, it } from 'vitest';
import { ALL_FLOWS, flowsRequest } from '../../../src/collect/hubble-client.js';
import { startReplayServer } from '../../../src/collect/replay-server.js';
import { parseServer } from '../../../src/collect/hubble-connection.js';
import { UsageError } from '../../../src/errors.js';
import { describeNotice, describeStatus, hubbleConnectOptions, hubbleQuery, type HubbleFlags } from '../../../src/cli/hubble-options.js';

const flags = (f: Partial<HubbleFlags>): HubbleFlags => ({ tlsCaCertFiles: [], ...f });
const status = { version: 'v1.19.4', numFlows: 4095, maxFlows: 4095, seenFlows: 90000, uptimeNs: 1e12, flowsRate: 10, unavailableNodes: [] };

describe('hubble selection (hubble observe §C)', () => {
  it('defaults to the whole ring, follow alone to only new flows, --since to the window', () => {
    expect(hubbleQuery(flags({ server: 'x' }), { namespaces: [] }).number).toBe(ALL_FLOWS);
    expect(hubbleQuery(flags({ server: 'x', follow: true }), { namespaces: [] })).toMatchObject({ number: 0, follow: true });
    expect(hubbleQuery(flags({ server: 'x' }), { since: 5, namespaces: [] })).toMatchObject({ number: 0, since: 5 });
    expect(hubbleQuery(flags({ server: 'x', last: 10 }), { namespaces: [] })).toMatchObject({ number: 10 });
    expect(hubbleQuery(flags({ server: 'x', first: 10 }), { namespaces: [] })).toMatchObject({ number: 10, first: true });
    expect(hubbleQuery(flags({ server: 'x', all: true, follow: true }), { namespaces: [] })).toMatchObject({ number: ALL_FLOWS, follow: true });
  });

  it('refuses contradictory selections and live flags without --server', () => {
    expect(() => hubbleQuery(flags({ last: 1, all: true }), { namespaces: [] })).toThrow(/exclude each other/);
    expect(() => hubbleQuery(flags({ first: 1, follow: true }), { namespaces: [] })).toThrow(/--first cannot be combined with --follow/);
    expect(() => hubbleConnectOptions(flags({ follow: true }))).toThrow(/--follow needs --server/);
    expect(() => hubbleConnectOptions(flags({ tlsServerName: 'n' }))).toThrow(/--tls-server-name needs --server/);
    // Each half of a pair is refused alone too, not silently ignored.
    expect(() => hubbleConnectOptions(flags({ tlsClientKeyFile: 'k' }))).toThrow(/--tls-client-key-file needs --server/);
    expect(() => hubbleConnectOptions(flags({ basicAuthPassword: 'p' }))).toThrow(/--basic-auth-password needs --server/);
    expect(() => hubbleConnectOptions(flags({ tlsCaCertFiles: ['ca.pem'] }))).toThrow(/--tls-ca-cert-files needs --server/);
    expect(hubbleConnectOptions(flags({}))).toBeUndefined();
    expect(() => hubbleConnectOptions(flags({ server: 'x', basicAuthUsername: 'u' }))).toThrow(/go together/);
    expect(() => hubbleConnectOptions(flags({ server: 'x', basicAuthUsername: 'u', basicAuthPassword: 'p' }))).toThrow(/need TLS/);
  });

  it('maps namespaces to the source_pod / destination_pod "ns/" whitelist pair; until only without follow', () => {
    const req = flowsRequest({ number: 0, follow: false, namespaces: ['a', 'b'], until: 2000 });
    expect(req.whitelist.map((f) => [f.sourcePod, f.destinationPod])).toEqual([[['a/', 'b/'], []], [[], ['a/', 'b/']]]);
    expect(req.until).toEqual({ seconds: 2n, nanos: 0 });
    expect(flowsRequest({ number: 0, follow: true, namespaces: [], until: 2000 }).until).toBeUndefined();
  });

  it('turns TLS flags into client options; tls:// alone is TLS with system roots', () => {
    expect(hubbleConnectOptions(flags({ server: 'h:1', tlsCaCertFiles: ['ca.pem'], tlsServerName: 'n' }))).toEqual({
      server: 'h:1', tls: { caCertFiles: ['ca.pem'], allowInsecure: false, serverName: 'n' },
    });
    expect(hubbleConnectOptions(flags({ server: 'tls://h:1' }))).toEqual({ server: 'tls://h:1' });
    // A client key alone asks for TLS (and then for its certificate), never a silent plaintext dial.
    expect(hubbleConnectOptions(flags({ server: 'h:1', tlsClientKeyFile: 'k.pem' }))).toEqual({
      server: 'h:1', tls: { caCertFiles: [], allowInsecure: false, clientKeyFile: 'k.pem' },
    });
  });
});

describe('ServerStatus report', () => {
  it('says what the server holds, and warns when the ring cannot cover the ask', () => {
    const now = 1_000_000_000;
    const [head, ...rest] = describeStatus('relay:4245', status, { number: 0, follow: false, namespaces: [], since: now - 3_600_000 }, now);
    expect(head).toBe('hubble v1.19.4 at relay:4245: ring 4095/4095 flows, 90000 seen, 10.0 flows/s');
    expect(rest).toEqual(['warning: the window starts 1h ago but the ring holds 4095 flows, about 6m 50s at 10.0 flows/s: the start of the window is gone (use --follow to collect continuously)']);
    expect(describeStatus('r', status, { number: 100_000, follow: false, namespaces: [] }, now)[1]).toMatch(/asked for 100000 flows but the ring holds at most 4095/);
    expect(describeStatus('r', status, { number: ALL_FLOWS, follow: false, namespaces: [] }, now)).toHaveLength(1);
    expect(describeStatus('r', { ...status, numUnavailableNodes: 1, unavailableNodes: ['n3'] }, { number: 1, follow: false, namespaces: [] }, now)[1])
      .toBe('warning: 1 nodes unavailable (n3): their flows are missing');
  });

  it('warns only when the ring has overwritten flows; follow is not told to use --follow; long spans in days', () => {
    const now = Date.UTC(2026, 0, 1);
    const full = { ...status, numFlows: 1906, maxFlows: 1906, seenFlows: 1906 }; // nothing evicted yet
    const old = { number: 0, follow: false, namespaces: [], since: Date.UTC(2020, 0, 1) };
    expect(describeStatus('r', full, old, now)).toHaveLength(1);
    expect(describeStatus('r', full, { ...old, number: 100_000, since: undefined }, now)).toHaveLength(1);
    const [, warning] = describeStatus('r', status, { ...old, follow: true }, now);
    expect(warning).toBe('warning: the window starts 2192d ago but the ring holds 4095 flows, about 6m 50s at 10.0 flows/s: the start of the window is gone (keep a collect --follow running to miss nothing)');
    expect(describeStatus('r', status, { ...old, since: now - 30 * 3_600_000 - 90_000 }, now)[1]).toMatch(/starts 1d 6h ago/);
  });

  it('reports reconnects, the gap and unreadable nodes', () => {
    expect(describeNotice({ kind: 'node-problem', status: { state: 'NODE_ERROR', nodeNames: ['n1'], message: 'boom' } })).toBe('warning: NODE_ERROR n1: boom (flows of these nodes are missing)');
    expect(describeNotice({ kind: 'reconnecting', attempt: 2, delayMs: 500, reason: 'Connection dropped' })).toBe('warning: hubble stream broken (Connection dropped); reconnect 2 in 500 ms');
    expect(describeNotice({ kind: 'resumed', since: Date.UTC(2024, 0, 1), downMs: 1500 })).toBe('warning: hubble stream resumed from 2024-01-01T00:00:00.000Z after a gap of 1.5 s; flows the ring overwrote meanwhile are lost');
  });
});

describe('replay listen safety', () => {
  it('refuses a non-loopback address without allowRemote', async () => {
    await expect(startReplayServer({ recordings: [], listen: '0.0.0.0:0' })).rejects.toThrow(/not a loopback address.*--allow-remote/);
    await expect(startReplayServer({ recordings: [], listen: 'nonsense' })).rejects.toThrow(/expected host:port/);
  });
});

describe('--server addresses', () => {
  it('checks ports, defaults to 443, and keeps unix sockets absolute', () => {
    expect(parseServer('relay:4245', undefined).target).toBe('relay:4245');
    expect(parseServer('tls://relay', undefined)).toEqual({ target: 'relay:443', tls: { caCertFiles: [], allowInsecure: false } });
    expect(() => parseServer('relay:99999', undefined)).toThrow('--server relay:99999: port 99999 is not a port number (1-65535)');
    expect(() => parseServer('unix://relative.sock', undefined)).toThrow('a socket needs its absolute path, unix:///path (three slashes)');
  });

  it('refuses a user or password in the address without printing it (QA: the usage error echoed it)', () => {
    for (const server of ['tls://me:s3cret@relay:443', 'me:s3cret@relay:4245', 'https://me:s3cret@relay:443', 'TLS://me:s3cret@relay', 'dns:///me:s3cret@relay', 'grpc://a@b:s3cret@relay:1']) {
      let message = '';
      try {
        parseServer(server, undefined);
      } catch (err) {
        expect(err).toBeInstanceOf(UsageError);
        message = (err as Error).message;
      }
      expect(message).toContain('***@relay');
      expect(message).toContain('use --basic-auth-username and --basic-auth-password');
      expect(message).not.toContain('s3cret');
    }
  });
});
