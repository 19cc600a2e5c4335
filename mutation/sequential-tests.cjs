// Set up before each test file of `npm run mutate`: test.concurrent runs as a plain test, one after
// another. Stryker credits a mutant to the test jest reports as running when the mutant's code runs,
// but jest starts every concurrent test of a file at once, before it reports any of them: their
// coverage landed on the wrong tests, and a mutant's run left out the tests that reach it. `npm test`
// keeps them concurrent.
globalThis.test.concurrent = globalThis.test;
