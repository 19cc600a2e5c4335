/**
 * `m2m adopt` as the CLI runs it, in the project's folder: what it writes and prints, its exit codes
 * and one-line errors, and --finish against a fake terraform that records what it is asked to do. The
 * e2e test runs it all with the real terraform against the emulator. The --finish tests write the
 * adopted cdktf.json directly, as `m2m adopt --from-state` would.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { deriveAdoption, findDeployment, formatJson, planAdoption } from '../../operator/adopt';
import { MAX_STATE_BYTES, readStateFile } from '../../operator/terraform-state';
import { runCommand } from '../../terraform/runner';
import { createFakeProject, type FakeProject } from '../helpers/fakes/terraform';
import {
  attributesOf,
  FIXTURE_SECRET,
  ORIGINAL_SHOW_JSON,
  ORIGINAL_STATE,
  originalState,
  type StateDocument,
} from './old-states';
import { type CliResult, errorLine, runCli } from '../helpers/run-cli';

// Each test starts the CLI a few times; a busy machine can take seconds for each.
jest.setTimeout(60_000);

const made: FakeProject[] = [];
afterAll(() => made.forEach((project) => project.remove()));

interface Project {
  readonly dir: string;
  readonly fake: FakeProject;
  /** A copy of the old state, which --finish edits. */
  readonly oldState: string;
  readonly cdktfJson: () => { context: Record<string, unknown> };
  readonly adopt: (args: readonly string[], env?: Record<string, string>) => Promise<CliResult>;
}

/** A project folder with this project's cdktf.json, an old state to adopt, and the fake terraform on PATH. */
function project(state: StateDocument = originalState()): Project {
  const fake = createFakeProject();
  made.push(fake);
  const { dir } = fake;
  const oldState = path.join(dir, 'old', 'terraform.tfstate');
  fs.mkdirSync(path.dirname(oldState));
  fs.writeFileSync(oldState, JSON.stringify(state));
  return {
    dir,
    fake,
    oldState,
    cdktfJson: () => JSON.parse(fs.readFileSync(path.join(dir, 'cdktf.json'), 'utf8')),
    adopt: (args, env = {}) =>
      runCli(['adopt', ...args], {
        cwd: dir,
        path: `${fake.binDir}:/usr/bin:/bin`,
        env: {
          FAKE_NEW_STATE: path.join(dir, 'new.tfstate'),
          FAKE_STATE_RM: path.join(dir, 'state-rm-args'),
          ...env,
        },
      }),
  };
}

/** What `m2m adopt --from-state` writes, done in this process: the --finish tests start from there. */
function adoptInProcess(p: Project): void {
  const file = path.join(p.dir, 'cdktf.json');
  const cdktfJson = JSON.parse(fs.readFileSync(file, 'utf8'));
  const adoption = deriveAdoption(findDeployment(readStateFile(p.oldState)));
  const { context } = planAdoption(cdktfJson.context, adoption);
  fs.writeFileSync(file, `${formatJson({ ...cdktfJson, context })}\n`);
}

/**
 * A project adopted and deployed, the new state holding all four resources under the stack's
 * addresses: ready for --finish. `original` is the old state's text, which the backup must equal.
 */
function takenOver(): { p: Project; original: string } {
  const p = project();
  adoptInProcess(p);
  const taken = originalState();
  taken.resources.forEach((resource) => (resource.name = `cognito_${resource.name}_0A1B2C3D`));
  deployed(p, taken);
  return { p, original: fs.readFileSync(p.oldState, 'utf8') };
}

/** Makes the project look deployed: a stack folder whose (fake) state is `state`. */
function deployed(p: Project, state: StateDocument): void {
  p.fake.addStack('m2m-auth-dev');
  fs.writeFileSync(path.join(p.dir, 'new.tfstate'), JSON.stringify(state));
}

const everything = (result: CliResult, p: Project) =>
  [result.stdout, result.stderr, fs.readFileSync(path.join(p.dir, 'cdktf.json'), 'utf8')].join('\n');

