import * as os from 'node:os';
import * as path from 'node:path';
import { CognitoResourceServer } from '@cdktf/provider-aws/lib/cognito-resource-server';
import { CognitoUserPool } from '@cdktf/provider-aws/lib/cognito-user-pool';
import { CognitoUserPoolClient } from '@cdktf/provider-aws/lib/cognito-user-pool-client';
import { CognitoUserPoolDomain } from '@cdktf/provider-aws/lib/cognito-user-pool-domain';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { stackName } from '../../constructs/m2m-auth-stack';
import { localStatePath } from '../../constructs/state-backend';
import { type Rule, stackEnvironment, variableRules } from '../../constructs/rules';
import { addressOf, onlyResource, STACK_OUTPUTS, synthStack, type TerraformJson } from '../helpers/synth';

/** The rules each Terraform variable of the dev stack must carry. */
const VARIABLE_RULES: Record<string, readonly Rule[]> = {
  environment_name: [...variableRules.environmentName, stackEnvironment('dev', 'm2m-auth-dev')],
  aws_region: variableRules.awsRegion,
  user_pool_name_prefix: variableRules.userPoolNamePrefix,
  domain_prefix: variableRules.domainPrefix,
  project_tag: variableRules.projectTag,
};

describe('the dev stack with default settings', () => {
  let json: string;
  let tf: TerraformJson;
  let pool: string;
  let resourceServer: string;
  let domain: string;
  // In each test, not once at the describe's scope: mutation testing credits a mutant only to the
  // tests during which it ran, so assertions on a describe-scope synth never saw a mutant.
  beforeEach(() => {
    ({ json, tf } = synthStack());
    pool = addressOf(tf, 'aws_cognito_user_pool');
    resourceServer = addressOf(tf, 'aws_cognito_resource_server');
    domain = addressOf(tf, 'aws_cognito_user_pool_domain');
  });

  test('declares the five variables of variables.tf, typed string, described, with their defaults', () => {
    expect(Object.keys(tf.variable).sort()).toEqual([
      'aws_region',
      'domain_prefix',
      'environment_name',
      'project_tag',
      'user_pool_name_prefix',
    ]);
    const defaults = Object.fromEntries(
      Object.entries(tf.variable).map(([name, v]) => [name, (v as { default: string }).default]),
    );
    expect(defaults).toEqual({
      environment_name: 'dev',
      aws_region: 'us-east-1',
      user_pool_name_prefix: 'machine-to-machine',
      domain_prefix: 'm2m-rubicon',
      project_tag: 'm2m-auth',
    });
    for (const variable of Object.values(tf.variable) as { type: string; description: string }[]) {
      expect(variable.type).toBe('string');
      expect(variable.description.length).toBeGreaterThan(10);
    }
  });

  // Exactly the conditions of rules.ts: what each one accepts is proven against Terraform itself in
  // __tests__/terraform/rules.test.ts, and offline-plan.test.ts plans bad values through these blocks.
  test.each(Object.entries(VARIABLE_RULES))(
    'variable %s validates every rule of its setting',
    (name, rules) => {
      expect(tf.variable[name].validation).toEqual(
        rules.map((rule) => ({
          condition: `\${${rule.condition(`var.${name}`)}}`,
          error_message: `Invalid ${name}: ${rule.description}.`,
        })),
      );
    },
  );

  test('configures the AWS provider from var.aws_region with Environment, Project and ManagedBy tags', () => {
    expect(json).toHaveProviderWithProperties(AwsProvider, {
      region: '${var.aws_region}',
      default_tags: [
        {
          tags: { Environment: '${var.environment_name}', Project: '${var.project_tag}', ManagedBy: 'cdktf' },
        },
      ],
    });
    expect(tf.terraform.required_providers.aws.version).toBe('5.100.0');
  });

  test('creates an M2M-only user pool named <environment>-<prefix>-user-pool, protected in prod', () => {
    expect(json).toHaveResourceWithProperties(CognitoUserPool, {
      name: '${var.environment_name}-${var.user_pool_name_prefix}-user-pool',
      admin_create_user_config: { allow_admin_create_user_only: true },
      deletion_protection: '${(var.environment_name == "prod") ? "ACTIVE" : "INACTIVE"}',
    });
    const userPool = onlyResource(tf, 'aws_cognito_user_pool');
    // No e-mail, password or MFA features for a pool without users.
    for (const attribute of [
      'auto_verified_attributes',
      'username_attributes',
      'alias_attributes',
      'email_configuration',
      'password_policy',
      'mfa_configuration',
      'schema',
    ]) {
      expect(userPool).not.toHaveProperty(attribute);
    }
  });

  test('creates the resource server m2m-client ("User API") with read and write scopes', () => {
    expect(json).toHaveResourceWithProperties(CognitoResourceServer, {
      identifier: 'm2m-client',
      name: 'User API',
      user_pool_id: `\${${pool}.id}`,
      scope: [
        { scope_name: 'read', scope_description: 'Read access' },
        { scope_name: 'write', scope_description: 'Write access' },
      ],
    });
  });

  test('creates one client-credentials app client whose scopes reference the resource server', () => {
    expect(json).toHaveResourceWithProperties(CognitoUserPoolClient, {
      name: '${var.environment_name}-m2m-client',
      user_pool_id: `\${${pool}.id}`,
      generate_secret: true,
      allowed_oauth_flows: ['client_credentials'],
      allowed_oauth_flows_user_pool_client: true,
      allowed_oauth_scopes: [
        `\${${resourceServer}.identifier}/read`,
        `\${${resourceServer}.identifier}/write`,
      ],
      supported_identity_providers: ['COGNITO'],
      explicit_auth_flows: ['ALLOW_REFRESH_TOKEN_AUTH'],
      prevent_user_existence_errors: 'ENABLED',
      access_token_validity: 60,
      token_validity_units: [{ access_token: 'minutes' }],
    });
    const client = onlyResource(tf, 'aws_cognito_user_pool_client');
    expect(client.allowed_oauth_flows).toEqual(['client_credentials']);
    expect(client).not.toHaveProperty('callback_urls');
  });

  test('creates the domain <prefix>-<environment>-auth, <prefix>-auth in prod, with managed login v2', () => {
    expect(json).toHaveResourceWithProperties(CognitoUserPoolDomain, {
      domain:
        '${(var.environment_name == "prod") ? "${var.domain_prefix}-auth" : "${var.domain_prefix}-${var.environment_name}-auth"}',
      managed_login_version: 2,
      user_pool_id: `\${${pool}.id}`,
    });
  });

  test('outputs what callers and verifiers need, each described, secrets sensitive', () => {
    const outputs = tf.output as Record<string, { value: unknown; description: string; sensitive?: boolean }>;
    expect(Object.keys(outputs).sort()).toEqual(STACK_OUTPUTS);
    for (const output of Object.values(outputs)) expect(output.description.length).toBeGreaterThan(10);
    const sensitive = Object.entries(outputs)
      .filter(([, o]) => o.sensitive)
      .map(([name]) => name);
    expect(sensitive.sort()).toEqual(['client_secret', 'client_secrets']);

    const client = addressOf(tf, 'aws_cognito_user_pool_client');
    expect(outputs.user_pool_id.value).toBe(`\${${pool}.id}`);
    expect(outputs.user_pool_arn.value).toBe(`\${${pool}.arn}`);
    expect(outputs.client_id.value).toBe(`\${${client}.id}`);
    expect(outputs.client_secret.value).toBe(`\${${client}.client_secret}`);
    expect(outputs.domain.value).toBe(`\${${domain}.domain}`);
    expect(outputs.token_endpoint.value).toBe(
      `https://\${${domain}.domain}.auth.\${var.aws_region}.amazoncognito.com/oauth2/token`,
    );
    expect(outputs.resource_server_scope_identifiers.value).toEqual([
      `\${${resourceServer}.identifier}/read`,
      `\${${resourceServer}.identifier}/write`,
    ]);
    // The pool's endpoint attribute is cognito-idp.<region>.amazonaws.com/<pool id>.
    expect(outputs.issuer.value).toBe(`https://\${${pool}.endpoint}`);
    expect(outputs.jwks_uri.value).toBe(`https://\${${pool}.endpoint}/.well-known/jwks.json`);
  });

  test('keeps the state in a relative local file that resolves to the project root', () => {
    const statePath = tf.terraform.backend.local.path as string;
    expect(path.isAbsolute(statePath)).toBe(false);
    const project = path.resolve('/any/project');
    // Terraform resolves the path from the stack folder cdktf synth writes.
    const stackFolder = path.join(project, 'cdktf.out', 'stacks', 'm2m-auth-dev');
    expect(path.resolve(stackFolder, statePath)).toBe(path.join(project, 'terraform.m2m-auth-dev.tfstate'));
  });

  test('contains no absolute path of this machine', () => {
    expect(json).not.toContain(process.cwd());
    expect(json).not.toContain(os.tmpdir());
  });

  test('matches the snapshot', () => {
    expect(json).toMatchSnapshot();
  });
});

