/**
 * The credentials secret read and written with the real SDK against a local server that never
 * answers (credentials-secret.test.ts mocks the SDK, which cannot show a time limit hold): each call
 * keeps its own time limit, whatever client it is given.
 */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { readCredentialsSecret, writeCredentialsSecret } from '../../operator/credentials-secret';
import { AwsRequestError } from '../../operator/errors';
import { startLocalServer, type LocalServer } from '../helpers/fakes/local-server';

const ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:m2m-auth/dev/reporting-AbCdEf';

let server: LocalServer;
let requests = 0;
beforeEach(async () => {
  requests = 0;
  server = await startLocalServer((request) => {
    requests++;
    request.resume();
  });
});
afterEach(() => server.close());

/** A client with no time limit of its own: only the call's can end it. */
const unbounded = () =>
  new SecretsManagerClient({
    endpoint: server.url,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'not-a-secret' },
    maxAttempts: 1,
  });

test.each([
  ['GetSecretValue', () => readCredentialsSecret(unbounded(), ARN, 300)],
  [
    'PutSecretValue',
    () =>
      writeCredentialsSecret(
        unbounded(),
        ARN,
        { client_id: 'c', client_secret: 'never-sent-anywhere', token_endpoint: 'https://x', scopes: [] },
        300,
      ),
  ],
])('%s gives up after its time limit, as unavailable', async (action, call) => {
  const error = await call().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AwsRequestError);
  expect(error).toMatchObject({ problem: 'unavailable' });
  expect((error as Error).message).toBe(
    `Secrets Manager ${action} of ${ARN} got no reply within 0.3 s: check your network or proxy, or allow more time with --timeout`,
  );
  expect(requests).toBe(1);
});
