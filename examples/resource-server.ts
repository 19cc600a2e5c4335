/**
 * A resource server protected by Cognito access tokens, with node:http only: GET needs the read
 * scope, POST the write scope. Without a valid token it answers 401, without the scope 403, as
 * RFC 6750 (Bearer tokens) asks.
 *
 *   M2M_USER_POOL_ID=us-east-1_AbCdEf123 M2M_CLIENT_ID=<client id> node -r sucrase/register/ts examples/resource-server.ts
 *   curl -H "Authorization: Bearer $(npm run --silent m2m -- token --stack m2m-auth-dev)" localhost:3000/items
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type AccessTokenClaims,
  AccessTokenRejectedError,
  AccessTokenVerifier,
  type AccessTokenVerifierOptions,
  oneLine,
  SigningKeysUnavailableError,
} from '../operator';

export interface ResourceServerOptions {
  /** How tokens are verified: the user pool, the accepted clients, where the keys come from. */
  readonly verifier: AccessTokenVerifierOptions;
  /**
   * The scope a GET needs.
   * @default "m2m-client/read"
   */
  readonly readScope?: string;
  /**
   * The scope a POST needs.
   * @default "m2m-client/write"
   */
  readonly writeScope?: string;
  /**
   * Told about an error the server did not expect, answered with 500. The text is one sanitized line.
   * @default writes it to stderr
   */
  readonly onError?: (description: string) => void;
}

const REALM = 'm2m-api';

/** RFC 6750's b64token: what "Authorization: Bearer <token>" may carry. */
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

/** An RFC 6750 scope-token: printable ASCII but space, '"' and '\'. */
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

/** The longest error_description a challenge carries; the JSON body has the whole message. */
const MAX_DESCRIPTION_LENGTH = 200;

/**
 * Text for a quoted-string in a challenge, from anything (a message may quote a token's claims):
 * only what RFC 6750 allows in error_description (%x20-21 / %x23-5B / %x5D-7E), other characters
 * as "?", bounded. Node refuses other header characters by throwing, and a raw CR LF would end the
 * header.
 */
export function challengeText(text: string, maxLength = MAX_DESCRIPTION_LENGTH): string {
  const safe = text.replace(/[^\x20\x21\x23-\x5b\x5d-\x7e]/gu, '?');
  return safe.length > maxLength ? `${safe.slice(0, maxLength - 3)}...` : safe;
}

/** A Bearer challenge (RFC 6750 section 3) with the given parameters, every value made safe. */
function bearerChallenge(parameters: Readonly<Record<string, string>> = {}): string {
  const quoted = Object.entries(parameters).map(([name, value]) => `${name}="${challengeText(value)}"`);
  return [`Bearer realm="${REALM}"`, ...quoted].join(', ');
}

/** Creates the server, not yet listening: call listen(port) on it (port 0 in tests). */
export function createResourceServer(options: ResourceServerOptions): http.Server {
  const verifier = new AccessTokenVerifier(options.verifier);
  const scopeByMethod: Record<string, string> = {
    GET: checkScope('readScope', options.readScope ?? 'm2m-client/read'),
    POST: checkScope('writeScope', options.writeScope ?? 'm2m-client/write'),
  };
  const onError =
    options.onError ?? ((description: string) => process.stderr.write(`error: ${description}\n`));

  return http.createServer((request, response) => {
    const send = (status: number, body: object, headers: http.OutgoingHttpHeaders = {}) => {
      response.writeHead(status, { 'content-type': 'application/json', ...headers });
      response.end(`${JSON.stringify(body)}\n`);
    };
    // Whatever goes wrong in handle() is answered with 500 and reported; it never reaches the process.
    const fail = (error: unknown) => {
      try {
        onError(oneLine(`request ${request.method} failed: ${describeError(error)}`));
      } catch {
        // Reporting must not take the server down either.
      }
      try {
        send(500, { error: 'server_error' });
        // Stryker disable next-line BlockStatement: no route throws after its answer has begun
      } catch {
        // The answer had begun (headers sent) or cannot be given: end the connection instead.
        response.destroy();
      }
    };
    handle(request, send).catch(fail);
  });

  async function handle(
    request: http.IncomingMessage,
    send: (status: number, body: object, headers?: http.OutgoingHttpHeaders) => void,
  ): Promise<void> {
    // A server's request always has a method; typed optional, a missing one would read "undefined": 405.
    const requiredScope = scopeByMethod[String(request.method)];
    if (!requiredScope) {
      return send(405, { error: 'method_not_allowed' }, { allow: Object.keys(scopeByMethod).join(', ') });
    }
    // Without the header, "undefined" is no Bearer credentials either.
    const authorization = String(request.headers.authorization);
    if (!/^Bearer(?: |$)/i.test(authorization)) {
      // No Bearer credentials at all: RFC 6750 section 3.1 says to send no error code.
      return send(
        401,
        { error: 'unauthorized', error_description: 'send Authorization: Bearer <access token>' },
        { 'www-authenticate': bearerChallenge() },
      );
    }
    const bearer = BEARER.exec(authorization)?.[1];
    if (!bearer) {
      const description = 'the Authorization header is not Bearer and one RFC 6750 b64token';
      return send(
        400,
        { error: 'invalid_request', error_description: description },
        { 'www-authenticate': bearerChallenge({ error: 'invalid_request', error_description: description }) },
      );
    }

    let claims: AccessTokenClaims;
    try {
      claims = await verifier.verify(bearer, { requiredScopes: [requiredScope] });
    } catch (error) {
      if (error instanceof AccessTokenRejectedError && error.problem === 'missing-scope') {
        return send(
          403,
          { error: 'insufficient_scope', error_description: error.message },
          { 'www-authenticate': bearerChallenge({ error: 'insufficient_scope', scope: requiredScope }) },
        );
      }
      if (error instanceof AccessTokenRejectedError) {
        return send(
          401,
          { error: 'invalid_token', error_description: error.message },
          {
            'www-authenticate': bearerChallenge({ error: 'invalid_token', error_description: error.message }),
          },
        );
      }
      // The keys could not be fetched: nothing was decided about the token, so ask to retry.
      if (error instanceof SigningKeysUnavailableError) {
        return send(503, { error: 'temporarily_unavailable' }, { 'retry-after': '5' });
      }
      throw error;
    }
    send(200, { method: request.method, path: request.url, client_id: claims.client_id });
  }
}

