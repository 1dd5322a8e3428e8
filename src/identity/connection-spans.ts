// The spans of one connection's addresses and ports (rule 4 in edge.ts): each span is a run of
// events no further than the window apart, with the value its folder attached (what it counted).
// Files are read one after another (one export per node), so a span can be seen in pieces: one
// node's events with gaps wider than the window make several spans, and another node's events,
// read later, fill the gaps. Read in time order those events would have been one span, so when a
// span widens to within the window of another, the two become one (joinSpans), and the folder
// is told (`onJoin`) so it can take back the second count. What the spans end as is then the same
// whatever order the files came in: the runs of the sorted event times split at gaps wider than
// the window.

/**
 * Earlier spans kept: while all connections together hold fewer than their budget
 * (RecentOptions.maxSpans), each keeps up to MAX_SPANS, so a
 * long-lived connection that one node reports in a hundred pieces is joined up exactly; past the
 * budget, each keeps MIN_SPANS. Which are forgotten: see dropFarthest in connections.ts. Memory
 * stays bounded however many connections come in pieces (a span costs a few hundred bytes).
 */
export const MIN_SPANS = 4;
export const MAX_SPANS = 1024;

/** Events of one connection from `first` to `time` (the last), and the value attached to them. */
export interface Span<T> { first: number; time: number; value: T | undefined }

/** Two spans became one: `gone`'s value (from the later-starting span) joins `keep`'s, which stays. */
export type JoinSpans<T> = (keep: T, gone: T) => void;

/** What within() found: `time` is not within the window of the span, inside the span, or the span widened to it. */
export const NOT_WITHIN = 0;
export const INSIDE = 1;
export const WIDENED = 2;
export type Within = typeof NOT_WITHIN | typeof INSIDE | typeof WIDENED;

/** `time` within `window` of the span: widen the span to it and say so. */
export function within(span: Span<unknown>, time: number, window: number): Within {
  if (time < span.first - window || time > span.time + window) return NOT_WITHIN;
  if (time > span.time) span.time = time;
  else if (time < span.first) span.first = time;
  else return INSIDE;
  return WIDENED;
}

/**
 * `widened` (the entry itself or one of `older`) has just widened: join every other span now
 * within `window` of it, repeatedly, as the joined span grows. The later-starting span's value
 * joins the earlier's through `onJoin`. A joined span that includes the entry's stays in the
 * entry (its newest span); otherwise it takes the earlier span's place in `older`. Returns the
 * span that holds the widened span's events now.
 */
export function joinSpans<T>(entry: Span<T> & { older: Span<T>[] | undefined }, widened: Span<T>, window: number, onJoin: JoinSpans<T> | undefined): Span<T> {
  const older = entry.older;
  if (older === undefined || older.length === 0) return widened;
  let span = widened;
  for (let other = nearby(entry, span, window); other !== undefined; other = nearby(entry, span, window)) {
    const [keep, gone] = span.first <= other.first ? [span, other] : [other, span];
    const value = keep.value ?? gone.value;
    if (keep.value !== undefined && gone.value !== undefined) onJoin?.(keep.value, gone.value);
    const into = span === entry || other === entry ? entry : keep;
    const out = into === keep ? gone : keep;
    into.first = Math.min(keep.first, gone.first);
    into.time = Math.max(keep.time, gone.time);
    into.value = value;
    older.splice(older.indexOf(out), 1);
    span = into;
  }
  return span;
}

/** A span of the entry other than `span` whose events come within `window` of `span`'s. */
function nearby<T>(entry: Span<T> & { older: Span<T>[] | undefined }, span: Span<T>, window: number): Span<T> | undefined {
  if (span !== entry && close(entry, span, window)) return entry;
  return entry.older?.find((other) => other !== span && close(other, span, window));
}

function close(a: Span<unknown>, b: Span<unknown>, window: number): boolean {
  return a.first <= b.time + window && b.first <= a.time + window;
}
