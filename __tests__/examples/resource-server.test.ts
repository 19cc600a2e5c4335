import type * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createResourceServer, optionsFromEnvironment } from '../../examples/resource-server';
import {
  createSigningKey,
  FakeCognito,
  mintAccessToken,
  POOL_ID,
  type SigningKey,
} from '../operator/fake-cognito';
import { TEST_TIMEOUT_MS } from '../operator/run-cli';

jest.setTimeout(TEST_TIMEOUT_MS);

const READ = 'm2m-client/read';
const WRITE = 'm2m-client/write';

let key: SigningKey;
let cognito: FakeCognito;
let server: http.Server;
let baseUrl: string;

beforeAll(async () => {
  key = createSigningKey();
  cognito = await FakeCognito.start({ key, clients: {} });
  // The keys come over HTTP from the fake pool, as they would from Cognito's jwks_uri.
  server = createResourceServer({
    verifier: { userPoolId: POOL_ID, clientIds: ['client-a'], jwksUri: cognito.jwksUri },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await cognito.close();
});

function call(method: 'GET' | 'POST' | 'DELETE', token?: string): Promise<Response> {
  return fetch(`${baseUrl}/items`, { method, headers: token ? { authorization: `Bearer ${token}` } : {} });
}

test('no token: 401 with a Bearer challenge and no error code', async () => {
  const response = await call('GET');

  expect(response.status).toBe(401);
  expect(response.headers.get('www-authenticate')).toBe('Bearer realm="m2m-api"');
});

test.each([
  ['a malformed token', () => 'not-a-jwt'],
  ['a token of another client', () => mintAccessToken(key, 'client-z', [READ])],
  ['an expired token', () => mintAccessToken(key, 'client-a', [READ], { exp: 1_700_000_000 })],
])('%s: 401 invalid_token', async (_name, token) => {
  const response = await call('GET', token());

  expect(response.status).toBe(401);
  expect(response.headers.get('www-authenticate')).toMatch(
    /^Bearer realm="m2m-api", error="invalid_token", error_description="[^"]+"$/,
  );
  expect(await response.json()).toMatchObject({ error: 'invalid_token' });
});

test('a token without the write scope: GET 200, POST 403 insufficient_scope naming the scope', async () => {
  const readOnly = mintAccessToken(key, 'client-a', [READ]);

  const get = await call('GET', readOnly);
  expect(get.status).toBe(200);
  expect(await get.json()).toEqual({ method: 'GET', path: '/items', client_id: 'client-a' });

  const post = await call('POST', readOnly);
  expect(post.status).toBe(403);
  expect(post.headers.get('www-authenticate')).toBe(
    `Bearer realm="m2m-api", error="insufficient_scope", scope="${WRITE}"`,
  );
});

test('a token with both scopes: POST 200; the keys were fetched once', async () => {
  const response = await call('POST', mintAccessToken(key, 'client-a', [READ, WRITE]));

  expect(response.status).toBe(200);
  expect(cognito.jwksRequests).toBe(1);
});

test('other methods: 405 with Allow', async () => {
  const response = await call('DELETE', mintAccessToken(key, 'client-a', [READ, WRITE]));

  expect(response.status).toBe(405);
  expect(response.headers.get('allow')).toBe('GET, POST');
});

test('settings from the environment; missing ones are named', () => {
  expect(
    optionsFromEnvironment({
      M2M_USER_POOL_ID: POOL_ID,
      M2M_CLIENT_ID: 'a, b',
      M2M_WRITE_SCOPE: 'api/write',
    }),
  ).toEqual({
    verifier: { userPoolId: POOL_ID, clientIds: ['a', 'b'], jwksUri: undefined },
    readScope: undefined,
    writeScope: 'api/write',
  });
  expect(() => optionsFromEnvironment({ M2M_CLIENT_ID: 'a' })).toThrow(
    /^missing M2M_USER_POOL_ID: export them/,
  );
});
