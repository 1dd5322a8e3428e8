// What a bench learns about a CLI child it runs: `--import STATS_HOOK` makes the child print its
// peak RSS and CPU time at exit; childStats reads them from its stderr.
import { fileURLToPath, pathToFileURL } from 'node:url';

export const STATS_HOOK = pathToFileURL(fileURLToPath(new URL('./stats-hook.mjs', import.meta.url))).href;

export interface ChildStats { maxRssKb: number; cpuMs: number }

/** The stats the hook printed, or undefined when it did not (the child crashed). */
export function childStats(stderr: string): ChildStats | undefined {
  const json = /bench-stats (\{.*\})/.exec(stderr)?.[1];
  return json === undefined ? undefined : (JSON.parse(json) as ChildStats);
}
