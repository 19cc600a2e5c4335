/**
 * Verifies Cognito access tokens for a resource server: signature, expiry, issuer (the user pool),
 * client, token use and scopes, with aws-jwt-verify doing the cryptography and the claim checks.
 */
import { CognitoJwtVerifier } from 'aws-jwt-verify';
import {
  CognitoJwtInvalidClientIdError,
  CognitoJwtInvalidTokenUseError,
  JwksValidationError,
  JwtBaseError,
  JwtExpiredError,
  JwtInvalidIssuerError,
  JwtInvalidSignatureAlgorithmError,
  JwtInvalidSignatureError,
  JwtNotBeforeError,
  JwtParseError,
  JwtWithoutValidKidError,
  KidNotFoundInJwksError,
  ParameterValidationError,
} from 'aws-jwt-verify/error';
import type { Fetcher } from 'aws-jwt-verify/https';
import { assertIsJwks, type Jwks, type JwksCache, SimpleJwksCache } from 'aws-jwt-verify/jwk';
import { decomposeUnverifiedJwt } from 'aws-jwt-verify/jwt';
import type { CognitoAccessTokenPayload } from 'aws-jwt-verify/jwt-model';
import { describeBytes, readResponseWithLimit, TooLargeError } from './bounded-read';
import { AccessTokenRejectedError, InputError, SigningKeysUnavailableError } from './errors';
import { checkTimeoutMs, MAX_ACCESS_TOKEN_LENGTH, MAX_GRACE_SECONDS, MAX_READ_BYTES } from './limits';
import { parseSecureUrl } from './transport-security';
import { oneLine } from './untrusted-text';

/** The longest claim (issuer, client, key ID) an error message quotes. */
const MAX_CLAIM_LENGTH = 100;

/** The verified claims of a Cognito access token (client_id, scope, exp, iss, sub, ...). */
export type AccessTokenClaims = CognitoAccessTokenPayload;

export interface AccessTokenVerifierOptions {
  /** The user pool that issues the tokens, e.g. us-east-1_AbCdEf123; it fixes the expected issuer. */
  readonly userPoolId: string;
  /** App client IDs whose tokens are accepted: the token's client_id must be one of them. */
  readonly clientIds: readonly string[];
  /**
   * Scopes every token must carry, all of them, as "<resource server>/<scope>".
   * @default none
   */
  readonly requiredScopes?: readonly string[];
  /**
   * The pool's JSON Web Key Set, to verify offline: keys are then never fetched.
   * @default fetched from `jwksUri` on first use, and again when a token names an unknown key
   */
  readonly jwks?: unknown;
  /**
   * Where to fetch the JWKS from, e.g. a mirror or a proxy.
   * @default the pool's https://cognito-idp.<region>.amazonaws.com/<pool id>/.well-known/jwks.json
   */
  readonly jwksUri?: string;
  /**
   * How long one JWKS download may take, in milliseconds: 1 to 600000.
   * @default 5000
   */
  readonly timeoutMs?: number;
  /**
   * Seconds a token is still accepted after its exp, for clocks that disagree: 0 to 300.
   * @default 0
   */
  readonly graceSeconds?: number;
}

/** Options of one verification. */
export interface VerifyAccessTokenOptions {
  /** Scopes this token must carry on top of the verifier's `requiredScopes`, e.g. per route. */
  readonly requiredScopes?: readonly string[];
}

/** A function so that its return type names the verifier's long generic type. */
function createCognitoVerifier(
  userPoolId: string,
  clientIds: string[],
  graceSeconds: number,
  jwksCache: JwksCache,
) {
  return CognitoJwtVerifier.create(
    { userPoolId, tokenUse: 'access', clientId: clientIds, graceSeconds },
    { jwksCache },
  );
}

/**
 * Verifies access tokens of one user pool. Create it once and reuse it: it keeps the pool's keys
 * in memory. Rejections are AccessTokenRejectedError (with `problem` saying which check failed);
 * SigningKeysUnavailableError means the keys could not be fetched, so nothing was decided.
 */
