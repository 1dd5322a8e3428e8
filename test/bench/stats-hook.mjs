// Preloaded with `node --import` into the CLI child by the benches (see child-stats.ts): prints
// its peak RSS and CPU time at exit (the machine may be shared: CPU time says what the command
// cost, wall time what it took).
process.on('exit', () => {
  const { maxRSS, userCPUTime, systemCPUTime } = process.resourceUsage();
  process.stderr.write(`\nbench-stats ${JSON.stringify({ maxRssKb: maxRSS, cpuMs: (userCPUTime + systemCPUTime) / 1000 })}\n`);
});
