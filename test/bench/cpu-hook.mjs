// Preloaded with `node --import` into the CLI child by the report bench: prints its CPU time at exit
// (the machine may be shared: CPU time says what the command cost, wall time what it took).
process.on('exit', () => {
  const { userCPUTime, systemCPUTime } = process.resourceUsage();
  process.stderr.write(`bench-cpu ${JSON.stringify({ cpuMs: (userCPUTime + systemCPUTime) / 1000 })}\n`);
});
