// The only place that prints errors and decides the exit code.
import { CommanderError } from 'commander';
import { EXIT, FlowpolError } from '../errors.js';
import { buildProgram } from './program.js';

export async function main(argv: string[]): Promise<number> {
  stopQuietlyWhenStdoutCloses();
  dropTlsIpServerNameWarning();
  const program = await buildProgram(argv);
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (err) {
    return report(err);
  }
}

function report(err: unknown): number {
  if (err instanceof CommanderError) {
    // commander already printed the message (or the help text) to stderr/stdout.
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.exitCode === 0) {
      return EXIT.ok;
    }
    return EXIT.usage;
  }
  if (err instanceof FlowpolError) {
    process.stderr.write(`flowpol: error [${err.code}]: ${err.message}\n`);
    return err.exitCode;
  }
  const text = err instanceof Error ? (err.stack ?? err.message) : String(err);
  process.stderr.write(`flowpol: internal error (please report it): ${text}\n`);
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
