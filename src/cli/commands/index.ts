// The list of subcommands, in the order `flowpol --help` shows them.
import type { Command } from 'commander';
import { registerApply } from './apply.js';
import { registerCheck } from './check.js';
import { registerCollect } from './collect.js';
import { registerEdges } from './edges.js';
import { registerGenerate } from './generate.js';
import { registerInventory } from './inventory.js';
import { registerReplay } from './replay.js';
import { registerReport } from './report.js';

export type Register = (command: (nameAndArgs: string) => Command) => void;

export const COMMANDS: Register[] = [
  registerCollect,
  registerEdges,
  registerGenerate,
  registerReplay,
  registerReport,
  registerInventory,
  registerApply,
  registerCheck,
];
