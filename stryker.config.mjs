// Mutation testing (issue 15): `npm run mutate`. Not part of `npm test`: a full run takes hours on
// two cores; an incremental re-run after a small change takes minutes. See README, "Mutation testing".
import * as fs from 'node:fs';
import * as path from 'node:path';

// A mutant may break a test's cleanup, and a timed-out run is killed before its afterAll: the test
// runners (which inherit this) keep their temporary folders in the git-ignored reports/, not in /tmp.
process.env.TMPDIR = path.resolve('reports/tmp');
fs.mkdirSync(process.env.TMPDIR, { recursive: true });

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  mutate: ['constructs/**/*.ts', 'config/**/*.ts', 'operator/**/*.ts', 'examples/**/*.ts'],
  // Reports and other runs' sandboxes are not part of the project.
  ignorePatterns: ['reports'],
  // StrykerJS's jest runner, loading only the test files that cover a mutant: mutation/test-file-runner.mjs.
  plugins: ['@stryker-mutator/*', './mutation/test-file-runner.mjs'],
  testRunner: 'jest-test-files',
  jest: {
    projectType: 'custom',
    // Only the unit project (mutation/jest.config.mjs says why).
    configFile: 'mutation/jest.config.mjs',
    // The first run loads only the test files that import a mutated file (statically or by import()),
    // not all of them: that cut a run from about a minute to seconds. Mutant runs narrow it further.
    enableFindRelatedTests: true,
  },
  checkers: ['typescript'],
  // The type checker's view: the source without the tests (mutation/tsconfig.json says why).
  tsconfigFile: 'mutation/tsconfig.json',
  coverageAnalysis: 'perTest',
  // Mutants in module-level code need every test re-run; they are few here and dominated the run time.
  ignoreStatic: true,
  incremental: true,
  incrementalFile: 'reports/mutation/stryker-incremental.json',
  reporters: ['html', 'clear-text', 'progress', 'json'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  tempDirName: 'reports/.stryker-tmp',
  cleanTempDir: 'always',
  concurrency: 2,
  // A mutant run loads one to three test files (mutation/test-file-runner.mjs), a few seconds on a busy
  // machine, on top of the per-test times Stryker measured. Each of the infinite loops a mutant makes
  // waits this long before counting as killed (timed out): at 60 s they cost a minute each.
  timeoutMS: 20000,
  timeoutFactor: 2,
  // The first, unmutated run of every related test takes about a minute here, more on a loaded machine.
  dryRunTimeoutMinutes: 15,
  // break: the score reached (README, "Mutation testing"); a change that lowers it fails the run.
  thresholds: { high: 98, low: 96, break: 96 },
};
