// Preloaded with `node --require` by bench/feedBench.ts: prints the process's own CPU time (all
// threads, DuckDB's included) and peak resident set on exit, as the last line of stderr.
process.on('exit', () => {
  const u = process.resourceUsage();
  process.stderr.write(
    `\nPROCESS_STATS ${JSON.stringify({ cpuMs: Math.round((u.userCPUTime + u.systemCPUTime) / 1000), peakRssMb: Math.round(u.maxRSS / 1024) })}\n`,
  );
});
