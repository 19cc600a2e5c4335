// Part of `npm run mutate`, for a run split by files:
//   PART=cli MUTATE='operator/cli.ts,operator/commands/**/*.ts' npx stryker run mutation/part.config.mjs
// Each part keeps its own incremental file, reports/parts/<PART>.incremental.json; merge the parts'
// files into the full run's (mutation/merge-incremental.mjs) so that `npm run mutate` reuses them.
import base from '../stryker.config.mjs';

const part = process.env.PART;
if (!part || !/^[\w-]+$/.test(part) || !process.env.MUTATE) {
  throw new Error('PART (letters, digits, - or _) and MUTATE (comma-separated globs) are needed');
}

export default {
  ...base,
  mutate: process.env.MUTATE.split(','),
  incrementalFile: `reports/parts/${part}.incremental.json`,
  tempDirName: `reports/.stryker-tmp-${part}`,
  reporters: ['progress', 'clear-text', 'json'],
  jsonReporter: { fileName: `reports/parts/${part}-report.json` },
};
