// The ports one peer used, as NetworkPolicy ports: protocol always explicit, sorted by protocol
// (TCP, UDP, SCTP) then port. Adjacent ports stay separate entries unless `ranges` is asked for
// (`--port-ranges`), which writes a run of consecutive ports as `port`..`endPort` — the same set,
// written shorter; never wider than what was observed.
//
// A port is a number (`portCode`) while rules are learned; `PortCatalog` turns a set of codes
// into the NetworkPolicy ports once per distinct set and shares the result (treat as immutable).
// With `--named-ports`, ports the destination pods declare by name are written by that name
// (sorted by their number), and ranges never include them.
import { POLICY_PROTOCOLS, type NetworkPolicyPort, type PolicyProtocol } from '../model.js';

const PORTS_PER_PROTOCOL = 65_536;

/** One number per protocol/port, ordered as the output sorts them. */
export const portCode = (protocol: PolicyProtocol, port: number): number =>
  POLICY_PROTOCOLS.indexOf(protocol) * PORTS_PER_PROTOCOL + port;

/** Sorts `codes` in place and drops duplicates (peers use a few ports: insertion sort). */
export function normalizeCodes(codes: number[]): number[] {
  if (codes.length > 32) codes.sort((a, b) => a - b);
  for (let i = 1; i < codes.length; i++) {
    const v = codes[i] as number;
    let j = i - 1;
    for (; j >= 0 && (codes[j] as number) > v; j--) codes[j + 1] = codes[j] as number;
    codes[j + 1] = v;
  }
  let w = 0;
  for (let r = 0; r < codes.length; r++) if (w === 0 || codes[w - 1] !== codes[r]) codes[w++] = codes[r] as number;
  codes.length = w;
  return codes;
}

/** Equal sets (normalized) have equal keys; rules group peers by it. */
export const portsKey = (codes: readonly number[]): string | number => (codes.length === 1 ? (codes[0] as number) : codes.join(','));

/** The protocol and port of a code. */
export function decodePort(code: number): { protocol: PolicyProtocol; port: number } {
  return { protocol: POLICY_PROTOCOLS[Math.floor(code / PORTS_PER_PROTOCOL)] as PolicyProtocol, port: code % PORTS_PER_PROTOCOL };
}

/** Container port names parallel to a normalized code list (`--named-ports`; undefined = the number). */
export type PortNames = readonly (string | undefined)[];

/** `portsKey` that also tells equal namings apart (the same as `portsKey` without names). */
export const namedPortsKey = (codes: readonly number[], names: PortNames | undefined): string | number =>
  names === undefined ? portsKey(codes) : `${portsKey(codes)}|${names.map((n) => n ?? '').join(',')}`;

export class PortCatalog {
  private readonly cache = new Map<string | number, NetworkPolicyPort[]>();

  constructor(private readonly ranges: boolean) {}

  /** The NetworkPolicy ports for normalized `codes`; a named code is written by its name, never inside a range. */
  ports(codes: readonly number[], names?: PortNames): NetworkPolicyPort[] {
    const key = namedPortsKey(codes, names);
    let ports = this.cache.get(key);
    if (ports === undefined) this.cache.set(key, (ports = this.build(codes, names)));
    return ports;
  }

  private build(codes: readonly number[], names: PortNames | undefined): NetworkPolicyPort[] {
    const out: NetworkPolicyPort[] = [];
    for (let i = 0; i < codes.length; ) {
      const first = codes[i] as number;
      const { protocol, port } = decodePort(first);
      const name = names?.[i];
      if (name !== undefined) {
        out.push({ protocol, port: name });
        i++;
        continue;
      }
      let j = i + 1;
      while (this.ranges && j < codes.length && codes[j] === first + (j - i) && names?.[j] === undefined) j++;
      const last = (codes[j - 1] as number) % PORTS_PER_PROTOCOL;
      out.push(last > port ? { protocol, port, endPort: last } : { protocol, port });
      i = j;
    }
    return out;
  }
}
