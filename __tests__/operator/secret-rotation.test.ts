/**
 * The rotation library on its own (rotate-secret.test.ts runs the commands): durations, the
 * settings' refusals, and, with the real SDK against a local stand-in for Cognito's JSON API (a
 * mocked SDK cannot show a time limit hold), each Cognito call bounded by timeoutMs whatever client
 * it is given, and replies that are not what Cognito sends.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { AwsRequestError } from '../../operator/errors';
import {
  ClientSecretRotation,
  type ClientSecretRotationOptions,
  formatDuration,
  parseDuration,
} from '../../operator/secret-rotation';
import { startLocalServer, type LocalServer } from '../helpers/fakes/local-server';

const CLIENT = { name: 'reporting', clientId: 'client-b', scopes: ['m2m-client/read'] };
const SECRETS = {
  ClientSecrets: [
    { ClientSecretId: 'client-b--1700000000000', ClientSecretCreateDate: 1_700_000_000 },
    { ClientSecretId: 'client-b--1700000600000', ClientSecretCreateDate: 1_700_000_600 },
  ],
};

let server: LocalServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/**
 * Cognito's JSON API on 127.0.0.1: each action in `answers` answered with that body, every other
 * call left hanging.
 */
async function cognitoAnswering(
  answers: Record<string, unknown>,
): Promise<{ cognito: CognitoIdentityProviderClient; calls: string[] }> {
  const calls: string[] = [];
  server = await startLocalServer((request: IncomingMessage, response: ServerResponse) => {
    const action = String(request.headers['x-amz-target']).split('.').at(-1)!;
    calls.push(action);
    request.resume();
    if (action in answers) {
      response
        .writeHead(200, { 'content-type': 'application/x-amz-json-1.1' })
        .end(JSON.stringify(answers[action]));
    }
  });
  // No time limit of its own: only the rotation's can end a call.
  const cognito = new CognitoIdentityProviderClient({
    endpoint: server.url,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'not-a-secret' },
    maxAttempts: 1,
  });
  return { cognito, calls };
}

const rotation = (overrides: Partial<ClientSecretRotationOptions> = {}) =>
  new ClientSecretRotation({
    cognito: new CognitoIdentityProviderClient({ region: 'eu-west-1' }),
    userPoolId: 'eu-west-1_AbC123',
    client: CLIENT,
    // Nothing listens there: no test may reach a token endpoint off this machine.
    tokenEndpoint: 'http://127.0.0.1:1/oauth2/token',
    ...overrides,
  });

test('settings out of range are refused by name; a wait of 0 means no waiting', () => {
  expect(() => rotation({ timeoutMs: 0 })).toThrow(/^timeoutMs 0 is out of range: /);
  expect(() => rotation({ proofWaitMs: -1 })).toThrow(/^proofWaitMs -1 is out of range: /);
  expect(() => rotation({ proofWaitMs: 0 })).not.toThrow();
});

test('a client kept in Secrets Manager needs a Secrets Manager client', () => {
  const stored = { ...CLIENT, credentialsSecretArn: 'arn:aws:secretsmanager:eu-west-1:1:secret:x' };
  expect(() => rotation({ client: stored })).toThrow(
    new TypeError('secretsManager is needed: the client keeps its credentials in Secrets Manager'),
  );
  expect(() =>
    rotation({ client: stored, secretsManager: new SecretsManagerClient({ region: 'eu-west-1' }) }),
  ).not.toThrow();
});

test('finish: a DeleteUserPoolClientSecret that gets no reply ends after timeoutMs, named', async () => {
  const { cognito, calls } = await cognitoAnswering({ ListUserPoolClientSecrets: SECRETS });
  const error = await rotation({ cognito, timeoutMs: 300 })
    .finish({ confirmed: true })
    .then(
      () => undefined,
      (e: unknown) => e,
    );

  expect(error).toBeInstanceOf(AwsRequestError);
  expect((error as Error).message).toBe(
    'Cognito DeleteUserPoolClientSecret for client reporting (client-b) got no reply within 0.3 s: check your network or proxy, or allow more time with --timeout',
  );
  expect(calls).toEqual(['ListUserPoolClientSecrets', 'DeleteUserPoolClientSecret']);
});

