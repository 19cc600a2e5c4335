import { TerraformOutput, TerraformStack, TerraformVariable, Testing } from 'cdktf';
import { ConfigError, parseSettings } from '../../config/load';
import {
  CognitoM2mAuth,
  type CognitoM2mAuthProps,
  type M2mClientOptions,
} from '../../constructs/cognito-m2m-auth';
import { onlyResource, synthScope, type TerraformJson, testApp } from '../helpers/synth';

function synth(props: CognitoM2mAuthProps): TerraformJson {
  return JSON.parse(synthScope((scope) => new CognitoM2mAuth(scope, 'auth', props)));
}

describe('CognitoM2mAuth with literal values', () => {
  test('prod: deletion protection on and the domain without the environment', () => {
    const tf = synth({ environmentName: 'prod', region: 'eu-west-1', domainPrefix: 'acme' });
    expect(onlyResource(tf, 'aws_cognito_user_pool')).toMatchObject({
      name: 'prod-machine-to-machine-user-pool',
      deletion_protection: 'ACTIVE',
    });
    expect(onlyResource(tf, 'aws_cognito_user_pool_domain').domain).toBe('acme-auth');
  });

  test.each(['dev', 'test'])(
    '%s: deletion protection off and the environment in the domain',
    (environmentName) => {
      const tf = synth({ environmentName, region: 'eu-west-1', domainPrefix: 'acme' });
      expect(onlyResource(tf, 'aws_cognito_user_pool').deletion_protection).toBe('INACTIVE');
      expect(onlyResource(tf, 'aws_cognito_user_pool_domain').domain).toBe(`acme-${environmentName}-auth`);
    },
  );

  test('exposes the token endpoint, issuer and JWKS URI for the region', () => {
    const stack = new TerraformStack(testApp(), 'stack');
    const auth = new CognitoM2mAuth(stack, 'auth', { environmentName: 'dev', region: 'eu-west-1' });
    for (const name of ['tokenEndpoint', 'issuer', 'jwksUri'] as const) {
      new TerraformOutput(stack, name, { value: auth[name] });
    }
    const outputs = JSON.parse(Testing.synth(stack)).output;
    expect(outputs.tokenEndpoint.value).toMatch(
      /^https:\/\/\$\{aws_cognito_user_pool_domain\.[^}]+\.domain\}\.auth\.eu-west-1\.amazoncognito\.com\/oauth2\/token$/,
    );
    expect(outputs.issuer.value).toMatch(/^https:\/\/\$\{aws_cognito_user_pool\.[^}]+\.endpoint\}$/);
    expect(outputs.jwksUri.value).toBe(`${outputs.issuer.value}/.well-known/jwks.json`);
  });
});

describe('CognitoM2mAuth keeps text as text', () => {
  test('doubles ${ and %{ of names, scopes and descriptions, which Terraform would evaluate', () => {
    const tf = synth({
      environmentName: 'dev',
      region: 'eu-west-1',
      resourceServer: {
        identifier: 'api-${path.cwd}',
        name: 'User API',
        scopes: [{ name: '%{if(true)}x%{endif}', description: '${file("/etc/hostname")} $${x}' }],
      },
      clients: [{ name: 'svc-${var.x}' }],
      storeCredentialsInSecretsManager: true,
    });
    const server = onlyResource(tf, 'aws_cognito_resource_server');
    expect(server.identifier).toBe('api-$${path.cwd}');
    expect(server.scope).toEqual([
      { scope_name: '%%{if(true)}x%%{endif}', scope_description: '$${file("/etc/hostname")} $$${x}' },
    ]);
    const client = onlyResource(tf, 'aws_cognito_user_pool_client');
    expect(client.name).toBe('dev-svc-$${var.x}');
    expect(client.allowed_oauth_scopes).toEqual([
      expect.stringMatching(
        /^\$\{aws_cognito_resource_server\.[^}]+\.identifier\}\/%%\{if\(true\)\}x%%\{endif\}$/,
      ),
    ]);
    expect(onlyResource(tf, 'aws_secretsmanager_secret')).toMatchObject({
      name: 'm2m-auth/dev/svc-$${var.x}',
      description: 'OAuth 2.0 client credentials of svc-$${var.x} (dev)',
    });
  });
});

