// Preloaded with `node --import` into the CLI child by the benches: prints peak RSS at exit.
process.on('exit', () => {
  process.stderr.write(`bench-stats ${JSON.stringify({ maxRssKb: process.resourceUsage().maxRSS })}\n`);
});