/** What a rotation's call ends with. */
const outcome = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (e: unknown) => e as Error,
  );

test.each([
  ['status', 'ListUserPoolClientSecrets', {}, (r: ClientSecretRotation) => r.status()],
  [
    'start',
    'AddUserPoolClientSecret',
    { ListUserPoolClientSecrets: { ClientSecrets: SECRETS.ClientSecrets.slice(0, 1) } },
    (r: ClientSecretRotation) => r.start(),
  ],
])('%s: a %s that gets no reply ends after timeoutMs, named', async (_step, action, answers, step) => {
  const { cognito } = await cognitoAnswering(answers);
  const error = await outcome(step(rotation({ cognito, timeoutMs: 300 })));
  expect(error).toBeInstanceOf(AwsRequestError);
  expect(error!.message).toBe(
    `Cognito ${action} for client reporting (client-b) got no reply within 0.3 s: check your network or proxy, or allow more time with --timeout`,
  );
});

test('a new secret Cognito answers without a usable value is deleted again; the undo, too, is bounded', async () => {
  const added = { ClientSecretId: 'client-b--1700000900000', ClientSecretCreateDate: 1_700_000_900 };
  const seen: unknown[] = [];
  const { cognito, calls } = await cognitoAnswering({
    ListUserPoolClientSecrets: { ClientSecrets: SECRETS.ClientSecrets.slice(0, 1) },
    AddUserPoolClientSecret: { ClientSecretDescriptor: { ...added, ClientSecretValue: '' } },
  });
  const error = await outcome(
    rotation({ cognito, timeoutMs: 300, onSecret: (secret) => seen.push(secret) }).start(),
  );

  // The delete of the unusable secret got no reply either: the message says how to delete it by hand.
  expect(error!.message).toMatch(
    /^Cognito AddUserPoolClientSecret for client reporting \(client-b\) replied with no secret of 24 to 64 letters, digits, _ or \+ as ClientSecretValue.*client-b--1700000900000/,
  );
  expect(calls).toEqual([
    'ListUserPoolClientSecrets',
    'AddUserPoolClientSecret',
    'DeleteUserPoolClientSecret',
  ]);
  expect(seen).toEqual([]);
});

test('the secrets Cognito lists are given oldest first, and by ID when created together', async () => {
  const [first, second] = SECRETS.ClientSecrets;
  const twin = { ...first, ClientSecretId: 'client-b--1700000000000a' };
  for (const [listed, ids] of [
    [
      [second, first],
      [first.ClientSecretId, second.ClientSecretId],
    ],
    [
      [twin, first],
      [first.ClientSecretId, twin.ClientSecretId],
    ],
  ] as const) {
    const { cognito } = await cognitoAnswering({ ListUserPoolClientSecrets: { ClientSecrets: listed } });
    const { secrets } = await rotation({ cognito }).status();
    expect(secrets.map((s) => s.id)).toEqual(ids);
    await server!.close();
    server = undefined;
  }
});

test.each([
  [0, '0s'],
  [999, '1s'],
  [1000, '1s'],
  [59_000, '59s'],
  [60_000, '1m'],
  [61_000, '1m 1s'],
  [3_600_000, '1h'],
  [3_660_000, '1h 1m'],
  [3_661_000, '1h 1m'],
  [90_000_000, '1d 1h'],
  [86_400_000 + 60_000, '1d'],
])('%p ms is shown as %p', (ms, shown) => {
  expect(formatDuration(ms)).toBe(shown);
});

test.each([
  ['30s', 30_000],
  ['30m', 1_800_000],
  ['24h', 86_400_000],
  [' 7d ', 604_800_000],
  ['999999999s', 999_999_999_000],
  ['1000000000s', undefined],
  ['1.5h', undefined],
  ['h', undefined],
  ['10', undefined],
  ['10w', undefined],
  ['x10m', undefined],
  ['10mx', undefined],
])('the duration %p is %p ms', (text, ms) => {
  expect(parseDuration(text)).toBe(ms);
});

