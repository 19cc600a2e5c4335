/**
 * The GitHub Actions workflows: what they may do (permissions, OIDC only, pinned actions) and what
 * they run, read from the YAML itself, and the workflow linter of `npm run lint` shown to bite.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse } from 'yaml';
import { CI_MAIN_BRANCH } from '../constructs/ci-access-policies';
import { runCommand } from '../terraform/runner';
import { PROJECT_ROOT } from './helpers/project';

// Spawns the linter, a WebAssembly build of actionlint, in a node process of its own.
jest.setTimeout(60_000);

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Yaml = Record<string, any>;

const WORKFLOWS = path.join(PROJECT_ROOT, '.github', 'workflows');
const SETUP_ACTION = path.join(PROJECT_ROOT, '.github', 'actions', 'setup', 'action.yml');
const read = (file: string) => fs.readFileSync(file, 'utf8');
const workflow = (name: string): Yaml => parse(read(path.join(WORKFLOWS, name)));
const workflowFiles = fs.readdirSync(WORKFLOWS).filter((name) => /\.ya?ml$/.test(name));

/**
 * Each action at the commit of its release, checked against the action's own tags and against public
 * workflows that pin the same commit for the same release.
 */
const PINNED: Record<string, string> = {
  'actions/checkout': '3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1',
  'actions/setup-node': '820762786026740c76f36085b0efc47a31fe5020 # v7.0.0',
  'actions/setup-python': '5fda3b95a4ea91299a34e894583c3862153e4b97 # v7.0.0',
  'hashicorp/setup-terraform': 'dfe3c3f87815947d99a8997f908cb6525fc44e9e # v4.0.1',
  'aws-actions/configure-aws-credentials': 'e6de054238d6b7531b4efff3b6587d9aade6a06c # v6.2.3',
};

/** Every job of every workflow, with the steps of the local setup action counted as its own. */
function jobs(): { file: string; id: string; job: Yaml; uses: string[] }[] {
  const setupUses = (parse(read(SETUP_ACTION)).runs.steps as Yaml[]).flatMap((s) => (s.uses ? [s.uses] : []));
  return workflowFiles.flatMap((file) =>
    Object.entries(workflow(file).jobs as Record<string, Yaml>).map(([id, job]) => {
      const steps = (job.steps ?? []) as Yaml[];
      const uses = steps.flatMap((s) => (s.uses ? [s.uses] : []));
      return {
        file,
        id,
        job,
        uses: uses.flatMap((u) => (u === './.github/actions/setup' ? setupUses : [u])),
      };
    }),
  );
}

