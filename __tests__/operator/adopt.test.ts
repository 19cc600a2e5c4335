/**
 * The adopt library on state documents: what it derives from the original main.tf's state and its
 * variations, and every deployment it refuses, each with a message naming the cause and the way on.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  type Adoption,
  checkTakenOver,
  deriveAdoption,
  findDeployment,
  formatJson,
  matches,
  planAdoption,
  planSummary,
  withoutImports,
} from '../../operator/adopt';
import { AdoptionRefusedError, InputError } from '../../operator/errors';
import { parseState } from '../../operator/terraform-state';
import { READ } from '../helpers/fakes/cognito';
import { synthStack } from '../helpers/synth';
import { PROJECT_ROOT } from '../helpers/project';
import {
  addClient,
  attributesOf,
  FIXTURE_SECRET,
  ORIGINAL_SHOW_JSON,
  ORIGINAL_STATE,
  originalState,
  POOL_ID,
  prodState,
  type StateDocument,
} from './old-states';

const DEV_CONTEXT = { environments: ['dev'] };

function adoptionOf(state: StateDocument | string): Adoption {
  const text = typeof state === 'string' ? state : JSON.stringify(state);
  return deriveAdoption(findDeployment(parseState(text, 'state file old.tfstate')));
}

function planOf(state: StateDocument, existing: Record<string, unknown> = DEV_CONTEXT) {
  return planAdoption(existing, adoptionOf(state));
}

/** The message of the error `run` throws, which must be one of adopt's own; fails when nothing is thrown. */
function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect([AdoptionRefusedError, InputError].some((type) => error instanceof type)).toBe(true);
    return (error as Error).message;
  }
  throw new Error('expected adopt to refuse, but it accepted');
}