export class AccessTokenVerifier {
  /** The expected iss claim: https://cognito-idp.<region>.amazonaws.com/<pool id>. */
  public readonly issuer: string;
  /** Where the keys come from: the JWKS URL, or "the given JWKS" when verifying offline. */
  public readonly keySource: string;
  private readonly userPoolId: string;
  private readonly clientIds: readonly string[];
  private readonly requiredScopes: readonly string[];
  private readonly offline: boolean;
  private readonly verifier: ReturnType<typeof createCognitoVerifier>;

  constructor(options: AccessTokenVerifierOptions) {
    let defaults: { issuer: string; jwksUri: string };
    try {
      defaults = CognitoJwtVerifier.parseUserPoolId(options.userPoolId);
    } catch {
      throw new InputError(
        `user pool ID "${options.userPoolId}" is invalid: expected <region>_<id>, e.g. us-east-1_AbCdEf123`,
      );
    }
    const clientIds = [...new Set(options.clientIds.filter(Boolean))];
    if (clientIds.length === 0) {
      throw new InputError('no client ID to accept: give the app client IDs whose tokens are accepted');
    }
    const timeoutMs = checkTimeoutMs('timeoutMs', options.timeoutMs ?? 5000);
    const graceSeconds = options.graceSeconds ?? 0;
    // NaN would pass aws-jwt-verify's expiry check for every token.
    if (!(graceSeconds >= 0 && graceSeconds <= MAX_GRACE_SECONDS)) {
      throw new InputError(
        `graceSeconds ${graceSeconds} is out of range: give a number of seconds from 0 to ${MAX_GRACE_SECONDS}`,
      );
    }
    const jwksUri = options.jwksUri ?? defaults.jwksUri;
    if (options.jwksUri !== undefined) {
      parseSecureUrl(options.jwksUri, {
        name: 'JWKS URL',
        risk: 'whoever sits in between could swap the signing keys and forge tokens',
        expected: 'https://cognito-idp.<region>.amazonaws.com/<user pool id>/.well-known/jwks.json',
      });
    }

    this.userPoolId = options.userPoolId;
    this.clientIds = clientIds;
    this.requiredScopes = options.requiredScopes ?? [];
    this.issuer = defaults.issuer;
    this.offline = options.jwks !== undefined;
    this.keySource = this.offline ? 'the given JWKS' : jwksUri;

    const fetchingCache = new SimpleJwksCache({ fetcher: new JwksFetcher(timeoutMs) });
    const jwksCache =
      options.jwksUri === undefined ? fetchingCache : new FixedUriJwksCache(options.jwksUri, fetchingCache);
    this.verifier = createCognitoVerifier(options.userPoolId, clientIds, graceSeconds, jwksCache);
    if (options.jwks !== undefined) {
      try {
        assertIsJwks(options.jwks as Parameters<typeof assertIsJwks>[0]);
      } catch (error) {
        throw new InputError(
          `JWKS is invalid (${oneLine((error as Error).message)}): give the pool's jwks.json`,
        );
      }
      this.verifier.cacheJwks(options.jwks as Jwks);
    }
  }

