// Recorded files (and '-' for stdin) as the ingest units `collect` reads, as `flowpol collect
// --input-file` builds them: each file fingerprinted when its turn comes, so a file already
// ingested is recognised (skipped, or with `force` replaced) and one that grew is read again.
import type { IngestUnit } from '../collect-pipeline.js';
import { fingerprintFile, fingerprintPrefix } from '../store/fingerprint.js';
import { readFlowFile } from './json-reader.js';
import type { ParsePool } from './parse-pool.js';

/**
 * Stdin commits at every flush, like a live stream: it is how `hubble observe --follow` is piped
 * in, where Ctrl-C or a kill must keep what was read. (It is never recognised, so a file piped
 * twice counts twice either way.) `workers` parse files (not stdin) ahead of the reader: see
 * ReadOptions.workers.
 */
export async function* fileUnits(files: readonly string[], skipInvalid: boolean, workers?: ParsePool): AsyncGenerator<IngestUnit> {
  for (const file of files) {
    const open: IngestUnit['open'] = (hooks) => readFlowFile(file, { skipInvalid, ...hooks, ...(workers === undefined ? {} : { workers }) });
    if (file === '-') {
      yield { kind: 'stdin', name: file, atomic: false, open };
    } else {
      const fingerprintAt = (size: number): Promise<string | undefined> => fingerprintPrefix(file, size);
      yield { kind: 'file', name: file, atomic: true, ...(await fingerprintFile(file)), open, fingerprintAt };
    }
  }
}