describe('what adopt derives', () => {
  test("the original main.tf's dev deployment: its settings, the client's fixed Cognito name, the import IDs", () => {
    const adoption = adoptionOf(originalState());
    const clientId = attributesOf(originalState(), 'aws_cognito_user_pool_client').id;
    expect(adoption).toMatchObject({
      environment: 'dev',
      settings: {
        awsRegion: 'us-east-1',
        userPoolNamePrefix: 'machine-to-machine',
        domainPrefix: 'm2m-rubicon',
        projectTag: 'm2m-auth',
        resourceServer: {
          identifier: 'm2m-client',
          name: 'User API',
          scopes: [
            { name: 'read', description: 'Read access' },
            { name: 'write', description: 'Write access' },
          ],
        },
        clients: [
          {
            name: 'm2m-client',
            appClientName: 'm2m-client',
            scopes: ['read', 'write'],
            accessTokenValidityMinutes: 60,
          },
        ],
      },
      imports: { userPoolId: POOL_ID(), clientIds: { 'm2m-client': clientId } },
    });
    expect(adoption.settings.clients[0]).not.toHaveProperty('accessTokenValidityUnit');
  });

  test('terraform show -json output gives the same adoption as the state file', () => {
    const fromShow = adoptionOf(fs.readFileSync(ORIGINAL_SHOW_JSON, 'utf8'));
    const fromState = adoptionOf(fs.readFileSync(ORIGINAL_STATE, 'utf8'));
    expect({ ...fromShow, deployment: undefined }).toEqual({ ...fromState, deployment: undefined });
    expect(fromShow.deployment.clients.map((c) => c.address)).toEqual([
      'aws_cognito_user_pool_client.m2m_client',
    ]);
  });

  test('writes the settings and imports into cdktf.json context, and expects 4 imports and a tag change', () => {
    const plan = planOf(originalState(), { environments: ['dev'], remoteState: { bucket: 'acme-state' } });
    expect(plan.context).toMatchObject({
      environments: ['dev'],
      remoteState: { bucket: 'acme-state' },
      storeCredentialsInSecretsManager: false,
      imports: { dev: { userPoolId: POOL_ID() } },
    });
    expect(plan.keys).toEqual([
      'environments',
      'awsRegion',
      'userPoolNamePrefix',
      'domainPrefix',
      'projectTag',
      'resourceServer',
      'clients',
      'storeCredentialsInSecretsManager',
      'imports.dev',
    ]);
    expect(planSummary(plan.expected)).toBe('Plan: 4 to import, 0 to add, 1 to change, 0 to destroy.');
    expect(plan.expected.tags).toEqual({
      removed: ['CostCenter', 'Owner'],
      added: ['ManagedBy'],
      changed: [],
    });
  });

  test('several clients become several entries of clients, each with its scopes, lifetime and unit', () => {
    const state = originalState();
    addClient(state, {
      resourceName: 'clients',
      indexKey: 'reporting',
      cognitoName: 'dev-reporting',
      id: 'reportingClient1',
      scopes: ['read'],
      validity: 1,
      unit: 'days',
    });
    addClient(state, {
      resourceName: 'legacy',
      cognitoName: 'Orders Service v1',
      id: 'ordersClient2',
      scopes: ['write'],
      validity: 900,
      unit: 'seconds',
    });
    const plan = planOf(state);
    expect(plan.context.clients).toEqual([
      {
        name: 'm2m-client',
        appClientName: 'm2m-client',
        scopes: ['read', 'write'],
        accessTokenValidityMinutes: 60,
      },
      // "<env>-<name>" is this project's own naming: no override needed.
      {
        name: 'reporting',
        scopes: ['read'],
        accessTokenValidityMinutes: 1440,
        accessTokenValidityUnit: 'days',
      },
      {
        name: 'orders-service-v1',
        appClientName: 'Orders Service v1',
        scopes: ['write'],
        accessTokenValidityMinutes: 15,
        accessTokenValidityUnit: 'seconds',
      },
    ]);
    expect((plan.context.imports as Record<string, { clientIds: unknown }>).dev.clientIds).toEqual({
      'm2m-client': attributesOf(originalState(), 'aws_cognito_user_pool_client').id,
      reporting: 'reportingClient1',
      'orders-service-v1': 'ordersClient2',
    });
    expect(planSummary(plan.expected)).toBe('Plan: 6 to import, 0 to add, 1 to change, 0 to destroy.');
    expect(adoptionOf(state).deployment.clients.map((c) => c.address)).toEqual([
      'aws_cognito_user_pool_client.m2m_client',
      'aws_cognito_user_pool_client.clients["reporting"]',
      'aws_cognito_user_pool_client.legacy',
    ]);
  });

  test('"<environment>-<name>" is taken as this project\'s naming only for a valid name not yet taken', () => {
    const state = originalState();
    const client = (cognitoName: string, id: string) =>
      addClient(state, {
        resourceName: id,
        cognitoName,
        id,
        scopes: ['read'],
        validity: 60,
        unit: 'minutes',
      });
    client('dev-Reporting Jobs', 'c1');
    client('dev-', 'c2');
    client('dev-m2m-client', 'c3');
    client('test-orders', 'c4');
    expect(adoptionOf(state).settings.clients.map((c) => [c.name, c.appClientName])).toEqual([
      ['m2m-client', 'm2m-client'],
      ['dev-reporting-jobs', 'dev-Reporting Jobs'],
      ['dev', 'dev-'],
      ['dev-m2m-client', 'dev-m2m-client'],
      ['test-orders', 'test-orders'],
    ]);
  });

  test.each([
    ['Orders Service v1', 'orders-service-v1'],
    ['--Billing__API--', 'billing-api'],
    ['42 Jobs', 'client-42-jobs'],
    ['@@@', 'client'],
    [`${'a'.repeat(99)} tail`, 'a'.repeat(99)],
  ])('the Cognito name %p becomes the settings name %p', (cognitoName, name) => {
    const state = originalState();
    addClient(state, {
      resourceName: 'x',
      cognitoName,
      id: 'x1',
      scopes: ['read'],
      validity: 60,
      unit: 'minutes',
    });
    expect(adoptionOf(state).settings.clients[1]).toMatchObject({ name, appClientName: cognitoName });
  });

  test('three Cognito names that make one settings name are numbered from 2', () => {
    const state = originalState();
    for (const [i, cognitoName] of ['Jobs', 'JOBS', 'jobs!'].entries()) {
      addClient(state, {
        resourceName: `j${i}`,
        cognitoName,
        id: `j${i}`,
        scopes: ['read'],
        validity: 60,
        unit: 'minutes',
      });
    }
    expect(adoptionOf(state).settings.clients.map((c) => c.name)).toEqual([
      'm2m-client',
      'jobs',
      'jobs-2',
      'jobs-3',
    ]);
  });

  test('two Cognito names that make the same settings name get distinct names', () => {
    const state = originalState();
    addClient(state, {
      resourceName: 'a',
      cognitoName: 'M2M Client',
      id: 'a1',
      scopes: ['read'],
      validity: 60,
      unit: 'minutes',
    });
    expect(adoptionOf(state).settings.clients.map((c) => [c.name, c.appClientName])).toEqual([
      ['m2m-client', 'm2m-client'],
      ['m2m-client-2', 'M2M Client'],
    ]);
  });

  test("prod: the domain without the environment, deletion protection on, and the pool's own tags still go", () => {
    const plan = planOf(prodState(), { environments: ['dev'] });
    expect(plan.context).toMatchObject({ environments: ['dev', 'prod'], domainPrefix: 'm2m-rubicon' });
    expect(Object.keys(plan.context.imports as object)).toEqual(['prod']);
    expect(planSummary(plan.expected)).toBe('Plan: 4 to import, 0 to add, 1 to change, 0 to destroy.');
    expect(plan.expected.tags).toEqual({ removed: [], added: ['ManagedBy'], changed: [] });
  });

  test('without environments in cdktf.json, the adopted one is the only stack', () => {
    expect(planOf(prodState(), {}).context.environments).toEqual(['prod']);
  });

  test('resources inside modules and with instance keys keep their full addresses', () => {
    const state = originalState();
    for (const resource of state.resources) resource.module = 'module.auth["eu"]';
    expect(adoptionOf(state).deployment.pool.address).toBe(
      'module.auth["eu"].aws_cognito_user_pool.m2m_user_pool',
    );
  });

  test('other resources of the old state are named and left alone', () => {
    const state = originalState();
    state.resources.push({
      mode: 'managed',
      type: 'aws_cognito_user_group',
      name: 'admins',
      instances: [{ attributes: { id: 'g', user_pool_id: POOL_ID() } }],
    });
    state.resources.push({
      mode: 'data',
      type: 'aws_cognito_user_pool',
      name: 'lookup',
      instances: [{ attributes: {} }],
    });
    expect(adoptionOf(state).deployment.others).toEqual(['aws_cognito_user_group.admins']);
  });

  test("another pool's resource server is named and left alone, not counted as a second one", () => {
    const state = originalState();
    const server = structuredClone(state.resources.find((r) => r.type === 'aws_cognito_resource_server')!);
    server.name = 'elsewhere';
    server.instances[0].attributes.user_pool_id = 'us-east-1_Other';
    state.resources.push(server);
    expect(adoptionOf(state).deployment.others).toEqual(['aws_cognito_resource_server.elsewhere']);
  });

  test("the pool's Project tag becomes projectTag; without one, the project's default", () => {
    const tagged = originalState();
    attributesOf(tagged, 'aws_cognito_user_pool').tags = { Project: 'payments' };
    attributesOf(tagged, 'aws_cognito_user_pool').tags_all = { Project: 'payments' };
    expect(adoptionOf(tagged).settings.projectTag).toBe('payments');

    const untagged = originalState();
    attributesOf(untagged, 'aws_cognito_user_pool').tags = {};
    attributesOf(untagged, 'aws_cognito_user_pool').tags_all = {};
    expect(adoptionOf(untagged).settings.projectTag).toBe('m2m-auth');
  });

  test('comparing with the old state leaves no folder behind', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'm2m-adopt-test-'));
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = tmp;
    try {
      planOf(originalState());
      expect(fs.readdirSync(tmp)).toEqual([]);
    } finally {
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  test('adopting again gives the same cdktf.json', () => {
    const first = planOf(originalState());
    expect(planOf(originalState(), first.context).context).toEqual(first.context);
  });

  test('Terraform template syntax in a description stays text: cdktf.json keeps it, the stack escapes it', () => {
    const state = originalState();
    const server = attributesOf(state, 'aws_cognito_resource_server');
    server.scope = [
      { scope_name: 'read', scope_description: 'Read ${file("/etc/passwd")} %{ if true }x%{ endif }' },
      { scope_name: 'write', scope_description: 'Write access' },
    ];
    const { context } = planOf(state);
    const description = (context.resourceServer as { scopes: { description: string }[] }).scopes[0]
      .description;
    expect(description).toBe('Read ${file("/etc/passwd")} %{ if true }x%{ endif }');
    const { imports: _imports, ...settings } = context;
    const { tf } = synthStack(settings);
    const synthesized = Object.values(tf.resource.aws_cognito_resource_server)[0] as { scope: unknown[] };
    expect(synthesized.scope).toContainEqual({
      scope_name: 'read',
      scope_description: 'Read $${file("/etc/passwd")} %%{ if true }x%%{ endif }',
    });
  });

  test('no client secret reaches cdktf.json, the plan or the adoption', () => {
    const state = addClient(originalState(), {
      resourceName: 'b',
      cognitoName: 'dev-b',
      id: 'b1',
      scopes: ['read'],
      validity: 60,
      unit: 'minutes',
    });
    const plan = planOf(state);
    const { deployment: _withSecrets, ...adoption } = adoptionOf(state);
    expect(JSON.stringify([plan, adoption])).not.toContain(FIXTURE_SECRET);
  });
});

