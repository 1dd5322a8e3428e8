// --since/--until parsing, RFC 3339 timestamps, and the shared flow filter.
import { describe, expect, it } from 'vitest';
import type { Flow } from '../../../src/model.js';
import { UsageError } from '../../../src/errors.js';
import { matchesFilter, parseTimeArg, selectionText } from '../../../src/collect/filter.js';
import { parseRfc3339, timestampToMs } from '../../../src/collect/time.js';

const NOON = Date.UTC(2024, 0, 2, 12, 0, 0);

describe('parseRfc3339', () => {
  it.each([
    ['2024-01-02T12:00:00Z', NOON],
    ['2024-01-02T12:00:00.5Z', NOON + 500],
    ['2024-01-02T12:00:00.123Z', NOON + 123],
    ['2024-01-02T12:00:00.531201Z', NOON + 531.201],
    ['2024-01-02T12:00:00.839751489Z', NOON + 839.751],
    ['2024-01-02T14:30:00+02:30', NOON],
    ['2024-01-02T07:00:00.25-05:00', NOON + 250],
    ['2024-02-29T00:00:00Z', Date.UTC(2024, 1, 29)],
    ['2000-02-29T00:00:00Z', Date.UTC(2000, 1, 29)],
  ])('%s', (text, ms) => {
    expect(parseRfc3339(text)).toBe(ms);
  });

  it.each(['2024-01-02', '2024-13-02T00:00:00Z', '2023-02-29T00:00:00Z', '1900-02-29T00:00:00Z', '2024-01-02T24:00:00Z', '2024-01-02T12:00:00', '2024-01-02T12:00:00.1234567890Z', 'x'])(
    'rejects %s', (text) => {
      expect(parseRfc3339(text)).toBeUndefined();
    },
  );

  it('gives the same number as a protobuf Timestamp of the same instant', () => {
    expect(parseRfc3339('2021-06-16T16:52:13.136834446Z')).toBe(timestampToMs(Date.UTC(2021, 5, 16, 16, 52, 13) / 1000, 136834446));
  });
});

describe('parseTimeArg', () => {
  it.each([
    ['2024-01-02T12:00:00Z', NOON],
    ['2024-01-02T12:00:00.000001Z', NOON + 0.001],
    ['2024-01-02T13:00:00+01:00', NOON],
    ['2024-01-02', Date.UTC(2024, 0, 2)],
    ['90s', NOON - 90_000],
    ['5m', NOON - 300_000],
    ['2h', NOON - 7_200_000],
    ['1h30m', NOON - 5_400_000],
    ['3d', NOON - 3 * 86_400_000],
    // Go durations, as hubble takes them: fractions, any unit order, sub-second units.
    ['1.5h', NOON - 5_400_000],
    ['2h45m', NOON - 9_900_000],
    ['30m2h', NOON - 9_000_000],
    ['300ms', NOON - 300],
    ['.5s', NOON - 500],
    ['1d12h', NOON - 129_600_000],
  ])('%s', (value, expected) => {
    expect(parseTimeArg(value, NOON, '--since')).toBe(expected);
  });

  it.each(['', 'yesterday', '5', '5x', '2024-01-32', 'm5', '1h 30m', '-1h', '.h', '1.5'])('rejects %j with a UsageError naming the flag', (value) => {
    expect(() => parseTimeArg(value, NOON, '--until')).toThrow(UsageError);
    expect(() => parseTimeArg(value, NOON, '--until')).toThrow(/^--until: cannot read/);
  });

  it.each(['3000000000h', '99999999999999999999h', '200000000d'])('rejects %j, further back than a date can hold, as a usage error', (value) => {
    expect(() => parseTimeArg(value, NOON, '--since')).toThrow(UsageError);
    expect(() => parseTimeArg(value, NOON, '--since')).toThrow(/^--since: .* before now is before any time a date can hold/);
    expect(parseTimeArg('2000000000h', NOON, '--since')).toBe(NOON - 2e9 * 3_600_000);
  });
});

function flow(time: number, src?: string, dst?: string): Flow {
  const ep = (namespace?: string) => ({ namespace, labels: [], workloads: [] });
  return {
    time, observedVerdict: 'FORWARDED', trafficDirection: 'EGRESS', isReply: false,
    source: ep(src), destination: ep(dst), sourceNames: [], destinationNames: [],
  };
}

describe('matchesFilter', () => {
  it('keeps since and until inclusive', () => {
    const f = { since: NOON, until: NOON + 1000, namespaces: [] };
    expect([NOON - 0.001, NOON, NOON + 1000, NOON + 1000.001].map((t) => matchesFilter(flow(t), f))).toEqual([false, true, true, false]);
  });

  it('applies until alone and since alone', () => {
    expect([NOON, NOON + 1].map((t) => matchesFilter(flow(t), { until: NOON, namespaces: [] }))).toEqual([true, false]);
    expect([NOON - 1, NOON].map((t) => matchesFilter(flow(t), { since: NOON, namespaces: [] }))).toEqual([false, true]);
  });

  it('keeps a flow with either end in one of the namespaces', () => {
    const f = { namespaces: ['shop', 'db'] };
    expect(matchesFilter(flow(NOON, 'shop', undefined), f)).toBe(true);
    expect(matchesFilter(flow(NOON, 'web', 'db'), f)).toBe(true);
    expect(matchesFilter(flow(NOON, 'web', 'kube-system'), f)).toBe(false);
    expect(matchesFilter(flow(NOON, undefined, undefined), f)).toBe(false);
    expect(matchesFilter(flow(NOON, undefined, undefined), { namespaces: [] })).toBe(true);
  });
});

describe('selectionText', () => {
  it('is collect\'s flags, canonical (sorted, once each, absolute times), and empty for every flow', () => {
    expect(selectionText({ namespaces: [] })).toBe('');
    expect(selectionText({ namespaces: ['b', 'a', 'b'], since: Date.UTC(2026, 0, 5), verdicts: ['DROPPED', 'AUDIT'], labels: ['key in (x,y)', 'app=web'] }))
      .toBe('-n a,b --since 2026-01-05T00:00:00.000Z --verdict AUDIT --verdict DROPPED --label app=web --label "key in (x,y)"');
    expect(selectionText({ namespaces: [], until: 0, fromPods: ['shop/web'], toLabels: ['!canary'] })).toBe('--until 1970-01-01T00:00:00.000Z --from-pod shop/web --to-label !canary');
  });
});
