// Preloaded into every node process of a benchmark run (NODE_OPTIONS=--require): on exit it appends one
// JSON line with the process's peak resident set size, so the bench can take the max over the process tree.
'use strict';
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a --require preload is CommonJS
const fs = require('node:fs');

const file = process.env.BENCH_RSS_FILE;
if (file) {
  process.on('exit', () => {
    const { maxRSS } = process.resourceUsage(); // KiB
    const line = JSON.stringify({ pid: process.pid, maxRssKiB: maxRSS, script: process.argv[1] ?? '' });
    try {
      fs.appendFileSync(file, `${line}\n`);
    } catch {
      // Never let the probe change how the measured program exits.
    }
  });
}