describe('what adopt refuses, and why', () => {
  const pool = (state: StateDocument) => attributesOf(state, 'aws_cognito_user_pool');
  const client = (state: StateDocument) => attributesOf(state, 'aws_cognito_user_pool_client');
  const edited = (edit: (state: StateDocument) => void) => {
    const state = originalState();
    edit(state);
    return state;
  };
  const readDescribedAs = (description: string) =>
    edited((s) => {
      attributesOf(s, 'aws_cognito_resource_server').scope = [
        { scope_name: 'read', scope_description: description },
        { scope_name: 'write', scope_description: 'Write access' },
      ];
    });
  const withUnits = (access_token: string, id_token: string, refresh_token: string) =>
    edited((s) => (client(s).token_validity_units = [{ access_token, id_token, refresh_token }]));
  const without = (type: string) => edited((s) => (s.resources = s.resources.filter((r) => r.type !== type)));

  test.each<[string, () => StateDocument, string]>([
    [
      'a state with no user pool',
      () => without('aws_cognito_user_pool'),
      'the old state holds no aws_cognito_user_pool (3 resources in all): point --from-state or --from-dir at the state of the main.tf deployment',
    ],
    [
      'a state with two user pools',
      () => edited((s) => s.resources.push({ ...structuredClone(s.resources[1]), name: 'other' })),
      'the old state holds 2 user pools (aws_cognito_user_pool.m2m_user_pool, aws_cognito_user_pool.other), and adopt takes over deployments of the original main.tf, one environment at a time: give it the state of one environment',
    ],
    [
      'a pool whose name does not match <environment>-<prefix>-user-pool',
      () => edited((s) => (pool(s).name = 'staging-m2m-pool')),
      'the old user pool is named "staging-m2m-pool", not <environment>-<userPoolNamePrefix>-user-pool with environment dev, test, prod, and a pool cannot be renamed without being replaced (new ID, issuer and signing keys): this project cannot take it over',
    ],
    [
      'a domain not named <prefix>-<environment>-auth',
      () => edited((s) => (attributesOf(s, 'aws_cognito_user_pool_domain').domain = 'auth-dev')),
      'the old domain is "auth-dev", not <domainPrefix>-dev-auth as this project names the domain of dev, and a domain cannot be renamed without being replaced',
    ],
    [
      'a pool without a resource server',
      () => without('aws_cognito_resource_server'),
      `the old state holds no aws_cognito_resource_server of user pool "${POOL_ID()}", and this project would create a resource server: adopt takes over`,
    ],
    [
      'a pool with two resource servers',
      () =>
        edited((s) =>
          s.resources.push({
            ...structuredClone(s.resources.find((r) => r.type === 'aws_cognito_resource_server')!),
            name: 'second',
          }),
        ),
      `the old state holds 2 of aws_cognito_resource_server for user pool "${POOL_ID()}" (aws_cognito_resource_server.m2m_resource_server, aws_cognito_resource_server.second), and this project manages one: adopt takes over`,
    ],
    [
      'a pool named with an empty prefix',
      () => edited((s) => (pool(s).name = 'dev--user-pool')),
      'the old user pool is named "dev--user-pool", not <environment>-<userPoolNamePrefix>-user-pool',
    ],
    [
      'a pool name that is only the ends of the pattern, overlapping',
      () => edited((s) => (pool(s).name = 'dev-user-pool')),
      'the old user pool is named "dev-user-pool", not <environment>-<userPoolNamePrefix>-user-pool',
    ],
    [
      'a pool without a domain',
      () => without('aws_cognito_user_pool_domain'),
      'and this project would create a domain:',
    ],
    [
      'a pool without clients',
      () => without('aws_cognito_user_pool_client'),
      'and this project would create one:',
    ],
    [
      'a client without a secret, which this project would give one',
      () => edited((s) => ((client(s).client_secret = ''), (client(s).generate_secret = false))),
      'client "m2m-client" (aws_cognito_user_pool_client.m2m_client) has no client secret, and this project\'s clients authenticate with one',
    ],
    [
      'a client whose state has no client_secret at all',
      () => edited((s) => delete client(s).client_secret),
      'client "m2m-client" (aws_cognito_user_pool_client.m2m_client) has no client secret',
    ],
    [
      'a client that may ask for no scope',
      () => edited((s) => delete client(s).allowed_oauth_scopes),
      'client "m2m-client" (aws_cognito_user_pool_client.m2m_client) may ask for no scope, and this project gives every client at least one',
    ],
    [
      'a client scope that is no text',
      () => edited((s) => (client(s).allowed_oauth_scopes = [7])),
      'client "m2m-client" (aws_cognito_user_pool_client.m2m_client) may ask for 7, which is not a scope of resource server',
    ],
    [
      'a client scope of another resource server',
      () => edited((s) => (client(s).allowed_oauth_scopes = [`other/${READ.split('/')[1]}`])),
      `may ask for "other/${READ.split('/')[1]}", which is not a scope of resource server "m2m-client"`,
    ],
    [
      'a client that may ask for a scope of no resource server here',
      () => edited((s) => (client(s).allowed_oauth_scopes = [READ, 'openid'])),
      'client "m2m-client" (aws_cognito_user_pool_client.m2m_client) may ask for "openid", which is not a scope of resource server "m2m-client"',
    ],
    [
      'a client with the token lifetime unset',
      () => edited((s) => (client(s).access_token_validity = 0)),
      'leaves access_token_validity unset, and this project sets it',
    ],
    [
      "Cognito's default token units, which the provider imports as none",
      () =>
        edited((s) => {
          client(s).access_token_validity = 1;
          client(s).token_validity_units = [
            { access_token: 'hours', id_token: 'hours', refresh_token: 'days' },
          ];
        }),
      "has Cognito's default token units (hours), which the provider imports as no token_validity_units, and this project writes them: set token_validity_units",
    ],
    [
      "no token_validity_units at all, as the provider imports Cognito's defaults",
      () => edited((s) => (client(s).token_validity_units = [])),
      "has Cognito's default token units (hours), which the provider imports as no token_validity_units",
    ],
    [
      'a token validity unit Cognito does not know',
      () => withUnits('weeks', 'hours', 'days'),
      'client "m2m-client" (aws_cognito_user_pool_client.m2m_client) has the token validity unit "weeks", which Cognito does not know: check the old state',
    ],
    [
      'a lifetime that is no whole number of minutes',
      () =>
        edited((s) => {
          client(s).access_token_validity = 450;
          client(s).token_validity_units = [
            { access_token: 'seconds', id_token: 'hours', refresh_token: 'days' },
          ];
        }),
      'has access tokens valid 450 seconds, which is not a whole number of minutes',
    ],
    [
      'deletion protection this project would turn off outside prod',
      () => edited((s) => (pool(s).deletion_protection = 'ACTIVE')),
      'the first deploy would change more than tags: aws_cognito_user_pool.m2m_user_pool: deletion_protection is "ACTIVE", and this project sets "INACTIVE", changing it: make the old configuration match and apply there first',
    ],
    [
      'two changes: the first named, the rest counted',
      () =>
        edited((s) => {
          pool(s).deletion_protection = 'ACTIVE';
          pool(s).username_attributes = ['email'];
        }),
      'username_attributes is ["email"], and this project sets null, replacing it (and 1 more): make the old configuration match',
    ],
    [
      'sign-up open to anyone',
      () => edited((s) => (pool(s).admin_create_user_config = [{ allow_admin_create_user_only: false }])),
      'admin_create_user_config is [{"allow_admin_create_user_only":false}], and this project sets {"allow_admin_create_user_only":true}',
    ],
    [
      'e-mail sign-in, which would replace the pool',
      () => edited((s) => (pool(s).username_attributes = ['email'])),
      'username_attributes is ["email"], and this project sets null, replacing it',
    ],
    [
      'a custom domain',
      () =>
        edited(
          (s) =>
            (attributesOf(s, 'aws_cognito_user_pool_domain').certificate_arn =
              'arn:aws:acm:us-east-1:1:certificate/x'),
        ),
      'certificate_arn is "arn:aws:acm:us-east-1:1:certificate/x", and this project sets null, replacing it',
    ],
    [
      'a client with the authorization code grant',
      () => edited((s) => (client(s).allowed_oauth_flows = ['code'])),
      'allowed_oauth_flows is ["code"], and this project sets ["client_credentials"], changing it',
    ],
    [
      'refresh tokens counted in hours',
      () => withUnits('minutes', 'hours', 'hours'),
      'token_validity_units is [{"access_token":"minutes","id_token":"hours","refresh_token":"hours"}], and this project sets',
    ],
    [
      'managed login version 1',
      () => edited((s) => (attributesOf(s, 'aws_cognito_user_pool_domain').managed_login_version = 1)),
      'managed_login_version is 1, and this project sets 2',
    ],
    [
      'a scope description the settings refuse',
      () => readDescribedAs(' '),
      'the old deployment does not fit this project\'s settings: cdktf.json context.resourceServer.scopes[0].description = " " is invalid: must not be empty or only whitespace: change it in the old configuration and apply there first',
    ],
    [
      'a cdktf token marker, which cdktf would resolve to another value',
      () => readDescribedAs('${TfToken[TOKEN.1]}'),
      'must not contain "${TfToken[", "#{TfToken[" or "&{TfToken["',
    ],
  ])('%s', (_what, state, message) => {
    expect(refusal(() => planOf(state()))).toContain(message);
  });

  test('a cdktf.json whose settings are invalid already: its first problem, and to fix it first', () => {
    expect(refusal(() => planOf(originalState(), { ...DEV_CONTEXT, awsRegion: 'mars-1' }))).toMatch(
      /^cdktf\.json context\.awsRegion = "mars-1" is invalid: .*: fix cdktf\.json first$/,
    );
  });

  test('a pool name that does not match the settings cdktf.json already has', () => {
    expect(refusal(() => planOf(originalState(), { userPoolNamePrefix: 'orders' }))).toBe(
      'cdktf.json context.userPoolNamePrefix is "orders", and the old deployment needs "machine-to-machine": remove userPoolNamePrefix from cdktf.json (adopt writes it) or make it match',
    );
  });

  test('clients cdktf.json already has that differ from the live ones', () => {
    expect(refusal(() => planOf(originalState(), { clients: [{ name: 'm2m-client' }] }))).toContain(
      'cdktf.json context.clients is [{"name":"m2m-client"}], and the old deployment needs [{"name":"m2m-client","appClientName":"m2m-client"',
    );
  });

  test('credentials in Secrets Manager, which would add a secret per client', () => {
    expect(refusal(() => planOf(originalState(), { storeCredentialsInSecretsManager: true }))).toBe(
      'cdktf.json context.storeCredentialsInSecretsManager is true, and the first deploy would create a secret per client: set it to false to adopt, and back to true after adopt --finish',
    );
  });

  test('an adoption of another pool into the same environment, not yet finished', () => {
    const pending = { imports: { dev: { userPoolId: 'us-east-1_Other1' } } };
    expect(refusal(() => planOf(originalState(), pending))).toContain(
      'cdktf.json already imports user pool "us-east-1_Other1" into dev, not "us-east-1_',
    );
  });

  test('a Project tag different from cdktf.json is no conflict: only the tags change', () => {
    const plan = planOf(originalState(), { projectTag: 'payments' });
    expect(plan.context.projectTag).toBe('payments');
    expect(plan.expected.tags?.changed).toEqual(['Project']);
  });

  test('names with terminal escapes are refused, and the message shows them escaped', () => {
    const state = originalState();
    attributesOf(state, 'aws_cognito_resource_server').name = 'User API\u001b[2J\u009b31m';
    const message = refusal(() => planOf(state));
    expect(message).toContain('resourceServer.name = "User API\\u001b[2J');
    // eslint-disable-next-line no-control-regex -- the escapes must not be there as they are
    expect(message).not.toMatch(/[\u001b\u009b]/);
  });
});

