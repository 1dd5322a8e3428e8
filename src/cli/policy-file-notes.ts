// What loading --existing/--proposed/--policies files leaves the user to know, on stderr: objects
// skipped (not a NetworkPolicy), and files or directories that hold no NetworkPolicy at all (an
// empty file, only comments or `---`: what a failed `flowpol generate > p.yaml` leaves); and what
// validation accepted but found ambiguous in a policy.
import { formatLocation } from '../errors.js';
import type { SkippedObject } from '../policy/load.js';
import type { PolicyWarning } from '../policy/validate.js';
import { printable } from '../printable.js';

export function warnPolicyFiles(loaded: { skipped: readonly SkippedObject[]; empty: readonly string[] }): void {
  for (const s of loaded.skipped) process.stderr.write(printable(`flowpol: ${s.file}:${s.line}: skipped a ${s.kind} (not a NetworkPolicy)\n`));
  for (const path of loaded.empty) process.stderr.write(`flowpol: warning: ${printable(path)} holds no NetworkPolicy\n`);
}

/** Each validation warning once (a --policies file is validated again for every world). */
export function warnPolicies(warnings: readonly PolicyWarning[]): void {
  const lines = new Set(warnings.map((w) => printable(`flowpol: warning: ${formatLocation(w.location)}: ${w.message}\n`)));
  for (const line of lines) process.stderr.write(line);
}
