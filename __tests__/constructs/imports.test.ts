/**
 * Taking over live resources: `imports` in cdktf.json becomes one import block per resource, with the
 * IDs the AWS provider documents, and the clients can keep the Cognito name and token unit they have.
 */
import { TerraformStack } from 'cdktf';
import { ConfigError, parseSettings } from '../../config/load';
import { CognitoM2mAuth, type CognitoM2mAuthProps } from '../../constructs/cognito-m2m-auth';
import { addressOf, onlyResource, synthStack, type TerraformJson, testApp } from '../helpers/synth';

const POOL = 'us-east-1_AbCdEf123';
const ADOPTED_CLIENT = { name: 'm2m-client', appClientName: 'm2m-client', scopes: ['read', 'write'] };

/** The import blocks of a stack, by the type of resource they import into. */
function importsByType(tf: TerraformJson): Record<string, { id: string; to: string }[]> {
  const blocks = (tf.import ?? []) as { id: string; to: string }[];
  const byType: Record<string, { id: string; to: string }[]> = {};
  for (const block of blocks) (byType[block.to.split('.')[0]] ??= []).push(block);
  return byType;
}

describe('imports', () => {
  test('imports the pool by ID, the resource server by "<pool>|<identifier>", the domain by its name and each client by "<pool>/<client>"', () => {
    const { tf } = synthStack({
      clients: [ADOPTED_CLIENT],
      imports: { dev: { userPoolId: POOL, clientIds: { 'm2m-client': '1example23456789' } } },
    });
    const domain =
      '${(var.environment_name == "prod") ? "${var.domain_prefix}-auth" : "${var.domain_prefix}-${var.environment_name}-auth"}';
    expect(importsByType(tf)).toEqual({
      aws_cognito_user_pool: [{ id: POOL, to: addressOf(tf, 'aws_cognito_user_pool') }],
      aws_cognito_resource_server: [
        { id: `${POOL}|m2m-client`, to: addressOf(tf, 'aws_cognito_resource_server') },
      ],
      aws_cognito_user_pool_domain: [{ id: domain, to: addressOf(tf, 'aws_cognito_user_pool_domain') }],
      aws_cognito_user_pool_client: [
        { id: `${POOL}/1example23456789`, to: addressOf(tf, 'aws_cognito_user_pool_client') },
      ],
    });
    // The domain is imported by the very expression that names it.
    expect(onlyResource(tf, 'aws_cognito_user_pool_domain').domain).toBe(domain);
  });

  test("imports only the stack's own environment", () => {
    const context = {
      environments: ['dev', 'prod'],
      imports: { prod: { userPoolId: POOL, clientIds: {} } },
    };
    expect(synthStack(context, 'dev').tf.import).toBeUndefined();
    expect(Object.keys(importsByType(synthStack(context, 'prod').tf)).sort()).toEqual([
      'aws_cognito_resource_server',
      'aws_cognito_user_pool',
      'aws_cognito_user_pool_domain',
    ]);
  });

  test('creates a client that has no ID to import', () => {
    const { tf } = synthStack({
      clients: [ADOPTED_CLIENT, { name: 'reporting', scopes: ['read'] }],
      imports: { dev: { userPoolId: POOL, clientIds: { 'm2m-client': 'abc' } } },
    });
    const clientImports = importsByType(tf).aws_cognito_user_pool_client;
    expect(clientImports).toEqual([{ id: `${POOL}/abc`, to: expect.any(String) }]);
    const imported = tf.resource.aws_cognito_user_pool_client[clientImports[0].to.split('.')[1]];
    expect(imported.name).toBe('m2m-client');
    expect(Object.keys(tf.resource.aws_cognito_user_pool_client)).toHaveLength(2);
  });

  test('keeps "${" of the identifier text in the import ID too', () => {
    const { tf } = synthStack({
      resourceServer: { identifier: 'api-${path.cwd}' },
      imports: { dev: { userPoolId: POOL } },
    });
    expect(importsByType(tf).aws_cognito_resource_server[0].id).toBe(`${POOL}|api-$\${path.cwd}`);
  });

  test('every client leaves generate_secret alone after creation: an imported client reads back without it', () => {
    const { tf } = synthStack({ clients: [ADOPTED_CLIENT, { name: 'reporting' }] });
    for (const client of Object.values(tf.resource.aws_cognito_user_pool_client) as TerraformJson[]) {
      expect(client).toMatchObject({
        generate_secret: true,
        lifecycle: { ignore_changes: ['generate_secret'] },
      });
    }
  });
});

describe('clients keep the Cognito name and token unit they have', () => {
  test('appClientName names the app client as it is, in every environment', () => {
    for (const environment of ['dev', 'prod'] as const) {
      const { tf } = synthStack(
        { environments: ['dev', 'prod'], clients: [{ name: 'legacy', appClientName: 'Legacy M2M client' }] },
        environment,
      );
      expect(onlyResource(tf, 'aws_cognito_user_pool_client').name).toBe('Legacy M2M client');
    }
  });

  test.each<[string, number, number]>([
    ['seconds', 60, 3600],
    ['minutes', 90, 90],
    ['hours', 60, 1],
    ['days', 1440, 1],
  ])('accessTokenValidityUnit %s writes %i minutes as %i of it', (unit, minutes, written) => {
    const { tf } = synthStack({
      clients: [{ name: 'svc', accessTokenValidityMinutes: minutes, accessTokenValidityUnit: unit }],
    });
    expect(onlyResource(tf, 'aws_cognito_user_pool_client')).toMatchObject({
      access_token_validity: written,
      token_validity_units: [{ access_token: unit }],
    });
  });
});