describe('what adopt refuses to read', () => {
  test.each<[string, string, string]>([
    ['not JSON', '{"version": 4,', 'the state file old.tfstate is not JSON'],
    [
      'a state before Terraform 0.12',
      '{"version": 3, "modules": []}',
      'is not a Terraform state of format 4 (version 3)',
    ],
    ['a list', '[]', 'is not a Terraform state: pass one'],
    [
      'an address that would not survive a command line',
      JSON.stringify({
        version: 4,
        resources: [
          {
            mode: 'managed',
            type: 'aws_cognito_user_pool',
            name: 'p; rm -rf ~',
            instances: [{ attributes: {} }],
          },
        ],
      }),
      'has a resource address adopt does not take, "aws_cognito_user_pool.p; rm -rf ~"',
    ],
    [
      'an instance key with Terraform syntax',
      JSON.stringify({
        version: 4,
        resources: [
          {
            mode: 'managed',
            type: 'aws_cognito_user_pool',
            name: 'p',
            instances: [{ index_key: '${x}', attributes: {} }],
          },
        ],
      }),
      'has a resource address adopt does not take',
    ],
  ])('%s', (_what, text, message) => {
    expect(refusal(() => parseState(text, 'state file old.tfstate'))).toContain(message);
  });

  test('a show -json document nested deeper than any configuration', () => {
    let module: Record<string, unknown> = { resources: [] };
    for (let depth = 0; depth < 40; depth++) module = { resources: [], child_modules: [module] };
    const text = JSON.stringify({ format_version: '1.0', values: { root_module: module } });
    expect(refusal(() => parseState(text, 'terraform show -json in old'))).toContain(
      'nests modules more than 32 deep',
    );
  });

  test('a show -json document of a configuration never applied holds nothing', () => {
    expect(parseState('{"format_version":"1.0"}', 'x')).toEqual([]);
  });
});

