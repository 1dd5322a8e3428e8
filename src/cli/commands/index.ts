// The list of subcommands, in the order `flowpol --help` shows them.
import type { Command } from 'commander';
import { registerCheck } from './check.js';

export type Register = (command: (nameAndArgs: string) => Command) => void;

export const COMMANDS: Register[] = [
  registerCheck,
];