test('writes cdktf.json and prints the plan to expect and the exact next commands, without the client secret', async () => {
  const p = project();
  const result = await p.adopt(['--from-state', 'old/terraform.tfstate']);
  expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
  const poolId = attributesOf(originalState(), 'aws_cognito_user_pool').id as string;
  expect(result.stdout).toBe(
    [
      `Adopting aws_cognito_user_pool.m2m_user_pool (user pool ${poolId}) as stack m2m-auth-dev, region us-east-1:`,
      '  aws_cognito_user_pool.m2m_user_pool: user pool, prefix "machine-to-machine"',
      '  aws_cognito_resource_server.m2m_resource_server: resource server "m2m-client", scopes read, write',
      '  aws_cognito_user_pool_domain.m2m_domain: domain, prefix "m2m-rubicon"',
      '  aws_cognito_user_pool_client.m2m_client: client "m2m-client" (keeps its Cognito name "m2m-client"), scopes read, write, tokens valid 60 minutes',
      'Wrote cdktf.json: environments, awsRegion, userPoolNamePrefix, domainPrefix, projectTag, resourceServer, clients, storeCredentialsInSecretsManager, imports.dev.',
      '',
      'Expected on the first deploy of m2m-auth-dev: Plan: 4 to import, 0 to add, 1 to change, 0 to destroy.',
      "  The change: the user pool's tags (CostCenter, Owner removed; ManagedBy added).",
      '  Never changed: the user pool ID and issuer, the client IDs and secrets, the domain.',
      '',
      'Next:',
      '  npm run diff -- m2m-auth-dev      the plan must say the above; nothing to add or destroy',
      '  npm run deploy -- m2m-auth-dev    imports them (or npm run synth, then terraform apply in its folder in cdktf.out)',
      '  npm run --silent m2m -- adopt --finish --from-state old/terraform.tfstate',
      '      then drops them from the old state (with a backup), so the old configuration cannot destroy them',
      '',
    ].join('\n'),
  );
  expect(p.cdktfJson().context).toMatchObject({
    clients: [{ name: 'm2m-client', appClientName: 'm2m-client' }],
    imports: { dev: { userPoolId: attributesOf(originalState(), 'aws_cognito_user_pool').id } },
  });
  expect(everything(result, p)).not.toContain(FIXTURE_SECRET);
});

test('names what it leaves in the old state, a changed tag, and the --project-dir to pass again', async () => {
  const state = originalState();
  state.resources.push({
    mode: 'managed',
    type: 'aws_s3_bucket',
    name: 'logs',
    instances: [{ attributes: { id: 'logs' } }],
  });
  const pool = attributesOf(state, 'aws_cognito_user_pool');
  pool.tags = pool.tags_all = { Environment: 'staging', Project: 'm2m-auth', ManagedBy: 'cdktf' };
  const p = project(state);
  const result = await runCli(
    ['adopt', '--from-state', path.join(p.dir, 'old/terraform.tfstate'), '--project-dir', p.dir],
    { cwd: path.dirname(p.dir), path: `${p.fake.binDir}:/usr/bin:/bin` },
  );

  expect(result.code).toBe(0);
  expect(result.stdout).toContain(
    '\nLeft in the old state, as this project does not manage them: aws_s3_bucket.logs\nWrote ',
  );
  expect(result.stdout).toContain("\n  The change: the user pool's tags (Environment changed).\n");
  expect(result.stdout).toContain(
    `adopt --finish --from-state ${path.join(p.dir, 'old/terraform.tfstate')} --project-dir ${p.dir}\n`,
  );
});

test('a state path with a space and a quote is quoted for the shell in the next command', async () => {
  const p = project();
  const odd = path.join(p.dir, "old state's");
  fs.mkdirSync(odd);
  fs.copyFileSync(p.oldState, path.join(odd, 'terraform.tfstate'));
  const result = await p.adopt(['--from-state', "old state's/terraform.tfstate"]);

  expect(result.code).toBe(0);
  expect(result.stdout).toContain(
    "\n  npm run --silent m2m -- adopt --finish --from-state 'old state'\\''s/terraform.tfstate'\n",
  );
});

test('a cdktf.json larger than 1 MiB is refused before it is read', async () => {
  const p = project();
  fs.truncateSync(path.join(p.dir, 'cdktf.json'), 1024 * 1024 + 1);
  const result = await p.adopt(['--from-state', 'old/terraform.tfstate']);

  expect(result.code).toBe(2);
  expect(errorLine(result)).toBe(
    "error: cannot read cdktf.json (too large): run adopt in this project's root, or pass --project-dir",
  );
});

