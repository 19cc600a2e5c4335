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
  ListTagsForResourceCommand,
  ListUserPoolClientsCommand,
  ListUserPoolsCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { readStackOutputs } from '../../operator/stack-outputs';
import { runCommand } from '../../terraform-check/terraform';
import { describeWithEmulator, sdkConfig } from '../helpers/emulator';
import { type FreshClone, freshClone } from '../helpers/fresh-clone';
import { PROJECT_ROOT } from '../helpers/project';

const STACK = 'm2m-auth-dev';

/** The only user pool of that name, or undefined. */
async function findPool(cognito: CognitoIdentityProviderClient, name: string) {
  const { UserPools = [] } = await cognito.send(new ListUserPoolsCommand({ MaxResults: 60 }));
  const pools = UserPools.filter((pool) => pool.Name === name);
  if (pools.length > 1) throw new Error(`${pools.length} user pools named ${name}`);
  return pools[0];
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
    const stackDir = path.join(clone.dir, 'cdktf.out', 'stacks', STACK);
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
    const { Tags } = await cognito.send(new ListTagsForResourceCommand({ ResourceArn: UserPool!.Arn! }));
    expect(Tags).toEqual({ Environment: 'dev', Project: 'm2m-auth', ManagedBy: 'cdktf' });
  });

  test('the resource server has the original identifier, name and scopes', async () => {
    const { ResourceServer } = await cognito.send(
      new DescribeResourceServerCommand({ UserPoolId: poolId, Identifier: 'm2m-client' }),
    );
    expect(ResourceServer).toMatchObject({
      Name: 'User API',
      Scopes: [
        { ScopeName: 'read', ScopeDescription: 'Read access' },
        { ScopeName: 'write', ScopeDescription: 'Write access' },
      ],
    });
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
      AllowedOAuthScopes: ['m2m-client/read', 'm2m-client/write'],
      SupportedIdentityProviders: ['COGNITO'],
      ExplicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH'],
      PreventUserExistenceErrors: 'ENABLED',
      AccessTokenValidity: 60,
      TokenValidityUnits: { AccessToken: 'minutes' },
    });
    expect(UserPoolClient?.ClientSecret).toMatch(/^\w{20,}$/);
  });

  test('the domain serves the pool with managed login version 2', async () => {
    const { DomainDescription } = await cognito.send(
      new DescribeUserPoolDomainCommand({ Domain: 'm2m-rubicon-dev-auth' }),
    );
    expect(DomainDescription).toMatchObject({ UserPoolId: poolId, ManagedLoginVersion: 2 });
  });

  test('a second plan shows no changes', async () => {
    const plan = await runCommand('terraform', ['plan', '-detailed-exitcode', '-input=false', '-no-color'], {
      cwd: path.join(clone.dir, 'cdktf.out', 'stacks', STACK),
      env: context().env,
    });
    expect({ code: plan.code, stderr: plan.stderr }).toEqual({ code: 0, stderr: '' });
    expect(plan.stdout).toContain('No changes.');
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
    const doctor = await run(process.execPath, [path.join(clone.dir, 'bin', 'm2m.js'), 'doctor']);
    expect(doctor.stdout).toContain('✓ AWS credentials valid: account 123456789012 (arn:aws:sts::123456789012:user/moto)');
    expect(doctor.stdout).toMatch(/✓ AWS provider hashicorp\/aws 5\.100\.0 installs from a provider mirror/);
    expect(doctor.code).toBe(0);
  });

  test('npm run destroy removes the pool, client and domain, and the state holds no resources', async () => {
    const destroy = await run('npm', ['run', 'destroy', '--', '--auto-approve', '--no-color']);
    expect({ code: destroy.code, output: destroy.stdout + destroy.stderr }).toEqual({
      code: 0,
      output: expect.stringContaining('Destroy complete! Resources: 4 destroyed.'),
    });
    expect(await findPool(cognito, 'dev-machine-to-machine-user-pool')).toBeUndefined();
    const { DomainDescription } = await cognito.send(
      new DescribeUserPoolDomainCommand({ Domain: 'm2m-rubicon-dev-auth' }),
    );
    expect(DomainDescription?.UserPoolId).toBeUndefined();
    const state = JSON.parse(fs.readFileSync(path.join(clone.dir, `terraform.${STACK}.tfstate`), 'utf8'));
    expect(state.resources).toEqual([]);
  });
});
