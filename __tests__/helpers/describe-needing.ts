/**
 * Test suites that need programs a machine may lack (terraform, moto): skipped where one is missing,
 * saying why, or failing instead where CI asks for them, and a way to run a suite as such a machine.
 */
import { runCommand } from '../../terraform/runner';
import { PROJECT_ROOT } from './project';

export interface Requirement {
  /** Why the suite cannot run here, if it cannot: "terraform is not on PATH". */
  readonly missing: string | undefined;
  /** The variable (set by .ci/run) with which a missing program fails the suite instead of skipping it. */
  readonly requiredBy: string;
  /** The programs, and what the suite is, for the failure: "terraform", "the Terraform checks". */
  readonly needs: string;
  readonly suite: string;
}

/** A describe block, skipped with the reason in its name where the requirement is missing. */
export function describeNeeding(name: string, requirement: Requirement, body: () => void): void {
  const { missing, requiredBy, needs, suite } = requirement;
  if (!missing) return describe(name, body);
  if (process.env[requiredBy] === '1') {
    describe(name, () => {
      test(`needs ${needs} (${requiredBy}=1)`, () => {
        throw new Error(`${missing}, and ${requiredBy}=1 requires ${suite} to run`);
      });
    });
    return;
  }
  process.stderr.write(`Skipping "${name}": ${missing}\n`);
  describe.skip(`${name} [skipped: ${missing}]`, body);
}

/** Runs one test file of a jest project in a fresh jest, with `env` (a PATH without some program) as its whole environment. */
export function runJest(project: string, file: string, env: NodeJS.ProcessEnv) {
  const jest = require.resolve('jest/bin/jest');
  return runCommand(process.execPath, [jest, '--selectProjects', project, '--ci', '--verbose', file], {
    cwd: PROJECT_ROOT,
    env,
  });
}
