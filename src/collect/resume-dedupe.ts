// Resuming a broken GetFlows stream without counting a flow twice.
import type { Flow } from '../model.js';
import { RELAY_REORDER_MS } from './hubble-limits.js';

/** A resumed stream asks from the last flow time minus this: twice Relay's reordering, for margin. */
const RESUME_WINDOW_MS = 2 * RELAY_REORDER_MS;

/**
 * Drops the flows a resumed stream sends again: after a reconnect we ask from (last flow time −
 * RESUME_WINDOW_MS, 2 s) and skip flows already yielded in that window (by uuid, or a content
 * key for flows without one). The hot path only appends the flow to a window of the last 2 s;
 * keys are computed once, when a stream resumes.
 */
export class ResumeDedupe {
  private maxTime: number | undefined;
  private window: Flow[] = [];
  private head = 0;
  private seen: Set<string> | undefined;
  /** While resuming: the newest time seen before the break (reordering allowed up to +2 s). */
  private resumedFrom = 0;

  /** How many flows already accepted the last resumeAt() asks for again (they are dropped when resent). */
  resent = 0;

  resumeAt(): number | undefined {
    if (this.maxTime === undefined) return undefined;
    const since = this.maxTime - RESUME_WINDOW_MS;
    const again = this.window.slice(this.head).filter((f) => f.time >= since);
    this.seen = new Set(again.map(flowKey));
    this.resent = again.length;
    this.resumedFrom = this.maxTime;
    return since;
  }

  accept(flow: Flow): boolean {
    if (this.seen !== undefined) {
      if (flow.time > this.resumedFrom + RESUME_WINDOW_MS) this.seen = undefined; // past the overlap
      else if (this.seen.has(flowKey(flow))) return false;
    }
    this.window.push(flow);
    if (this.maxTime === undefined || flow.time > this.maxTime) {
      this.maxTime = flow.time;
      const oldest = flow.time - RESUME_WINDOW_MS;
      while (this.head < this.window.length && (this.window[this.head] as Flow).time < oldest) this.head++;
      if (this.head > 4096 && this.head * 2 > this.window.length) {
        this.window = this.window.slice(this.head);
        this.head = 0;
      }
    }
    return true;
  }
}

const flowKey = (f: Flow): string =>
  f.uuid ?? `${f.time}|${f.source.ip}|${f.destination.ip}|${JSON.stringify(f.l4)}|${f.nodeName}|${f.observedVerdict}`;