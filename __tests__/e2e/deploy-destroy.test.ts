/**
 * The README's path, for real: a fresh clone, `npx cdktf deploy` with only a provider mirror (no
 * registry), every resource read back from the emulator with the AWS SDK, a second plan with no
 * changes, the outputs `m2m --stack` reads, and `npm run destroy` leaving nothing behind.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  CognitoIdentityProviderClient,
  DescribeResourceServerCommand,
  DescribeUserPoolClientCommand,
  DescribeUserPoolCommand,
  DescribeUserPoolDomainCommand,
  ListUserPoolClientsCommand,
  ListUserPoolsCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { readStackOutputs } from '../../operator/stack-outputs';
import { runCommand } from '../../terraform/runner';
import { describeWithEmulator, sdkConfig } from '../helpers/emulator';
import { type FreshClone, freshClone } from '../helpers/fresh-clone';
import { PROJECT_ROOT } from '../helpers/project';
import { READ, WRITE } from '../helpers/fakes/cognito';

const STACK = 'm2m-auth-dev';

/** The only user pool of that name, or undefined. */
async function findPool(cognito: CognitoIdentityProviderClient, name: string) {
  const { UserPools = [] } = await cognito.send(new ListUserPoolsCommand({ MaxResults: 60 }));
  const pools = UserPools.filter((pool) => pool.Name === name);
  if (pools.length > 1) throw new Error(`${pools.length} user pools named ${name}`);
  return pools[0];
}

/** Cognito returns lists in no promised order. */
function sortBy<T>(items: readonly T[], key: keyof T): T[] {
  return [...items].sort((a, b) => String(a[key]).localeCompare(String(b[key])));
}

