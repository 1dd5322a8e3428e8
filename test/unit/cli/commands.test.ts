// The lazily loaded command table: every entry's name is the name its module registers, so
// `flowpol <name> ...` (which loads that entry alone) finds its command.
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../../src/cli/commands/index.js';
import { buildProgram } from '../../../src/cli/program.js';
import { collectList, resolveNamespaces, resolveTimeWindow } from '../../../src/cli/options.js';
import { UsageError } from '../../../src/errors.js';

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

describe('shared options', () => {
  it('--since/--until: both inclusive, so one instant is a window; since after until is a UsageError', () => {
    const now = Date.UTC(2024, 4, 2);
    const t = Date.UTC(2024, 4, 1, 12);
    expect(resolveTimeWindow({ since: '2024-05-01T12:00:00Z', until: '2024-05-01T12:00:00Z' }, now)).toEqual({ since: t, until: t });
    expect(() => resolveTimeWindow({ since: '2024-05-01T12:00:01Z', until: '2024-05-01T12:00:00Z' }, now)).toThrow(UsageError);
    expect(() => resolveTimeWindow({ since: '2024-05-01T12:00:01Z', until: '2024-05-01T12:00:00Z' }, now)).toThrow(/swap them/);
  });

  it('-n: comma lists and repeats give each namespace once, sorted, without empty items', () => {
    const namespace = ['zeta,alpha,', 'beta, zeta'].reduce((acc: string[], v) => collectList(v, acc), []);
    expect(namespace).toEqual(['zeta', 'alpha', 'beta', 'zeta']);
    expect(resolveNamespaces({ namespace })).toEqual(['alpha', 'beta', 'zeta']);
    expect(() => resolveNamespaces({ namespace, allNamespaces: true })).toThrow(UsageError);
  });
});
