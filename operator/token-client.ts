/**
 * The OAuth 2.0 client-credentials grant against a Cognito token endpoint, with an in-memory token
 * cache, as Cognito's token-endpoint documentation describes the request.
 */
import { describeBytes, readResponseWithLimit, TooLargeError } from './bounded-read';
import { InputError, TokenEndpointError, TokenRequestError } from './errors';
import { checkTimeoutMs, MAX_EXPIRES_IN_SECONDS, MAX_READ_BYTES } from './limits';
import { formUrlEncode, redactSecrets } from './secret-redaction';
import { parseSecureUrl } from './transport-security';
import { MAX_QUOTED_LENGTH, oneLine } from './untrusted-text';

/** How long to wait for the token endpoint, unless told otherwise. */
export const DEFAULT_TOKEN_TIMEOUT_MS = 10_000;

/** A cached token is replaced at the latest this long before it expires. */
const MAX_REFRESH_MARGIN_MS = 60_000;

export interface ClientCredentialsTokenClientOptions {
  /** The user pool's token endpoint: https://<domain>.auth.<region>.amazoncognito.com/oauth2/token. */
  readonly tokenEndpoint: string;
  /** The app client's ID. */
  readonly clientId: string;
  /** The app client's secret; it goes only into the Authorization header, never into an error. */
  readonly clientSecret: string;
  /**
   * Reads the client secret afresh, e.g. `secretsManagerSecretLoader({ secretId })` from
   * credentials-secret.ts: when the token endpoint answers invalid_client, it is called once and, if
   * it gives another secret, the request is sent once more with that one, which is kept for later
   * requests. So a service whose secret was rotated (m2m rotate-secret) carries on without a restart.
   * No other error is retried, and a failing retry is not retried again.
   * @default none: invalid_client is final
   */
  readonly reloadClientSecret?: () => Promise<string>;
  /**
   * Full scope identifiers ("<resource server>/<scope>") to ask for when getToken() is given none.
   * @default none, and Cognito then grants every scope the app client is allowed
   */
  readonly scopes?: readonly string[];
  /**
   * How long one token request may take, in milliseconds, reading the reply included: 1 to 600000.
   * @default 10000
   */
  readonly timeoutMs?: number;
  /**
   * The fetch implementation, for tests or a proxy-aware fetch.
   * @default the global fetch
   */
  readonly fetch?: typeof globalThis.fetch;
  /**
   * The clock, in epoch milliseconds, that decides when a cached token is stale.
   * @default Date.now
   */
  readonly now?: () => number;
}

/** A token from the token endpoint. */
export interface AccessToken {
  /** The JWT to send as `Authorization: Bearer <accessToken>`. */
  readonly accessToken: string;
  /** The token type, "Bearer" for Cognito. */
  readonly tokenType: string;
  /** When the token expires, in epoch milliseconds (counted from when it was requested). */
  readonly expiresAt: number;
  /** The scopes that were requested; empty when the client's default scopes were granted. */
  readonly requestedScopes: readonly string[];
  /** The token endpoint's JSON reply as received: access_token, expires_in, token_type. */
  readonly response: Readonly<Record<string, unknown>>;
}

interface CacheEntry {
  readonly token: AccessToken;
  /** From this time on the token is requested anew. */
  readonly refreshAt: number;
}

/**
 * How long before expiry a cached token is replaced: 10% of its lifetime, at most 60 s. A Cognito
 * token (5 min to 1 day) is thus never handed out with less than 30 s to live, and a short-lived
 * token from another server is still reused for most of its life.
 */
export function refreshMarginMs(lifetimeMs: number): number {
  return Math.min(MAX_REFRESH_MARGIN_MS, lifetimeMs / 10);
}

/** Splits space-separated scopes, drops empty ones and duplicates, keeping the order. */
export function normalizeScopes(scopes: readonly string[] = []): string[] {
  return [...new Set(scopes.flatMap((scope) => scope.split(/\s/)).filter(Boolean))];
}

