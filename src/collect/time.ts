// Timestamps: RFC 3339 text (JSON) and {seconds, nanos} (protobuf) both become epoch
// milliseconds with the microseconds kept in the fraction. Both readers go through
// `timestampToMs`, so the same instant is the same number whichever way it arrived.

const RFC3339 = /^(\d{4})-(\d\d)-(\d\d)[Tt ](\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d\d):(\d\d))$/;
const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

/** Epoch ms from a protobuf Timestamp; nanoseconds are truncated to whole microseconds. */
export function timestampToMs(seconds: number, nanos: number): number {
  return seconds * 1000 + Math.trunc(nanos / 1000) / 1000;
}

/**
 * Parse RFC 3339 (`2024-01-01T10:00:00Z`, 0–9 fraction digits, `Z` or `±hh:mm`) into epoch ms.
 * Returns undefined when the text is not such a timestamp (callers decide which error to raise).
 */
export function parseRfc3339(text: string): number | undefined {
  return parseUtcFast(text) ?? parseGeneral(text);
}

// Flows arrive in time order, so consecutive timestamps usually share their whole-second part:
// `YYYY-MM-DDTHH:MM:SS` is parsed once and the fraction digits are read by hand.
let lastSecondText = '';
let lastSeconds = 0;

function parseUtcFast(text: string): number | undefined {
  const n = text.length;
  if (n < 20 || text.charCodeAt(n - 1) !== 0x5a /* Z */ || text.charCodeAt(10) !== 0x54 /* T */) return undefined;
  const whole = text.slice(0, 19);
  if (whole !== lastSecondText) {
    const ms = parseGeneral(`${whole}Z`);
    if (ms === undefined) return undefined;
    lastSecondText = whole;
    lastSeconds = ms / 1000;
  }
  if (n === 20) return timestampToMs(lastSeconds, 0);
  if (text.charCodeAt(19) !== 0x2e /* . */ || n > 30 || n < 22) return undefined;
  let nanos = 0;
  for (let i = 20; i < 29; i++) {
    const d = i < n - 1 ? text.charCodeAt(i) - 0x30 : 0;
    if (d < 0 || d > 9) return undefined;
    nanos = nanos * 10 + d;
  }
  return timestampToMs(lastSeconds, nanos);
}

function parseGeneral(text: string): number | undefined {
  const m = RFC3339.exec(text);
  if (m === null) return undefined;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = Number(m[4]);
  const minute = Number(m[5]);
  const second = Number(m[6]);
  if (month < 1 || month > 12 || day < 1 || day > (DAYS_IN_MONTH[month - 1] ?? 0)) return undefined;
  if (month === 2 && day === 29 && !isLeapYear(year)) return undefined;
  if (hour > 23 || minute > 59 || second > 60) return undefined;
  let offsetMinutes = 0;
  if (m[8] === undefined) {
    const sign = m[9] === '-' ? -1 : 1;
    const oh = Number(m[10]);
    const om = Number(m[11]);
    if (oh > 23 || om > 59) return undefined;
    offsetMinutes = sign * (oh * 60 + om);
  }
  const seconds = Date.UTC(year, month - 1, day, hour, minute, second) / 1000 - offsetMinutes * 60;
  const fraction = m[7] ?? '';
  const nanos = fraction === '' ? 0 : Number(fraction.padEnd(9, '0'));
  return timestampToMs(seconds, nanos);
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}
