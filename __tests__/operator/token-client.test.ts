import { ClientCredentialsTokenClient, type ClientCredentialsTokenClientOptions } from '../../operator';
import { InputError, TokenEndpointError, TokenRequestError } from '../../operator/errors';
import { refreshMarginMs } from '../../operator/token-client';
import { createSigningKey, FakeCognito, type Scenario, READ, WRITE } from '../helpers/fakes/cognito';
import { ALL_HOSTILE, TERMINAL_ACTIVE } from '../helpers/hostile-text';
import {
  BOUNDED_READ_EVIDENCE_BYTES,
  closedPort,
  endlessReply,
  startLocalServer,
} from '../helpers/fakes/local-server';
import { TEST_TIMEOUT_MS } from '../helpers/run-cli';

jest.setTimeout(TEST_TIMEOUT_MS);

// Characters that RFC 6749 2.3.1 form-encodes before HTTP Basic: space, "+", "/", ":" and "%".
const SECRET = 's3cr3t with+plus/slash:colon%pct';

let fake: FakeCognito;

beforeAll(async () => {
  fake = await FakeCognito.start({
    key: createSigningKey(),
    clients: {
      'client-a': { secret: SECRET, scopes: [READ, WRITE] },
      'no-grant': { secret: SECRET, scopes: [READ], grantAllowed: false },
    },
  });
});
afterAll(() => fake.close());
beforeEach(() => fake.tokenRequests.splice(0));

function client(overrides: Partial<ClientCredentialsTokenClientOptions> = {}, scenario?: Scenario) {
  return new ClientCredentialsTokenClient({
    tokenEndpoint: fake.tokenEndpoint(scenario),
    clientId: 'client-a',
    clientSecret: SECRET,
    ...overrides,
  });
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof Error)) throw new Error('expected the promise to reject');
  expect(error.message).not.toContain(SECRET);
  expect(error.message).not.toContain(encodeURIComponent(SECRET));
  expect(error.message).not.toMatch(/\n/);
  return error;
}

/** A token endpoint on 127.0.0.1 that answers every request with `answer`, for the test's client. */
async function endpointAnswering(
  answer: (
    request: import('node:http').IncomingMessage,
    response: import('node:http').ServerResponse,
  ) => void,
  run: (tokenEndpoint: string) => Promise<void>,
): Promise<void> {
  const server = await startLocalServer((request, response) => {
    request.resume();
    answer(request, response);
  });
  try {
    await run(`${server.url}/oauth2/token`);
  } finally {
    await server.close();
  }
}

const json = (status: number, body: unknown) => (_: unknown, response: import('node:http').ServerResponse) =>
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));

describe('the request', () => {
  test('is a form POST with the form-encoded credentials in HTTP Basic and the scopes space-separated', async () => {
    const token = await client({ scopes: [READ, WRITE] }).getToken();

    expect(token.split('.')).toHaveLength(3);
    expect(fake.tokenRequests).toHaveLength(1);
    const [request] = fake.tokenRequests;
    expect(request.contentType).toBe('application/x-www-form-urlencoded');
    expect(request.clientId).toBe('client-a');
    expect(request.clientSecret).toBe(SECRET);
    expect(Object.fromEntries(request.form)).toEqual({
      grant_type: 'client_credentials',
      scope: `${READ} ${WRITE}`,
    });
  });

  test('asks for JSON', async () => {
    let accept: string | undefined;
    await endpointAnswering(
      (request, response) => {
        accept = request.headers.accept;
        json(200, { access_token: 'a.b.c', token_type: 'Bearer', expires_in: 60 })(request, response);
      },
      async (tokenEndpoint) => void (await client({ tokenEndpoint }).getToken()),
    );
    expect(accept).toBe('application/json');
  });

  test('without scopes asks for none, and gets every scope the client is allowed', async () => {
    const token = await client().getAccessToken();

    expect(fake.tokenRequests[0].form.has('scope')).toBe(false);
    expect(token.requestedScopes).toEqual([]);
    expect(token.tokenType).toBe('Bearer');
    expect(Object.keys(token.response).sort()).toEqual(['access_token', 'expires_in', 'token_type']);
    const claims = JSON.parse(Buffer.from(token.accessToken.split('.')[1], 'base64url').toString());
    expect(claims.scope).toBe(`${READ} ${WRITE}`);
  });
});