/**
 * Gets access tokens with the client-credentials grant and keeps each in memory until shortly before
 * it expires (see {@link refreshMarginMs}). Tokens are cached per token endpoint, client and set of
 * scopes; callers asking for the same token at the same time share one request.
 */
export class ClientCredentialsTokenClient {
  /** The token endpoint the client asks. */
  public readonly tokenEndpoint: string;
  /** The app client's ID. */
  public readonly clientId: string;
  private clientSecret: string;
  /** Every secret this client has held, all masked in messages: the old one may still be echoed. */
  private readonly knownSecrets = new Set<string>();
  private readonly reloadClientSecret?: () => Promise<string>;
  /** One reload at a time, shared by the requests that met invalid_client together. */
  private reloading?: Promise<string>;
  private readonly defaultScopes: readonly string[];
  private readonly timeoutMs: number;
  private readonly fetch: typeof globalThis.fetch;
  private readonly now: () => number;
  private readonly cache = new Map<string, CacheEntry>();
  private readonly inFlight = new Map<string, Promise<AccessToken>>();

  constructor(options: ClientCredentialsTokenClientOptions) {
    this.tokenEndpoint = validateTokenEndpoint(options.tokenEndpoint);
    if (!options.clientId) throw new InputError('client ID is empty: pass the app client ID');
    if (!options.clientSecret) throw new InputError('client secret is empty: pass the app client secret');
    const timeoutMs = checkTimeoutMs('timeoutMs', options.timeoutMs ?? DEFAULT_TOKEN_TIMEOUT_MS);
    this.clientId = options.clientId;
    this.clientSecret = options.clientSecret;
    this.knownSecrets.add(options.clientSecret);
    this.reloadClientSecret = options.reloadClientSecret;
    this.defaultScopes = normalizeScopes(options.scopes);
    this.timeoutMs = timeoutMs;
    this.fetch = options.fetch ?? globalThis.fetch;
    this.now = options.now ?? Date.now;
  }

  /**
   * An access token for the given scopes (default: the client's `scopes` option), from the cache when
   * it has a fresh one. Throws TokenRequestError when Cognito refuses, TokenEndpointError when it
   * cannot be asked or gives no usable reply.
   */
  async getToken(scopes?: readonly string[]): Promise<string> {
    return (await this.getAccessToken(scopes)).accessToken;
  }

  /** Like {@link getToken}, with the token's type, expiry and the endpoint's whole reply. */
  getAccessToken(scopes?: readonly string[]): Promise<AccessToken> {
    const requestedScopes = scopes === undefined ? [...this.defaultScopes] : normalizeScopes(scopes);
    const key = JSON.stringify([this.tokenEndpoint, this.clientId, [...requestedScopes].sort()]);
    const cached = this.cache.get(key);
    if (cached && this.now() < cached.refreshAt) return Promise.resolve(cached.token);

    const pending = this.inFlight.get(key);
    if (pending) return pending;
    const request = (async () => {
      try {
        const requestedAt = this.now();
        const token = await this.requestTokenReloadingSecret(requestedScopes, requestedAt);
        const lifetimeMs = token.expiresAt - requestedAt;
        // A token of no stated lifetime would get refreshAt = requestedAt, already past (unless the
        // clock steps back): not cached at all rather than cached unused.
        // Stryker disable next-line ConditionalExpression,EqualityOperator: equivalent while the clock runs forward
        if (lifetimeMs > 0) {
          this.cache.set(key, { token, refreshAt: token.expiresAt - refreshMarginMs(lifetimeMs) });
        }
        return token;
      } finally {
        this.inFlight.delete(key);
      }
    })();
    this.inFlight.set(key, request);
    return request;
  }

  /** Forgets every cached token, e.g. after the client secret was rotated. */
  clearCache(): void {
    this.cache.clear();
  }