describe('CognitoM2mAuth validates literal props before creating anything', () => {
  test.each<[string, Partial<CognitoM2mAuthProps>, string]>([
    [
      'environmentName',
      { environmentName: 'qa' },
      'environmentName "qa" is invalid: must be one of dev, test, prod',
    ],
    [
      'region',
      { region: 'moon-1' },
      'region "moon-1" is invalid: must be an AWS region code such as us-east-1',
    ],
    [
      'domainPrefix',
      { domainPrefix: 'aws-team' },
      'domainPrefix "aws-team" is invalid: must not contain "aws", "amazon" or "cognito"',
    ],
    ['userPoolNamePrefix', { userPoolNamePrefix: '' }, 'userPoolNamePrefix "" is invalid: must not be empty'],
    [
      'client scopes',
      { clients: [{ name: 'reporter', scopes: ['admin'] }] },
      'scope of client reporter "admin" is invalid: must be a scope of resource server "m2m-client", which defines read, write',
    ],
    [
      'client without scopes',
      { clients: [{ name: 'reporter', scopes: [] }] },
      'scopes of client reporter [] is invalid: a client needs at least one scope',
    ],
    [
      'token validity',
      { clients: [{ name: 'reporter', accessTokenValidityMinutes: 4 }] },
      'accessTokenValidityMinutes of client reporter 4 is invalid: must be between 5 and 1440 minutes',
    ],
  ])('rejects a bad %s', (_what, props, message) => {
    const stack = new TerraformStack(testApp(), 'stack');
    expect(
      () => new CognitoM2mAuth(stack, 'auth', { environmentName: 'dev', region: 'us-east-1', ...props }),
    ).toThrow(message);
    expect(stack.node.findAll().filter((c) => c.node.id === 'user-pool')).toHaveLength(0);
  });

  test("leaves Terraform references to the variables' own validation", () => {
    const stack = new TerraformStack(testApp(), 'stack');
    const prefix = new TerraformVariable(stack, 'prefix', { type: 'string' });
    expect(
      () =>
        new CognitoM2mAuth(stack, 'auth', {
          environmentName: 'dev',
          region: 'us-east-1',
          domainPrefix: prefix.stringValue,
        }),
    ).not.toThrow();
  });

  test('leaves a Terraform number to Terraform, in the unit Cognito is given it', () => {
    const stack = new TerraformStack(testApp(), 'stack');
    const minutes = new TerraformVariable(stack, 'minutes', { type: 'number' }).numberValue;
    new CognitoM2mAuth(stack, 'auth', {
      environmentName: 'dev',
      region: 'us-east-1',
      clients: [{ name: 'svc', accessTokenValidityMinutes: minutes, accessTokenValidityUnit: 'hours' }],
    });
    const client = onlyResource(JSON.parse(Testing.synth(stack)), 'aws_cognito_user_pool_client');
    expect(client.access_token_validity).toBe('${((var.minutes * 60) / 3600)}');
  });
});

describe('cdktf.json and CognitoM2mAuth refuse a client with the same rule', () => {
  test.each<[string, M2mClientOptions]>([
    ['a lifetime out of range', { name: 'svc', accessTokenValidityMinutes: 1441 }],
    ['a fractional lifetime', { name: 'svc', accessTokenValidityMinutes: 7.5 }],
    [
      'a lifetime that is no whole number of its unit',
      { name: 'svc', accessTokenValidityMinutes: 90, accessTokenValidityUnit: 'hours' },
    ],
    ['no scope', { name: 'svc', scopes: [] }],
    ['a scope the resource server does not define', { name: 'svc', scopes: ['read', 'admin'] }],
  ])('%s', (_what, client) => {
    let problems: readonly string[] = [];
    try {
      parseSettings({ clients: [client] });
    } catch (error) {
      if (error instanceof ConfigError) problems = error.problems;
    }
    const stack = new TerraformStack(testApp(), 'stack');
    let thrown = '';
    try {
      new CognitoM2mAuth(stack, 'auth', { environmentName: 'dev', region: 'us-east-1', clients: [client] });
    } catch (error) {
      thrown = (error as Error).message;
    }
    const rule = (message: string) => message.slice(message.indexOf(' is invalid: '));
    expect(problems).toHaveLength(1);
    expect(thrown).toMatch(/ is invalid: /);
    expect(rule(thrown)).toBe(rule(problems[0]));
  });
});