  /**
   * The token's claims if it is a valid access token of the pool, for one of the clients, with every
   * required scope. Throws AccessTokenRejectedError otherwise.
   */
  async verify(token: string, options: VerifyAccessTokenOptions = {}): Promise<AccessTokenClaims> {
    if (token.length > MAX_ACCESS_TOKEN_LENGTH) {
      throw new AccessTokenRejectedError(
        'malformed',
        `not a valid JWT (longer than ${MAX_ACCESS_TOKEN_LENGTH} characters): pass the access_token value from the token endpoint`,
      );
    }
    let claims: AccessTokenClaims;
    try {
      // Offline, verifySync uses the cached JWKS only, so nothing is ever fetched.
      claims = this.offline ? this.verifier.verifySync(token) : await this.verifier.verify(token);
    } catch (error) {
      throw this.describeRejection(error, token);
    }
    // aws-jwt-verify checks exp only when there is one; a token without it would be valid for ever.
    if (typeof claims.exp !== 'number') {
      throw new AccessTokenRejectedError(
        'no-expiry',
        'access token has no exp claim, so it would never expire: accept only tokens from the user pool, which always sets exp',
      );
    }
    const granted = typeof claims.scope === 'string' ? claims.scope.split(' ').filter(Boolean) : [];
    const required = [...new Set([...this.requiredScopes, ...(options.requiredScopes ?? [])])];
    const missing = required.filter((scope) => !granted.includes(scope));
    if (missing.length > 0) {
      throw new AccessTokenRejectedError(
        'missing-scope',
        `access token lacks scope ${missing.join(' ')} (it has ${oneLine(granted.join(' ')) || 'no scope'}): request a token with ${missing.length > 1 ? 'these scopes' : 'this scope'} from a client allowed them`,
        missing,
      );
    }
    return claims;
  }

  private describeRejection(error: unknown, token: string): Error {
    if (error instanceof SigningKeysUnavailableError) return error;
    if (!(error instanceof JwtBaseError)) return error as Error;
    // Claims are the sender's words, unverified: bounded and sanitized before they are quoted.
    const claims = unverifiedClaims(token);
    // Where kid is quoted (bad signature, unknown key), aws-jwt-verify has found one.
    // Stryker disable next-line StringLiteral: a token without kid is malformed before this is used
    const kid = claims.kid ? `key ${oneLine(claims.kid, MAX_CLAIM_LENGTH)}` : 'its key';
    const reject = (problem: ConstructorParameters<typeof AccessTokenRejectedError>[0], message: string) =>
      new AccessTokenRejectedError(problem, message);

    if (error instanceof JwtParseError || error instanceof JwtWithoutValidKidError) {
      const reason = oneLine(error.message.split(': ')[0]);
      return reject(
        'malformed',
        `not a valid JWT (${reason}): pass the access_token value from the token endpoint`,
      );
    }
    if (error instanceof JwtInvalidIssuerError || error instanceof ParameterValidationError) {
      // An issuer the verifier has no configuration for surfaces as a ParameterValidationError.
      return reject(
        'wrong-issuer',
        `access token was issued by ${claims.iss === undefined ? 'nobody (no iss claim)' : oneLine(claims.iss, MAX_CLAIM_LENGTH)}, not by user pool ${this.userPoolId} (${this.issuer}): check the user pool ID`,
      );
    }
    if (error instanceof JwtExpiredError) {
      const exp = Number(error.failedAssertion.actual);
      return reject(
        'expired',
        `access token expired at ${new Date(exp * 1000).toISOString()}: get a new token`,
      );
    }
    if (error instanceof JwtNotBeforeError) {
      return reject(
        'not-yet-valid',
        `access token is not valid yet (${oneLine(error.message)}): check the clocks`,
      );
    }
    if (error instanceof CognitoJwtInvalidClientIdError) {
      return reject(
        'wrong-client',
        `access token belongs to client ${oneLine(String(error.failedAssertion.actual ?? 'none'), MAX_CLAIM_LENGTH)}, which is not accepted (accepted: ${this.clientIds.join(', ')}): check the client IDs`,
      );
    }
    if (error instanceof CognitoJwtInvalidTokenUseError) {
      const use = claims.tokenUse;
      const what =
        use === 'id'
          ? 'an ID token'
          : use === undefined
            ? 'a token without token_use'
            : `a token with token_use ${oneLine(JSON.stringify(use), MAX_CLAIM_LENGTH)}`;
      return reject('wrong-token-use', `token is ${what}, not an access token: pass the access_token`);
    }
    if (error instanceof JwtInvalidSignatureError || error instanceof JwtInvalidSignatureAlgorithmError) {
      return reject(
        'bad-signature',
        `access token signature does not verify with ${kid} of user pool ${this.userPoolId}: the token was altered, or signed by another pool`,
      );
    }
    if (error instanceof KidNotFoundInJwksError) {
      return reject(
        'unknown-key',
        `access token is signed with ${kid}, which is not in the user pool's keys (${this.keySource}): check the user pool ID, or get the current jwks.json`,
      );
    }
    if (error instanceof JwksValidationError) {
      return new SigningKeysUnavailableError(
        `signing keys from ${this.keySource} are not a JWKS (${oneLine(error.message)}): check the JWKS URL`,
      );
    }
    return reject('invalid', `access token is invalid (${oneLine(error.message)})`);
  }
}