/** What went wrong, in words, whatever was thrown (String() itself throws for some objects). */
function describeError(error: unknown): string {
  try {
    return error instanceof Error ? error.message : String(error);
  } catch {
    return 'a value that cannot be printed was thrown';
  }
}

/** A scope from the settings, checked once: it goes into every 403's challenge. */
function checkScope(setting: string, scope: string): string {
  if (!SCOPE_TOKEN.test(scope)) {
    throw new Error(
      `${setting} ${JSON.stringify(scope)} is invalid: give one scope, as <resource server>/<scope>, in printable ASCII without spaces, quotes or backslashes`,
    );
  }
  return scope;
}

/** Options from M2M_USER_POOL_ID, M2M_CLIENT_ID (space- or comma-separated), M2M_JWKS_URI, M2M_*_SCOPE. */
export function optionsFromEnvironment(env: NodeJS.ProcessEnv): ResourceServerOptions {
  const missing = ['M2M_USER_POOL_ID', 'M2M_CLIENT_ID'].filter((name) => !env[name]);
  if (missing.length > 0) {
    throw new Error(
      `missing ${missing.join(', ')}: export them from the stack outputs user_pool_id and client_ids (terraform output in the stack's synthesized folder)`,
    );
  }
  return {
    verifier: {
      userPoolId: env.M2M_USER_POOL_ID!,
      clientIds: env.M2M_CLIENT_ID!.split(/[\s,]/).filter(Boolean),
      jwksUri: env.M2M_JWKS_URI || undefined,
    },
    readScope: env.M2M_READ_SCOPE || undefined,
    writeScope: env.M2M_WRITE_SCOPE || undefined,
  };
}

/** The port from PORT: 3000 by default, 0 for any free one. */
export function portFromEnvironment(env: NodeJS.ProcessEnv): number {
  const port = Number(env.PORT ?? 3000);
  if (!(Number.isInteger(port) && port >= 0 && port <= 65535)) {
    throw new Error(`PORT ${JSON.stringify(env.PORT)} is invalid: give a port number from 0 to 65535`);
  }
  return port;
}

/** What `node examples/resource-server.ts` does: the server from `env`, listening; `log` gets its address. */
export function startFromEnvironment(env: NodeJS.ProcessEnv, log: (line: string) => void): http.Server {
  const port = portFromEnvironment(env);
  const server = createResourceServer(optionsFromEnvironment(env));
  server.listen(port, () => {
    const { port: listening } = server.address() as AddressInfo;
    log(`resource server listening on http://localhost:${listening}`);
  });
  return server;
}

// Stryker disable all: run as a script only, which the hostile-request tests do in a process of its own
if (require.main === module) {
  try {
    startFromEnvironment(process.env, (line) => console.error(line));
  } catch (error) {
    console.error(`error: ${(error as Error).message}`);
    process.exitCode = 2;
  }
}
