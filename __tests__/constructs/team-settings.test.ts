import { CognitoResourceServer } from '@cdktf/provider-aws/lib/cognito-resource-server';
import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import { ConfigError } from '../../config/load';
import { addressOf, synthStack, type TerraformJson } from '../helpers/synth';

const TWO_CLIENTS = [
  { name: 'reporting', scopes: ['read'], accessTokenValidityMinutes: 15 },
  { name: 'ingest', scopes: ['write'] },
];

/** The app client resource named `<environment>-<client>`, and its address. */
function appClient(tf: TerraformJson, client: string): [string, TerraformJson] {
  const entries = Object.entries(tf.resource.aws_cognito_user_pool_client) as [string, TerraformJson][];
  const [name, resource] = entries.find(([, r]) => r.name === `\${var.environment_name}-${client}`)!;
  return [`aws_cognito_user_pool_client.${name}`, resource];
}

describe('resourceServer', () => {
  test('defines the identifier, name and scopes, and every client gets all scopes by default', () => {
    const { json, tf } = synthStack({
      resourceServer: {
        identifier: 'https://orders.example.com',
        name: 'Orders API',
        scopes: [
          { name: 'orders.read', description: 'Read orders' },
          { name: 'orders.write', description: 'Create orders' },
        ],
      },
    });
    expect(json).toHaveResourceWithProperties(CognitoResourceServer, {
      identifier: 'https://orders.example.com',
      name: 'Orders API',
      scope: [
        { scope_name: 'orders.read', scope_description: 'Read orders' },
        { scope_name: 'orders.write', scope_description: 'Create orders' },
      ],
    });
    const server = addressOf(tf, 'aws_cognito_resource_server');
    const scopes = [`\${${server}.identifier}/orders.read`, `\${${server}.identifier}/orders.write`];
    expect(appClient(tf, 'm2m-client')[1].allowed_oauth_scopes).toEqual(scopes);
    expect(tf.output.resource_server_scope_identifiers.value).toEqual(scopes);
  });
});

describe('clients', () => {
  let tf: TerraformJson;
  let server: string;
  // In each test, not once at the describe's scope: mutation testing credits a mutant only to the
  // tests during which it ran, so assertions on a describe-scope synth never saw a mutant.
  beforeEach(() => {
    ({ tf } = synthStack({ clients: TWO_CLIENTS }));
    server = addressOf(tf, 'aws_cognito_resource_server');
  });

  test('makes one least-privilege app client per entry, with the core client settings', () => {
    expect(Object.keys(tf.resource.aws_cognito_user_pool_client)).toHaveLength(2);
    const [, reporting] = appClient(tf, 'reporting');
    const [, ingest] = appClient(tf, 'ingest');
    expect(reporting).toMatchObject({
      allowed_oauth_scopes: [`\${${server}.identifier}/read`],
      access_token_validity: 15,
    });
    expect(ingest).toMatchObject({
      allowed_oauth_scopes: [`\${${server}.identifier}/write`],
      access_token_validity: 60,
    });
    for (const client of [reporting, ingest]) {
      expect(client).toMatchObject({
        generate_secret: true,
        allowed_oauth_flows: ['client_credentials'],
        allowed_oauth_flows_user_pool_client: true,
        supported_identity_providers: ['COGNITO'],
        explicit_auth_flows: ['ALLOW_REFRESH_TOKEN_AUTH'],
        prevent_user_existence_errors: 'ENABLED',
        token_validity_units: [{ access_token: 'minutes' }],
      });
    }
  });

  test('outputs IDs, secrets (sensitive) and scopes by client name, and the first client as client_id', () => {
    const [reporting] = appClient(tf, 'reporting');
    const [ingest] = appClient(tf, 'ingest');
    expect(tf.output.client_ids).toMatchObject({
      sensitive: false,
      value: { reporting: `\${${reporting}.id}`, ingest: `\${${ingest}.id}` },
    });
    expect(tf.output.client_secrets).toMatchObject({
      sensitive: true,
      value: { reporting: `\${${reporting}.client_secret}`, ingest: `\${${ingest}.client_secret}` },
    });
    expect(tf.output.client_scopes.value).toEqual({
      reporting: [`\${${server}.identifier}/read`],
      ingest: [`\${${server}.identifier}/write`],
    });
    expect(tf.output.client_id.value).toBe(`\${${reporting}.id}`);
    expect(tf.output.client_secret).toMatchObject({
      sensitive: true,
      value: `\${${reporting}.client_secret}`,
    });
  });

  test('keeps secrets out of every plain output', () => {
    for (const [name, output] of Object.entries(tf.output) as [string, TerraformJson][]) {
      if (!output.sensitive)
        expect([name, JSON.stringify(output.value)]).not.toEqual([
          name,
          expect.stringContaining('client_secret'),
        ]);
    }
  });
});