test("--finish where the stack's state cannot be read: refused, naming the cause, nothing removed", async () => {
  const { p } = takenOver();
  fs.rmSync(path.join(p.dir, 'new.tfstate'));
  const result = await p.adopt(['--finish', '--from-state', 'old/terraform.tfstate']);

  expect(result.code).toBe(3);
  expect(errorLine(result)).toMatch(
    /^error: cannot read the state of m2m-auth-dev \(terraform show failed in \S+ \(.*\)\): deploy first \(npm run deploy -- m2m-auth-dev\), then run adopt --finish again$/,
  );
  expect(fs.existsSync(path.join(p.dir, 'state-rm-args'))).toBe(false);
});

test("the old state's client secrets are masked wherever its text is printed", async () => {
  const state = originalState();
  const client = attributesOf(state, 'aws_cognito_user_pool_client');
  // A name that is the secret stands for any state text that would carry one to the output.
  client.name = client.client_secret;
  const result = await project(state).adopt(['--from-state', 'old/terraform.tfstate']);

  expect(result.code).toBe(0);
  expect(result.stdout).toContain('(keeps its Cognito name "***")');
  expect(result.stdout).not.toContain(FIXTURE_SECRET);
});

test.each([
  ['not JSON', '{"app": '],
  ['a list', '[]'],
  ['null', 'null'],
])('a cdktf.json that is %s is refused, naming it, and left as it was', async (_what, text) => {
  const p = project();
  fs.writeFileSync(path.join(p.dir, 'cdktf.json'), text);
  const result = await p.adopt(['--from-state', 'old/terraform.tfstate']);

  expect(result.code).toBe(2);
  expect(errorLine(result)).toBe('error: cdktf.json is not a JSON object: fix it first');
  expect(fs.readFileSync(path.join(p.dir, 'cdktf.json'), 'utf8')).toBe(text);
});

test('needs exactly one of --from-state and --from-dir', async () => {
  const p = project();
  const neither = await p.adopt([]);
  expect(neither.code).toBe(2);
  expect(errorLine(neither)).toBe(
    'error: adopt needs the old deployment: pass --from-state <terraform.tfstate> or --from-dir <folder of the old main.tf>',
  );
  const both = await p.adopt(['--from-state', 'old/terraform.tfstate', '--from-dir', 'old']);
  expect(both.code).toBe(2);
  expect(both.stderr).toContain("option '--from-state <file>' cannot be used with option '--from-dir <dir>'");
});

test('a state it will not adopt: exit 3, one line naming cause and fix, cdktf.json untouched', async () => {
  const state = originalState();
  state.resources.push({ ...structuredClone(state.resources[1]), name: 'second' });
  const p = project(state);
  const before = fs.readFileSync(path.join(p.dir, 'cdktf.json'), 'utf8');
  const result = await p.adopt(['--from-state', 'old/terraform.tfstate']);
  expect(result.code).toBe(3);
  expect(errorLine(result)).toMatch(
    /^error: the old state holds 2 user pools \(aws_cognito_user_pool.m2m_user_pool, aws_cognito_user_pool.second\), .*: give it the state of one environment/,
  );
  expect(fs.readFileSync(path.join(p.dir, 'cdktf.json'), 'utf8')).toBe(before);
});

test('terminal escapes in the old state reach the terminal as text', async () => {
  const state = originalState();
  attributesOf(state, 'aws_cognito_resource_server').name = 'User API\u001b]0;owned\u0007\u009b2J';
  const result = await project(state).adopt(['--from-state', 'old/terraform.tfstate']);
  expect(result.code).toBe(3);
  expect(errorLine(result)).toContain(
    'resourceServer.name = "User API\\u001b]0;owned\\u0007\\u009b2J" is invalid',
  );
  // eslint-disable-next-line no-control-regex -- no control character may reach the terminal
  expect(result.stderr).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
});

test('--finish before anything is deployed: refused, and the old state left as it was', async () => {
  const p = project();
  adoptInProcess(p);
  const before = fs.readFileSync(p.oldState, 'utf8');
  const result = await p.adopt(['--finish', '--from-state', 'old/terraform.tfstate']);
  expect(result.code).toBe(3);
  expect(errorLine(result)).toBe(
    'error: stack m2m-auth-dev is not synthesized in cdktf.out, so nothing shows it holds the resources: deploy first (npm run deploy -- m2m-auth-dev), then run adopt --finish again',
  );
  expect(fs.readFileSync(p.oldState, 'utf8')).toBe(before);
});

