// parseRfc3339's per-hour cache: a sequence of timestamps must give exactly what a fresh parse of
// each one gives, across minute/hour/day/year boundaries, going back in time, and with invalid
// text sharing a valid cached prefix.
import { describe, expect, it } from 'vitest';
import { parseRfc3339, timestampToMs } from '../../../src/collect/time.js';

/** Independent reference: Date.UTC for the whole seconds, the fraction digits as nanoseconds. */
function reference(y: number, mo: number, d: number, h: number, mi: number, s: number, fraction = ''): number {
  return timestampToMs(Date.UTC(y, mo - 1, d, h, mi, s) / 1000, fraction === '' ? 0 : Number(fraction.padEnd(9, '0')));
}

describe('parseRfc3339 on a stream of timestamps', () => {
  it('matches the reference across minute, hour, day and year boundaries, forwards and backwards', () => {
    const cases: [string, number][] = [
      ['2025-12-31T23:59:59.999999999Z', reference(2025, 12, 31, 23, 59, 59, '999999999')],
      ['2026-01-01T00:00:00Z', reference(2026, 1, 1, 0, 0, 0)],
      ['2026-01-01T00:00:00.000001Z', reference(2026, 1, 1, 0, 0, 0, '000001')],
      ['2026-01-01T00:01:02.5Z', reference(2026, 1, 1, 0, 1, 2, '5')],
      ['2026-01-01T00:59:59.123Z', reference(2026, 1, 1, 0, 59, 59, '123')],
      ['2026-01-01T01:00:00.032259Z', reference(2026, 1, 1, 1, 0, 0, '032259')],
      ['2026-01-01T00:30:00Z', reference(2026, 1, 1, 0, 30, 0)], // back into the previous hour
      ['2026-01-02T00:30:00Z', reference(2026, 1, 2, 0, 30, 0)], // same hour text, next day
      ['2024-02-29T12:34:56.7Z', reference(2024, 2, 29, 12, 34, 56, '7')],
      ['2026-06-30T23:59:60Z', reference(2026, 6, 30, 23, 59, 60)], // leap second: as Date.UTC counts it
      ['2026-01-01t00:01:02z', reference(2026, 1, 1, 0, 1, 2)], // lower case, general path
      ['2026-01-01T02:01:02+02:00', reference(2026, 1, 1, 0, 1, 2)],
      ['2026-01-01T00:01:02.5Z', reference(2026, 1, 1, 0, 1, 2, '5')], // after other formats
    ];
    for (const [text, ms] of cases) expect([text, parseRfc3339(text)]).toEqual([text, ms]);
  });

  it('reads years 0000-0099 as such, not as 1900-1999 (Date.UTC does)', () => {
    const year1 = new Date(0);
    year1.setUTCFullYear(1, 0, 1);
    expect(parseRfc3339('0001-01-01T00:00:00Z')).toBe(-62_135_596_800_000); // the protobuf Timestamp minimum
    expect(parseRfc3339('0001-01-01T00:00:00Z')).toBe(year1.getTime());
    year1.setUTCFullYear(99, 5, 1);
    expect(parseRfc3339('0099-06-01T00:00:00.5+01:00')).toBe(year1.getTime() - 3_600_000 + 500);
    expect(parseRfc3339('0000-02-29T00:00:00Z')).toBe(parseRfc3339('0400-02-29T00:00:00Z')! - 146_097 * 86_400_000); // year 0 is a leap year
  });

  it('rejects bad minutes, seconds and fractions even when the hour is cached', () => {
    expect(parseRfc3339('2026-01-01T05:00:00Z')).toBe(reference(2026, 1, 1, 5, 0, 0));
    for (const bad of [
      '2026-01-01T05:60:00Z', '2026-01-01T05:00:61Z', '2026-01-01T05:0a:00Z', '2026-01-01T05:00:0 Z', '2026-01-01T05-00:00Z',
      '2026-01-01T05:00:00.Z', '2026-01-01T05:00:00.12a4Z', '2026-01-01T05:00:00.1234567890Z', '2026-01-01T05:00:00,5Z',
    ]) {
      expect([bad, parseRfc3339(bad)]).toEqual([bad, undefined]);
    }
    expect(parseRfc3339('2026-01-01T05:59:59.9Z')).toBe(reference(2026, 1, 1, 5, 59, 59, '9'));
  });

  it('rejects bad date and hour text next to a cached hour, whatever its digits add up to', () => {
    expect(parseRfc3339('2026-01-01T05:00:00Z')).toBe(reference(2026, 1, 1, 5, 0, 0));
    for (const bad of [
      '2026/01-01T05:00:00Z', '2026-01/01T05:00:00Z', '2026-01-01T05.00:00Z', '2026-01-01T05:00.00Z', '2026-01-0aT05:00:00Z',
      '202a-01-01T05:00:00Z', '2026-01-01T0 :00:00Z', ' 026-01-01T05:00:00Z', '2026-01-01T24:00:00Z', '2026-13-01T05:00:00Z',
      '2026-02-30T05:00:00Z', '2025-02-29T05:00:00Z',
    ]) {
      expect([bad, parseRfc3339(bad)]).toEqual([bad, undefined]);
    }
    expect(parseRfc3339('2026-01-01T05:00:01Z')).toBe(reference(2026, 1, 1, 5, 0, 1));
  });
});
