import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CDKTF_CONTEXT_KEYS, ConfigError, editDistance, parseSettings, readContext } from '../../config/load';

/** The error `run` throws; fails the test when it throws nothing. */
function thrownBy(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error, but nothing was thrown');
}

describe('parseSettings', () => {
  test('fills in the defaults of the original variables.tf', () => {
    expect(parseSettings({})).toEqual({
      environments: ['dev'],
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
      clients: [{ name: 'm2m-client', scopes: ['read', 'write'], accessTokenValidityMinutes: 60 }],
      storeCredentialsInSecretsManager: false,
      remoteState: undefined,
    });
  });

  test("lets cdktf's own context keys through, and keeps them out of the settings", () => {
    const cdktfKeys = Object.fromEntries(CDKTF_CONTEXT_KEYS.map((key) => [key, 'true']));
    expect(parseSettings({ ...cdktfKeys, domainPrefix: 'acme' })).toEqual(
      parseSettings({ domainPrefix: 'acme' }),
    );
  });

  test('keeps valid values', () => {
    const settings = parseSettings({
      environments: ['dev', 'test', 'prod'],
      awsRegion: 'us-gov-west-1',
      userPoolNamePrefix: 'Payments API',
      domainPrefix: 'acme-payments-2',
      projectTag: 'payments',
    });
    expect(settings).toMatchObject({
      environments: ['dev', 'test', 'prod'],
      awsRegion: 'us-gov-west-1',
      userPoolNamePrefix: 'Payments API',
      domainPrefix: 'acme-payments-2',
      projectTag: 'payments',
    });
  });

  // Each bad value: the one-line message names the key, the value and the rule.
  test.each<[string, Record<string, unknown>, string]>([
    [
      'environments of the wrong type',
      { environments: 'dev' },
      'cdktf.json context.environments = "dev" is invalid: must be of type array',
    ],
    [
      'an unknown environment',
      { environments: ['dev', 'qa'] },
      'cdktf.json context.environments[1] = "qa" is invalid: must be one of dev, test, prod',
    ],
    [
      'no environment',
      { environments: [] },
      'cdktf.json context.environments = [] is invalid: needs at least one of dev, test, prod',
    ],
    [
      'a repeated environment',
      { environments: ['dev', 'dev'] },
      'cdktf.json context.environments[1] = "dev" is invalid: must be unique, and "dev" appears twice',
    ],
    [
      'a malformed region',
      { awsRegion: 'moon-1' },
      'cdktf.json context.awsRegion = "moon-1" is invalid: must be an AWS region code such as us-east-1',
    ],
    [
      'a region of the wrong type',
      { awsRegion: 42 },
      'cdktf.json context.awsRegion = 42 is invalid: must be of type string',
    ],
    [
      'a blank user pool prefix',
      { userPoolNamePrefix: ' ' },
      'cdktf.json context.userPoolNamePrefix = " " is invalid: must not be empty',
    ],
    [
      'a user pool prefix with a slash',
      { userPoolNamePrefix: 'a/b' },
      'cdktf.json context.userPoolNamePrefix = "a/b" is invalid: must contain only letters, digits, spaces and the characters + = , . @ _ -',
    ],
    [
      'an uppercase domain prefix',
      { domainPrefix: 'Acme' },
      'cdktf.json context.domainPrefix = "Acme" is invalid: must contain only lowercase letters, digits and hyphens, and must not start or end with a hyphen',
    ],
    [
      'a domain prefix with an underscore',
      { domainPrefix: 'acme_auth' },
      'context.domainPrefix = "acme_auth" is invalid: must contain only lowercase letters',
    ],
    [
      'a domain prefix ending in a hyphen',
      { domainPrefix: 'acme-' },
      'context.domainPrefix = "acme-" is invalid: must contain only lowercase letters',
    ],
    [
      'a domain prefix with a reserved word',
      { domainPrefix: 'my-cognito' },
      'cdktf.json context.domainPrefix = "my-cognito" is invalid: must not contain "aws", "amazon" or "cognito" (Cognito reserves them)',
    ],
    [
      'a domain prefix too long for the domain',
      { domainPrefix: 'a'.repeat(54) },
      `cdktf.json context.domainPrefix = "${'a'.repeat(54)}" is invalid: must be at most 53 characters so the domain "<prefix>-<environment>-auth" fits in 63`,
    ],
    [
      'an empty project tag',
      { projectTag: '' },
      'cdktf.json context.projectTag = "" is invalid: must not be empty',
    ],
    [
      'a project tag too long',
      { projectTag: 'x'.repeat(257) },
      'is invalid: must be at most 256 characters (the AWS limit for a tag value)',
    ],
  ])('rejects %s', (_what, context, message) => {
    expect(() => parseSettings(context)).toThrow(ConfigError);
    expect(() => parseSettings(context)).toThrow(message);
  });

  // A misspelt key would otherwise leave its setting at the default without a word.
  test.each<[string, Record<string, unknown>, string]>([
    [
      'a top-level typo',
      { domainPrefx: 'acme' },
      'cdktf.json context has an unknown key "domainPrefx": did you mean "domainPrefix"?',
    ],
    [
      'a wrong case',
      { awsregion: 'eu-west-1' },
      'cdktf.json context has an unknown key "awsregion": did you mean "awsRegion"?',
    ],
    [
      'swapped letters',
      { enviromnents: ['dev'] },
      'cdktf.json context has an unknown key "enviromnents": did you mean "environments"?',
    ],
    [
      "a typo of cdktf's own flag",
      { allowSepCharsInLogicalId: 'true' },
      'cdktf.json context has an unknown key "allowSepCharsInLogicalId": did you mean "allowSepCharsInLogicalIds"?',
    ],
    [
      'a nested typo',
      { resourceServer: { identifer: 'orders' } },
      'cdktf.json context.resourceServer has an unknown key "identifer": did you mean "identifier"?',
    ],
    [
      'a typo in a list entry',
      { resourceServer: { scopes: [{ name: 'read', descripton: 'Read' }] } },
      'cdktf.json context.resourceServer.scopes[0] has an unknown key "descripton": did you mean "description"?',
    ],
    [
      'a typo in a client',
      { clients: [{ name: 'reporting', acessTokenValidityMinutes: 5 }] },
      'cdktf.json context.clients[0] has an unknown key "acessTokenValidityMinutes": did you mean "accessTokenValidityMinutes"?',
    ],
    [
      'a typo in remote state',
      { remoteState: { bucket: 'acme-state', keyprefix: 'm2m' } },
      'cdktf.json context.remoteState has an unknown key "keyprefix": did you mean "keyPrefix"?',
    ],
    [
      'three swapped pairs, each one edit',
      { resourceServer: { dinetiifer: 'orders' } },
      'cdktf.json context.resourceServer has an unknown key "dinetiifer": did you mean "identifier"?',
    ],
    [
      'as many typos as a third of a long key',
      { resourceServer: { ixxxtifier: 'orders' } },
      'cdktf.json context.resourceServer has an unknown key "ixxxtifier": did you mean "identifier"?',
    ],
    [
      'two typos in a short key',
      { resourceServer: { nxxe: 'Orders' } },
      'cdktf.json context.resourceServer has an unknown key "nxxe": did you mean "name"?',
    ],
    [
      'one typo more than a third of a long key',
      { resourceServer: { xxxxtifier: 'orders' } },
      `cdktf.json context.resourceServer has an unknown key "xxxxtifier": the keys here are identifier, name, scopes (see the README's Configuration)`,
    ],
    [
      'a key like none of ours',
      { colour: 'blue' },
      'cdktf.json context has an unknown key "colour": the keys here are environments, awsRegion, userPoolNamePrefix, domainPrefix, projectTag, resourceServer, clients, storeCredentialsInSecretsManager, remoteState, imports, ciAccess, cdktfRelativeModules,',
    ],
  ])('refuses %s, suggesting the key meant', (_what, context, message) => {
    const error = thrownBy(() => parseSettings(context));
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.filter((problem) => problem.startsWith(message))).toHaveLength(1);
  });

  test('reports every problem at once, one line each, each rule a value breaks on its line', () => {
    const error = thrownBy(() =>
      parseSettings({
        domainPrefx: 'acme',
        awsRegion: 'moon-1',
        domainPrefix: 'aws_team',
        clients: [{ name: 'Reporting', scope: ['read'] }],
      }),
    ) as ConfigError;
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.problems).toEqual([
      'cdktf.json context.awsRegion = "moon-1" is invalid: must be an AWS region code such as us-east-1',
      'cdktf.json context.domainPrefix = "aws_team" is invalid: must contain only lowercase letters, digits and hyphens, and must not start or end with a hyphen; must not contain "aws", "amazon" or "cognito" (Cognito reserves them)',
      'cdktf.json context.clients[0].name = "Reporting" is invalid: must start with a lowercase letter and contain only lowercase letters, digits and hyphens',
      'cdktf.json context.clients[0] has an unknown key "scope": did you mean "scopes"?',
      'cdktf.json context has an unknown key "domainPrefx": did you mean "domainPrefix"?',
    ]);
    expect(error.message).toBe(error.problems.join('\n'));
  });

  test('reports in one line, and shortens long values', () => {
    const error = thrownBy(() => parseSettings({ domainPrefix: 'x'.repeat(500) }));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toMatch(/^cdktf\.json context\.domainPrefix = "x{76}\.\.\. is invalid: /);
    expect(error.message).not.toContain('\n');
    expect(error.message.length).toBeLessThan(300);
  });
});

