// NetworkPolicy ports, compiled: an omitted or empty `ports` list admits every port and protocol;
// an entry admits one protocol (TCP when omitted) and either all its ports, one numeric port, an
// inclusive `port..endPort` range, or a named port. A named port resolves against the
// DESTINATION pod's container ports with the same protocol (for ingress and egress alike); it
// never matches an external destination.
import type { ContainerPort, PolicyProtocol } from '../model.js';

export type CompiledPort =
  | { kind: 'protocol'; protocol: PolicyProtocol }
  | { kind: 'range'; protocol: PolicyProtocol; from: number; to: number }
  | { kind: 'named'; protocol: PolicyProtocol; name: string };

/** `undefined` = every port of every protocol. */
export type CompiledPorts = readonly CompiledPort[] | undefined;

/** Input already checked by validate.ts. */
export interface PortInput { protocol?: PolicyProtocol; port?: number | string; endPort?: number }

export function compilePorts(ports: readonly PortInput[] | undefined): CompiledPorts {
  if (ports === undefined || ports.length === 0) return undefined;
  return ports.map((p): CompiledPort => {
    const protocol = p.protocol ?? 'TCP';
    if (p.port === undefined) return { kind: 'protocol', protocol };
    if (typeof p.port === 'string') return { kind: 'named', protocol, name: p.port };
    return { kind: 'range', protocol, from: p.port, to: p.endPort ?? p.port };
  });
}

/**
 * Does one entry admit `protocol`/`port` to a destination with these container ports?
 * `destinationPorts` is undefined for an external destination.
 */
function portMatches(
  entry: CompiledPort,
  protocol: PolicyProtocol,
  port: number,
  destinationPorts: readonly ContainerPort[] | undefined,
): boolean {
  if (entry.protocol !== protocol) return false;
  switch (entry.kind) {
    case 'protocol':
      return true;
    case 'range':
      return port >= entry.from && port <= entry.to;
    case 'named':
      if (destinationPorts === undefined) return false;
      for (const cp of destinationPorts) {
        if (cp.name === entry.name && cp.protocol === protocol && cp.port === port) return true;
      }
      return false;
  }
}

export function portsMatch(
  ports: CompiledPorts,
  protocol: PolicyProtocol,
  port: number,
  destinationPorts: readonly ContainerPort[] | undefined,
): boolean {
  if (ports === undefined) return true;
  for (const entry of ports) if (portMatches(entry, protocol, port, destinationPorts)) return true;
  return false;
}

const PORT_NAME_CHARS = /^[-a-z0-9]+$/;
const HAS_LETTER = /[a-z]/;

/** Why `name` is not an IANA_SVC_NAME (apimachinery IsValidPortName), or undefined. */
export function portNameProblem(name: string): string | undefined {
  const what = `port name "${name}" is not a valid IANA_SVC_NAME:`;
  if (name.length < 1 || name.length > 15) return `${what} must be 1-15 characters`;
  if (!PORT_NAME_CHARS.test(name)) return `${what} must contain only lowercase a-z, 0-9 and '-'`;
  if (!HAS_LETTER.test(name)) return `${what} must contain at least one letter`;
  if (name.includes('--')) return `${what} must not contain '--'`;
  if (name.startsWith('-') || name.endsWith('-')) return `${what} must not begin or end with '-'`;
  return undefined;
}

/** Why `port` is not a port number 1..65535, or undefined. */
export function portNumberProblem(port: number): string | undefined {
  if (!Number.isInteger(port) || port < 1 || port > 65535) return `port ${port} must be an integer between 1 and 65535`;
  return undefined;
}
