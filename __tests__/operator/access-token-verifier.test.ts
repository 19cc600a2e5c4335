import { CognitoJwtVerifier } from 'aws-jwt-verify';
import {
  AccessTokenRejectedError,
  AccessTokenVerifier,
  ClientCredentialsTokenClient,
  InputError,
  SigningKeysUnavailableError,
} from '../../operator';
import {
  createSigningKey,
  FakeCognito,
  ISSUER,
  jwksOf,
  mintAccessToken,
  POOL_ID,
  type SigningKey,
  READ,
  WRITE,
} from '../helpers/fakes/cognito';
import {
  BOUNDED_READ_EVIDENCE_BYTES,
  closedPort,
  endlessReply,
  startLocalServer,
} from '../helpers/fakes/local-server';
import { TEST_TIMEOUT_MS } from '../helpers/run-cli';

jest.setTimeout(TEST_TIMEOUT_MS);

let key: SigningKey;
let offline: AccessTokenVerifier;

beforeAll(() => {
  key = createSigningKey();
});
// In each test, not once in beforeAll: mutation testing credits a mutant only to the tests it ran in.
beforeEach(() => {
  offline = new AccessTokenVerifier({
    userPoolId: POOL_ID,
    clientIds: ['client-a', 'client-b'],
    jwks: jwksOf(key),
  });
});

/** An offline verifier of client-a's tokens that requires these scopes. */
function requiring(scopes: readonly string[]): AccessTokenVerifier {
  return new AccessTokenVerifier({
    userPoolId: POOL_ID,
    clientIds: ['client-a'],
    requiredScopes: scopes,
    jwks: jwksOf(key),
  });
}

async function rejection(promise: Promise<unknown>): Promise<AccessTokenRejectedError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AccessTokenRejectedError);
  expect((error as Error).message).not.toMatch(/\n/);
  return error as AccessTokenRejectedError;
}