describe('the workflows', () => {
  test('are the four the README describes', () => {
    expect(workflowFiles.sort()).toEqual(['checks.yml', 'deploy-environment.yml', 'deploy.yml', 'drift.yml']);
  });

  test('pin every action to the full commit of a release, with the release in a comment', () => {
    const lines = [...workflowFiles.map((f) => read(path.join(WORKFLOWS, f))), read(SETUP_ACTION)]
      .join('\n')
      .split('\n')
      .filter((line) => /^\s*(- )?uses:/.test(line))
      .map((line) => line.replace(/^\s*(- )?uses:\s*/, '').trim());
    const remote = lines.filter((uses) => !uses.startsWith('./'));
    expect(remote.length).toBeGreaterThan(0);
    for (const uses of remote) {
      const [action, pin] = uses.split('@');
      expect({ action, pin }).toEqual({ action, pin: PINNED[action] });
    }
  });

  test('grant contents: read at the top, and id-token: write only to jobs that assume an AWS role', () => {
    for (const file of workflowFiles)
      expect({ file, permissions: workflow(file).permissions }).toEqual({
        file,
        permissions: { contents: 'read' },
      });
    for (const { file, id, job, uses } of jobs()) {
      const assumesRole =
        uses.some((u) => u.startsWith('aws-actions/configure-aws-credentials@')) ||
        job.uses === './.github/workflows/deploy-environment.yml';
      const expected = assumesRole ? { contents: 'read', 'id-token': 'write' } : undefined;
      expect({ job: `${file} ${id}`, permissions: job.permissions }).toEqual({
        job: `${file} ${id}`,
        permissions: expected,
      });
    }
  });

  test('reach AWS only through OIDC: no access keys anywhere', () => {
    const everything = [...workflowFiles.map((f) => read(path.join(WORKFLOWS, f))), read(SETUP_ACTION)].join(
      '\n',
    );
    expect(everything).not.toMatch(
      /aws-access-key-id|aws-secret-access-key|aws-session-token|AWS_ACCESS_KEY|AWS_SECRET/i,
    );
    for (const { job } of jobs()) {
      for (const step of (job.steps ?? []) as Yaml[]) {
        if (!String(step.uses).startsWith('aws-actions/configure-aws-credentials@')) continue;
        expect(Object.keys(step.with).sort()).toEqual(['aws-region', 'role-session-name', 'role-to-assume']);
        expect(step.with['role-to-assume']).toMatch(
          /^\$\{\{ vars(\.AWS_ROLE_ARN|\[matrix\.plan_role\]) \}\}$/,
        );
      }
    }
  });

  test('on a pull request run .ci/run with terraform and a pinned moto, and a diff per environment', () => {
    const checks = workflow('checks.yml');
    expect(Object.keys(checks.on).sort()).toEqual(['pull_request', 'workflow_dispatch']);
    const runs = (checks.jobs.checks.steps as Yaml[]).map((s) => s.run).filter(Boolean);
    expect(runs).toContain('bash .ci/run');
    expect(runs).toContain('python -m pip install "moto[server]==5.2.1"');
    const diff = checks.jobs.diff;
    expect(diff.strategy.matrix.include.map((m: Yaml) => m.environment)).toEqual(['dev', 'test', 'prod']);
    expect(diff.env).toMatchObject({ TF_CLI_ARGS_plan: '-lock=false', M2M_AUTH_REQUIRE_REMOTE_STATE: '1' });
    const summary = (diff.steps as Yaml[]).find((s) => String(s.run).includes('npm run --silent diff'));
    expect(summary?.run).toContain('>> "$GITHUB_STEP_SUMMARY"');
    // The plan role trusts pull requests as such: a job in a GitHub environment would carry another subject.
    expect(diff.environment).toBeUndefined();
  });

  test(`on a push to ${CI_MAIN_BRANCH} deploy dev, then test, then prod, each in its GitHub environment`, () => {
    const deploy = workflow('deploy.yml');
    expect(deploy.on).toEqual({ push: { branches: [CI_MAIN_BRANCH] } });
    expect(deploy.concurrency).toEqual({ group: 'deploy', 'cancel-in-progress': false });
    expect(
      Object.entries(deploy.jobs as Record<string, Yaml>).map(([id, job]) => [
        id,
        job.needs,
        job.with.environment,
        job.uses,
      ]),
    ).toEqual([
      ['dev', undefined, 'dev', './.github/workflows/deploy-environment.yml'],
      ['test', 'dev', 'test', './.github/workflows/deploy-environment.yml'],
      ['prod', 'test', 'prod', './.github/workflows/deploy-environment.yml'],
    ]);
    const job = workflow('deploy-environment.yml').jobs.deploy;
    expect(job.environment).toBe('${{ inputs.environment }}');
    expect(job.env.M2M_AUTH_REQUIRE_REMOTE_STATE).toBe('1');
    expect((job.steps as Yaml[]).map((s) => s.run).filter(Boolean)).toEqual([
      'npm run deploy -- "m2m-auth-$ENVIRONMENT" --auto-approve --no-color',
    ]);
  });

  test(`check every environment for drift nightly, on ${CI_MAIN_BRANCH}, with the read-only role`, () => {
    const drift = workflow('drift.yml');
    expect(drift.on.schedule).toHaveLength(1);
    const job = drift.jobs.drift;
    expect(job.strategy.matrix.include.map((m: Yaml) => m.environment)).toEqual(['dev', 'test', 'prod']);
    expect(job.environment).toBeUndefined();
    expect((job.steps as Yaml[]).map((s) => s.run).filter(Boolean)).toEqual([
      'npm run synth',
      'npm run --silent m2m -- drift --stack "m2m-auth-$ENVIRONMENT"',
    ]);
  });
});

describe('the workflow linter of npm run lint', () => {
  const lint = (cwd: string) =>
    runCommand(
      process.execPath,
      [
        path.join(PROJECT_ROOT, 'node_modules', '@tktco', 'node-actionlint', 'bin', 'node-actionlint.js'),
        '.github/workflows/*.yml',
      ],
      { cwd },
    );

  test('passes the workflows', async () => {
    const result = await lint(PROJECT_ROOT);
    expect(result.stdout).toContain(`Checking ${workflowFiles.length} workflow file(s)...`);
    expect(result.code).toBe(0);
  });

  test('fails a workflow with a mistake, offline, naming the line', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'm2m-auth-actionlint-'));
    try {
      fs.mkdirSync(path.join(dir, '.github', 'workflows'), { recursive: true });
      const broken = read(path.join(WORKFLOWS, 'deploy.yml')).replace('needs: dev', 'needs: staging');
      fs.writeFileSync(path.join(dir, '.github', 'workflows', 'deploy.yml'), broken);
      const result = await lint(dir);
      expect(result.code).toBe(1);
      expect(result.stdout).toMatch(/job "test" needs job "staging" which does not exist in this workflow/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