describe('replies that are not what Cognito sends are refused, named', () => {
  const [first, second] = SECRETS.ClientSecrets;
  const replied = (action: string, what: string) =>
    `Cognito ${action} for client reporting (client-b) replied with ${what}: check AWS_ENDPOINT_URL points at Cognito`;
  const badId = 'a ClientSecretId that is no string of 1 to 128 characters';

  test.each<[string, unknown, string]>([
    [
      'three secrets',
      { ClientSecrets: [first, second, first] },
      'more than the two secrets Cognito allows a client',
    ],
    [
      'secrets that are no list',
      { ClientSecrets: { first } },
      'more than the two secrets Cognito allows a client',
    ],
    ['an empty ID', { ClientSecrets: [{ ...first, ClientSecretId: '' }] }, badId],
    ['an ID that is no text', { ClientSecrets: [{ ...first, ClientSecretId: 7 }] }, badId],
    ['an ID of 129 characters', { ClientSecrets: [{ ...first, ClientSecretId: 'x'.repeat(129) }] }, badId],
    [
      'no creation date',
      { ClientSecrets: [{ ClientSecretId: 'client-b--1' }] },
      'secret client-b--1 without a ClientSecretCreateDate',
    ],
  ])('a listing with %s', async (_what, listing, what) => {
    const { cognito } = await cognitoAnswering({ ListUserPoolClientSecrets: listing });
    const error = await outcome(rotation({ cognito }).status());
    expect(error).toBeInstanceOf(AwsRequestError);
    expect(error!.message).toBe(replied('ListUserPoolClientSecrets', what));
  });

  test('an ID of 128 characters is one', async () => {
    const id = 'x'.repeat(128);
    const { cognito } = await cognitoAnswering({
      ListUserPoolClientSecrets: { ClientSecrets: [{ ...first, ClientSecretId: id }] },
    });
    expect((await rotation({ cognito }).status()).secrets.map((s) => s.id)).toEqual([id]);
  });

  const added = (value: string) => ({
    ListUserPoolClientSecrets: { ClientSecrets: [first] },
    AddUserPoolClientSecret: {
      ClientSecretDescriptor: {
        ClientSecretId: 'client-b--2',
        ClientSecretCreateDate: 1_700_000_900,
        ClientSecretValue: value,
      },
    },
    DeleteUserPoolClientSecret: {},
  });
  const deletedAgain =
    'the new secret client-b--2 of 2023-11-14T22:28:20.000Z was deleted again, so nothing changed: ';

  test.each([
    ['23 characters', 'a'.repeat(23)],
    ['65 characters', 'a'.repeat(65)],
    ['a character before', `!${'a'.repeat(30)}`],
    ['a character after', `${'a'.repeat(30)}!`],
    ['a line break', `${'a'.repeat(30)}\n`],
  ])('a new secret value of %s', async (_what, value) => {
    const { cognito } = await cognitoAnswering(added(value));
    const error = await outcome(rotation({ cognito }).start());
    expect(error!.message).toBe(
      deletedAgain +
        replied(
          'AddUserPoolClientSecret',
          'no secret of 24 to 64 letters, digits, _ or + as ClientSecretValue',
        ),
    );
  });

  test.each([
    ['24', 'a'.repeat(24)],
    ['64', `${'b'.repeat(62)}_+`],
  ])('a new secret value of %s characters is taken, and tried at the token endpoint', async (_n, value) => {
    const { cognito } = await cognitoAnswering(added(value));
    const error = await outcome(rotation({ cognito, proofWaitMs: 0 }).start());
    expect(error!.message).toMatch(
      /^the new secret client-b--2 of .* got no token from http:\/\/127\.0\.0\.1:1\/oauth2\/token /,
    );
  });
});