describe('with the JWKS given (offline)', () => {
  test('a valid token yields its claims', async () => {
    const claims = await offline.verify(mintAccessToken(key, 'client-b', [READ, WRITE]));

    expect(claims).toMatchObject({
      iss: ISSUER,
      client_id: 'client-b',
      token_use: 'access',
      scope: `${READ} ${WRITE}`,
    });
  });

  test.each([
    [
      'expired',
      { exp: 1_700_000_000, iat: 1_699_996_400 },
      /expired at 2023-11-14T22:13:20.000Z: get a new token/,
    ],
    [
      'wrong-issuer',
      { iss: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_OtherPool' },
      `issued by https://cognito-idp.us-east-1.amazonaws.com/us-east-1_OtherPool, not by user pool ${POOL_ID}`,
    ],
    [
      'wrong-client',
      { client_id: 'client-z' },
      /belongs to client client-z, which is not accepted \(accepted: client-a, client-b\)/,
    ],
    ['wrong-token-use', { token_use: 'id' }, /token is an ID token, not an access token/],
  ] as const)('%s', async (problem, claims, message) => {
    const error = await rejection(offline.verify(mintAccessToken(key, 'client-a', [READ], claims)));

    expect(error.problem).toBe(problem);
    expect(error.message).toMatch(message);
  });

  test('missing-scope: every required scope must be there, from the verifier and from the call', async () => {
    const verifier = requiring([READ]);
    const readOnly = mintAccessToken(key, 'client-a', [READ]);
    await expect(verifier.verify(readOnly)).resolves.toMatchObject({ scope: READ });

    const error = await rejection(verifier.verify(readOnly, { requiredScopes: [WRITE] }));
    expect(error.problem).toBe('missing-scope');
    expect(error.missingScopes).toEqual([WRITE]);
    expect(error.message).toContain(`lacks scope ${WRITE} (it has ${READ})`);
  });

  // Each security check against a value one step from the accepted one: a check that compared by
  // prefix, substring or case would let these through.
  test.each([
    ['a longer scope with the required one as prefix', `${READ}only`],
    ['the required scope without its last letter', READ.slice(0, -1)],
    ['the scope under another resource server', `other/${READ}`],
    ['the scope in capitals', READ.toUpperCase()],
    ['the required scope and another joined without a space', `${READ},${WRITE}`],
  ])('near miss of a scope is missing-scope: %s', async (_name, granted) => {
    const verifier = requiring([READ]);
    const error = await rejection(verifier.verify(mintAccessToken(key, 'client-a', [granted])));
    expect(error.problem).toBe('missing-scope');
    expect(error.missingScopes).toEqual([READ]);
  });

  test('the scope claim is split on single spaces, and the empty words of a double space grant nothing', async () => {
    const doubleSpaced = mintAccessToken(key, 'client-a', [READ, '', WRITE]);
    await expect(requiring([READ, WRITE]).verify(doubleSpaced)).resolves.toMatchObject({
      scope: `${READ}  ${WRITE}`,
    });

    const error = await rejection(requiring(['']).verify(doubleSpaced));
    expect(error.problem).toBe('missing-scope');
    expect(error.missingScopes).toEqual(['']);
  });

  test('missing-scope names each missing scope, what the token has, and what to do', async () => {
    const verifier = requiring([READ, WRITE]);
    const none = await rejection(verifier.verify(mintAccessToken(key, 'client-a', ['other/x'])));
    expect(none.message).toBe(
      `access token lacks scope ${READ} ${WRITE} (it has other/x): request a token with these scopes from a client allowed them`,
    );
    const one = await rejection(verifier.verify(mintAccessToken(key, 'client-a', [READ])));
    expect(one.message).toBe(
      `access token lacks scope ${WRITE} (it has ${READ}): request a token with this scope from a client allowed them`,
    );
  });

  test('the required scope among others, separated by spaces, is accepted', async () => {
    const verifier = requiring([READ]);
    const token = mintAccessToken(key, 'client-a', [`${READ}only`, READ, WRITE]);
    await expect(verifier.verify(token)).resolves.toMatchObject({ client_id: 'client-a' });
  });

  test.each([
    ['client_id', { client_id: 'client-a2' }, 'wrong-client'],
    ['client_id', { client_id: 'client-' }, 'wrong-client'],
    ['client_id', { client_id: 'CLIENT-A' }, 'wrong-client'],
    ['iss', { iss: `${ISSUER}2` }, 'wrong-issuer'],
    ['iss', { iss: `${ISSUER}/` }, 'wrong-issuer'],
    ['iss', { iss: ISSUER.replace('https://', 'http://') }, 'wrong-issuer'],
    ['token_use', { token_use: 'Access' }, 'wrong-token-use'],
    ['token_use', { token_use: 'access ' }, 'wrong-token-use'],
  ] as const)('near miss of %s %j is %s', async (_claim, claims, problem) => {
    const error = await rejection(offline.verify(mintAccessToken(key, 'client-a', [READ], claims)));
    expect(error.problem).toBe(problem);
  });

  test.each([
    [
      { token_use: 'Access' },
      'token is a token with token_use "Access", not an access token: pass the access_token',
    ],
    [
      { token_use: undefined },
      'token is a token without token_use, not an access token: pass the access_token',
    ],
    [{ token_use: 42 }, 'token is a token with token_use 42, not an access token: pass the access_token'],
  ])('wrong-token-use names what token_use is: %j', async (claims, message) => {
    const error = await rejection(offline.verify(mintAccessToken(key, 'client-a', [READ], claims)));
    expect(error.message).toBe(message);
  });

  test.each([
    ['no scope claim', { scope: undefined }, 'missing-scope', `lacks scope ${READ} (it has no scope)`],
    [
      'other scopes, spaced out',
      { scope: ` ${WRITE}  other/x ` },
      'missing-scope',
      `(it has ${WRITE} other/x)`,
    ],
    ['no iss claim', { iss: undefined }, 'wrong-issuer', 'issued by nobody (no iss claim), not by user pool'],
    [
      'no client_id claim',
      { client_id: undefined },
      'wrong-client',
      'belongs to client none, which is not accepted',
    ],
    [
      'nbf an hour ahead',
      { nbf: Math.floor(Date.now() / 1000) + 3600 },
      'not-yet-valid',
      /^access token is not valid yet \(.+\): check the clocks$/,
    ],
  ] as const)('%s', async (_name, claims, problem, message) => {
    const verifier = requiring([READ]);
    const error = await rejection(verifier.verify(mintAccessToken(key, 'client-a', [READ], claims)));
    expect(error.problem).toBe(problem);
    if (typeof message === 'string') expect(error.message).toContain(message);
    else expect(error.message).toMatch(message);
  });

  test('a failure aws-jwt-verify reports that has no problem of its own is "invalid", quoting it', async () => {
    // The pool's key marked for encryption, not signatures.
    const jwks = { keys: jwksOf(key).keys.map((jwk) => ({ ...jwk, use: 'enc' })) };
    const verifier = new AccessTokenVerifier({ userPoolId: POOL_ID, clientIds: ['client-a'], jwks });
    const error = await rejection(verifier.verify(mintAccessToken(key, 'client-a', [READ])));
    expect(error.problem).toBe('invalid');
    expect(error.message).toMatch(/^access token is invalid \(.+\)$/);
  });

  test('bad-signature: signed by another key under the same kid', async () => {
    const impostor = createSigningKey(key.kid);
    const error = await rejection(offline.verify(mintAccessToken(impostor, 'client-a', [READ])));

    expect(error.problem).toBe('bad-signature');
    expect(error.message).toMatch(`signature does not verify with key test-key-1 of user pool ${POOL_ID}`);
  });

  test('unknown-key: a kid not in the JWKS is reported without fetching anything', async () => {
    const error = await rejection(
      offline.verify(mintAccessToken(createSigningKey('other-kid'), 'client-a', [READ])),
    );

    expect(error.problem).toBe('unknown-key');
    expect(error.message).toMatch(
      /signed with key other-kid, which is not in the user pool's keys \(the given JWKS\)/,
    );
  });

  test('no-expiry: a correctly signed token without exp is rejected (aws-jwt-verify would accept it)', async () => {
    const error = await rejection(
      offline.verify(mintAccessToken(key, 'client-a', [READ], { exp: undefined })),
    );

    expect(error.problem).toBe('no-expiry');
    expect(error.message).toMatch(/^access token has no exp claim, so it would never expire/);
  });

  test.each([
    ['exp null', { exp: null }, 'malformed'],
    ['exp a string of digits', { exp: '9999999999' }, 'malformed'],
    ['exp 0', { exp: 0 }, 'expired'],
    ['exp a second ago', { exp: Math.floor(Date.now() / 1000) - 1 }, 'expired'],
  ] as const)('near misses of exp are rejected too: %s', async (_name, claims, problem) => {
    const error = await rejection(offline.verify(mintAccessToken(key, 'client-a', [READ], claims)));
    expect(error.problem).toBe(problem);
  });

  test('an iss that is no string is malformed, whatever else the token says', async () => {
    const error = await rejection(offline.verify(mintAccessToken(key, 'client-a', [READ], { iss: 42 })));
    expect(error.problem).toBe('malformed');
  });

  test('exp a minute ahead, and no other optional claim, is accepted', async () => {
    const exp = Math.floor(Date.now() / 1000) + 60;
    const claims = { exp, iat: undefined, auth_time: undefined, jti: undefined, version: undefined };
    await expect(offline.verify(mintAccessToken(key, 'client-a', [READ], claims))).resolves.toMatchObject({
      exp,
    });
  });

  test('a token of exactly 64 KiB is still verified', async () => {
    // Base64url skips some lengths; one of three claim names of different lengths lands on 65536.
    const base = mintAccessToken(key, 'client-a', [READ], { p: '' }).length;
    const near = Math.floor(((64 * 1024 - base) * 3) / 4);
    const candidates = ['p', 'pa', 'pad'].flatMap((name) =>
      [-2, -1, 0, 1, 2].map((delta) =>
        mintAccessToken(key, 'client-a', [READ], { [name]: 'x'.repeat(near + delta) }),
      ),
    );
    const exact = candidates.find((token) => token.length === 64 * 1024);

    expect(exact?.length).toBe(64 * 1024);
    await expect(offline.verify(exact!)).resolves.toMatchObject({ client_id: 'client-a' });
  });

  test('malformed: a token longer than 64 KiB is refused before it is parsed', async () => {
    const huge = mintAccessToken(key, 'client-a', [READ], { padding: 'x'.repeat(64 * 1024) });
    const error = await rejection(offline.verify(huge));
    expect(error.problem).toBe('malformed');
    expect(error.message).toMatch(/^not a valid JWT \(longer than 65536 characters\)/);
  });

  test.each([
    ['not-a-jwt', 'JWT string does not consist of exactly 3 parts (header, payload, signature)'],
    ['a.b.c', 'Invalid JWT. Header is not a valid JSON object'],
    ['', 'Empty JWT'],
  ])('malformed: %p, with the first part of the reason', async (token, reason) => {
    const error = await rejection(offline.verify(token));

    expect(error.problem).toBe('malformed');
    expect(error.message).toBe(
      `not a valid JWT (${reason}): pass the access_token value from the token endpoint`,
    );
  });

  test.each([42, null, ['k'], { kid: 'k' }])('malformed: a kid that is no string (%p)', async (kid) => {
    const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const payload = JSON.parse(
      Buffer.from(mintAccessToken(key, 'client-a', [READ]).split('.')[1], 'base64url').toString(),
    );
    const error = await rejection(offline.verify(`${part({ alg: 'RS256', kid })}.${part(payload)}.c2ln`));

    expect(error.problem).toBe('malformed');
    expect(error.message).toMatch(/^not a valid JWT \(/);
  });

  test('an error that is not about the token (a bug, say) is passed on as it is', async () => {
    const bug = new TypeError('something broke');
    const spy = jest.spyOn(CognitoJwtVerifier.prototype, 'verifySync').mockImplementationOnce(() => {
      throw bug;
    });
    try {
      await expect(offline.verify(mintAccessToken(key, 'client-a', [READ]))).rejects.toBe(bug);
    } finally {
      spy.mockRestore();
    }
  });
});

describe('configuration', () => {
  test('a user pool ID without a region is an InputError naming the expected form', () => {
    expect(() => new AccessTokenVerifier({ userPoolId: 'TestPool1', clientIds: ['a'] })).toThrow(InputError);
    expect(() => new AccessTokenVerifier({ userPoolId: 'TestPool1', clientIds: ['a'] })).toThrow(
      /expected <region>_<id>, e.g. us-east-1_AbCdEf123/,
    );
  });

  test('no client ID, or a JWKS without keys, is an InputError', () => {
    expect(() => new AccessTokenVerifier({ userPoolId: POOL_ID, clientIds: [] })).toThrow(/no client ID/);
    expect(() => new AccessTokenVerifier({ userPoolId: POOL_ID, clientIds: [''] })).toThrow(/no client ID/);
    expect(() => new AccessTokenVerifier({ userPoolId: POOL_ID, clientIds: ['a'], jwks: { k: [] } })).toThrow(
      /JWKS is invalid/,
    );
  });

  test('a JWKS URL with plain http to anything but this machine is an InputError', () => {
    const options = { userPoolId: POOL_ID, clientIds: ['a'] };
    expect(() => new AccessTokenVerifier({ ...options, jwksUri: 'http://127.evil.test/jwks.json' })).toThrow(
      new Error(
        'JWKS URL http://127.evil.test/jwks.json does not use https and 127.evil.test is not this machine (127.0.0.0/8, ::1 or localhost), so whoever sits in between could swap the signing keys and forge tokens: expected https://cognito-idp.<region>.amazonaws.com/<user pool id>/.well-known/jwks.json',
      ),
    );
    expect(new AccessTokenVerifier({ ...options, jwksUri: 'http://[::1]:1/jwks.json' }).keySource).toBe(
      'http://[::1]:1/jwks.json',
    );
  });
});

describe('with the JWKS fetched over HTTP', () => {
  let fake: FakeCognito;
  beforeAll(async () => {
    fake = await FakeCognito.start({
      key,
      clients: { 'client-a': { secret: 'secret-a', scopes: [READ, WRITE] } },
    });
  });
  afterAll(() => fake.close());

  test('fetches the keys once, and verifies a token from the token endpoint end to end', async () => {
    const verifier = new AccessTokenVerifier({
      userPoolId: POOL_ID,
      clientIds: ['client-a'],
      jwksUri: fake.jwksUri,
    });
    const tokens = new ClientCredentialsTokenClient({
      tokenEndpoint: fake.tokenEndpoint(),
      clientId: 'client-a',
      clientSecret: 'secret-a',
      scopes: [WRITE],
    });

    const claims = await verifier.verify(await tokens.getToken(), { requiredScopes: [WRITE] });
    await verifier.verify(mintAccessToken(key, 'client-a', [READ]));

    expect(claims).toMatchObject({ client_id: 'client-a', scope: WRITE, iss: ISSUER });
    expect(fake.jwksRequests).toBe(1);
  });

  /**
   * Verifies a token with the keys served by `handler`: the error must be SigningKeysUnavailableError
   * (nothing was decided about the token). Returns its message and the JWKS URL.
   */
  async function keysUnavailable(
    handler: Parameters<typeof startLocalServer>[0],
    timeoutMs?: number,
  ): Promise<{ message: string; jwksUri: string }> {
    const server = await startLocalServer(handler);
    try {
      const jwksUri = `${server.url}/jwks.json`;
      const verifier = new AccessTokenVerifier({
        userPoolId: POOL_ID,
        clientIds: ['client-a'],
        jwksUri,
        timeoutMs,
      });
      const error = await verifier.verify(mintAccessToken(key, 'client-a', [READ])).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SigningKeysUnavailableError);
      return { message: (error as Error).message, jwksUri };
    } finally {
      await server.close();
    }
  }

  test('an endless JWKS is read to 1 MiB and no further: keys unavailable, the connection closed', async () => {
    const { handler, sent } = endlessReply();
    const { message } = await keysUnavailable(handler);
    expect(message).toMatch(
      /^signing keys from http:\/\/127.0.0.1:\d+\/jwks.json are larger than 1 MiB \(1048576 bytes\), and reading stopped there/,
    );
    expect(await sent).toBeLessThan(BOUNDED_READ_EVIDENCE_BYTES);
  });

  test('a redirect is not followed: it could lead to plain http', async () => {
    const target = await startLocalServer((_request, response) => response.end(JSON.stringify(jwksOf(key))));
    const redirecting = await startLocalServer((_request, response) => {
      response.writeHead(302, { location: `${target.url}/jwks.json` }).end();
    });
    try {
      const verifier = new AccessTokenVerifier({
        userPoolId: POOL_ID,
        clientIds: ['client-a'],
        jwksUri: `${redirecting.url}/jwks.json`,
      });
      await expect(verifier.verify(mintAccessToken(key, 'client-a', [READ]))).rejects.toThrow(
        /cannot fetch the user pool's signing keys from .* \(HTTP 302\)/,
      );
    } finally {
      await Promise.all([target.close(), redirecting.close()]);
    }
  });

  test.each([
    [
      'a JSON document that is not a JWKS',
      '{"keys":"none"}',
      /^signing keys from http:\/\/127.0.0.1:\d+\/jwks.json are not a JWKS \(.+\): check the JWKS URL$/,
    ],
    ['HTML', '<html>maintenance</html>', /^signing keys from .* are not a JWKS|^cannot fetch/],
  ])('keys that are %s are unavailable, not a verdict on the token', async (_what, body, pattern) => {
    const { message } = await keysUnavailable((_request, response) => response.end(body));
    expect(message).toMatch(pattern);
  });

  test.each([
    [204, ''],
    [404, 'not found'],
  ])('keys answered with HTTP %i are unavailable, naming the status', async (status, body) => {
    const { message, jwksUri } = await keysUnavailable((_request, response) =>
      response.writeHead(status).end(body),
    );
    expect(message).toBe(
      `cannot fetch the user pool's signing keys from ${jwksUri} (HTTP ${status}): check the user pool ID or JWKS URL`,
    );
  });

  test.each([undefined, null, 'offline'])(
    'a fetch (a replacement, say) that rejects with %p leaves the keys unavailable, quoting it',
    async (thrown) => {
      const fetchSpy = jest.spyOn(globalThis, 'fetch').mockRejectedValueOnce(thrown);
      try {
        const verifier = new AccessTokenVerifier({
          userPoolId: POOL_ID,
          clientIds: ['client-a'],
          jwksUri: 'http://127.0.0.1:9/jwks.json',
        });
        const error = await verifier
          .verify(mintAccessToken(key, 'client-a', [READ]))
          .catch((e: unknown) => e);

        expect(error).toBeInstanceOf(SigningKeysUnavailableError);
        expect((error as Error).message).toBe(
          `cannot fetch the user pool's signing keys from http://127.0.0.1:9/jwks.json (${String(thrown)}): check your network, or verify offline with a saved jwks.json`,
        );
        expect(fetchSpy).toHaveBeenCalledTimes(1);
      } finally {
        fetchSpy.mockRestore();
      }
    },
  );

  test('keys that never come: unavailable after the time limit, which the message states', async () => {
    const { message } = await keysUnavailable(() => undefined, 500);
    expect(message).toMatch(/signing keys from .* \(no reply within 0.5 s\)/);
  });

  test('unreachable keys are SigningKeysUnavailableError, not a rejection of the token', async () => {
    const jwksUri = `http://127.0.0.1:${await closedPort()}/.well-known/jwks.json`;
    const verifier = new AccessTokenVerifier({ userPoolId: POOL_ID, clientIds: ['client-a'], jwksUri });

    const error = await verifier.verify(mintAccessToken(key, 'client-a', [READ])).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SigningKeysUnavailableError);
    expect((error as Error).message).toMatch(
      /cannot fetch the user pool's signing keys from .* \(ECONNREFUSED\)/,
    );
  });
});