describe('ciAccess', () => {
  const remoteState = { bucket: 'acme-terraform-state' };
  const problems = (context: Record<string, unknown>) =>
    (thrownBy(() => parseSettings(context)) as ConfigError).problems;

  test('takes the repository and the account, and creates the OIDC provider by default', () => {
    const settings = parseSettings({
      remoteState,
      ciAccess: { githubRepository: 'acme/m2m-auth', awsAccountId: '123456789012' },
    });
    expect(settings.ciAccess).toEqual({
      githubRepository: 'acme/m2m-auth',
      awsAccountId: '123456789012',
      createOidcProvider: true,
    });
  });

  test('is off unless configured', () => {
    expect(parseSettings({}).ciAccess).toBeUndefined();
  });

  test('needs remote state, in one line naming the setting and the reason', () => {
    expect(
      problems({ ciAccess: { githubRepository: 'acme/m2m-auth', awsAccountId: '123456789012' } }),
    ).toEqual([
      'cdktf.json context.ciAccess = {"githubRepository":"acme/m2m-auth","awsAccountId":"123456789012"} is invalid: needs "remoteState": CI runners keep no state between runs, and the CI roles may use only the S3 state of their environment',
    ]);
  });

  test.each([
    ['${file("/etc/hostname")}/repo'],
    ['acme/${path.cwd}'],
    ['acme/%{if true}x%{endif}'],
    ['acme/*'],
    ['acme/repo:environment:prod'],
  ])('refuses the repository %j, which a trust policy or Terraform would not keep as it is', (repository) => {
    expect(
      problems({ remoteState, ciAccess: { githubRepository: repository, awsAccountId: '123456789012' } }),
    ).toEqual([
      `cdktf.json context.ciAccess.githubRepository = ${JSON.stringify(repository)} is invalid: must be "<owner>/<repository>" as GitHub spells it: an owner of letters, digits and single inner hyphens, a repository of letters, digits, ".", "_" and "-"`,
    ]);
  });

  test('refuses an account ID given as a number, and unknown keys', () => {
    expect(
      problems({
        remoteState,
        ciAccess: {
          githubRepository: 'acme/m2m-auth',
          awsAccountId: 123456789012,
          createOidcProviders: false,
        },
      }),
    ).toEqual([
      'cdktf.json context.ciAccess.awsAccountId = 123456789012 is invalid: must be of type string',
      'cdktf.json context.ciAccess has an unknown key "createOidcProviders": did you mean "createOidcProvider"?',
    ]);
  });
});