describe('storeCredentialsInSecretsManager', () => {
  let json: string;
  let tf: TerraformJson;
  beforeEach(() => {
    ({ json, tf } = synthStack({ clients: TWO_CLIENTS, storeCredentialsInSecretsManager: true }));
  });

  test("stores each client's credentials as JSON in a secret named from the environment and the client", () => {
    expect(json).toHaveResourceWithProperties(SecretsmanagerSecret, {
      name: 'm2m-auth/${var.environment_name}/reporting',
      recovery_window_in_days: '${(var.environment_name == "prod") ? 30 : 0}',
    });
    expect(json).toHaveResourceWithProperties(SecretsmanagerSecret, {
      name: 'm2m-auth/${var.environment_name}/ingest',
    });
    const [reporting] = appClient(tf, 'reporting');
    const versions = Object.values(tf.resource.aws_secretsmanager_secret_version) as TerraformJson[];
    expect(versions).toHaveLength(2);
    const reportingVersion = versions.find((v) => v.secret_string.includes(`${reporting}.id`))!;
    expect(reportingVersion.secret_string).toMatch(
      new RegExp(
        `^\\$\\{jsonencode\\(\\{"client_id" = ${reporting}\\.id, "client_secret" = ${reporting}\\.client_secret, "token_endpoint" = "https://\\$\\{aws_cognito_user_pool_domain\\.[^}]+\\.domain\\}\\.auth\\.\\$\\{var\\.aws_region\\}\\.amazoncognito\\.com/oauth2/token", "scopes" = tolist\\(${reporting}\\.allowed_oauth_scopes\\)\\}\\)\\}$`,
      ),
    );
  });

  test('writes the document once, again only when its app client is replaced, and never without a secret', () => {
    const versions = Object.values(tf.resource.aws_secretsmanager_secret_version) as TerraformJson[];
    for (const client of ['reporting', 'ingest']) {
      const [address] = appClient(tf, client);
      const version = versions.find((v) => v.secret_string.includes(`${address}.id`))!;
      // A bare reference, as depends_on takes it.
      expect(version.lifecycle).toEqual({
        ignore_changes: ['secret_string'],
        replace_triggered_by: [`${address}.id`],
        postcondition: [
          {
            condition: '${jsondecode(self.secret_string).client_secret != null}',
            error_message: expect.stringMatching(
              /^This would write a credentials document without client_secret/,
            ),
          },
        ],
      });
    }
  });

  test('outputs the secret ARNs by client name', () => {
    const secrets = Object.keys(tf.resource.aws_secretsmanager_secret);
    expect(tf.output.client_credentials_secret_arns.value).toEqual({
      reporting: `\${aws_secretsmanager_secret.${secrets.find((s) => s.includes('reporting'))}.arn}`,
      ingest: `\${aws_secretsmanager_secret.${secrets.find((s) => s.includes('ingest'))}.arn}`,
    });
  });

  test('is off by default: no secrets, no ARN output', () => {
    const { tf: plain } = synthStack({ clients: TWO_CLIENTS });
    expect(plain.resource.aws_secretsmanager_secret).toBeUndefined();
    expect(plain.output.client_credentials_secret_arns).toBeUndefined();
  });
});

