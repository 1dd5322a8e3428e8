// The lazily loaded command table: every entry's name is the name its module registers, so
// `flowpol <name> ...` (which loads that entry alone) finds its command.
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../../src/cli/commands/index.js';
import { buildProgram } from '../../../src/cli/program.js';

describe('command table', () => {
  it.each(COMMANDS.map((entry) => [entry.name, entry] as const))('%s registers exactly that command', async (name, entry) => {
    const program = new Command('flowpol');
    (await entry.load())(program.command.bind(program));
    expect(program.commands.map((c) => c.name())).toEqual([name]);
  });

  it('loads one command when argv names it, all of them otherwise', async () => {
    expect((await buildProgram(['node', 'flowpol', 'edges', '--db', 'x.db'])).commands.map((c) => c.name())).toEqual(['edges']);
    const all = COMMANDS.map((entry) => entry.name);
    expect((await buildProgram(['node', 'flowpol', '--help'])).commands.map((c) => c.name())).toEqual(all);
    expect((await buildProgram(['node', 'flowpol', 'colect'])).commands.map((c) => c.name())).toEqual(all);
  });
});
