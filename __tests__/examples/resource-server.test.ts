import type * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  challengeText,
  createResourceServer,
  optionsFromEnvironment,
  portFromEnvironment,
  startFromEnvironment,
} from '../../examples/resource-server';
import { AccessTokenVerifier } from '../../operator';
import {
  createSigningKey,
  FakeCognito,
  mintAccessToken,
  POOL_ID,
  type SigningKey,
  READ,
  WRITE,
} from '../helpers/fakes/cognito';
import { closedPort } from '../helpers/fakes/local-server';
import { TEST_TIMEOUT_MS } from '../helpers/run-cli';

jest.setTimeout(TEST_TIMEOUT_MS);

let key: SigningKey;
let cognito: FakeCognito;
let server: http.Server;
let baseUrl: string;
const unexpectedErrors: string[] = [];

beforeAll(async () => {
  key = createSigningKey();
  cognito = await FakeCognito.start({ key, clients: {} });
});

// A server per test, not one in beforeAll: mutation testing credits a mutant only to the tests it ran
// in, and the server's defaults (which scope guards which method) are set when it is created.
beforeEach(async () => {
  // The keys come over HTTP from the fake pool, as they would from Cognito's jwks_uri.
  server = createResourceServer({
    verifier: { userPoolId: POOL_ID, clientIds: ['client-a'], jwksUri: cognito.jwksUri },
    onError: (description) => unexpectedErrors.push(description),
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

afterAll(() => cognito.close());

function call(method: 'GET' | 'POST' | 'DELETE', token?: string): Promise<Response> {
  return fetch(`${baseUrl}/items`, { method, headers: token ? { authorization: `Bearer ${token}` } : {} });
}

test('no token: 401 with a Bearer challenge and no error code', async () => {
  const response = await call('GET');

  expect(response.status).toBe(401);
  expect(response.headers.get('www-authenticate')).toBe('Bearer realm="m2m-api"');
  expect(response.headers.get('content-type')).toBe('application/json');
});

test.each([
  ['a malformed token', () => 'not-a-jwt'],
  ['a token of another client', () => mintAccessToken(key, 'client-z', [READ])],
  ['an expired token', () => mintAccessToken(key, 'client-a', [READ], { exp: 1_700_000_000 })],
  ['a token without exp', () => mintAccessToken(key, 'client-a', [READ], { exp: undefined })],
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

test('a token with only the write scope: POST 200, GET 403 insufficient_scope naming the read scope', async () => {
  const writeOnly = mintAccessToken(key, 'client-a', [WRITE]);

  expect((await call('POST', writeOnly)).status).toBe(200);
  const get = await call('GET', writeOnly);
  expect(get.status).toBe(403);
  expect(get.headers.get('www-authenticate')).toBe(
    `Bearer realm="m2m-api", error="insufficient_scope", scope="${READ}"`,
  );
  expect(await get.json()).toMatchObject({ error: 'insufficient_scope' });
});

test('signing keys out of reach: 503 temporarily_unavailable with Retry-After, and the server lives on', async () => {
  // Cognito's jwks_uri down: nothing listens where the keys would be.
  const outage = createResourceServer({
    verifier: {
      userPoolId: POOL_ID,
      clientIds: ['client-a'],
      jwksUri: `http://127.0.0.1:${await closedPort()}/.well-known/jwks.json`,
      timeoutMs: 2000,
    },
    onError: (description) => unexpectedErrors.push(description),
  });
  await new Promise<void>((resolve) => outage.listen(0, '127.0.0.1', resolve));
  try {
    const url = `http://127.0.0.1:${(outage.address() as AddressInfo).port}/items`;
    const token = mintAccessToken(key, 'client-a', [READ]);
    for (let attempt = 0; attempt < 2; attempt++) {
      const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('5');
      expect(await response.json()).toEqual({ error: 'temporarily_unavailable' });
    }
  } finally {
    outage.closeAllConnections();
    await new Promise((resolve) => outage.close(resolve));
  }
});

test('a token with both scopes: POST 200 and GET 200; the keys were fetched once', async () => {
  const fetchedBefore = cognito.jwksRequests;
  const token = mintAccessToken(key, 'client-a', [READ, WRITE]);

  expect((await call('POST', token)).status).toBe(200);
  expect((await call('GET', token)).status).toBe(200);
  expect(cognito.jwksRequests - fetchedBefore).toBe(1);
});

test.each([
  ['another scheme', 'Basic dXNlcjpwYXNz', 401],
  ['another scheme ending in Bearer', 'NotBearer abc', 401],
  ['"Bearer" run into the token', 'Bearerabc', 401],
  ['Bearer and nothing else', 'Bearer', 400],
  ['two tokens', 'Bearer abc def', 400],
  ['a quote in the token', 'Bearer ab"c', 400],
])('Authorization %s: %p answers %i', async (_what, authorization, status) => {
  const response = await fetch(`${baseUrl}/items`, { headers: { authorization } });

  expect(response.status).toBe(status);
  const body = await response.json();
  if (status === 401) {
    // Not Bearer credentials at all: a challenge without an error code (RFC 6750 section 3.1).
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="m2m-api"');
    expect(body).toEqual({
      error: 'unauthorized',
      error_description: 'send Authorization: Bearer <access token>',
    });
  } else {
    const description = 'the Authorization header is not Bearer and one RFC 6750 b64token';
    expect(response.headers.get('www-authenticate')).toBe(
      `Bearer realm="m2m-api", error="invalid_request", error_description="${description}"`,
    );
    expect(body).toEqual({ error: 'invalid_request', error_description: description });
  }
});

test('the scheme is case-insensitive and the token may end in "=" padding', async () => {
  const token = mintAccessToken(key, 'client-a', [READ]);
  const response = await fetch(`${baseUrl}/items`, { headers: { authorization: `bEaReR  ${token}` } });
  expect(response.status).toBe(200);

  // b64token allows "=" at the end; the signature's bytes are unchanged, and aws-jwt-verify accepts it.
  const padded = await fetch(`${baseUrl}/items`, { headers: { authorization: `Bearer ${token}==` } });
  expect(padded.status).toBe(200);
});

test('other methods: 405 with Allow', async () => {
  const response = await call('DELETE', mintAccessToken(key, 'client-a', [READ, WRITE]));

  expect(response.status).toBe(405);
  expect(response.headers.get('allow')).toBe('GET, POST');
  expect(await response.json()).toEqual({ error: 'method_not_allowed' });
});

test('no unexpected error so far', () => {
  expect(unexpectedErrors).toEqual([]);
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
  expect(() => optionsFromEnvironment({})).toThrow(
    "missing M2M_USER_POOL_ID, M2M_CLIENT_ID: export them from the stack outputs user_pool_id and client_ids (terraform output in the stack's synthesized folder)",
  );
  expect(
    optionsFromEnvironment({
      M2M_USER_POOL_ID: POOL_ID,
      M2M_CLIENT_ID: ' a,,b  c, ',
      M2M_JWKS_URI: 'https://example.test/jwks.json',
      M2M_READ_SCOPE: 'api/read',
      M2M_WRITE_SCOPE: '',
    }),
  ).toEqual({
    verifier: { userPoolId: POOL_ID, clientIds: ['a', 'b', 'c'], jwksUri: 'https://example.test/jwks.json' },
    readScope: 'api/read',
    writeScope: undefined,
  });
});

test.each([
  [undefined, 3000],
  ['0', 0],
  ['65535', 65535],
  ['8080', 8080],
])('PORT %p is port %i', (value, port) => {
  expect(portFromEnvironment({ PORT: value })).toBe(port);
});

test.each(['-1', '65536', '80.5', 'http', '0x'])('PORT %p is refused, naming it and the range', (value) => {
  expect(() => portFromEnvironment({ PORT: value })).toThrow(
    `PORT ${JSON.stringify(value)} is invalid: give a port number from 0 to 65535`,
  );
});

test('started from the environment, it listens where PORT says and logs its address', async () => {
  const lines: string[] = [];
  const started = startFromEnvironment(
    { PORT: '0', M2M_USER_POOL_ID: POOL_ID, M2M_CLIENT_ID: 'client-a', M2M_JWKS_URI: cognito.jwksUri },
    (line) => lines.push(line),
  );
  try {
    await new Promise((resolve) => started.once('listening', resolve));
    const { port } = started.address() as AddressInfo;
    const token = mintAccessToken(key, 'client-a', [READ]);
    const response = await fetch(`http://127.0.0.1:${port}/items`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.status).toBe(200);
    expect(lines).toEqual([`resource server listening on http://localhost:${port}`]);
  } finally {
    started.closeAllConnections();
    await new Promise((resolve) => started.close(resolve));
  }
});

describe('an error the handler did not expect', () => {
  afterEach(() => jest.restoreAllMocks());

  test.each([
    [
      'thrown at once',
      () => {
        throw new Error('boom\r\nX-Injected: 1');
      },
    ],
    ['rejected, with something that is not an Error', () => Promise.reject({ not: 'an error' })],
    ['rejected, with something String() cannot print', () => Promise.reject(Object.create(null))],
  ])('%s: 500, reported in one line, and the server goes on', async (_how, failure) => {
    unexpectedErrors.splice(0);
    jest.spyOn(AccessTokenVerifier.prototype, 'verify').mockImplementationOnce(failure as () => never);

    const response = await call('GET', mintAccessToken(key, 'client-a', [READ]));
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ error: 'server_error' });
    expect(response.headers.get('www-authenticate')).toBeNull();
    expect(unexpectedErrors).toHaveLength(1);
    expect(unexpectedErrors[0]).toMatch(/^request GET failed: /);
    expect(unexpectedErrors[0]).not.toMatch(/[\r\n]/);

    expect((await call('GET', mintAccessToken(key, 'client-a', [READ]))).status).toBe(200);
  });

  test('without onError, the error line goes to stderr', async () => {
    const quiet = createResourceServer({
      verifier: { userPoolId: POOL_ID, clientIds: ['client-a'], jwks: { keys: [] } },
    });
    await new Promise<void>((resolve) => quiet.listen(0, '127.0.0.1', resolve));
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    jest.spyOn(AccessTokenVerifier.prototype, 'verify').mockRejectedValueOnce(new Error('boom'));
    try {
      const url = `http://127.0.0.1:${(quiet.address() as AddressInfo).port}/items`;
      const response = await fetch(url, { method: 'POST', headers: { authorization: 'Bearer abc' } });
      expect(response.status).toBe(500);
      expect(stderr.mock.calls).toEqual([['error: request POST failed: boom\n']]);
    } finally {
      quiet.closeAllConnections();
      await new Promise((resolve) => quiet.close(resolve));
    }
  });
});

test.each([
  ['plain text', 'access token expired', 'access token expired'],
  ['quote and backslash', 'a "b" \\c', 'a ?b? ?c'],
  ['CR LF and a header', 'x\r\nX-Injected: 1', 'x??X-Injected: 1'],
  ['ESC, NUL, DEL', '\u001b[2J\u0000\u007f', '?[2J??'],
  ['non-ASCII, one "?" per character', 'iss \u20ac\u202e\u{1F600}', 'iss ???'],
  ['long', 'x'.repeat(300), `${'x'.repeat(197)}...`],
  ['200 characters, the longest kept whole', 'x'.repeat(200), 'x'.repeat(200)],
  ['201 characters, cut', 'x'.repeat(201), `${'x'.repeat(197)}...`],
])('challengeText: %s', (_what, text, safe) => {
  expect(challengeText(text)).toBe(safe);
});

test.each([
  ['readScope', 'm2m-client/read write'],
  ['readScope', 'scope"with-quote'],
  ['writeScope', 'caf\u00e9/write'],
  ['writeScope', ''],
])('a %s of %p is refused when the server is created', (setting, scope) => {
  const verifier = { userPoolId: POOL_ID, clientIds: ['client-a'], jwks: { keys: [] } };
  expect(() => createResourceServer({ verifier, [setting]: scope })).toThrow(
    new RegExp(`^${setting} .* is invalid: give one scope, as <resource server>/<scope>`),
  );
});