  /** A token; on invalid_client, once more with a reloaded secret if there is another one. */
  private async requestTokenReloadingSecret(
    scopes: readonly string[],
    requestedAt: number,
  ): Promise<AccessToken> {
    const secret = this.clientSecret;
    try {
      return await this.requestToken(scopes, requestedAt, secret);
    } catch (error) {
      if (!(error instanceof TokenRequestError && error.error === 'invalid_client')) throw error;
      if (!this.reloadClientSecret) throw error;
      const fresh = await this.reloadSecret(secret, error);
      if (fresh === secret) throw error;
      return this.requestToken(scopes, this.now(), fresh);
    }
  }

  /**
   * The secret after a reload that `rejected` prompted. A request that met invalid_client with a
   * secret already replaced takes the replacement without reading again.
   */
  private async reloadSecret(rejected: string, refusal: TokenRequestError): Promise<string> {
    if (this.clientSecret !== rejected) return this.clientSecret;
    this.reloading ??= (async () => {
      let fresh: unknown;
      try {
        fresh = await this.reloadClientSecret!();
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new TokenRequestError(
          refusal.error,
          refusal.status,
          `${refusal.message} (reading the secret again failed: ${this.quote(reason)})`,
        );
      }
      if (typeof fresh !== 'string' || fresh === '') {
        throw new TokenRequestError(
          refusal.error,
          refusal.status,
          `${refusal.message} (reading the secret again gave no secret)`,
        );
      }
      this.knownSecrets.add(fresh);
      this.clientSecret = fresh;
      return fresh;
    })().finally(() => (this.reloading = undefined));
    return this.reloading;
  }