describe('OAuth errors from the token endpoint', () => {
  test.each([
    [
      'invalid_client',
      { clientSecret: 'wrong' },
      /credentials of client client-a \(invalid_client\): check the client ID and secret/,
    ],
    [
      'invalid_scope',
      { scopes: ['m2m-client/admin'] },
      /refused scope "m2m-client\/admin" .*\(invalid_scope\)/,
    ],
    [
      'unauthorized_client',
      { clientId: 'no-grant' },
      /may not use the client-credentials grant \(unauthorized_client\)/,
    ],
  ] as const)('%s', async (code, overrides, message) => {
    const error = await failure(client(overrides).getToken());

    expect(error).toBeInstanceOf(TokenRequestError);
    expect((error as TokenRequestError).error).toBe(code);
    expect((error as TokenRequestError).status).toBe(400);
    expect(error.message).toMatch(message);
  });

  test.each([
    [
      'invalid_request',
      'token endpoint found the request malformed (invalid_request: bad form): check the token endpoint URL and the client ID',
    ],
    [
      'access_denied',
      "token endpoint refused the request (access_denied: bad form): check the client's settings in the user pool",
    ],
  ])('%s: the whole message', async (code, message) => {
    await endpointAnswering(
      json(400, { error: code, error_description: 'bad form' }),
      async (tokenEndpoint) => {
        const error = await failure(client({ tokenEndpoint }).getToken());
        expect(error).toMatchObject({ error: code, status: 400 });
        expect(error.message).toBe(message);
      },
    );
  });

  test('invalid_scope names every scope asked for, as sent', async () => {
    await endpointAnswering(json(400, { error: 'invalid_scope' }), async (tokenEndpoint) => {
      const error = await failure(client({ tokenEndpoint, scopes: [READ, WRITE] }).getToken());
      expect(error.message).toMatch(new RegExp(`refused scope "${READ} ${WRITE}" .*\\(invalid_scope\\)`));
    });
  });

  test('invalid_scope without scopes asked for names the default scopes', async () => {
    await endpointAnswering(json(400, { error: 'invalid_scope' }), async (tokenEndpoint) => {
      const error = await failure(client({ tokenEndpoint }).getToken());
      expect(error.message).toMatch(/refused scope the client's default scopes .*\(invalid_scope\)/);
    });
  });

  test('a short secret in Basic credentials the server echoes is masked too', async () => {
    // Too short for its base64 to be found on its own: the whole "client-a:q7Zr" is masked.
    const basic = Buffer.from('client-a:q7Zr').toString('base64');
    await endpointAnswering(
      (request, response) =>
        json(401, { error: 'invalid_client', error_description: `got ${request.headers.authorization}` })(
          request,
          response,
        ),
      async (tokenEndpoint) => {
        const error = await failure(client({ tokenEndpoint, clientSecret: 'q7Zr' }).getToken());
        expect(error.message).toContain('got Basic ***');
        expect(error.message).not.toContain(basic);
      },
    );
  });

  test('unsupported_grant_type', async () => {
    const error = await failure(client({}, 'unsupported-grant-type').getToken());

    expect(error).toMatchObject({ error: 'unsupported_grant_type' });
    expect(error.message).toMatch(/check the URL is the user pool's \/oauth2\/token endpoint/);
  });

  test('a secret the server echoes back is masked, as are the Basic credentials', async () => {
    const error = await failure(client({}, 'echo-secret').getToken());

    expect(error).toMatchObject({ error: 'invalid_client', status: 401 });
    expect(error.message).toContain('bad secret *** in Basic ***');
    expect(error.message).not.toContain(Buffer.from('client-a:').toString('base64').slice(0, 8));
  });
});

describe('an endpoint with no usable reply', () => {
  test('HTTP 5xx', async () => {
    const error = await failure(client({}, 'server-error').getToken());

    expect(error).toBeInstanceOf(TokenEndpointError);
    expect(error).toMatchObject({ problem: 'server-error', status: 503 });
    expect(error.message).toMatch(/failed with HTTP 503: .*retry later/);
  });

  test.each([
    [
      500,
      { error: 'boom' },
      'failed with HTTP 500, error boom: the service or a proxy in between has a problem; retry later',
    ],
    [
      502,
      'bad gateway',
      'failed with HTTP 502: the service or a proxy in between has a problem; retry later',
    ],
  ])('HTTP %s: a server error, its error code quoted', async (status, body, message) => {
    await endpointAnswering(json(status, body), async (tokenEndpoint) => {
      const error = await failure(client({ tokenEndpoint }).getToken());
      expect(error).toMatchObject({ problem: 'server-error', status });
      expect(error.message).toBe(`token endpoint ${tokenEndpoint} ${message}`);
    });
  });

  test('HTTP 499 is no server error', async () => {
    await endpointAnswering(json(499, { error: 'client_closed' }), async (tokenEndpoint) => {
      const error = await failure(client({ tokenEndpoint }).getToken());
      expect(error).toBeInstanceOf(TokenRequestError);
    });
  });

  test('a reply that is not JSON', async () => {
    const error = await failure(client({}, 'html').getToken());

    expect(error).toMatchObject({ problem: 'unexpected-reply', status: 200 });
    expect(error.message).toMatch(/a text\/html body \("<!DOCTYPE html>.*check the URL/);
  });

  test('no reply within the timeout', async () => {
    const error = await failure(client({ timeoutMs: 150 }, 'hang').getToken());

    expect(error).toMatchObject({ problem: 'timeout' });
    expect(error.message).toMatch(/no reply from token endpoint .* within 0.15 s/);
  });

  test('a host that refuses the connection', async () => {
    const endpoint = `http://127.0.0.1:${await closedPort()}/oauth2/token`;
    const error = await failure(client({ tokenEndpoint: endpoint }).getToken());

    expect(error).toMatchObject({ problem: 'unreachable' });
    expect(error.message).toMatch(/cannot reach token endpoint .* \(connection refused\): check the URL/);
  });
});

describe('a network failure is named by its code', () => {
  /** A fetch that fails as undici does: TypeError("fetch failed") with the system error as cause. */
  const failingFetch = (cause: object) => () => Promise.reject(new TypeError('fetch failed', { cause }));

  test.each([
    ['ECONNREFUSED', 'connection refused'],
    ['ENOTFOUND', 'host not found'],
    ['EAI_AGAIN', 'DNS lookup failed'],
    ['ECONNRESET', 'connection reset'],
    ['ETIMEDOUT', 'connection timed out'],
    ['UND_ERR_CONNECT_TIMEOUT', 'connection timed out'],
    ['EHOSTUNREACH', 'EHOSTUNREACH: no route'],
    [undefined, 'no route'],
  ])('%s: %s', async (code, reason) => {
    const fetch = failingFetch({ code, message: 'no route' });
    const error = await failure(client({ fetch: fetch as typeof globalThis.fetch }).getToken());

    expect(error).toMatchObject({ problem: 'unreachable' });
    expect(error.message).toBe(
      `cannot reach token endpoint ${fake.tokenEndpoint()} (${reason}): check the URL and your network or proxy`,
    );
  });
});

describe('a reply that is not a token response is described', () => {
  test.each([
    ['a redirect', 302, { location: 'https://elsewhere.test/' }, '', 'a redirect to https://elsewhere.test/'],
    ['a redirect to nowhere', 307, {}, '', 'a redirect to nowhere'],
    ['a 300, the first redirect status', 300, { location: '/x' }, '', 'a redirect to /x'],
    ['a 399, the last', 399, {}, '', 'a redirect to nowhere'],
    [
      'a 400 that is not an OAuth error',
      400,
      { 'content-type': 'text/plain' },
      'no',
      'a text/plain body ("no")',
    ],
    ['JSON null', 200, { 'content-type': 'application/json' }, 'null', 'a application/json body ("null")'],
    ['a JSON list', 200, { 'content-type': 'application/json' }, '[1]', 'a application/json body ("[1]")'],
    ['a JSON string', 200, { 'content-type': 'application/json' }, '"x"', 'a application/json body (""x"")'],
    ['a JSON number', 200, { 'content-type': 'application/json' }, '5', 'a application/json body ("5")'],
    [
      'JSON without access_token',
      200,
      { 'content-type': 'application/json' },
      '{"token":"x"}',
      'JSON without access_token',
    ],
    ['an empty body', 200, {}, '  ', 'an empty body'],
    ['text without content type', 200, {}, 'hello', 'a body without a content type ("hello")'],
    [
      'text with a content type',
      200,
      { 'content-type': 'text/plain; charset=utf-8' },
      'hi',
      'a text/plain body ("hi")',
    ],
  ])('%s', async (_what, status, headers, body, description) => {
    const server = await startLocalServer((_request, response) => {
      response.writeHead(status, headers as Record<string, string>).end(body);
    });
    try {
      const endpoint = `${server.url}/oauth2/token`;
      const error = await failure(client({ tokenEndpoint: endpoint }).getToken());
      expect(error).toMatchObject({ problem: 'unexpected-reply', status });
      expect(error.message).toBe(
        `token endpoint ${endpoint} replied HTTP ${status} with ${description}, not a token response: check the URL is the user pool's https://<domain>.auth.<region>.amazoncognito.com/oauth2/token`,
      );
    } finally {
      await server.close();
    }
  });
});

describe('inputs', () => {
  test('an http endpoint other than localhost is refused, so the secret never travels in clear text', () => {
    expect(() => client({ tokenEndpoint: 'http://example.com/oauth2/token' })).toThrow(InputError);
    expect(() => client({ tokenEndpoint: 'http://127.evil.test/oauth2/token' })).toThrow(
      /does not use https and 127.evil.test is not this machine/,
    );
  });

  test('the refusal of an http endpoint says what it would risk, and what is expected', () => {
    expect(() => client({ tokenEndpoint: 'http://example.com/oauth2/token' })).toThrow(
      'token endpoint http://example.com/oauth2/token does not use https and example.com is not this machine (127.0.0.0/8, ::1 or localhost), so the client secret would travel in clear text: expected https://<domain>.auth.<region>.amazoncognito.com/oauth2/token',
    );
  });

  test('a missing client ID or secret, or an endpoint that is no URL, is an InputError', () => {
    expect(() => client({ clientId: '' })).toThrow(/client ID is empty/);
    expect(() => client({ clientSecret: '' })).toThrow(/client secret is empty/);
    expect(() => client({ tokenEndpoint: 'not a url' })).toThrow(/is not a URL: expected https:\/\//);
  });
});

describe('the cache', () => {
  test('reuses a token, and keeps one per set of scopes whatever their order', async () => {
    const tokens = client();
    const first = await tokens.getToken([READ, WRITE]);
    const again = await tokens.getToken([`${WRITE} ${READ}`]);
    const readOnly = await tokens.getToken([READ]);

    expect(again).toBe(first);
    expect(readOnly).not.toBe(first);
    expect(fake.tokenRequests).toHaveLength(2);
  });

  test('concurrent callers share one request', async () => {
    const tokens = client();
    const results = await Promise.all(Array.from({ length: 5 }, () => tokens.getToken()));

    expect(new Set(results).size).toBe(1);
    expect(fake.tokenRequests).toHaveLength(1);
  });

  test('requests a new token 60 s before a one-hour token expires', async () => {
    let now = 1_000_000;
    const tokens = client({ now: () => now });
    const first = await tokens.getAccessToken();
    expect(first.expiresAt).toBe(1_000_000 + 3600 * 1000);

    now += (3600 - 61) * 1000;
    expect(await tokens.getToken()).toBe(first.accessToken);
    now += 2000;
    await tokens.getToken();
    expect(fake.tokenRequests).toHaveLength(2);
  });

  test('a 100-second token is used for 90 s, and a new one requested from the 90th second on', async () => {
    const shortLived = await FakeCognito.start({
      key: createSigningKey(),
      clients: { 'client-a': { secret: SECRET, scopes: [READ] } },
      expiresIn: 100,
    });
    try {
      let now = 5_000_000;
      const tokens = client({ tokenEndpoint: shortLived.tokenEndpoint(), now: () => now });
      const first = await tokens.getToken();

      now += 90_000 - 1;
      expect(await tokens.getToken()).toBe(first);
      expect(shortLived.tokenRequests).toHaveLength(1);
      now += 1;
      await tokens.getToken();
      expect(shortLived.tokenRequests).toHaveLength(2);
    } finally {
      await shortLived.close();
    }
  });

  test('the margin is 10% of a short lifetime, and at most 60 s', () => {
    expect(refreshMarginMs(100_000)).toBe(10_000);
    expect(refreshMarginMs(3_600_000)).toBe(60_000);
  });

  test('does not keep failures: the next call asks again', async () => {
    const tokens = client({}, 'server-error');
    await failure(tokens.getToken());
    await failure(tokens.getToken());

    expect(fake.tokenRequests).toHaveLength(2);
  });
});

describe('text from the server reaches messages bounded and sanitized', () => {
  const LONG = 'x'.repeat(100_000);
  // Header values are latin1: HTTP lets C1 controls (8-bit CSI, OSC, ST) through where ESC cannot go.
  const C1 = '\u009b2J\u009d0;title\u009c\u0085\u0090q\u009c';
  test.each([
    [
      'an OAuth error',
      400,
      { 'content-type': 'application/json' },
      { error: `invalid_client${ALL_HOSTILE}`, error_description: `${ALL_HOSTILE}${LONG}` },
    ],
    [
      'an OAuth error with the secret at the cut',
      400,
      { 'content-type': 'application/json' },
      { error: 'invalid_request', error_description: `${'y'.repeat(177)}${SECRET}` },
    ],
    [
      'a 5xx with an error code',
      503,
      { 'content-type': 'application/json' },
      { error: `${ALL_HOSTILE}${LONG}` },
    ],
    ['a body that is not JSON', 200, { 'content-type': `text/html${C1}` }, `${ALL_HOSTILE}${LONG}`],
    ['a redirect', 302, { location: `https://evil.test/${C1}${'x'.repeat(7000)}` }, ''],
  ] as const)('%s', async (_name, status, headers, body) => {
    const server = await startLocalServer((request, response) => {
      request.resume();
      response.writeHead(status, headers);
      response.end(typeof body === 'string' ? body : JSON.stringify(body));
    });
    try {
      const error = await failure(client({ tokenEndpoint: `${server.url}/oauth2/token` }).getToken());
      expect(error.message).not.toMatch(TERMINAL_ACTIVE);
      expect(error.message.length).toBeLessThan(1000);
      expect(error.message).not.toContain(SECRET.slice(0, 6));
      if (error instanceof TokenRequestError) expect(error.error).not.toMatch(TERMINAL_ACTIVE);
    } finally {
      await server.close();
    }
  });
});

describe('a 200 reply is checked before its token is used, cached or printed', () => {
  const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';
  /** A token endpoint that answers 200 with this body, as raw JSON text. */
  async function replying(body: string) {
    const server = await startLocalServer((request, response) => {
      request.resume();
      response.writeHead(200, { 'content-type': 'application/json' }).end(body);
    });
    try {
      return await client({ tokenEndpoint: `${server.url}/oauth2/token` }).getAccessToken();
    } finally {
      await server.close();
    }
  }
  const reply = (fields: Record<string, string>) =>
    `{"access_token":${fields.access_token ?? JSON.stringify(JWT)},"token_type":${fields.token_type ?? '"Bearer"'}${fields.expires_in === undefined ? '' : `,"expires_in":${fields.expires_in}`}}`;

  test.each([
    ['-1'],
    ['0'],
    ['-0.5'],
    ['"3600"'],
    ['"abc"'],
    ['null'],
    ['true'],
    ['[3600]'],
    ['{"s":3600}'],
    ['1e400'], // JSON.parse makes this Infinity
    ['31536001'],
  ])('expires_in %s is a bad reply (TokenEndpointError), not a token', async (expiresIn) => {
    const error = await failure(replying(reply({ expires_in: expiresIn })));

    expect(error).toBeInstanceOf(TokenEndpointError);
    expect(error).toMatchObject({ problem: 'unexpected-reply', status: 200 });
    expect(error.message).toMatch(
      /replied with expires_in .*, not a number of seconds above 0 and at most 31536000: check the URL/,
    );
  });

  test.each([
    ['1', 1000],
    ['0.5', 500],
    ['3600', 3_600_000],
    ['31536000', 31_536_000_000],
  ])('expires_in %s is accepted', async (expiresIn, lifetimeMs) => {
    const before = Date.now();
    const token = await replying(reply({ expires_in: expiresIn }));
    expect(token.expiresAt - before).toBeGreaterThanOrEqual(lifetimeMs - 1000);
    expect(token.expiresAt - before).toBeLessThanOrEqual(lifetimeMs + 1000);
  });

  test.each([
    ['1e400', 'expires_in Infinity,'],
    ['"3600"', 'expires_in "3600",'],
    ['{"s":1}', 'expires_in {"s":1},'],
  ])('expires_in %s is quoted as it was sent', async (expiresIn, shown) => {
    const error = await failure(replying(reply({ expires_in: expiresIn })));
    expect(error.message).toContain(`replied with ${shown} not a number of seconds`);
  });

  test('no token_type is taken as Bearer, the only type Cognito issues', async () => {
    const token = await replying(`{"access_token":${JSON.stringify(JWT)},"expires_in":3600}`);
    expect(token.tokenType).toBe('Bearer');
  });

  test('no expires_in at all is accepted (RFC 6749 only recommends it), and the token is not cached', async () => {
    const token = await replying(reply({}));
    expect(token.accessToken).toBe(JWT);
    expect(token.expiresAt).toBeLessThanOrEqual(Date.now());
  });

  test.each([
    ['a space', '"abc def"'],
    ['CR LF and a header', '"abc\\r\\nX-Injected: 1"'],
    ['a quote', '"abc\\"def"'],
    ['non-ASCII', '"t\u00f6ken"'],
    ['an escape sequence', '"abc\\u001b[2J"'],
    ['"=" inside', '"abc=def"'],
    ['a comma', '"abc,def"'],
  ])('an access_token with %s is a bad reply that does not repeat the token', async (_what, accessToken) => {
    const error = await failure(replying(reply({ access_token: accessToken, expires_in: '3600' })));

    expect(error).toMatchObject({ problem: 'unexpected-reply' });
    expect(error.message).toMatch(/replied with an access_token that is not a bearer token \(RFC 6750/);
    expect(error.message).not.toContain('abc');
  });

  test.each([
    ['"Bearer\\r\\nX-Injected: 1"'],
    ['"Bearer token"'],
    ['""'],
    ['42'],
    [JSON.stringify('x'.repeat(65))],
  ])('token_type %s is a bad reply', async (tokenType) => {
    const error = await failure(replying(reply({ token_type: tokenType, expires_in: '3600' })));

    expect(error).toMatchObject({ problem: 'unexpected-reply' });
    expect(error.message).toMatch(/replied with token_type .*, not one word of at most 64/);
  });

  test.each([['"bearer"'], ['"DPoP"'], ['"N_A"']])('token_type %s is accepted', async (tokenType) => {
    const token = await replying(reply({ token_type: tokenType, expires_in: '3600' }));
    expect(token.tokenType).toBe(JSON.parse(tokenType));
  });

  test('a JWT with base64 padding and the other b64token characters is accepted', async () => {
    const token = await replying(reply({ access_token: '"a-b.c_d~e+f/g=="', expires_in: '60' }));
    expect(token.accessToken).toBe('a-b.c_d~e+f/g==');
  });
});

test('an endless reply is read to 1 MiB and no further: a bad reply, the connection closed', async () => {
  const { handler, sent } = endlessReply();
  const server = await startLocalServer(handler);
  try {
    const error = await failure(client({ tokenEndpoint: `${server.url}/oauth2/token` }).getToken());

    expect(error).toBeInstanceOf(TokenEndpointError);
    expect(error).toMatchObject({ problem: 'unexpected-reply' });
    expect(error.message).toMatch(
      /replied with more than 1 MiB \(1048576 bytes\), and reading stopped there: check the URL/,
    );
    expect(await sent).toBeLessThan(BOUNDED_READ_EVIDENCE_BYTES);
  } finally {
    await server.close();
  }
});

describe('reloadClientSecret: a rotated secret is picked up without a restart', () => {
  const OLD = 'old-secret-0123456789abcdef';
  let rotating: FakeCognito;
  beforeEach(async () => {
    rotating = await FakeCognito.start({
      key: createSigningKey(),
      clients: { 'client-r': { secret: OLD, scopes: [READ] } },
    });
  });
  afterEach(() => rotating.close());

  /** The rotation of m2m rotate-secret: a second secret, then the first one deleted. */
  function rotate(): string {
    const fresh = rotating.addClientSecret('client-r');
    const [first] = rotating.listClientSecrets('client-r');
    rotating.deleteClientSecret('client-r', first.id);
    return fresh.value;
  }

  function rotatingClient(reloadClientSecret: () => Promise<string>, scenario?: Scenario) {
    return new ClientCredentialsTokenClient({
      tokenEndpoint: rotating.tokenEndpoint(scenario),
      clientId: 'client-r',
      clientSecret: OLD,
      reloadClientSecret,
    });
  }

  test('on invalid_client it reads the secret again, retries once with it, and keeps it', async () => {
    const fresh = rotate();
    const reload = jest.fn(async () => fresh);
    const tokens = rotatingClient(reload);

    await tokens.getToken();
    expect(reload).toHaveBeenCalledTimes(1);
    expect(rotating.tokenRequests.map((r) => r.clientSecret)).toEqual([OLD, fresh]);

    tokens.clearCache();
    await tokens.getToken();
    expect(reload).toHaveBeenCalledTimes(1);
    expect(rotating.tokenRequests.map((r) => r.clientSecret)).toEqual([OLD, fresh, fresh]);
  });

  test('a second rotation, later, is picked up too: each refusal reads the secret anew', async () => {
    let stored = OLD;
    const tokens = rotatingClient(async () => stored);
    const first = (stored = rotate());
    await tokens.getToken();
    tokens.clearCache();
    const second = (stored = rotate());
    await tokens.getToken();

    expect(rotating.tokenRequests.map((r) => r.clientSecret)).toEqual([OLD, first, first, second]);
  });

  test('the same secret again is no reason to retry: the refusal stands', async () => {
    rotate();
    const reload = jest.fn(async () => OLD);
    const error = await failure(rotatingClient(reload).getToken());

    expect(error).toMatchObject({ error: 'invalid_client' });
    expect(reload).toHaveBeenCalledTimes(1);
    expect(rotating.tokenRequests).toHaveLength(1);
  });

  test('a retry refused again is not retried: two requests, one reload, no loop', async () => {
    rotate();
    const reload = jest.fn(async () => 'another-wrong-secret-0123456789');
    const error = await failure(rotatingClient(reload).getToken());

    expect(error).toMatchObject({ error: 'invalid_client' });
    expect(error.message).not.toContain('another-wrong-secret-0123456789');
    expect(reload).toHaveBeenCalledTimes(1);
    expect(rotating.tokenRequests.map((r) => r.clientSecret)).toEqual([
      OLD,
      'another-wrong-secret-0123456789',
    ]);
  });

  test.each<[string, Scenario | undefined, Partial<ClientCredentialsTokenClientOptions>]>([
    ['invalid_scope', undefined, { scopes: ['m2m-client/admin'] }],
    ['HTTP 5xx', 'server-error', {}],
    ['unsupported_grant_type', 'unsupported-grant-type', {}],
  ])('%s is not a reason to read the secret again', async (_name, scenario, overrides) => {
    const reload = jest.fn(async () => 'never-used-secret-0123456789');
    const tokens = new ClientCredentialsTokenClient({
      tokenEndpoint: rotating.tokenEndpoint(scenario),
      clientId: 'client-r',
      clientSecret: OLD,
      reloadClientSecret: reload,
      ...overrides,
    });
    await failure(tokens.getToken());

    expect(reload).not.toHaveBeenCalled();
    expect(rotating.tokenRequests).toHaveLength(1);
  });

  test('a reload that fails is reported with the refusal, its message masked and bounded', async () => {
    rotate();
    const reload = jest.fn(async () => {
      throw new Error(`secret store down, had ${OLD}\u001b[2J${'x'.repeat(5000)}`);
    });
    const error = await failure(rotatingClient(reload).getToken());

    expect(error).toBeInstanceOf(TokenRequestError);
    expect(error.message).toMatch(
      /^token endpoint rejected the credentials of client client-r \(invalid_client\).* \(reading the secret again failed: secret store down, had \*\*\*x+\.\.\.\)$/,
    );
    expect(error.message).not.toMatch(TERMINAL_ACTIVE);
    expect(error.message).not.toContain(OLD);
    expect(rotating.tokenRequests).toHaveLength(1);
  });

  test('a reload that gives no secret is reported, and nothing is retried', async () => {
    rotate();
    const error = await failure(rotatingClient(async () => '').getToken());

    expect(error.message).toMatch(/\(reading the secret again gave no secret\)$/);
    expect(rotating.tokenRequests).toHaveLength(1);
  });

  test('concurrent requests refused together share one reload', async () => {
    const fresh = rotate();
    let calls = 0;
    const reload = async () => {
      calls += 1;
      await new Promise((resolve) => setTimeout(resolve, 20));
      return fresh;
    };
    const tokens = rotatingClient(reload);
    await Promise.all([tokens.getToken([READ]), tokens.getToken(), tokens.getToken([`${READ} `])]);

    expect(calls).toBe(1);
    expect(rotating.tokenRequests.filter((r) => r.clientSecret === fresh).length).toBeGreaterThan(0);
  });

  test('a request refused after another has reloaded the secret takes the new one, without reading again', async () => {
    const fresh = 'fresh-secret-0123456789abcdef';
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';
    let releaseLate: () => void = () => undefined;
    const late = new Promise<void>((resolve) => (releaseLate = resolve));
    const server = await startLocalServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', async () => {
        const basic = Buffer.from(String(request.headers.authorization).slice(6), 'base64').toString();
        const secret = decodeURIComponent(basic.slice(basic.indexOf(':') + 1));
        // The request for the "late" scope is refused only once the other one has its token.
        if (new URLSearchParams(body).get('scope') === 'late') await late;
        if (secret === fresh) {
          response.writeHead(200, { 'content-type': 'application/json' });
          response.end(JSON.stringify({ access_token: jwt, token_type: 'Bearer', expires_in: 3600 }));
        } else {
          response.writeHead(400, { 'content-type': 'application/json' });
          response.end(JSON.stringify({ error: 'invalid_client' }));
        }
      });
    });
    try {
      const reload = jest.fn(async () => fresh);
      const tokens = new ClientCredentialsTokenClient({
        tokenEndpoint: `${server.url}/oauth2/token`,
        clientId: 'client-r',
        clientSecret: OLD,
        reloadClientSecret: reload,
      });
      const lateToken = tokens.getToken(['late']);
      expect(await tokens.getToken(['early'])).toBe(jwt);
      releaseLate();

      expect(await lateToken).toBe(jwt);
      expect(reload).toHaveBeenCalledTimes(1);
    } finally {
      await server.close();
    }
  });

  test('without reloadClientSecret, invalid_client is the refusal as it came: one request, nothing read', async () => {
    const error = await failure(client({ clientSecret: 'wrong' }).getToken());

    expect(error.message).toMatch(/\(invalid_client\): check the client ID and secret[^(]*$/);
    expect(fake.tokenRequests).toHaveLength(1);
  });

  test('both the old and the reloaded secret are masked when a server echoes them', async () => {
    const fresh = rotate();
    const error = await failure(rotatingClient(async () => fresh, 'echo-secret').getToken());

    expect(rotating.tokenRequests.map((r) => r.clientSecret)).toEqual([OLD, fresh]);
    expect(error.message).toContain('bad secret *** in Basic ***');
    expect(error.message).not.toContain(fresh);
    expect(error.message).not.toContain(Buffer.from(`client-r:${fresh}`).toString('base64').slice(4, 40));
  });
});
