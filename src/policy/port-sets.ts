// The ports one peer used, as NetworkPolicy ports: protocol always explicit, sorted by protocol
// (TCP, UDP, SCTP) then port. Adjacent ports stay separate entries unless `ranges` is asked for
// (`--port-ranges`), which writes a run of consecutive ports as `port`..`endPort` — the same set,
// written shorter; never wider than what was observed.
import { POLICY_PROTOCOLS, type NetworkPolicyPort, type PolicyProtocol } from '../model.js';

const PORTS_PER_PROTOCOL = 65_536;

const encode = (protocol: PolicyProtocol, port: number): number =>
  POLICY_PROTOCOLS.indexOf(protocol) * PORTS_PER_PROTOCOL + port;

export class PortSet {
  private readonly codes = new Set<number>();
  private sorted: number[] | undefined;

  add(protocol: PolicyProtocol, port: number): void {
    this.codes.add(encode(protocol, port));
    this.sorted = undefined;
  }

  /** Equal sets have equal keys (rules group peers by it). */
  key(): string {
    return this.list().join(',');
  }

  toPolicyPorts(ranges: boolean): NetworkPolicyPort[] {
    const out: NetworkPolicyPort[] = [];
    const codes = this.list();
    for (let i = 0; i < codes.length; ) {
      const first = codes[i] as number;
      let j = i + 1;
      while (ranges && j < codes.length && codes[j] === first + (j - i)) j++;
      const protocol = POLICY_PROTOCOLS[Math.floor(first / PORTS_PER_PROTOCOL)] as PolicyProtocol;
      const port = first % PORTS_PER_PROTOCOL;
      const last = (codes[j - 1] as number) % PORTS_PER_PROTOCOL;
      out.push(last > port ? { protocol, port, endPort: last } : { protocol, port });
      i = j;
    }
    return out;
  }

  private list(): number[] {
    if (this.sorted === undefined) this.sorted = [...this.codes].sort((a, b) => a - b);
    return this.sorted;
  }
}