  private async requestToken(
    scopes: readonly string[],
    requestedAt: number,
    secret = this.clientSecret,
  ): Promise<AccessToken> {
    const body = new URLSearchParams({ grant_type: 'client_credentials' });
    if (scopes.length > 0) body.set('scope', scopes.join(' '));
    let response: Response;
    let text: string;
    try {
      response = await this.fetch(this.tokenEndpoint, {
        method: 'POST',
        headers: {
          authorization: this.basicAuthorization(secret),
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body: body.toString(),
        // A redirect would carry the credentials elsewhere; report it instead of following it.
        redirect: 'manual',
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      text = (await readResponseWithLimit(response, MAX_READ_BYTES)).toString('utf8');
    } catch (error) {
      throw this.describeFailedRequest(error);
    }
    const reply = parseJsonObject(text);

    if (response.status >= 500) {
      const code =
        typeof reply?.error === 'string' ? `, error ${this.quote(reply.error, MAX_ERROR_CODE_LENGTH)}` : '';
      throw new TokenEndpointError(
        'server-error',
        `token endpoint ${this.tokenEndpoint} failed with HTTP ${response.status}${code}: the service or a proxy in between has a problem; retry later`,
        response.status,
      );
    }
    if (response.ok && typeof reply?.access_token === 'string' && reply.access_token) {
      return this.acceptTokenReply(reply, response.status, scopes, requestedAt);
    }
    if (!response.ok && typeof reply?.error === 'string') {
      // The server's words, bounded and sanitized: they end up on terminals and in logs.
      const code = this.quote(reply.error, MAX_ERROR_CODE_LENGTH);
      const description =
        typeof reply.error_description === 'string' ? this.quote(reply.error_description) : '';
      throw new TokenRequestError(
        code,
        response.status,
        this.redact(this.describeOAuthError(code, description, scopes)),
      );
    }
    throw new TokenEndpointError(
      'unexpected-reply',
      this.redact(
        `token endpoint ${this.tokenEndpoint} replied HTTP ${response.status} with ${this.describeBody(response, text, reply)}, not a token response: check the URL is the user pool's https://<domain>.auth.<region>.amazoncognito.com/oauth2/token`,
      ),
      response.status,
    );
  }

  /**
   * The token of a successful reply, once what is used, cached or printed checks out: the token has
   * a bearer token's characters, the type is one word, the lifetime a sane number of seconds.
   */
  private acceptTokenReply(
    reply: Record<string, unknown>,
    status: number,
    scopes: readonly string[],
    requestedAt: number,
  ): AccessToken {
    const refuse = (what: string) =>
      new TokenEndpointError(
        'unexpected-reply',
        `token endpoint ${this.tokenEndpoint} replied with ${what}: check the URL is the user pool's https://<domain>.auth.<region>.amazoncognito.com/oauth2/token`,
        status,
      );
    const accessToken = reply.access_token as string;
    if (!BEARER_TOKEN.test(accessToken)) {
      // The token itself is a secret: say what is wrong with it, not what it is.
      throw refuse('an access_token that is not a bearer token (RFC 6750: A-Z a-z 0-9 - . _ ~ + /, then =)');
    }
    const { expires_in: expiresIn, token_type: tokenType } = reply;
    // Absent is allowed (RFC 6749 only recommends it): the token is then not cached.
    if (
      expiresIn !== undefined &&
      !(typeof expiresIn === 'number' && expiresIn > 0 && expiresIn <= MAX_EXPIRES_IN_SECONDS)
    ) {
      throw refuse(
        `expires_in ${this.quote(shownValue(expiresIn), 40)}, not a number of seconds above 0 and at most ${MAX_EXPIRES_IN_SECONDS}`,
      );
    }
    if (tokenType !== undefined && !(typeof tokenType === 'string' && TOKEN_TYPE.test(tokenType))) {
      throw refuse(
        `token_type ${this.quote(shownValue(tokenType), 40)}, not one word of at most 64 letters, digits or !#$%&'*+.^_\`|~-`,
      );
    }
    return {
      accessToken,
      tokenType: tokenType ?? 'Bearer',
      // Counted from the request, not the reply, so the token is never thought fresher than it is.
      expiresAt: requestedAt + (expiresIn === undefined ? 0 : expiresIn * 1000),
      requestedScopes: scopes,
      response: reply,
    };
  }

  /** HTTP Basic credentials, each part form-urlencoded first as RFC 6749 section 2.3.1 asks. */
  private basicAuthorization(secret: string): string {
    const credentials = `${formUrlEncode(this.clientId)}:${formUrlEncode(secret)}`;
    return `Basic ${Buffer.from(credentials).toString('base64')}`;
  }

  private describeOAuthError(code: string, description: string, scopes: readonly string[]): string {
    const detail = description ? `${code}: ${description}` : code;
    const requested = scopes.length > 0 ? `"${scopes.join(' ')}"` : "the client's default scopes";
    switch (code) {
      case 'invalid_client':
        return `token endpoint rejected the credentials of client ${this.clientId} (${detail}): check the client ID and secret, and that the client belongs to this endpoint's user pool`;
      case 'invalid_scope':
        return `token endpoint refused scope ${requested} for client ${this.clientId} (${detail}): ask only for scopes the app client is allowed, as <resource server>/<scope>`;
      case 'unauthorized_client':
        return `client ${this.clientId} may not use the client-credentials grant (${detail}): allow the client_credentials OAuth flow on the app client and give it a secret`;
      case 'unsupported_grant_type':
        return `token endpoint does not accept grant_type=client_credentials (${detail}): check the URL is the user pool's /oauth2/token endpoint`;
      case 'invalid_request':
        return `token endpoint found the request malformed (${detail}): check the token endpoint URL and the client ID`;
      default:
        return `token endpoint refused the request (${detail}): check the client's settings in the user pool`;
    }
  }

  private describeFailedRequest(error: unknown): Error {
    // Duck-typed: fetch's errors may come from another realm (e.g. under jest), failing instanceof.
    const failure = (error ?? {}) as {
      name?: string;
      message?: string;
      cause?: { code?: string; message?: string };
    };
    if (error instanceof TooLargeError) {
      return new TokenEndpointError(
        'unexpected-reply',
        `token endpoint ${this.tokenEndpoint} replied with more than ${describeBytes(error.limit)}, and reading stopped there: check the URL is the user pool's https://<domain>.auth.<region>.amazoncognito.com/oauth2/token`,
      );
    }
    // AbortSignal.timeout aborts with a TimeoutError.
    if (failure.name === 'TimeoutError') {
      return new TokenEndpointError(
        'timeout',
        `no reply from token endpoint ${this.tokenEndpoint} within ${this.timeoutMs / 1000} s: check the URL and your network, or allow more time`,
      );
    }
    const reason = describeNetworkFailure(
      failure.cause?.code,
      this.quote(failure.cause?.message ?? String(error)),
    );
    return new TokenEndpointError(
      'unreachable',
      this.redact(
        `cannot reach token endpoint ${this.tokenEndpoint} (${reason}): check the URL and your network or proxy`,
      ),
    );
  }

  /** What the reply was, in a few words, for when it is not a token response. */
  private describeBody(response: Response, text: string, reply: Record<string, unknown> | undefined): string {
    if (response.status >= 300 && response.status < 400) {
      const location = response.headers.get('location');
      return `a redirect to ${location === null ? 'nowhere' : this.quote(location)}`;
    }
    if (reply) return 'JSON without access_token';
    if (text.trim() === '') return 'an empty body';
    const type = response.headers.get('content-type')?.split(';')[0];
    const body = `("${this.quote(text, 60)}")`;
    return type ? `a ${this.quote(type, 60)} body ${body}` : `a body without a content type ${body}`;
  }

  /** Text from the server or the network, as one bounded, sanitized line with the secret masked. */
  private quote(text: string, maxLength = MAX_QUOTED_LENGTH): string {
    return oneLine(text, maxLength, (line) => this.redact(line));
  }

  private redact(text: string): string {
    const secrets = [...this.knownSecrets];
    return redactSecrets(text, [
      ...secrets,
      ...secrets.map((secret) => this.basicAuthorization(secret).slice('Basic '.length)),
    ]);
  }
}

/** RFC 6750's b64token, what an Authorization: Bearer header can carry. */
const BEARER_TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

/** An HTTP token (RFC 9110 5.6.2), as an auth scheme is, and short. */
const TOKEN_TYPE = /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}$/;

/** An OAuth error code is a short ASCII word (RFC 6749 5.2); longer ones are cut. */
const MAX_ERROR_CODE_LENGTH = 64;

/** Checks the endpoint is a URL that keeps the secret encrypted in transit. */
function validateTokenEndpoint(endpoint: string): string {
  return parseSecureUrl(endpoint, {
    name: 'token endpoint',
    risk: 'the client secret would travel in clear text',
    expected: 'https://<domain>.auth.<region>.amazoncognito.com/oauth2/token',
  }).href;
}

function parseJsonObject(text: string): Record<string, unknown> | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // Not JSON: no object.
  }
  // Stryker disable next-line ConditionalExpression: equivalent, the callers read named keys through
  // ?., which null, a list, a string or a number lacks alike.
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** A JSON value from a reply as a message shows it: a number as written (1e400 is Infinity), else JSON. */
function shownValue(value: unknown): string {
  return typeof value === 'number' ? String(value) : JSON.stringify(value);
}

function describeNetworkFailure(code: string | undefined, message: string): string {
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ENOTFOUND':
      return 'host not found';
    case 'EAI_AGAIN':
      return 'DNS lookup failed';
    case 'ECONNRESET':
      return 'connection reset';
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return 'connection timed out';
    default:
      return code ? `${oneLine(code, MAX_ERROR_CODE_LENGTH)}: ${message}` : message;
  }
}