describe('remoteState', () => {
  test('selects the S3 backend with a per-environment key, encryption and native locking', () => {
    const { tf } = synthStack(
      { remoteState: { bucket: 'acme-terraform-state', region: 'eu-west-1', keyPrefix: 'platform/m2m' } },
      'prod',
    );
    expect(tf.terraform.backend).toEqual({
      s3: {
        bucket: 'acme-terraform-state',
        key: 'platform/m2m/prod/terraform.tfstate',
        region: 'eu-west-1',
        encrypt: true,
        use_lockfile: true,
      },
    });
  });

  test('defaults the key prefix to m2m-auth and the region to awsRegion', () => {
    const { tf } = synthStack({
      awsRegion: 'ap-southeast-2',
      remoteState: { bucket: 'acme-terraform-state' },
    });
    expect(tf.terraform.backend.s3).toMatchObject({
      key: 'm2m-auth/dev/terraform.tfstate',
      region: 'ap-southeast-2',
    });
  });

  test('without it the state stays in a local file', () => {
    expect(Object.keys(synthStack({}).tf.terraform.backend)).toEqual(['local']);
  });
});

describe('validation of the team settings', () => {
  test.each<[string, Record<string, unknown>, string]>([
    [
      'a client scope the resource server does not define',
      { clients: [{ name: 'reporting', scopes: ['read', 'admin'] }] },
      'cdktf.json context.clients[0].scopes[1] = "admin" is invalid: must be a scope of resource server "m2m-client", which defines read, write',
    ],
    [
      'duplicate client names',
      { clients: [{ name: 'reporting' }, { name: 'reporting' }] },
      'cdktf.json context.clients[1].name = "reporting" is invalid: must be unique, and "reporting" appears twice',
    ],
    [
      'duplicate scope names',
      {
        resourceServer: {
          scopes: [
            { name: 'read', description: 'a' },
            { name: 'read', description: 'b' },
          ],
        },
      },
      'cdktf.json context.resourceServer.scopes[1].name = "read" is invalid: must be unique, and "read" appears twice',
    ],
    [
      'openid',
      { clients: [{ name: 'reporting', scopes: ['openid'] }] },
      'cdktf.json context.clients[0].scopes[0] = "openid" is invalid: must not be a user scope (openid, email, profile, phone, aws.cognito.signin.user.admin): Cognito refuses them with the client_credentials grant',
    ],
    [
      'email',
      { clients: [{ name: 'reporting', scopes: ['email'] }] },
      'context.clients[0].scopes[0] = "email" is invalid: must not be a user scope',
    ],
    [
      'profile',
      { clients: [{ name: 'reporting', scopes: ['profile'] }] },
      'context.clients[0].scopes[0] = "profile" is invalid: must not be a user scope',
    ],
    [
      'aws.cognito.signin.user.admin',
      { clients: [{ name: 'reporting', scopes: ['aws.cognito.signin.user.admin'] }] },
      'context.clients[0].scopes[0] = "aws.cognito.signin.user.admin" is invalid: must not be a user scope',
    ],
    [
      'a client without scopes',
      { clients: [{ name: 'reporting', scopes: [] }] },
      'cdktf.json context.clients[0].scopes = [] is invalid: a client needs at least one scope',
    ],
    ['no clients', { clients: [] }, 'cdktf.json context.clients = [] is invalid: needs at least one client'],
    [
      'a scope name with a space',
      { resourceServer: { scopes: [{ name: 'read all', description: 'x' }] } },
      'cdktf.json context.resourceServer.scopes[0].name = "read all" is invalid: must be printable ASCII without spaces, quotes, slashes or backslashes',
    ],
    [
      'a scope name with a slash',
      { resourceServer: { scopes: [{ name: 'orders/read', description: 'x' }] } },
      'context.resourceServer.scopes[0].name = "orders/read" is invalid: must be printable ASCII without spaces',
    ],
    [
      'a resource server without scopes',
      { resourceServer: { scopes: [] } },
      'cdktf.json context.resourceServer.scopes = [] is invalid: a resource server needs at least one scope',
    ],
    [
      'an identifier with a space',
      { resourceServer: { identifier: 'orders api' } },
      'context.resourceServer.identifier = "orders api" is invalid: must be printable ASCII without spaces',
    ],
    [
      'a validity below 5 minutes',
      { clients: [{ name: 'reporting', accessTokenValidityMinutes: 4 }] },
      'cdktf.json context.clients[0].accessTokenValidityMinutes = 4 is invalid: must be between 5 and 1440 minutes',
    ],
    [
      'a validity above a day',
      { clients: [{ name: 'reporting', accessTokenValidityMinutes: 1441 }] },
      'context.clients[0].accessTokenValidityMinutes = 1441 is invalid: must be between 5 and 1440 minutes',
    ],
    [
      'a fractional validity',
      { clients: [{ name: 'reporting', accessTokenValidityMinutes: 7.5 }] },
      'context.clients[0].accessTokenValidityMinutes = 7.5 is invalid: must be a whole number of minutes',
    ],
    [
      'a client name with uppercase',
      { clients: [{ name: 'Reporting' }] },
      'context.clients[0].name = "Reporting" is invalid: must start with a lowercase letter and contain only lowercase letters, digits and hyphens',
    ],
    [
      'a client without a name',
      { clients: [{ scopes: ['read'] }] },
      'cdktf.json context.clients[0].name is required',
    ],
    [
      'a misspelt client key',
      { clients: [{ name: 'reporting', scope: ['read'] }] },
      'cdktf.json context.clients[0] has an unknown key "scope"',
    ],
    [
      'storeCredentialsInSecretsManager as a string',
      { storeCredentialsInSecretsManager: 'yes' },
      'context.storeCredentialsInSecretsManager = "yes" is invalid: must be of type boolean',
    ],
    [
      'a bucket with uppercase',
      { remoteState: { bucket: 'Acme-State' } },
      'cdktf.json context.remoteState.bucket = "Acme-State" is invalid: must be a valid S3 bucket name: lowercase letters, digits, dots and hyphens',
    ],
    [
      'a bucket too short',
      { remoteState: { bucket: 'ab' } },
      'context.remoteState.bucket = "ab" is invalid: must be a valid S3 bucket name of 3 to 63 characters',
    ],
    [
      'a bucket with adjacent dots',
      { remoteState: { bucket: 'acme..state' } },
      'context.remoteState.bucket = "acme..state" is invalid: must be a valid S3 bucket name: no two adjacent dots',
    ],
    [
      'a bucket named like an IP address',
      { remoteState: { bucket: '192.168.1.1' } },
      'context.remoteState.bucket = "192.168.1.1" is invalid: must be a valid S3 bucket name, not an IP address',
    ],
    [
      'a bucket with a reserved prefix',
      { remoteState: { bucket: 'xn--state' } },
      'context.remoteState.bucket = "xn--state" is invalid: must be a valid S3 bucket name without a reserved prefix or suffix',
    ],
    [
      'remote state without a bucket',
      { remoteState: { region: 'us-east-1' } },
      'cdktf.json context.remoteState.bucket is required',
    ],
    [
      'a cdktf token marker, which cdktf would resolve to another value of the stack',
      { resourceServer: { scopes: [{ name: 'read', description: '${TfToken[TOKEN.1]}' }] } },
      'cdktf.json context.resourceServer.scopes[0].description = "${TfToken[TOKEN.1]}" is invalid: must not contain "${TfToken[", "#{TfToken[" or "&{TfToken[": cdktf would take it for a reference',
    ],
    [
      'a list token marker in a client scope',
      { clients: [{ name: 'reporting', scopes: ['#{TfToken[TOKEN.2]}'] }] },
      'context.clients[0].scopes[0] = "#{TfToken[TOKEN.2]}" is invalid: must not contain "${TfToken["',
    ],
    [
      'a lone surrogate, which Terraform would turn into U+FFFD',
      { projectTag: 'tag\ud800' },
      'cdktf.json context.projectTag = "tag\\ud800" is invalid: must be valid Unicode, without a lone surrogate',
    ],
    [
      'a key prefix with a leading slash',
      { remoteState: { bucket: 'acme-state', keyPrefix: '/m2m' } },
      'context.remoteState.keyPrefix = "/m2m" is invalid: must be path segments',
    ],
  ])('rejects %s', (_what, context, message) => {
    expect(() => synthStack(context)).toThrow(ConfigError);
    expect(() => synthStack(context)).toThrow(message);
  });
});
