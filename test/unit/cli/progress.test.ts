// The end-of-collect summary on stderr: counts, folded reasons in a fixed order, one line per unit.
import { describe, expect, it } from 'vitest';
import { newCollectResult } from '../../../src/collect-pipeline.js';
import { formatSummary } from '../../../src/cli/progress.js';

describe('formatSummary', () => {
  it('lists the folded reasons sorted, whatever order they were counted in', () => {
    const result = newCollectResult();
    result.committed.folded = { 'tcp-reply': 2, 'dns-response': 5, 'icmp-echo-reply': 1 };
    const text = formatSummary(result, undefined);
    expect(text).toContain('  folded          8 (dns-response 5, icmp-echo-reply 1, tcp-reply 2)\n');
  });
});
