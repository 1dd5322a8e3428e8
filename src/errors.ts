// Typed errors. Library code throws these and never prints or exits; src/cli/main.ts reports
// each one once, with its stable code, and maps it to an exit code.

export const EXIT = { ok: 0, failure: 1, usage: 2, breakage: 3 } as const;

export abstract class FlowpolError extends Error {
  abstract readonly code: string;
  abstract readonly exitCode: number;
}

/** The command line was wrong: unknown flag value, conflicting options. Exit 2. */
export class UsageError extends FlowpolError {
  readonly code = 'E_USAGE';
  readonly exitCode = EXIT.usage;
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface InputLocation {
  /** File name as the user gave it (`-` for stdin). */
  file: string;
  /** 1-based line where the bad record starts, when known. */
  line?: number;
  /** JSON path or field name of the bad value, when known. */
  field?: string;
}

/** An input file or record is malformed. Names where, so the user can fix it. Exit 1. */
export class InputError extends FlowpolError {
  readonly code: string;
  readonly exitCode = EXIT.failure;
  readonly location: InputLocation;
  readonly reason: string;
  constructor(location: InputLocation, reason: string, code = 'E_INPUT') {
    super(`${formatLocation(location)}: ${reason}`);
    this.name = 'InputError';
    this.code = code;
    this.location = location;
    this.reason = reason;
  }
}

/** Something outside flowpol failed (database, network, cluster) in a way the user can act on. */
export class OperationalError extends FlowpolError {
  readonly exitCode = EXIT.failure;
  constructor(readonly code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'OperationalError';
  }
}

/** A bug in flowpol. */
export class InternalError extends FlowpolError {
  readonly code = 'E_INTERNAL';
  readonly exitCode = EXIT.failure;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'InternalError';
  }
}

export function formatLocation(loc: InputLocation): string {
  let out = loc.file;
  if (loc.line !== undefined) out += `:${loc.line}`;
  if (loc.field !== undefined) out += ` (${loc.field})`;
  return out;
}
