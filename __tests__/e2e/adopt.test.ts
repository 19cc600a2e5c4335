/**
 * Coming from main.tf, for real: the original configuration (fixtures/original) applied with its own
 * state, `m2m adopt`, a deploy of this project that imports everything and creates and destroys
 * nothing, the same pool, client, secret and domain in Cognito, `adopt --finish`, and an old folder
 * whose `terraform destroy` has nothing left to destroy.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  CognitoIdentityProviderClient,
  DescribeUserPoolClientCommand,
  DescribeUserPoolCommand,
  DescribeUserPoolDomainCommand,
  ListUserPoolClientsCommand,
  ListUserPoolsCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { type CommandResult, runCommand } from '../../terraform/runner';
import { describeWithEmulator, sdkConfig } from '../helpers/emulator';
import { type FreshClone, freshClone } from '../helpers/fresh-clone';
import { PROJECT_ROOT } from '../helpers/project';

const STACK = 'm2m-auth-dev';
const FIXTURE = path.join(__dirname, 'fixtures', 'original');

/** What callers of the deployment depend on, as Cognito reports it. */
interface Identity {
  poolId: string;
  poolCount: number;
  clientIds: string[];
  clientSecret: string;
  domainPoolId: string;
}

/** "Plan: 4 to import, 0 to add, 1 to change, 0 to destroy." as numbers, or undefined. */
function planCounts(output: string) {
  const match = /Plan: (\d+) to import, (\d+) to add, (\d+) to change, (\d+) to destroy\./.exec(output);
  return match && { import: +match[1], add: +match[2], change: +match[3], destroy: +match[4] };
}

const combined = (result: CommandResult) => result.stdout + result.stderr;