describe('--finish', () => {
  const deployment = () => findDeployment(parseState(fs.readFileSync(ORIGINAL_STATE, 'utf8'), 'old'));
  const newState = (edit: (state: StateDocument) => void = () => undefined) => {
    const state = originalState();
    edit(state);
    return parseState(JSON.stringify(state), 'new');
  };

  test('accepts a new state that holds every resource with the same ID, whatever their addresses', () => {
    const renamed = newState((s) => s.resources.forEach((r) => (r.name = `cognito_${r.name}_A1B2`)));
    expect(() => checkTakenOver(deployment(), renamed, 'm2m-auth-dev')).not.toThrow();
  });

  test('refuses while the new state lacks one, naming it', () => {
    const partial = newState(
      (s) => (s.resources = s.resources.filter((r) => r.type !== 'aws_cognito_user_pool_client')),
    );
    const clientId = attributesOf(originalState(), 'aws_cognito_user_pool_client').id as string;
    expect(refusal(() => checkTakenOver(deployment(), partial, 'm2m-auth-dev'))).toBe(
      `the state of m2m-auth-dev does not hold aws_cognito_user_pool_client "${clientId}" yet, so the old state must keep it: deploy first (npm run deploy -- m2m-auth-dev), then run adopt --finish again`,
    );
  });

  test('refuses a new state holding another pool of the same name', () => {
    const other = newState((s) => (attributesOf(s, 'aws_cognito_user_pool').id = 'us-east-1_Recreated'));
    expect(refusal(() => checkTakenOver(deployment(), other, 'm2m-auth-dev'))).toContain(
      `does not hold aws_cognito_user_pool "${POOL_ID()}" yet`,
    );
  });

  test('drops the finished environment from imports, and imports once it is empty', () => {
    const context = {
      environments: ['dev', 'prod'],
      imports: { dev: { userPoolId: 'a' }, prod: { userPoolId: 'b' } },
    };
    expect(withoutImports(context, 'dev')).toEqual({
      environments: ['dev', 'prod'],
      imports: { prod: { userPoolId: 'b' } },
    });
    expect(withoutImports(withoutImports(context, 'dev'), 'prod')).toEqual({ environments: ['dev', 'prod'] });
  });
});

