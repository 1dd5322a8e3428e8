// Is the process that started an ingest run still running it? A run records its pid; the pid is
// alive when signal 0 reaches it. After a crash the pid may be reused by an unrelated process, so
// on Linux the process's start time (/proc) must also be before the run's: a process started
// after the run began cannot be the one running it.
import { readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ: 100 on every Linux architecture in use). */
const USER_HZ = 100;
/**
 * The run starts after its process, start times are derived from the boot time, and the wall
 * clock may have been stepped since: allow that much before calling the process another one.
 */
const SLACK_MS = 30_000;

/** Whether the process `pid`, which started a run at `runStartedAt` (epoch ms), can still be running it. */
export function runProcessAlive(pid: number, runStartedAt: number): boolean {
  if (pid === process.pid) return false; // a previous run in this very process cannot still be running
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const started = processStartedAt(pid);
  return started === undefined || started <= runStartedAt + SLACK_MS;
}

/** Epoch ms the process started, from /proc (Linux); undefined where that cannot be read. */
function processStartedAt(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (in parentheses, which may hold spaces): starttime is the 20th.
    const ticks = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
    const boot = Number(/^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'))?.[1]);
    return Number.isFinite(ticks) && Number.isFinite(boot) ? boot * 1000 + (ticks * 1000) / USER_HZ : undefined;
  } catch {
    return undefined;
  }
}
