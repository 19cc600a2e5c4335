// Set up before each test file of `npm run mutate`, in the test environment.

// 1. The active mutant, read now. An instrumented module reads it from the environment variable
// Stryker sets, once, when it is loaded. The CLI tests run the CLI in this process with an environment
// of their own (__tests__/helpers/run-cli.ts), and the CLI loads its commands then, with import(): where
// no instrumented module was loaded before, the mutant was never activated, and it survived every test.
// `__stryker__` is Stryker's context for this test file (its jest environment sets it).
const active = process.env.__STRYKER_ACTIVE_MUTANT__;
if (active !== undefined && globalThis.__stryker__ !== undefined) {
  globalThis.__stryker__.activeMutant ??= active;
}

// 2. test.concurrent runs as a plain test, one after another. Stryker credits a mutant to the test
// jest reports as running when the mutant's code runs, but jest starts every concurrent test of a
// file at once, before it reports any of them: their coverage landed on the wrong tests, and a mutant's
// run left out the tests that reach it. `npm test` keeps them concurrent.
globalThis.test.concurrent = globalThis.test;
