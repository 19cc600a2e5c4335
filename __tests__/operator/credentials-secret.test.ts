/**
 * The credentials document in Secrets Manager as services read it: what is refused, and that the
 * refusal names the fault but never a value. Secrets Manager is mocked here; the e2e tests read the
 * emulator's.
 */
import {
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { AwsRequestError, InputError } from '../../operator/errors';
import {
  readCredentialsSecret,
  secretsManagerSecretLoader,
  writeCredentialsSecret,
} from '../../operator/credentials-secret';
import { ALL_HOSTILE, TERMINAL_ACTIVE } from '../helpers/hostile-text';
import { READ } from '../helpers/fakes/cognito';

const SECRET = 'stored-secret-0123456789abcdef';
const ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:m2m-auth/dev/reporting-AbCdEf';
const DOCUMENT = {
  client_id: 'client-b',
  client_secret: SECRET,
  token_endpoint: 'https://m2m-rubicon-dev-auth.auth.eu-west-1.amazoncognito.com/oauth2/token',
  scopes: [READ],
};

const secretsManager = mockClient(SecretsManagerClient);
beforeEach(() => secretsManager.reset());
afterAll(() => secretsManager.restore());

const holding = (SecretString: string | undefined) =>
  secretsManager.on(GetSecretValueCommand).resolves({ ARN, SecretString, VersionId: 'v1' });

async function refusal(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof Error)) throw new Error('expected the promise to reject');
  expect(error.message).not.toContain(SECRET);
  expect(error.message).not.toMatch(/\n/);
  return error;
}

test('the loader reads client_secret from the document, from the region the ARN names', async () => {
  holding(JSON.stringify(DOCUMENT));
  const load = secretsManagerSecretLoader({ secretId: ARN, clientId: 'client-b' });

  expect(await load()).toBe(SECRET);
  const [call] = secretsManager.commandCalls(GetSecretValueCommand);
  expect(call.args[0].input).toEqual({ SecretId: ARN });
  expect(await (call.thisValue as SecretsManagerClient).config.region()).toBe('eu-west-1');
});

test('keys it does not know are kept: the document is read, not rebuilt', async () => {
  holding(JSON.stringify({ ...DOCUMENT, client_secret_id: 'client-b--1', owner: 'team-a' }));

  const { document, versionId } = await readCredentialsSecret(new SecretsManagerClient({}), ARN);
  expect(document).toEqual({ ...DOCUMENT, client_secret_id: 'client-b--1', owner: 'team-a' });
  expect(versionId).toBe('v1');
});

test.each([
  ['no text at all (a binary secret)', undefined, /holds no text \(SecretString\)/],
  ['text that is not JSON', `not json ${SECRET}`, /does not hold JSON: it should hold/],
  ['JSON that is not an object', JSON.stringify([SECRET]), /is not a JSON object: /],
  [
    'no client_secret',
    JSON.stringify({ ...DOCUMENT, client_secret: undefined }),
    /has no valid client_secret: /,
  ],
  [
    'an empty client_secret',
    JSON.stringify({ ...DOCUMENT, client_secret: '' }),
    /has no valid client_secret/,
  ],
  [
    'a client_secret that is no string',
    JSON.stringify({ ...DOCUMENT, client_secret: [SECRET] }),
    /has no valid client_secret/,
  ],
  ['scopes that are no list', JSON.stringify({ ...DOCUMENT, scopes: 'read' }), /has no valid scopes/],
  [
    'more than Secrets Manager holds',
    JSON.stringify({ ...DOCUMENT, padding: 'x'.repeat(70_000) }),
    /holds more than 64 KiB \(65536 bytes\), more than Secrets Manager allows/,
  ],
])('a document with %s is refused, naming the fault and not the value', async (_name, text, message) => {
  holding(text);
  const error = await refusal(secretsManagerSecretLoader({ secretId: ARN })());

  expect(error).toBeInstanceOf(InputError);
  expect(error.message).toMatch(
    new RegExp(`^Secrets Manager secret ${ARN.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} `),
  );
  expect(error.message).toMatch(message);
});

test('the whole message of a refusal names the keys the document should have', async () => {
  holding('not json');
  const error = await refusal(secretsManagerSecretLoader({ secretId: 'm2m-auth/dev/reporting' })());
  expect(error.message).toBe(
    "Secrets Manager secret m2m-auth/dev/reporting does not hold JSON: it should hold the client's credentials as the stack writes them (client_id, client_secret, token_endpoint, scopes, client_secret_id)",
  );

  holding(JSON.stringify({ ...DOCUMENT, scopes: [READ, 7] }));
  const nested = await refusal(secretsManagerSecretLoader({ secretId: 'm2m-auth/dev/reporting' })());
  expect(nested.message).toBe(
    "Secrets Manager secret m2m-auth/dev/reporting has no valid scopes.1: it should hold the client's credentials as the stack writes them (client_id, client_secret, token_endpoint, scopes, client_secret_id)",
  );
});

test('a document of exactly 64 KiB, the most Secrets Manager holds, is read', async () => {
  const base = JSON.stringify({ ...DOCUMENT, padding: '' });
  const text = JSON.stringify({ ...DOCUMENT, padding: 'x'.repeat(64 * 1024 - Buffer.byteLength(base)) });
  expect(Buffer.byteLength(text)).toBe(64 * 1024);
  holding(text);

  expect(await secretsManagerSecretLoader({ secretId: ARN })()).toBe(SECRET);
});

test('a time limit out of range is refused by its name, before anything is read', () => {
  expect(() => secretsManagerSecretLoader({ secretId: ARN, timeoutMs: 0 })).toThrow(
    /^timeoutMs 0 is out of range: give a whole number of milliseconds from 1 to /,
  );
  expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(0);
});

test("another client's credentials are refused when the loader knows its client", async () => {
  holding(JSON.stringify({ ...DOCUMENT, client_id: 'client-z' }));
  const error = await refusal(secretsManagerSecretLoader({ secretId: ARN, clientId: 'client-b' })());

  expect(error.message).toBe(
    `Secrets Manager secret ${ARN} holds the credentials of client client-z, not client-b: check the secret ID`,
  );
});

test('Secrets Manager refusing is an AwsRequestError saying what was asked', async () => {
  secretsManager.on(GetSecretValueCommand).rejects(
    new ResourceNotFoundException({
      message: `Secrets Manager can't find the specified secret.${ALL_HOSTILE}`,
      $metadata: { httpStatusCode: 400 },
    }),
  );
  const error = await refusal(secretsManagerSecretLoader({ secretId: 'm2m-auth/dev/gone' })());

  expect(error).toBeInstanceOf(AwsRequestError);
  expect(error).toMatchObject({ problem: 'not-found', awsError: 'ResourceNotFoundException' });
  expect(error.message).toMatch(
    /^AWS found nothing for Secrets Manager GetSecretValue of m2m-auth\/dev\/gone \(ResourceNotFoundException: Secrets Manager can't find the specified secret\./,
  );
  expect(error.message).not.toMatch(TERMINAL_ACTIVE);
});

test('writing puts the whole document as the new current version', async () => {
  secretsManager.on(PutSecretValueCommand).resolves({ VersionId: 'v2' });
  const document = { ...DOCUMENT, client_secret_id: 'client-b--2' };

  expect(await writeCredentialsSecret(new SecretsManagerClient({}), ARN, document)).toBe('v2');
  const [call] = secretsManager.commandCalls(PutSecretValueCommand);
  expect(call.args[0].input.SecretId).toBe(ARN);
  expect(JSON.parse(call.args[0].input.SecretString!)).toEqual(document);
});
