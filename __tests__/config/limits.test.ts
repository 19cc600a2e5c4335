import { ConfigError, parseSettings } from '../../config/load';
import { MAX_CLIENTS } from '../../config/settings';
import {
  APP_CLIENT_NAME_MAX_LENGTH,
  DOMAIN_MAX_LENGTH,
  SCOPE_IDENTIFIER_MAX_LENGTH,
  SCOPES_PER_APP_CLIENT,
  SCOPES_PER_RESOURCE_SERVER,
  SECRET_NAME_MAX_LENGTH,
  USER_POOL_NAME_MAX_LENGTH,
} from '../../constructs/limits';
import { ENVIRONMENTS } from '../../constructs/rules';
import { CognitoM2mAuth } from '../../constructs/cognito-m2m-auth';
import { synthScope, type TerraformJson } from '../helpers/synth';

const scopes = (count: number) =>
  Array.from({ length: count }, (_, i) => ({ name: `s${i}`, description: `Scope ${i}` }));
const names = (count: number) => Array.from({ length: count }, (_, i) => `s${i}`);
const clients = (count: number) => Array.from({ length: count }, (_, i) => ({ name: `c${i}` }));

/** The problems parseSettings reports for `context`, or [] when it accepts it. */
function problems(context: Record<string, unknown>): readonly string[] {
  try {
    parseSettings(context);
    return [];
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.problems;
  }
}

describe("Cognito's limits, checked at synth with the limit named", () => {
  test.each<[string, Record<string, unknown>, string[]]>([
    [
      `${SCOPES_PER_RESOURCE_SERVER} scopes on the resource server`,
      { resourceServer: { scopes: scopes(100) }, clients: [{ name: 'all', scopes: names(50) }] },
      [],
    ],
    [
      `${SCOPES_PER_RESOURCE_SERVER + 1} scopes on the resource server`,
      { resourceServer: { scopes: scopes(101) }, clients: [{ name: 'all', scopes: names(50) }] },
      ['cdktf.json context.resourceServer.scopes = [{"name":"s0"'],
    ],
    [
      `${SCOPES_PER_APP_CLIENT} scopes listed by a client`,
      { resourceServer: { scopes: scopes(60) }, clients: [{ name: 'wide', scopes: names(50) }] },
      [],
    ],
    [
      `${SCOPES_PER_APP_CLIENT + 1} scopes listed by a client`,
      { resourceServer: { scopes: scopes(60) }, clients: [{ name: 'wide', scopes: names(51) }] },
      ['cdktf.json context.clients[0].scopes = ["s0","s1"'],
    ],
    [
      `every scope of a resource server with ${SCOPES_PER_APP_CLIENT}`,
      { resourceServer: { scopes: scopes(50) }, clients: [{ name: 'all' }] },
      [],
    ],
    [
      `every scope of a resource server with ${SCOPES_PER_APP_CLIENT + 1}`,
      { resourceServer: { scopes: scopes(51) }, clients: [{ name: 'all' }] },
      [
        'cdktf.json context.clients[0] = {"name":"all"} is invalid: gets every scope of the resource server, 51, and Cognito allows an app client at most 50: list the scopes it needs',
      ],
    ],
    [
      `a scope identifier of ${SCOPE_IDENTIFIER_MAX_LENGTH} characters`,
      {
        resourceServer: { identifier: 'i'.repeat(200), scopes: [{ name: 'n'.repeat(55), description: 'd' }] },
      },
      [],
    ],
    [
      `a scope identifier of ${SCOPE_IDENTIFIER_MAX_LENGTH + 1} characters`,
      {
        resourceServer: { identifier: 'i'.repeat(200), scopes: [{ name: 'n'.repeat(56), description: 'd' }] },
      },
      [
        `cdktf.json context.resourceServer.scopes[0].name = "${'n'.repeat(56)}" is invalid: makes the scope identifier "<identifier>/<name>" 257 characters long; Cognito allows at most 256`,
      ],
    ],
    [`${MAX_CLIENTS} clients`, { clients: clients(100) }, []],
    [
      `${MAX_CLIENTS + 1} clients`,
      { clients: clients(101) },
      ['cdktf.json context.clients = [{"name":"c0"},{"name":"c1"}'],
    ],
    [
      'a repeated scope in a client',
      { clients: [{ name: 'twice', scopes: ['read', 'read'] }] },
      [
        'cdktf.json context.clients[0].scopes[1] = "read" is invalid: must be unique, and "read" appears twice',
      ],
    ],
  ])('%s', (_what, context, expected) => {
    const found = problems(context);
    expect(found).toHaveLength(expected.length);
    found.forEach((problem, index) => expect(problem.startsWith(expected[index])).toBe(true));
  });

  test.each([
    [
      'resourceServer.scopes',
      { resourceServer: { scopes: scopes(101) } },
      'has 101 scopes; Cognito allows a resource server at most 100',
    ],
    [
      'clients[0].scopes',
      { resourceServer: { scopes: scopes(60) }, clients: [{ name: 'c', scopes: names(51) }] },
      'has 51 scopes; Cognito allows an app client at most 50',
    ],
    [
      'clients',
      { clients: clients(101) },
      "has 101 clients; one configuration takes (far below Cognito's 1000 app clients per user pool) at most 100",
    ],
  ])('names the limit on %s', (_key, context, rule) => {
    expect(problems(context).some((problem) => problem.endsWith(rule))).toBe(true);
  });
});

describe('the longest names the rules allow fit Cognito and Secrets Manager', () => {
  // Literal environments, so the names are plain strings: the longest client name in every environment.
  test.each(ENVIRONMENTS)('in %s', (environmentName) => {
    const longest = parseSettings({
      userPoolNamePrefix: 'p'.repeat(113),
      domainPrefix: 'd'.repeat(53),
      clients: [{ name: 'c'.repeat(123) }],
    });
    const tf: TerraformJson = JSON.parse(
      synthScope(
        (scope) =>
          new CognitoM2mAuth(scope, 'auth', {
            environmentName,
            region: 'us-east-1',
            userPoolNamePrefix: longest.userPoolNamePrefix,
            domainPrefix: longest.domainPrefix,
            clients: longest.clients,
            storeCredentialsInSecretsManager: true,
          }),
      ),
    );
    const only = (type: string) => Object.values(tf.resource[type] as Record<string, TerraformJson>)[0];
    expect(only('aws_cognito_user_pool').name.length).toBeLessThanOrEqual(USER_POOL_NAME_MAX_LENGTH);
    expect(only('aws_cognito_user_pool_domain').domain.length).toBeLessThanOrEqual(DOMAIN_MAX_LENGTH);
    expect(only('aws_cognito_user_pool_client').name.length).toBeLessThanOrEqual(APP_CLIENT_NAME_MAX_LENGTH);
    expect(only('aws_secretsmanager_secret').name.length).toBeLessThanOrEqual(SECRET_NAME_MAX_LENGTH);
    // One character more is refused, so the rules leave no room unused either.
    if (environmentName !== 'dev') {
      expect(only('aws_cognito_user_pool').name).toHaveLength(USER_POOL_NAME_MAX_LENGTH);
      expect(only('aws_cognito_user_pool_client').name).toHaveLength(APP_CLIENT_NAME_MAX_LENGTH);
    }
  });
});
