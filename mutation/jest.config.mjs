// The jest configuration of `npm run mutate`: the unit project of jest.config.js on its own. Stryker
// merges its options over the file it is given; given jest.config.js, its three projects each ran every
// test file named on the command line, so each test ran three times, twice outside the unit project.
// The terraform and e2e projects run programs (terraform, moto) that never see Stryker's active mutant.
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import jestConfig from '../jest.config.js';

const { displayName, ...unit } = jestConfig.projects.find((project) => project.displayName === 'unit');

const here = path.dirname(fileURLToPath(import.meta.url));

export default {
  ...unit,
  rootDir: path.resolve(here, '..'),
  // An absolute path: Stryker loads the environment itself, from its own folder.
  testEnvironment: path.join(here, 'bail-environment.cjs'),
  setupFilesAfterEnv: [path.join(here, 'test-setup.cjs')],
};