/** The problems parseSettings reports for `context`. */
function problems(context: Record<string, unknown>): readonly string[] {
  try {
    parseSettings(context);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected parseSettings to refuse the context');
}

describe('validation of imports and adopted clients in cdktf.json', () => {
  test.each<[string, Record<string, unknown>, string]>([
    [
      'an environment that is no stack',
      { environments: ['dev', 'test'], imports: { prod: { userPoolId: POOL } } },
      'cdktf.json context.imports.prod = {"userPoolId":"us-east-1_AbCdEf123"} is invalid: names environment "prod", which is not in environments (dev, test)',
    ],
    [
      'a key that is no environment',
      { imports: { qa: { userPoolId: POOL } } },
      'cdktf.json context.imports has an unknown key "qa": the keys here are dev, test, prod',
    ],
    [
      'a pool of another region',
      { imports: { dev: { userPoolId: 'eu-west-1_AbC' } } },
      'cdktf.json context.imports.dev.userPoolId = "eu-west-1_AbC" is invalid: must be a user pool of region us-east-1 (awsRegion), where the stack looks for it',
    ],
    [
      'a pool ID with Terraform syntax',
      { imports: { dev: { userPoolId: 'us-east-1_${x}' } } },
      'cdktf.json context.imports.dev.userPoolId = "us-east-1_${x}" is invalid: must be a user pool ID',
    ],
    [
      'a client that is not in clients',
      {
        clients: [{ name: 'm2m-client' }, { name: 'ingest' }],
        imports: { dev: { userPoolId: POOL, clientIds: { reporting: 'abc' } } },
      },
      'cdktf.json context.imports.dev.clientIds.reporting = "abc" is invalid: must be for one of the clients (m2m-client, ingest)',
    ],
    [
      'a client ID with a slash, which would change the import ID',
      { imports: { dev: { userPoolId: POOL, clientIds: { 'm2m-client': 'a/b' } } } },
      'cdktf.json context.imports.dev.clientIds.m2m-client = "a/b" is invalid: must be an app client ID: letters, digits, _ and +',
    ],
    [
      'a lifetime that is no whole number of its unit',
      { clients: [{ name: 'svc', accessTokenValidityMinutes: 90, accessTokenValidityUnit: 'hours' }] },
      'cdktf.json context.clients[0].accessTokenValidityMinutes = 90 is invalid: must be a whole number of hours, as accessTokenValidityUnit is "hours"',
    ],
    [
      'an unknown unit',
      { clients: [{ name: 'svc', accessTokenValidityUnit: 'weeks' }] },
      'cdktf.json context.clients[0].accessTokenValidityUnit = "weeks" is invalid: must be one of seconds, minutes, hours, days',
    ],
    [
      'a Cognito name with a terminal escape',
      { clients: [{ name: 'svc', appClientName: '\u001b[2Jsvc' }] },
      'cdktf.json context.clients[0].appClientName = "\\u001b[2Jsvc" is invalid: must contain only letters, digits, spaces',
    ],
  ])('refuses %s', (_what, context, message) => {
    expect(problems(context)).toEqual([expect.stringContaining(message)]);
  });
});

describe('CognitoM2mAuth checks literal imports before creating anything', () => {
  test.each<[string, Partial<CognitoM2mAuthProps>, string]>([
    [
      'a malformed pool ID',
      { imports: { userPoolId: 'pool' } },
      'imports.userPoolId "pool" is invalid: must be a user pool ID',
    ],
    [
      'a client ID for a client it does not make',
      { imports: { userPoolId: POOL, clientIds: { reporting: 'abc' } } },
      'imports.clientIds "reporting" is invalid: must be for one of the clients (m2m-client)',
    ],
    [
      'a malformed client ID',
      { imports: { userPoolId: POOL, clientIds: { 'm2m-client': 'a|b' } } },
      'imports.clientIds of client m2m-client "a|b" is invalid: must be an app client ID',
    ],
    [
      'a lifetime that is no whole number of its unit',
      { clients: [{ name: 'svc', accessTokenValidityMinutes: 30, accessTokenValidityUnit: 'hours' }] },
      'accessTokenValidityMinutes of client svc 30 is invalid: must be a whole number of hours',
    ],
    [
      'an unknown unit, which TypeScript would have refused',
      { clients: [{ name: 'svc', accessTokenValidityUnit: 'weeks' as never }] },
      'accessTokenValidityUnit of client svc "weeks" is invalid: must be one of seconds, minutes, hours, days',
    ],
    [
      'a Cognito name with a slash',
      { clients: [{ name: 'svc', appClientName: 'a/b' }] },
      'appClientName of client svc "a/b" is invalid: must contain only letters',
    ],
  ])('rejects %s', (_what, props, message) => {
    const stack = new TerraformStack(testApp(), 'stack');
    expect(
      () => new CognitoM2mAuth(stack, 'auth', { environmentName: 'dev', region: 'us-east-1', ...props }),
    ).toThrow(message);
    expect(stack.node.findAll().filter((c) => c.node.id === 'user-pool')).toHaveLength(0);
  });
});