test('--finish while the new state lacks a resource: refused, nothing removed', async () => {
  const p = project();
  adoptInProcess(p);
  const partial = originalState();
  partial.resources = partial.resources.filter((r) => r.type !== 'aws_cognito_user_pool_domain');
  deployed(p, partial);
  const result = await p.adopt(['--finish', '--from-state', 'old/terraform.tfstate']);
  expect(result.code).toBe(3);
  expect(errorLine(result)).toContain(
    'error: the state of m2m-auth-dev does not hold aws_cognito_user_pool_domain "m2m-rubicon-dev-auth" yet, so the old state must keep it',
  );
  expect(fs.existsSync(path.join(p.dir, 'state-rm-args'))).toBe(false);
});

test('--finish once the new state holds them all: backup, terraform state rm of the four, imports gone', async () => {
  const { p, original } = takenOver();
  const result = await p.adopt(['--finish', '--from-state', 'old/terraform.tfstate']);
  expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
  const backup = /Backed up the old state to (.+)\.\n/.exec(result.stdout)?.[1] ?? '';
  expect(backup).toMatch(/^old\/terraform\.tfstate\.m2m-adopt-\d{8}T\d{6}Z\.backup$/);
  expect(fs.readFileSync(path.join(p.dir, backup), 'utf8')).toBe(original);
  const args = fs.readFileSync(path.join(p.dir, 'state-rm-args'), 'utf8').trim().split('\n');
  expect(args).toEqual([
    'state',
    'rm',
    `-state=${fs.realpathSync(p.oldState)}`,
    expect.stringMatching(/^-backup=.*\/m2m-adopt-[^/]+\/terraform\.tfstate\.backup$/),
    'aws_cognito_user_pool.m2m_user_pool',
    'aws_cognito_resource_server.m2m_resource_server',
    'aws_cognito_user_pool_domain.m2m_domain',
    'aws_cognito_user_pool_client.m2m_client',
  ]);
  expect(p.cdktfJson().context).toMatchObject({
    clients: [{ name: 'm2m-client', appClientName: 'm2m-client' }],
  });
  expect(p.cdktfJson().context.imports).toBeUndefined();
  expect(result.stdout).toBe(
    [
      'The state of m2m-auth-dev holds all 4, with the same IDs.',
      `Backed up the old state to ${backup}.`,
      'Removed from the old state: aws_cognito_user_pool.m2m_user_pool, aws_cognito_resource_server.m2m_resource_server, aws_cognito_user_pool_domain.m2m_domain, aws_cognito_user_pool_client.m2m_client.',
      'Removed imports.dev from cdktf.json: the resources are managed here now.',
      '',
      'Retire the old configuration: it still declares them, and its next terraform apply would create them anew.',
      'Check: npm run diff -- m2m-auth-dev shows no changes.',
      '',
    ].join('\n'),
  );
  expect(everything(result, p)).not.toContain(FIXTURE_SECRET);
});

test('--finish where cdktf.json has no imports left: says so, and leaves the file as it was', async () => {
  const { p } = takenOver();
  const file = path.join(p.dir, 'cdktf.json');
  const cdktfJson = p.cdktfJson();
  delete cdktfJson.context.imports;
  fs.writeFileSync(file, JSON.stringify(cdktfJson));
  const result = await p.adopt(['--finish', '--from-state', 'old/terraform.tfstate']);

  expect(result.code).toBe(0);
  expect(result.stdout).toContain('\ncdktf.json had no imports.dev to remove.\n\nRetire');
  expect(fs.readFileSync(file, 'utf8')).toBe(JSON.stringify(cdktfJson));
});

describe('--from-dir: the old state as terraform show -json prints it', () => {
  test('gives the same cdktf.json as --from-state', async () => {
    const fromState = project();
    expect((await fromState.adopt(['--from-state', 'old/terraform.tfstate'])).code).toBe(0);
    const p = project();
    fs.copyFileSync(ORIGINAL_SHOW_JSON, path.join(p.dir, 'new.tfstate'));

    const result = await p.adopt(['--from-dir', 'old']);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('Reading the old state: terraform show -json in old\n');
    expect(p.cdktfJson()).toEqual(fromState.cdktfJson());
  });

  test.each([
    ['a folder that does not exist', 'missing', 'error: missing is not a folder'],
    ['a file', 'old/terraform.tfstate', 'error: old/terraform.tfstate is not a folder'],
  ])('refuses %s, naming it', async (_what, dir, start) => {
    const result = await project().adopt(['--from-dir', dir]);
    expect(result.code).toBe(2);
    expect(errorLine(result)).toBe(`${start}: pass the folder of the Terraform configuration`);
  });

  test('terraform failing there: the cause, and what to do', async () => {
    // No state for the fake terraform to print: it fails, as terraform show does before terraform init.
    const result = await project().adopt(['--from-dir', 'old']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^Reading the old state: terraform show -json in old\nerror: terraform show failed in old \(.*new\.tfstate.*\): run terraform init there first\n$/,
    );
  });

  test('terraform printing something that is not a state: named as what terraform printed', async () => {
    const p = project();
    fs.writeFileSync(path.join(p.dir, 'new.tfstate'), 'Error: this is not JSON');
    const result = await p.adopt(['--from-dir', 'old']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /\nerror: the terraform show -json in old is not JSON: pass a Terraform state/,
    );
  });

  test('terraform not answering within --timeout: stopped, and what to check', async () => {
    const result = await project().adopt(['--from-dir', 'old', '--timeout', '0.5'], { FAKE_HANG: '1' });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'Reading the old state: terraform show -json in old\n' +
        'error: terraform show in old did not finish within 0.5 s: check the state backend is reachable\n',
    );
  });
});

