// The end-of-collect summary on stderr: counts, folded reasons in a fixed order, one line per unit.
import { describe, expect, it } from 'vitest';
import { newCollectResult } from '../../../src/collect-pipeline.js';
import { emptyCounts } from '../../../src/store/counts.js';
import { formatSummary } from '../../../src/cli/progress.js';

describe('formatSummary', () => {
  it('lists the folded reasons sorted, whatever order they were counted in', () => {
    const result = newCollectResult();
    result.committed.folded = { 'tcp-reply': 2, 'dns-response': 5, 'icmp-echo-reply': 1 };
    const text = formatSummary(result, undefined);
    expect(text).toContain('  folded          8 (dns-response 5, icmp-echo-reply 1, tcp-reply 2)\n');
  });

  describe('connections counted again after they were forgotten', () => {
    const result = (recounted: number[], started: number) => {
      const r = newCollectResult();
      r.units = recounted.map((n, i) => ({ name: `node-${i}.jsonl`, kind: 'file' as const, status: 'committed' as const, counts: emptyCounts(), ...(n === 0 ? {} : { recounted: n }) }));
      r.connections = { started, recounted: recounted.reduce((a, b) => a + b, 0), complete: true, remembered: 20_000 };
      return r;
    };

    it('names the files and the --remember-connections that counts each once (files)', () => {
      expect(formatSummary(result([0, 40_000, 5], 300_000), undefined)).toContain(
        'warning: 40005 connections (40000 in node-1.jsonl, 5 in node-2.jsonl) may repeat connections seen earlier in this run but forgotten before these came '
        + '(--remember-connections 20000), so they may count twice; to count each once, collect the same files again with --force --remember-connections 260000 '
        + '(about 0.4 KB of memory each)',
      );
    });

    it('counts the files past the third, says "at least" when the record of forgotten ones overflowed, and one connection is one', () => {
      const many = result([100, 100, 100, 3, 4], 10_000);
      expect(formatSummary(many, undefined)).toContain('warning: 307 connections (100 in node-0.jsonl, 100 in node-1.jsonl, 100 in node-2.jsonl and 7 in 2 other files) may repeat');
      many.connections.complete = false;
      expect(formatSummary(many, undefined)).toContain('warning: at least 307 connections (');
      expect(formatSummary(result([1], 100), undefined)).toContain('warning: 1 connection (1 in node-0.jsonl) may repeat');
    });

    it('for stdin, which is never recognised, says to collect into a new database instead of --force', () => {
      const piped = result([400], 900);
      Object.assign(piped.units[0] as object, { name: '-', kind: 'stdin' });
      expect(formatSummary(piped, undefined)).toContain('warning: 400 connections (400 in stdin) may repeat');
      // Stdin read first, its copies counted again in a file (QA): --force of the files would add stdin again.
      const mixed = result([0, 400], 900);
      Object.assign(mixed.units[0] as object, { name: '-', kind: 'stdin' });
      expect(formatSummary(mixed, undefined)).toContain('(400 in node-1.jsonl)');
      expect(formatSummary(mixed, undefined)).toContain('into a new database');
      expect(formatSummary(piped, undefined)).toContain(
        'to count each once, collect the same input into a new database with --remember-connections 1000 (about 0.4 KB of memory each; '
        + 'stdin is never recognised, so --force cannot replace what it added)',
      );
    });

    it('says what to remember for a live stream, which comes in time order', () => {
      expect(formatSummary(result([3_000], 5_000_000), undefined, 'streams')).toContain('warning: 3000 connections may repeat ones forgotten before their later events came');
    });

    it('stays quiet below 1 in 10,000 connections, where counts are as good as exact and a match may be a false alarm', () => {
      expect(formatSummary(result([0, 30], 300_000), undefined)).not.toContain('may repeat');
      expect(formatSummary(result([0, 31], 300_000), undefined)).toContain('may repeat');
    });
  });
});
