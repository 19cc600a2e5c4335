/**
 * A team's configuration, deployed through the package's own scripts: two environments, two clients
 * with different scopes, credentials in Secrets Manager. Read back from the emulator.
 */
import {
  CognitoIdentityProviderClient,
  DescribeUserPoolClientCommand,
  DescribeUserPoolCommand,
  ListUserPoolClientsCommand,
  ListUserPoolsCommand,
  type UserPoolClientType,
} from '@aws-sdk/client-cognito-identity-provider';
import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  ListSecretsCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { runCommand } from '../../terraform/runner';
import { describeWithEmulator, sdkConfig } from '../helpers/emulator';
import { type FreshClone, freshClone } from '../helpers/fresh-clone';

const TEAM = {
  environments: ['dev', 'prod'],
  domainPrefix: 'acme-orders',
  projectTag: 'orders',
  resourceServer: {
    identifier: 'orders-api',
    name: 'Orders API',
    scopes: [
      { name: 'read', description: 'Read orders' },
      { name: 'write', description: 'Create and change orders' },
    ],
  },
  clients: [
    { name: 'reporting', scopes: ['read'], accessTokenValidityMinutes: 15 },
    { name: 'checkout', scopes: ['read', 'write'] },
  ],
  storeCredentialsInSecretsManager: true,
};

describeWithEmulator('a team configuration through npm run deploy and destroy', (context) => {
  let clone: FreshClone;
  let cognito: CognitoIdentityProviderClient;
  let secrets: SecretsManagerClient;
  const npm = (args: string[]) => runCommand('npm', args, { cwd: clone.dir, env: context().env });

  /** The app clients of an environment's pool, by client name. */
  async function clientsOf(environment: string): Promise<Map<string, UserPoolClientType>> {
    const { UserPools = [] } = await cognito.send(new ListUserPoolsCommand({ MaxResults: 60 }));
    const pool = UserPools.find((p) => p.Name === `${environment}-machine-to-machine-user-pool`);
    if (!pool) return new Map();
    const { UserPoolClients = [] } = await cognito.send(
      new ListUserPoolClientsCommand({ UserPoolId: pool.Id, MaxResults: 60 }),
    );
    const described = await Promise.all(
      UserPoolClients.map((c) =>
        cognito.send(new DescribeUserPoolClientCommand({ UserPoolId: pool.Id, ClientId: c.ClientId })),
      ),
    );
    return new Map(described.map(({ UserPoolClient: c }) => [c!.ClientName!, c!]));
  }

  beforeAll(() => {
    clone = freshClone(TEAM);
    cognito = new CognitoIdentityProviderClient(sdkConfig(context()));
    secrets = new SecretsManagerClient(sdkConfig(context()));
  });
  afterAll(() => {
    cognito?.destroy();
    secrets?.destroy();
    clone?.remove();
  });

  test('npm run deploy creates both environments', async () => {
    const deploy = await npm([
      'run',
      'deploy',
      '--',
      'm2m-auth-dev',
      'm2m-auth-prod',
      '--auto-approve',
      '--no-color',
    ]);
    expect({ code: deploy.code, output: deploy.stdout + deploy.stderr }).toEqual({
      code: 0,
      output: expect.stringContaining('Apply complete! Resources: 9 added, 0 changed, 0 destroyed.'),
    });
    expect([...(await clientsOf('dev')).keys()].sort()).toEqual(['dev-checkout', 'dev-reporting']);
    expect([...(await clientsOf('prod')).keys()].sort()).toEqual(['prod-checkout', 'prod-reporting']);
  });

  test('each client may ask only for its own scopes, with its own token lifetime', async () => {
    const clients = await clientsOf('dev');
    expect(clients.get('dev-reporting')).toMatchObject({
      AllowedOAuthScopes: ['orders-api/read'],
      AccessTokenValidity: 15,
    });
    expect(clients.get('dev-checkout')).toMatchObject({
      AllowedOAuthScopes: ['orders-api/read', 'orders-api/write'],
      AccessTokenValidity: 60,
    });
  });

  test("each secret holds its own client's ID and secret, the token endpoint and its scopes", async () => {
    const clients = await clientsOf('dev');
    for (const [name, scopes] of [
      ['reporting', ['orders-api/read']],
      ['checkout', ['orders-api/read', 'orders-api/write']],
    ] as const) {
      const { SecretString } = await secrets.send(
        new GetSecretValueCommand({ SecretId: `m2m-auth/dev/${name}` }),
      );
      const client = clients.get(`dev-${name}`)!;
      expect(JSON.parse(SecretString!)).toEqual({
        client_id: client.ClientId,
        client_secret: client.ClientSecret,
        token_endpoint: 'https://acme-orders-dev-auth.auth.us-east-1.amazoncognito.com/oauth2/token',
        scopes,
      });
    }
  });

  test('prod: the pool is protected from deletion and the domain drops the environment', async () => {
    const { UserPools = [] } = await cognito.send(new ListUserPoolsCommand({ MaxResults: 60 }));
    const prod = UserPools.find((p) => p.Name === 'prod-machine-to-machine-user-pool');
    const { UserPool } = await cognito.send(new DescribeUserPoolCommand({ UserPoolId: prod!.Id }));
    expect(UserPool?.DeletionProtection).toBe('ACTIVE');
    expect(UserPool?.Domain).toBe('acme-orders-auth');
    expect(UserPool?.UserPoolTags).toEqual({ Environment: 'prod', Project: 'orders', ManagedBy: 'cdktf' });
    const secret = await secrets.send(new DescribeSecretCommand({ SecretId: 'm2m-auth/prod/checkout' }));
    expect(secret.Name).toBe('m2m-auth/prod/checkout');
  });

  test('npm run destroy outside prod leaves no pool, client or secret of dev behind', async () => {
    const destroy = await npm(['run', 'destroy', '--', 'm2m-auth-dev', '--auto-approve', '--no-color']);
    expect({ code: destroy.code, output: destroy.stdout + destroy.stderr }).toEqual({
      code: 0,
      output: expect.stringContaining('Destroy complete! Resources: 9 destroyed.'),
    });
    expect((await clientsOf('dev')).size).toBe(0);
    const { SecretList = [] } = await secrets.send(new ListSecretsCommand({ IncludePlannedDeletion: true }));
    expect(SecretList.map((s) => s.Name).sort()).toEqual([
      'm2m-auth/prod/checkout',
      'm2m-auth/prod/reporting',
    ]);
    // prod is untouched.
    expect((await clientsOf('prod')).size).toBe(2);
  });
});
