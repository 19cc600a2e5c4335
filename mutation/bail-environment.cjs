// The test environment of `npm run mutate`: jest's node environment, except that in a mutant's run a
// test file stops at its first failing test. One failure kills the mutant; jest itself has no way to
// stop a file early, so a mutant covered by 150 synth tests ran all 150 after the first had failed.
// The first, unmutated run (no active mutant) runs every test, as Stryker needs to see each one.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { TestEnvironment } = require('jest-environment-node');

class BailingEnvironment extends TestEnvironment {
  #failed = false;

  async handleTestEvent(event) {
    if (process.env.__STRYKER_ACTIVE_MUTANT__ === undefined) return;
    if (event.name === 'test_done' && event.test.errors.length > 0) this.#failed = true;
    // jest-circus reads the mode right after test_start: the test is reported as skipped.
    if (event.name === 'test_start' && this.#failed) event.test.mode = 'skip';
  }
}

module.exports = BailingEnvironment;
