/**
 * ClientSecretRotation on its own, with the real SDK against a local stand-in for Cognito's API
 * (rotate-secret.test.ts mocks the SDK, which cannot show a call's time limit hold): its settings'
 * refusals, and each Cognito call bounded by timeoutMs whatever client it is given.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { AwsRequestError } from '../../operator/errors';
import { ClientSecretRotation, type ClientSecretRotationOptions } from '../../operator/secret-rotation';
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

/** Cognito's JSON API on 127.0.0.1: ListUserPoolClientSecrets answered, every other call left hanging. */
async function cognitoListingOnly(): Promise<{ cognito: CognitoIdentityProviderClient; calls: string[] }> {
  const calls: string[] = [];
  server = await startLocalServer((request: IncomingMessage, response: ServerResponse) => {
    const action = String(request.headers['x-amz-target']).split('.').at(-1)!;
    calls.push(action);
    request.resume();
    if (action === 'ListUserPoolClientSecrets') {
      response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify(SECRETS));
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
    tokenEndpoint: 'https://m2m-rubicon-dev-auth.auth.eu-west-1.amazoncognito.com/oauth2/token',
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
  const { cognito, calls } = await cognitoListingOnly();
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