test('--finish --from-dir: the state terraform state pull prints is backed up and read, and state rm runs there', async () => {
  const { p, original } = takenOver();
  const result = await p.adopt(['--finish', '--from-dir', 'old'], { FAKE_OLD_STATE: p.oldState });

  expect(result.code).toBe(0);
  expect(result.stderr).toBe('Reading the old state: terraform state pull in old\n');
  const backup = /Backed up the old state to (.+)\.\n/.exec(result.stdout)?.[1] ?? '';
  expect(fs.readFileSync(path.resolve(p.dir, backup), 'utf8')).toBe(original);
  // It holds the client secrets: only its owner may read it.
  expect(fs.statSync(path.resolve(p.dir, backup)).mode & 0o777).toBe(0o600);
  const args = fs.readFileSync(path.join(p.dir, 'state-rm-args'), 'utf8').trim().split('\n');
  expect(args.slice(0, 2)).toEqual(['state', 'rm']);
  expect(args.slice(-4)).toEqual([
    'aws_cognito_user_pool.m2m_user_pool',
    'aws_cognito_resource_server.m2m_resource_server',
    'aws_cognito_user_pool_domain.m2m_domain',
    'aws_cognito_user_pool_client.m2m_client',
  ]);
  expect(everything(result, p)).not.toContain(FIXTURE_SECRET);
});

describe('reading a state file', () => {
  test('refuses one larger than it reads, before reading it', () => {
    const file = path.join(project().dir, 'huge.tfstate');
    // Sparse: the size is there, the bytes are not.
    fs.closeSync(fs.openSync(file, 'w'));
    fs.truncateSync(file, MAX_STATE_BYTES + 1);
    expect(() => readStateFile(file)).toThrow(
      `the state file ${file} is 67108865 bytes, and adopt reads at most 64 MiB (67108864 bytes): check it is a Terraform state`,
    );
  });

  test('reads one of exactly the size it reads at most', () => {
    const file = path.join(project().dir, 'at-the-limit.tfstate');
    fs.closeSync(fs.openSync(file, 'w'));
    fs.truncateSync(file, MAX_STATE_BYTES);
    // Read, and found not to be JSON (it is all zero bytes): not refused for its size.
    expect(() => readStateFile(file)).toThrow(`the state file ${file} is not JSON`);
  });

  test('names a folder given as the state file', () => {
    const { dir } = project();
    expect(() => readStateFile(dir)).toThrow(
      `cannot read the state file ${dir} (not a file): check the path`,
    );
  });

  test('names a file it cannot read', () => {
    expect(() => readStateFile('/nonexistent/terraform.tfstate')).toThrow(
      'cannot read the state file /nonexistent/terraform.tfstate (ENOENT): check the path',
    );
  });

  test('reads the state the original main.tf left', () => {
    expect(readStateFile(ORIGINAL_STATE).map((resource) => resource.type)).toEqual([
      'aws_cognito_resource_server',
      'aws_cognito_user_pool',
      'aws_cognito_user_pool_client',
      'aws_cognito_user_pool_domain',
    ]);
  });
});

test('a command that prints more than adopt reads is stopped, not collected', async () => {
  const result = await runCommand('yes', [], { cwd: os.tmpdir(), maxOutputChars: 10_000 });
  expect(result).toMatchObject({ overflowed: true });
  expect(result.stdout.length).toBeLessThanOrEqual(10_000);
});