describeWithEmulator('deploy and destroy from a fresh clone, air-gapped, against the emulator', (context) => {
  let clone: FreshClone;
  let cognito: CognitoIdentityProviderClient;
  let poolId: string;
  let run: (command: string, args: string[]) => ReturnType<typeof runCommand>;

  beforeAll(() => {
    clone = freshClone();
    cognito = new CognitoIdentityProviderClient(sdkConfig(context()));
    run = (command, args) => runCommand(command, args, { cwd: clone.dir, env: context().env });
  });
  afterAll(() => {
    cognito?.destroy();
    clone?.remove();
  });

  test('npx cdktf deploy --auto-approve needs no registry: the stack folder brings its lock file', async () => {
    const deploy = await run('npx', ['cdktf', 'deploy', '--auto-approve', '--no-color']);
    expect({ code: deploy.code, output: deploy.stdout + deploy.stderr }).toEqual({
      code: 0,
      output: expect.stringContaining('Apply complete! Resources: 4 added, 0 changed, 0 destroyed.'),
    });
    const stackDir = clone.stackDir(STACK);
    expect(fs.readFileSync(path.join(stackDir, '.terraform.lock.hcl'), 'utf8')).toBe(
      fs.readFileSync(path.join(PROJECT_ROOT, '.terraform.lock.hcl'), 'utf8'),
    );
    // The local state lands at the project root, outside cdktf.out.
    expect(fs.existsSync(path.join(clone.dir, `terraform.${STACK}.tfstate`))).toBe(true);
  });

  test('the user pool admits no self sign-up, is not deletion-protected outside prod, and is tagged', async () => {
    const pool = await findPool(cognito, 'dev-machine-to-machine-user-pool');
    expect(pool).toBeDefined();
    poolId = pool!.Id!;
    const { UserPool } = await cognito.send(new DescribeUserPoolCommand({ UserPoolId: poolId }));
    expect(UserPool?.AdminCreateUserConfig?.AllowAdminCreateUserOnly).toBe(true);
    expect(UserPool?.DeletionProtection).toBe('INACTIVE');
    // The provider's default tags, as DescribeUserPool reports them.
    expect(UserPool?.UserPoolTags).toEqual({ Environment: 'dev', Project: 'm2m-auth', ManagedBy: 'cdktf' });
  });

  test('the resource server has the original identifier, name and scopes', async () => {
    const { ResourceServer } = await cognito.send(
      new DescribeResourceServerCommand({ UserPoolId: poolId, Identifier: 'm2m-client' }),
    );
    expect(ResourceServer?.Name).toBe('User API');
    expect(sortBy(ResourceServer?.Scopes ?? [], 'ScopeName')).toEqual([
      { ScopeName: 'read', ScopeDescription: 'Read access' },
      { ScopeName: 'write', ScopeDescription: 'Write access' },
    ]);
  });

  test('the one app client can use only the client-credentials grant, with a secret and 60-minute tokens', async () => {
    const { UserPoolClients = [] } = await cognito.send(
      new ListUserPoolClientsCommand({ UserPoolId: poolId, MaxResults: 60 }),
    );
    expect(UserPoolClients.map((c) => c.ClientName)).toEqual(['dev-m2m-client']);
    const { UserPoolClient } = await cognito.send(
      new DescribeUserPoolClientCommand({ UserPoolId: poolId, ClientId: UserPoolClients[0].ClientId }),
    );
    expect(UserPoolClient).toMatchObject({
      AllowedOAuthFlows: ['client_credentials'],
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthScopes: [READ, WRITE],
      SupportedIdentityProviders: ['COGNITO'],
      ExplicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH'],
      PreventUserExistenceErrors: 'ENABLED',
      AccessTokenValidity: 60,
      TokenValidityUnits: { AccessToken: 'minutes' },
    });
    expect(UserPoolClient?.ClientSecret).toEqual(expect.stringMatching(/\S/));
  });

  test('the domain serves the pool with managed login version 2', async () => {
    const { DomainDescription } = await cognito.send(
      new DescribeUserPoolDomainCommand({ Domain: 'm2m-rubicon-dev-auth' }),
    );
    expect(DomainDescription).toMatchObject({ UserPoolId: poolId, ManagedLoginVersion: 2 });
  });

  test('npm run diff then shows no changes', async () => {
    const diff = await run('npm', ['run', 'diff', '--', '--no-color']);
    expect({ code: diff.code, output: diff.stdout + diff.stderr }).toEqual({
      code: 0,
      output: expect.stringContaining('No changes. Your infrastructure matches the configuration.'),
    });
  });

  test('the outputs m2m --stack reads are what Cognito reports', async () => {
    const outputs = await readStackOutputs(STACK, { projectDir: clone.dir });
    const { UserPoolClient } = await cognito.send(
      new DescribeUserPoolClientCommand({ UserPoolId: poolId, ClientId: outputs.clientId }),
    );
    expect(outputs).toMatchObject({
      userPoolId: poolId,
      clientId: UserPoolClient!.ClientId,
      clientSecret: UserPoolClient!.ClientSecret,
      clientIds: { 'm2m-client': UserPoolClient!.ClientId },
      clientSecrets: { 'm2m-client': UserPoolClient!.ClientSecret },
      issuer: `https://cognito-idp.us-east-1.amazonaws.com/${poolId}`,
      tokenEndpoint: 'https://m2m-rubicon-dev-auth.auth.us-east-1.amazoncognito.com/oauth2/token',
      domain: 'm2m-rubicon-dev-auth',
    });
  });

  test('m2m doctor reports the account and caller from STS, and that the provider installs', async () => {
    // A machine whose Terraform has no CLI configuration, with the provider in a mirror.
    const doctor = await runCommand(process.execPath, [path.join(clone.dir, 'bin', 'm2m.js'), 'doctor'], {
      cwd: clone.dir,
      env: {
        ...context().env,
        TF_CLI_CONFIG_FILE: path.join(clone.dir, 'no-such-terraform.rc'),
        TF_PROVIDER_MIRROR: context().tf.cliConfig.mirror,
      },
    });
    expect(doctor.stdout).toContain(
      '✓ AWS credentials valid: account 123456789012 (arn:aws:sts::123456789012:user/moto)',
    );
    expect(doctor.stdout).toContain(
      `✓ AWS provider hashicorp/aws 5.100.0 installs from a provider mirror, checked against the lock file; Terraform has no CLI configuration, so npm run deploy uses the mirror ${context().tf.cliConfig.mirror}`,
    );
    expect(doctor.code).toBe(0);
  });

  test('npm run destroy, with no Terraform CLI configuration, finds the mirror and removes everything', async () => {
    const destroy = await runCommand('npm', ['run', 'destroy', '--', '--auto-approve', '--no-color'], {
      cwd: clone.dir,
      env: {
        ...context().env,
        TF_CLI_CONFIG_FILE: '',
        TF_PROVIDER_MIRROR: context().tf.cliConfig.mirror,
        HOME: clone.dir,
      },
    });
    expect({ code: destroy.code, output: destroy.stdout + destroy.stderr }).toEqual({
      code: 0,
      output: expect.stringContaining('Destroy complete! Resources: 4 destroyed.'),
    });
    expect(destroy.stderr).toContain(
      `Installing the AWS provider from the mirror ${context().tf.cliConfig.mirror}: Terraform has no CLI configuration`,
    );
    expect(await findPool(cognito, 'dev-machine-to-machine-user-pool')).toBeUndefined();
    const { DomainDescription } = await cognito.send(
      new DescribeUserPoolDomainCommand({ Domain: 'm2m-rubicon-dev-auth' }),
    );
    expect(DomainDescription?.UserPoolId).toBeUndefined();
    const state = JSON.parse(fs.readFileSync(path.join(clone.dir, `terraform.${STACK}.tfstate`), 'utf8'));
    expect(state.resources).toEqual([]);
  });
});