/** Claims read without verification, only to word error messages. */
function unverifiedClaims(token: string): { iss?: string; kid?: string; tokenUse?: unknown } {
  try {
    const { header, payload } = decomposeUnverifiedJwt(token);
    return {
      // aws-jwt-verify has refused a token whose iss is not a string as malformed by now, and its
      // decomposition refuses a kid that is not a string (which leaves no claims to quote).
      iss: payload.iss,
      tokenUse: payload.token_use,
      kid: header.kid,
    };
  } catch {
    return {};
  }
}

/** Downloads a JWKS with the global fetch and a time limit, and reports failures in one line. */
class JwksFetcher implements Fetcher {
  constructor(private readonly timeoutMs: number) {}

  async fetch(uri: string): Promise<ArrayBuffer> {
    let response: Response;
    try {
      // A redirect could lead to plain http or elsewhere; the URL given is the one trusted.
      response = await fetch(uri, { redirect: 'manual', signal: AbortSignal.timeout(this.timeoutMs) });
      if (response.status === 200) {
        const body = await readResponseWithLimit(response, MAX_READ_BYTES);
        return body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer;
      }
      void response.body?.cancel().catch(() => undefined);
    } catch (error) {
      if (error instanceof TooLargeError) {
        throw new SigningKeysUnavailableError(
          `signing keys from ${uri} are larger than ${describeBytes(error.limit)}, and reading stopped there: check the JWKS URL (a pool's jwks.json is a few kB)`,
        );
      }
      // Duck-typed: fetch's errors may come from another realm (e.g. under jest), failing instanceof.
      const failure = error as { name?: string; cause?: { code?: string } };
      const reason =
        failure?.name === 'TimeoutError'
          ? `no reply within ${this.timeoutMs / 1000} s`
          : oneLine(failure?.cause?.code ?? String(error));
      throw new SigningKeysUnavailableError(
        `cannot fetch the user pool's signing keys from ${uri} (${reason}): check your network, or verify offline with a saved jwks.json`,
      );
    }
    throw new SigningKeysUnavailableError(
      `cannot fetch the user pool's signing keys from ${uri} (HTTP ${response.status}): check the user pool ID or JWKS URL`,
    );
  }
}

/** Sends every JWKS lookup to one URI, whatever URI the verifier derived from the issuer. */
class FixedUriJwksCache implements JwksCache {
  constructor(
    private readonly uri: string,
    private readonly inner: JwksCache,
  ) {}

  getJwk(_uri: string, jwt: Parameters<JwksCache['getJwk']>[1]) {
    return this.inner.getJwk(this.uri, jwt);
  }

  // The verifier online calls getJwk only: verifySync, cacheJwks and hydrate, the callers of these
  // three, are used offline, with aws-jwt-verify's own cache. Equivalent mutants, not tested.
  // Stryker disable next-line BlockStatement: unused online, see above
  getCachedJwk(_uri: string, jwt: Parameters<JwksCache['getCachedJwk']>[1]) {
    return this.inner.getCachedJwk(this.uri, jwt);
  }

  // Stryker disable next-line BlockStatement: unused online, see above
  addJwks(_uri: string, jwks: Jwks): void {
    this.inner.addJwks(this.uri, jwks);
  }

  // Stryker disable next-line BlockStatement: unused online, see above
  getJwks(_uri: string) {
    return this.inner.getJwks(this.uri);
  }
}
