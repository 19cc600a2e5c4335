// A Stryker test runner: StrykerJS's jest runner, except that a mutant's run loads only the test
// files whose tests cover the mutant.
//
// Why: with `enableFindRelatedTests`, the jest runner loads every test file that imports the
// mutated file, directly or not, and filters tests by name. Here the CLI imports nearly everything, so
// a mutant in config/settings.ts loaded 20 test files (about half a second each) to run the few tests
// of one. The unmutated first run (the dry run) tells which file each test is in; this runner keeps that
// in a file beside the sandbox, and each mutant run asks jest for exactly those files (jest's
// `testFiles`, which the jest runner's adapter already supports), still with the name filter.
// A mutant without a test filter (static coverage) or a test the dry run did not see falls back to the
// jest runner's own behaviour.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PluginKind, commonTokens, declareFactoryPlugin, tokens } from '@stryker-mutator/api/plugin';
import { strykerPlugins as jestRunnerPlugins } from '@stryker-mutator/jest-runner';
import { escapeRegExp } from '@stryker-mutator/util';

const jestRunnerFactory = jestRunnerPlugins.find((plugin) => plugin.name === 'jest').factory;

/** Test runners are children of one Stryker process, which runs the dry run before any mutant. */
function testFilesIndexPath() {
  return path.join(process.env.TMPDIR ?? '.', `stryker-test-files-${process.ppid}.json`);
}

class TestFileRunner {
  /** test ID (jest's full name) → the test files that hold a test of that name */
  #filesByTest;

  constructor(jestRunner) {
    this.jestRunner = jestRunner;
  }

  capabilities() {
    return this.jestRunner.capabilities();
  }

  init() {
    return this.jestRunner.init();
  }

  dispose() {
    return this.jestRunner.dispose?.();
  }

  async dryRun(options) {
    const result = await this.jestRunner.dryRun(options);
    if (result.status === 'complete') {
      const index = new Map();
      for (const test of result.tests) {
        index.set(test.id, new Set(index.get(test.id)).add(test.fileName));
      }
      const entries = [...index].map(([test, files]) => [test, [...files]]);
      fs.writeFileSync(testFilesIndexPath(), JSON.stringify(Object.fromEntries(entries)));
    }
    return result;
  }

  async mutantRun(options) {
    const files = this.#testFilesFor(options.testFilter);
    if (files === undefined) return this.jestRunner.mutantRun(options);
    const adapter = this.jestRunner.jestTestAdapter;
    const run = adapter.run;
    // The jest runner's adapter runs exactly the given `testFiles` (as path patterns) when it has them.
    adapter.run = (settings) =>
      run.call(adapter, { ...settings, testFiles: files.map((file) => `^${escapeRegExp(file)}$`) });
    try {
      return await this.jestRunner.mutantRun(options);
    } finally {
      adapter.run = run;
    }
  }

  #testFilesFor(testFilter) {
    if (testFilter === undefined || testFilter.length === 0) return undefined;
    this.#filesByTest ??= JSON.parse(fs.readFileSync(testFilesIndexPath(), 'utf8'));
    const files = new Set();
    for (const test of testFilter) {
      const found = this.#filesByTest[test];
      if (found === undefined) return undefined;
      for (const file of found) files.add(file);
    }
    return [...files];
  }
}

function testFileRunnerFactory(injector) {
  return new TestFileRunner(injector.injectFunction(jestRunnerFactory));
}
testFileRunnerFactory.inject = tokens(commonTokens.injector);

export const strykerPlugins = [
  declareFactoryPlugin(PluginKind.TestRunner, 'jest-test-files', testFileRunnerFactory),
];
