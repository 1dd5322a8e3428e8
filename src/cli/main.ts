// The only place that prints errors and decides the exit code.
import { CommanderError, type Command } from 'commander';
import { EXIT, FlowpolError } from '../errors.js';
import { sqliteOperationalError } from '../store/sqlite-errors.js';
import { printable } from '../printable.js';
import { buildProgram } from './program.js';

export async function main(argv: string[]): Promise<number> {
  stopQuietlyWhenStdoutCloses();
  dropTlsIpServerNameWarning();
  const program = await buildProgram(argv);
  escapeCommanderErrors(program);
  let dbPath: string | undefined;
  program.hook('preAction', (_program, action) => {
    dbPath = databaseOption(action);
  });
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (err) {
    // A full disk or a read-only file shows up as a SQLite error wherever a write happened to run.
    return report(sqliteOperationalError(err, dbPath) ?? err);
  }
}

/** commander echoes arguments in its own errors (`unknown option '--x…'`); each command has its own output configuration. */
function escapeCommanderErrors(command: Command): void {
  command.configureOutput({ outputError: (text, write) => write(printable(text)) });
  command.commands.forEach(escapeCommanderErrors);
}

/** The running command's `--db` (every command that opens a database has it), to name the file in SQLite's errors. */
function databaseOption(command: Command): string | undefined {
  const db: unknown = command.opts()['db'];
  return typeof db === 'string' ? db : undefined;
}

/** Every error text can carry input (a record, a label, a file name): control characters are escaped. */
function report(err: unknown): number {
  if (err instanceof CommanderError) {
    // commander already printed the message (or the help text) to stderr/stdout.
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.exitCode === 0) {
      return EXIT.ok;
    }
    return EXIT.usage;
  }
  if (err instanceof FlowpolError) {
    process.stderr.write(`flowpol: error [${err.code}]: ${printable(err.message)}\n`);
    return err.exitCode;
  }
  const text = err instanceof Error ? (err.stack ?? err.message) : String(err);
  process.stderr.write(`flowpol: internal error (please report it): ${printable(text)}\n`);
  return EXIT.failure;
}

/**
 * `flowpol edges | head`: once the reader closes the pipe, further writes fail with EPIPE. The
 * reader has what it wanted, so stop quietly (as Unix tools do) instead of crashing with a stack.
 */
function stopQuietlyWhenStdoutCloses(): void {
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    process.exit(EXIT.ok);
  });
}

/**
 * `--server tls://10.0.0.5:4245`: grpc-js passes the host as the TLS ServerName even when it is an
 * IP address, and Node then warns (DEP0123, "not permitted by RFC 6066"). Nothing is wrong with
 * the connection (the certificate is still checked against the IP), so that one warning would only
 * alarm the user. Every other warning is printed as usual.
 */
function dropTlsIpServerNameWarning(): void {
  const emit = process.emitWarning.bind(process) as (...args: unknown[]) => void;
  process.emitWarning = ((...args: unknown[]) => {
    const [, type, code] = args;
    const options = type as { code?: unknown } | undefined;
    if (code === 'DEP0123' || (typeof options === 'object' && options?.code === 'DEP0123')) return;
    emit(...args);
  }) as typeof process.emitWarning;
}