describe('readContext', () => {
  const saved = process.env.CDKTF_CONTEXT_JSON;
  afterEach(() => {
    if (saved === undefined) delete process.env.CDKTF_CONTEXT_JSON;
    else process.env.CDKTF_CONTEXT_JSON = saved;
  });

  const made: string[] = [];
  afterAll(() => made.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

  function projectWith(cdktfJson: string): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'm2m-auth-context-'));
    made.push(dir);
    fs.writeFileSync(path.join(dir, 'cdktf.json'), cdktfJson);
    return dir;
  }

  test('takes what the cdktf CLI passes in CDKTF_CONTEXT_JSON', () => {
    process.env.CDKTF_CONTEXT_JSON = JSON.stringify({ environments: ['prod'] });
    expect(readContext(projectWith('{"context": {"environments": ["dev"]}}'))).toEqual({
      environments: ['prod'],
    });
  });

  test("reads cdktf.json's context when the app runs on its own", () => {
    delete process.env.CDKTF_CONTEXT_JSON;
    expect(readContext(projectWith('{"context": {"environments": ["test"]}}'))).toEqual({
      environments: ['test'],
    });
  });

  test('reports a cdktf.json that is not JSON, as a ConfigError with that one problem', () => {
    delete process.env.CDKTF_CONTEXT_JSON;
    const error = thrownBy(() => readContext(projectWith('{"context": ')));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.name).toBe('ConfigError');
    expect(error.message).toMatch(/^cdktf.json is not valid JSON: /);
    expect((error as ConfigError).problems).toEqual([error.message]);
  });

  test('no cdktf.json, or one without context, is an empty context: the defaults apply', () => {
    delete process.env.CDKTF_CONTEXT_JSON;
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'm2m-auth-context-'));
    made.push(empty);
    expect(readContext(empty)).toEqual({});
    expect(readContext(projectWith('{"app": "npm run synth"}'))).toEqual({});
  });
});

// The distance behind "did you mean": insertions, deletions, substitutions and adjacent swaps, one each.
test.each<[string, string, number]>([
  ['', '', 0],
  ['', 'abc', 3],
  ['abc', '', 3],
  ['abc', 'abc', 0],
  ['abc', 'abd', 1],
  ['abc', 'ab', 1],
  ['ab', 'abc', 1],
  ['ab', 'ba', 1],
  ['xab', 'xba', 1],
  ['abcd', 'badc', 2],
  ['ca', 'abc', 3],
  ['kitten', 'sitting', 3],
  ['dinetiifer', 'identifier', 3],
])('editDistance(%j, %j) is %d', (a, b, distance) => {
  expect(editDistance(a, b)).toBe(distance);
});

// A value is quoted in the message up to 80 characters of JSON, and cut to 77 and "..." beyond.
test.each([
  [78, 'whole', `"${'A'.repeat(78)}"`],
  [79, 'cut', `"${'A'.repeat(76)}...`],
])('a refused value of %i characters is shown %s', (length, _how, shown) => {
  const error = thrownBy(() => parseSettings({ domainPrefix: 'A'.repeat(length) })) as ConfigError;
  expect(error.problems[0]).toContain(`cdktf.json context.domainPrefix = ${shown} is invalid: `);
});