describe('the prod stack', () => {
  let tf: TerraformJson;
  beforeEach(() => {
    ({ tf } = synthStack({ environments: ['prod'] }, 'prod'));
  });

  test('defaults environment_name to prod, so the conditionals pick the prod domain and deletion protection', () => {
    expect(tf.variable.environment_name.default).toBe('prod');
  });

  test("accepts no other environment_name: its state, names and protections are prod's", () => {
    expect(tf.variable.environment_name.validation).toContainEqual({
      condition: '${var.environment_name == "prod"}',
      error_message:
        'Invalid environment_name: must be "prod" in stack m2m-auth-prod, whose state is prod\'s; to deploy another environment, add it to "environments" in cdktf.json, synthesize (npx cdktf synth) and use its stack m2m-auth-<environment>.',
    });
  });

  test('keeps its own state file', () => {
    expect(tf.terraform.backend.local.path).toBe('../../../terraform.m2m-auth-prod.tfstate');
  });
});

describe('settings become variable defaults', () => {
  test('cdktf.json values are the defaults of the Terraform variables', () => {
    const { tf } = synthStack({
      awsRegion: 'eu-west-1',
      userPoolNamePrefix: 'payments',
      domainPrefix: 'acme-payments',
      projectTag: 'payments',
    });
    expect(tf.variable.aws_region.default).toBe('eu-west-1');
    expect(tf.variable.user_pool_name_prefix.default).toBe('payments');
    expect(tf.variable.domain_prefix.default).toBe('acme-payments');
    expect(tf.variable.project_tag.default).toBe('payments');
  });
});

// The stack's name is its folder under cdktf.out/stacks, and what `m2m --stack` and the workflows name.
test.each([
  ['dev', 'm2m-auth-dev'],
  ['test', 'm2m-auth-test'],
  ['prod', 'm2m-auth-prod'],
] as const)('the %s stack is %s', (environment, name) => {
  expect(stackName(environment)).toBe(name);
});

// From the stack folder under any output folder, the local state file is in the project root.
test.each([
  ['cdktf.out', '../../../terraform.m2m-auth-dev.tfstate'],
  ['build/cdktf', '../../../../terraform.m2m-auth-dev.tfstate'],
])('with the output folder %s, the local state file is %s', (outdir, statePath) => {
  expect(localStatePath(outdir, 'm2m-auth-dev')).toBe(statePath);
});