describeWithEmulator('adopting a deployment of the original main.tf', (context) => {
  let oldDir: string;
  let clone: FreshClone;
  let cognito: CognitoIdentityProviderClient;
  let before: Identity;
  const oldTerraform = (args: string[]) => runCommand('terraform', args, { cwd: oldDir, env: context().env });
  const m2m = (args: string[]) =>
    runCommand(process.execPath, [path.join(clone.dir, 'bin', 'm2m.js'), ...args], {
      cwd: clone.dir,
      env: context().env,
    });
  const cdktfJson = () => JSON.parse(fs.readFileSync(path.join(clone.dir, 'cdktf.json'), 'utf8'));

  async function identity(): Promise<Identity> {
    const { UserPools = [] } = await cognito.send(new ListUserPoolsCommand({ MaxResults: 60 }));
    const pools = UserPools.filter((pool) => pool.Name === 'dev-machine-to-machine-user-pool');
    const poolId = pools[0]?.Id ?? '';
    const { UserPoolClients = [] } = await cognito.send(
      new ListUserPoolClientsCommand({ UserPoolId: poolId, MaxResults: 60 }),
    );
    const { UserPoolClient } = await cognito.send(
      new DescribeUserPoolClientCommand({ UserPoolId: poolId, ClientId: UserPoolClients[0]?.ClientId }),
    );
    const { DomainDescription } = await cognito.send(
      new DescribeUserPoolDomainCommand({ Domain: 'm2m-rubicon-dev-auth' }),
    );
    return {
      poolId,
      poolCount: pools.length,
      clientIds: UserPoolClients.map((client) => client.ClientId!),
      clientSecret: UserPoolClient?.ClientSecret ?? '',
      domainPoolId: DomainDescription?.UserPoolId ?? '',
    };
  }

  beforeAll(() => {
    oldDir = fs.mkdtempSync(path.join(os.tmpdir(), 'm2m-auth-original-'));
    for (const file of fs.readdirSync(FIXTURE))
      fs.copyFileSync(path.join(FIXTURE, file), path.join(oldDir, file));
    // The original's folder, with this project's lock file: the provider comes from the offline mirror.
    fs.copyFileSync(path.join(PROJECT_ROOT, '.terraform.lock.hcl'), path.join(oldDir, '.terraform.lock.hcl'));
    clone = freshClone();
    cognito = new CognitoIdentityProviderClient(sdkConfig(context()));
  });
  afterAll(() => {
    cognito?.destroy();
    clone?.remove();
    if (oldDir) fs.rmSync(oldDir, { recursive: true, force: true });
  });

  test('the original main.tf applies with its own local state, its tags set on the pool', async () => {
    expect((await oldTerraform(['init', '-input=false', '-no-color'])).code).toBe(0);
    const apply = await oldTerraform(['apply', '-auto-approve', '-input=false', '-no-color']);
    expect({ code: apply.code, output: apply.stdout }).toEqual({
      code: 0,
      output: expect.stringContaining('Apply complete! Resources: 4 added, 0 changed, 0 destroyed.'),
    });
    before = await identity();
    expect(before).toMatchObject({
      poolCount: 1,
      clientIds: [expect.any(String)],
      domainPoolId: before.poolId,
    });
    expect(before.clientSecret).not.toBe('');
    const { UserPool } = await cognito.send(new DescribeUserPoolCommand({ UserPoolId: before.poolId }));
    expect(UserPool?.UserPoolTags).toEqual({
      Environment: 'dev',
      Project: 'm2m-auth',
      Owner: 'platform-team',
      CostCenter: 'cc-1234',
    });
  });

  test('m2m adopt --from-dir writes the settings and imports, and expects 4 imports and a tag change', async () => {
    const adopt = await m2m(['adopt', '--from-dir', oldDir]);
    expect({ code: adopt.code, stderr: adopt.stderr }).toEqual({
      code: 0,
      stderr: `Reading the old state: terraform show -json in ${oldDir}\n`,
    });
    expect(planCounts(adopt.stdout)).toEqual({ import: 4, add: 0, change: 1, destroy: 0 });
    expect(adopt.stdout).toContain('npm run deploy -- m2m-auth-dev');
    expect(adopt.stdout).toContain(`npm run --silent m2m -- adopt --finish --from-dir ${oldDir}`);
    expect(cdktfJson().context).toMatchObject({
      environments: ['dev'],
      clients: [{ name: 'm2m-client', appClientName: 'm2m-client', scopes: ['read', 'write'] }],
      storeCredentialsInSecretsManager: false,
      imports: { dev: { userPoolId: before.poolId, clientIds: { 'm2m-client': before.clientIds[0] } } },
    });
    // The old state holds the client secret; nothing of adopt's may.
    const written = fs.readFileSync(path.join(clone.dir, 'cdktf.json'), 'utf8');
    expect([written, combined(adopt)].filter((text) => text.includes(before.clientSecret))).toEqual([]);
  });

  test('npm run deploy imports the four, adds and destroys nothing, and changes only the tags', async () => {
    const deploy = await runCommand('npm', ['run', 'deploy', '--', STACK, '--auto-approve', '--no-color'], {
      cwd: clone.dir,
      env: context().env,
    });
    expect({ code: deploy.code, plan: planCounts(combined(deploy)) }).toEqual({
      code: 0,
      plan: { import: 4, add: 0, change: 1, destroy: 0 },
    });
    expect(combined(deploy)).toContain(
      'Apply complete! Resources: 4 imported, 0 added, 1 changed, 0 destroyed.',
    );
  });

  test('Cognito still has the same pool, client ID, client secret and domain; only the tags changed', async () => {
    expect(await identity()).toEqual(before);
    const { UserPool } = await cognito.send(new DescribeUserPoolCommand({ UserPoolId: before.poolId }));
    expect(UserPool?.UserPoolTags).toEqual({ Environment: 'dev', Project: 'm2m-auth', ManagedBy: 'cdktf' });
  });

  test('a second plan of the stack has nothing to do', async () => {
    const plan = await runCommand('terraform', ['plan', '-detailed-exitcode', '-input=false', '-no-color'], {
      cwd: clone.stackDir(STACK),
      env: context().env,
    });
    expect({ code: plan.code, stderr: plan.stderr }).toEqual({ code: 0, stderr: '' });
    expect(plan.stdout).toContain('No changes.');
  });

  test('adopt --finish backs up the old state, removes the four from it and the imports from cdktf.json', async () => {
    const finish = await m2m(['adopt', '--finish', '--from-dir', oldDir]);
    expect({ code: finish.code, stderr: finish.stderr }).toEqual({
      code: 0,
      stderr: `Reading the old state: terraform state pull in ${oldDir}\n`,
    });
    const backup = /Backed up the old state to (.+)\.\n/.exec(finish.stdout)?.[1];
    expect(backup).toMatch(/terraform\.tfstate\.m2m-adopt-\d{8}T\d{6}Z\.backup$/);
    const backedUp = JSON.parse(fs.readFileSync(path.resolve(clone.dir, backup!), 'utf8'));
    expect(backedUp.resources).toHaveLength(4);
    expect(cdktfJson().context.imports).toBeUndefined();
    expect(combined(finish)).not.toContain(before.clientSecret);
  });

  test('terraform destroy in the old folder now destroys nothing, and Cognito keeps everything', async () => {
    const destroy = await oldTerraform(['destroy', '-auto-approve', '-input=false', '-no-color']);
    expect({ code: destroy.code, stderr: destroy.stderr }).toEqual({ code: 0, stderr: '' });
    expect(destroy.stdout).toMatch(
      /Destroy complete! Resources: 0 destroyed\.|No objects need to be destroyed/,
    );
    expect(await identity()).toEqual(before);
  });
});
