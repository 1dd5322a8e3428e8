// The list of subcommands, in the order `flowpol --help` shows them. A command's module is
// imported only when it is registered, so `flowpol collect ...` loads the collect command alone
// (loading every command costs ~0.5 s of CPU at start-up: YAML, gRPC, the HTML layout engine...).
import type { Command } from 'commander';

export type Register = (command: (nameAndArgs: string) => Command) => void;

/** A subcommand: its name, exactly as its register function declares it, and how to load that function. */
export interface CommandEntry { name: string; load(): Promise<Register> }

export const COMMANDS: CommandEntry[] = [
  { name: 'collect', load: async () => (await import('./collect.js')).registerCollect },
  { name: 'edges', load: async () => (await import('./edges.js')).registerEdges },
  { name: 'generate', load: async () => (await import('./generate.js')).registerGenerate },
  { name: 'replay', load: async () => (await import('./replay.js')).registerReplay },
  { name: 'report', load: async () => (await import('./report.js')).registerReport },
  { name: 'inventory', load: async () => (await import('./inventory.js')).registerInventory },
  { name: 'apply', load: async () => (await import('./apply.js')).registerApply },
  { name: 'check', load: async () => (await import('./check.js')).registerCheck },
];
