import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runApp, tempProjects } from './helpers/project';

// Each test starts the app in its own node process: seconds on a busy machine, not jest's 5 s default.
jest.setTimeout(60_000);

const tempProject = tempProjects();

function stackJson(outdir: string, stack: string) {
  return JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', stack, 'cdk.tf.json'), 'utf8'));
}

describe('main.ts', () => {
  test('synthesizes one stack per environment of cdktf.json into cdktf.out', async () => {
    const project = tempProject({ environments: ['dev', 'prod'] });
    fs.mkdirSync(path.join(project, 'cdktf.out', 'stacks', 'm2m-auth-test', '.terraform'), {
      recursive: true,
    });
    const result = await runApp(project);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('Synthesized m2m-auth-dev, m2m-auth-prod into cdktf.out/stacks\n');
    // As cdktf synth does: the folder of an environment no longer configured goes.
    expect(fs.readdirSync(path.join(project, 'cdktf.out', 'stacks')).sort()).toEqual([
      'm2m-auth-dev',
      'm2m-auth-prod',
    ]);
    const manifest = JSON.parse(fs.readFileSync(path.join(project, 'cdktf.out', 'manifest.json'), 'utf8'));
    expect(Object.keys(manifest.stacks).sort()).toEqual(['m2m-auth-dev', 'm2m-auth-prod']);
    expect(
      stackJson(path.join(project, 'cdktf.out'), 'm2m-auth-prod').variable.environment_name.default,
    ).toBe('prod');
  });

  test('adds the m2m-auth-ci-access stack only when ciAccess is configured', async () => {
    const project = tempProject({
      environments: ['dev', 'prod'],
      remoteState: { bucket: 'acme-terraform-state' },
      ciAccess: { githubRepository: 'acme/m2m-auth', awsAccountId: '123456789012' },
    });
    const result = await runApp(project);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(
      'Synthesized m2m-auth-dev, m2m-auth-prod, m2m-auth-ci-access into cdktf.out/stacks\n',
    );
    const ciAccess = stackJson(path.join(project, 'cdktf.out'), 'm2m-auth-ci-access');
    expect(
      fs.existsSync(path.join(project, 'cdktf.out', 'stacks', 'm2m-auth-ci-access', '.terraform.lock.hcl')),
    ).toBe(true);
    expect(Object.keys(ciAccess.resource.aws_iam_role).length).toBe(4);
  });

  test('refuses local state where the CI workflows ask for remote state, writing nothing', async () => {
    const project = tempProject({});
    const result = await runApp(project, { M2M_AUTH_REQUIRE_REMOTE_STATE: '1' });
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr:
        'Error: cdktf.json context.remoteState is required where M2M_AUTH_REQUIRE_REMOTE_STATE=1 (the CI workflows): set { "bucket": ... } as the README\'s "Run it from CI" shows\n',
    });
    expect(fs.existsSync(path.join(project, 'cdktf.out'))).toBe(false);
    const remote = tempProject({ remoteState: { bucket: 'acme-terraform-state' } });
    expect((await runApp(remote, { M2M_AUTH_REQUIRE_REMOTE_STATE: '1' })).code).toBe(0);
  });

  test('points each local state file at the project root, wherever the CLI tells it to write', async () => {
    const project = tempProject({});
    // The cdktf CLI creates the output folder and passes its absolute path.
    const outdir = path.join(project, 'build', 'tf');
    fs.mkdirSync(outdir, { recursive: true });
    const result = await runApp(project, { CDKTF_OUTDIR: outdir });
    expect(result.code).toBe(0);
    const statePath = stackJson(outdir, 'm2m-auth-dev').terraform.backend.local.path as string;
    expect(statePath).toBe('../../../../terraform.m2m-auth-dev.tfstate');
    const stackFolder = path.join(outdir, 'stacks', 'm2m-auth-dev');
    expect(path.resolve(stackFolder, statePath)).toBe(path.join(project, 'terraform.m2m-auth-dev.tfstate'));
    expect(JSON.stringify(stackJson(outdir, 'm2m-auth-dev'))).not.toContain(os.tmpdir());
  });

  test('reports every bad setting at once, one line each, and writes nothing', async () => {
    const project = tempProject({ domainPrefx: 'acme', awsRegion: 'moon-1' });
    const result = await runApp(project);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'Error: cdktf.json context.awsRegion = "moon-1" is invalid: must be an AWS region code such as us-east-1\n' +
        'Error: cdktf.json context has an unknown key "domainPrefx": did you mean "domainPrefix"?\n',
    );
    expect(result.stdout).toBe('');
    expect(fs.existsSync(path.join(project, 'cdktf.out'))).toBe(false);
  });

  test('accepts the context the cdktf CLI passes, with its own keys added', async () => {
    const project = tempProject({});
    const context = { environments: ['test'], cdktfRelativeModules: [] };
    const result = await runApp(project, { CDKTF_CONTEXT_JSON: JSON.stringify(context) });
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('Synthesized m2m-auth-test into cdktf.out/stacks\n');
    expect(
      stackJson(path.join(project, 'cdktf.out'), 'm2m-auth-test').variable.environment_name.default,
    ).toBe('test');
  });

  test('stops on a bad setting with one line naming key, value and rule, writing nothing', async () => {
    const project = tempProject({ domainPrefix: 'Amazon_Auth' });
    const result = await runApp(project);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'Error: cdktf.json context.domainPrefix = "Amazon_Auth" is invalid: must contain only lowercase letters, digits and hyphens, and must not start or end with a hyphen\n',
    );
    expect(result.stdout).toBe('');
    expect(fs.existsSync(path.join(project, 'cdktf.out'))).toBe(false);
  });
});