describe('matches: whether an old value is what the configuration sets', () => {
  test.each<[string, unknown, unknown, boolean]>([
    ['a reference, whatever the old value', '${aws_cognito_user_pool.p.id}', 'anything', true],
    ['a reference after text', 'arn:${aws_cognito_user_pool.p.arn}', null, true],
    ['escaped "$${", which is text', '$${x}', '${x}', true],
    ['escaped "$${", against other text', '$${x}', 'x', false],
    ['escaped "%%{"', '%%{x}', '%{x}', true],
    ['the same text', 'ACTIVE', 'ACTIVE', true],
    ['other text', 'ACTIVE', 'INACTIVE', false],
    ['a number and its text', 60, '60', false],
    ['nothing set, nothing there', undefined, undefined, true],
    ['nothing set, null', undefined, null, true],
    ['nothing set, empty text', undefined, '', true],
    ['nothing set, an empty list', undefined, [], true],
    ['nothing set, something there', undefined, 'x', false],
    ['nothing set, a list with an item', undefined, ['x'], false],
    ['a set in another order', ['a', 'b'], ['b', 'a'], true],
    ['a set missing an item', ['a', 'b'], ['a'], false],
    ['a set with another item', ['a', 'b'], ['a', 'c'], false],
    ['a longer old list', ['a'], ['a', 'a'], false],
    ['an empty list, and null', [], null, true],
    ['an empty list, and an item', [], ['x'], false],
    ['a list of one, and the item alone', ['a'], 'a', true],
    ['a list holding a reference', ['${aws_x.y.arn}'], ['a', 'b'], true],
    ['a list holding a reference after text', ['x', 'a${aws_x.y.arn}'], [], true],
    ['a block, and the same block in a list of one', { a: 1, b: 'x' }, [{ a: 1, b: 'x' }], true],
    ['a block, and the same block alone', { a: 1 }, { a: 1, extra: 2 }, true],
    ['a block, and a list of two blocks', { a: 1 }, [{ a: 1 }, { a: 1 }], false],
    ['a block, and another value in it', { a: 1 }, [{ a: 2 }], false],
    ['a block, and no block', { a: 1 }, 'a', false],
    ['a block, and null', { a: 1 }, null, false],
  ])('%s', (_what, planned, old, verdict) => {
    expect(matches(planned, old)).toBe(verdict);
  });
});

describe('formatJson', () => {
  test("writes this project's cdktf.json exactly as prettier keeps it", () => {
    const text = fs.readFileSync(`${PROJECT_ROOT}/cdktf.json`, 'utf8');
    expect(`${formatJson(JSON.parse(text))}\n`).toBe(text);
  });

  test('puts short lists of plain values on one line, long ones and objects one item a line', () => {
    const long = Array.from({ length: 12 }, (_, i) => `scope-number-${i}`);
    expect(formatJson({ a: ['x', 1], b: [{ c: true }], d: {}, e: [], long })).toBe(
      [
        '{',
        '  "a": ["x", 1],',
        '  "b": [',
        '    {',
        '      "c": true',
        '    }',
        '  ],',
        '  "d": {},',
        '  "e": [],',
        '  "long": [',
        ...long.map((item, i) => `    "${item}"${i < long.length - 1 ? ',' : ''}`),
        '  ]',
        '}',
      ].join('\n'),
    );
  });
});
