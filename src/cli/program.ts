// Builds the commander program. Each command lives in commands/<name>.ts and exports `register`.
import { Command } from 'commander';
import { COMMANDS } from './commands/index.js';

/**
 * The program with every command, or only the one `argv` (process.argv) names: its module alone
 * is loaded. Help, unknown commands and anything else get them all.
 */
export async function buildProgram(argv: readonly string[] = []): Promise<Command> {
  const program = new Command('flowpol')
    .description(
      'Learn Kubernetes NetworkPolicies from observed Cilium Hubble traffic, and predict ' +
        'what a default-deny would break before you roll it out.',
    )
    .version(VERSION)
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)')
    .configureHelp({ sortSubcommands: false, showGlobalOptions: true })
    .addHelpText(
      'after',
      `
Typical workflow:
  flowpol collect --input-file flows.json          # learn edges into flowpol.db
  flowpol edges                                    # look at the learned graph
  flowpol generate > policies.yaml                 # least-privilege NetworkPolicies for it
  flowpol report --default-deny all --proposed policies.yaml
                                                   # what a default-deny plus them would break

Exit codes: 0 ok, 1 failure, 2 usage error, 3 breakage found (with --exit-code).`,
    );
  const named = COMMANDS.find((entry) => entry.name === argv[2]);
  const registers = await Promise.all((named === undefined ? COMMANDS : [named]).map((entry) => entry.load()));
  for (const register of registers) {
    register(program.command.bind(program));
  }
  program.commands.forEach((c) => c.exitOverride());
  return program;
}

const VERSION = '0.1.0';
