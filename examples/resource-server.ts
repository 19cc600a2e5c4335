/**
 * A resource server protected by Cognito access tokens, with node:http only: GET needs the read
 * scope, POST the write scope. Without a valid token it answers 401, without the scope 403, as
 * RFC 6750 (Bearer tokens) asks.
 *
 *   M2M_USER_POOL_ID=us-east-1_AbCdEf123 M2M_CLIENT_ID=<client id> node -r sucrase/register/ts examples/resource-server.ts
 *   curl -H "Authorization: Bearer $(npm run --silent m2m -- token --stack m2m-auth-dev)" localhost:3000/items
 */
import * as http from 'node:http';
import {
  AccessTokenRejectedError,
  AccessTokenVerifier,
  type AccessTokenVerifierOptions,
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
}

const REALM = 'm2m-api';

/** Creates the server, not yet listening: call listen(port) on it (port 0 in tests). */
export function createResourceServer(options: ResourceServerOptions): http.Server {
  const verifier = new AccessTokenVerifier(options.verifier);
  const scopeByMethod: Record<string, string> = {
    GET: options.readScope ?? 'm2m-client/read',
    POST: options.writeScope ?? 'm2m-client/write',
  };

  return http.createServer((request, response) => {
    const send = (status: number, body: object, headers: http.OutgoingHttpHeaders = {}) => {
      response.writeHead(status, { 'content-type': 'application/json', ...headers });
      response.end(`${JSON.stringify(body)}\n`);
    };
    const requiredScope = scopeByMethod[request.method ?? ''];
    if (!requiredScope) {
      return send(405, { error: 'method_not_allowed' }, { allow: Object.keys(scopeByMethod).join(', ') });
    }
    const bearer = /^Bearer +([^\s]+)$/i.exec(request.headers.authorization ?? '')?.[1];
    if (!bearer) {
      // No credentials at all: RFC 6750 section 3.1 says to send no error code.
      return send(
        401,
        { error: 'unauthorized', error_description: 'send Authorization: Bearer <access token>' },
        { 'www-authenticate': `Bearer realm="${REALM}"` },
      );
    }

    verifier.verify(bearer, { requiredScopes: [requiredScope] }).then(
      (claims) => send(200, { method: request.method, path: request.url, client_id: claims.client_id }),
      (error: unknown) => {
        if (error instanceof AccessTokenRejectedError && error.problem === 'missing-scope') {
          return send(
            403,
            { error: 'insufficient_scope', error_description: error.message },
            {
              'www-authenticate': `Bearer realm="${REALM}", error="insufficient_scope", scope="${requiredScope}"`,
            },
          );
        }
        if (error instanceof AccessTokenRejectedError) {
          const description = error.message.replace(/["\\]/g, "'");
          return send(
            401,
            { error: 'invalid_token', error_description: error.message },
            {
              'www-authenticate': `Bearer realm="${REALM}", error="invalid_token", error_description="${description}"`,
            },
          );
        }
        // The keys could not be fetched: nothing was decided about the token, so ask to retry.
        if (error instanceof SigningKeysUnavailableError) {
          return send(503, { error: 'temporarily_unavailable' }, { 'retry-after': '5' });
        }
        send(500, { error: 'server_error' });
      },
    );
  });
}

/** Options from M2M_USER_POOL_ID, M2M_CLIENT_ID (space- or comma-separated), M2M_JWKS_URI, M2M_*_SCOPE. */
export function optionsFromEnvironment(env: NodeJS.ProcessEnv): ResourceServerOptions {
  const missing = ['M2M_USER_POOL_ID', 'M2M_CLIENT_ID'].filter((name) => !env[name]);
  if (missing.length > 0) {
    throw new Error(
      `missing ${missing.join(', ')}: export them from the stack outputs user_pool_id and client_ids (terraform output in cdktf.out/stacks/<stack>)`,
    );
  }
  return {
    verifier: {
      userPoolId: env.M2M_USER_POOL_ID!,
      clientIds: env.M2M_CLIENT_ID!.split(/[\s,]+/).filter(Boolean),
      jwksUri: env.M2M_JWKS_URI || undefined,
    },
    readScope: env.M2M_READ_SCOPE || undefined,
    writeScope: env.M2M_WRITE_SCOPE || undefined,
  };
}

if (require.main === module) {
  try {
    const port = Number(process.env.PORT ?? 3000);
    const server = createResourceServer(optionsFromEnvironment(process.env));
    server.listen(port, () => console.error(`resource server listening on http://localhost:${port}`));
  } catch (error) {
    console.error(`error: ${(error as Error).message}`);
    process.exitCode = 2;
  }
}
