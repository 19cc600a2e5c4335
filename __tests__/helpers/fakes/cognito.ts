/**
 * A local stand-in for a Cognito user pool: the token endpoint (client-credentials grant, answering
 * as Cognito does) and the JWKS, with RS256 tokens carrying Cognito's access-token claims; and its
 * app clients' secrets, up to two each, as Cognito's secret-rotation API keeps them (the API calls
 * themselves are mocked with aws-sdk-client-mock, see cognito-rotation-mock.ts).
 */
import { generateKeyPairSync, type KeyObject, randomBytes, randomUUID, sign } from 'node:crypto';
import type * as http from 'node:http';
import { type LocalServer, startLocalServer } from './local-server';

export const REGION = 'us-east-1';
export const POOL_ID = 'us-east-1_TestPool1';
export const ISSUER = `https://cognito-idp.${REGION}.amazonaws.com/${POOL_ID}`;
/** The scopes of the stack's default resource server, m2m-client. */
export const READ = 'm2m-client/read';
export const WRITE = 'm2m-client/write';

export interface SigningKey {
  readonly kid: string;
  readonly privateKey: KeyObject;
  readonly jwk: Record<string, string>;
}

export function createSigningKey(kid = 'test-key-1'): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const { kty, n, e } = publicKey.export({ format: 'jwk' });
  return { kid, privateKey, jwk: { kty: kty!, n: n!, e: e!, kid, alg: 'RS256', use: 'sig' } };
}

export function jwksOf(...keys: SigningKey[]): { keys: Record<string, string>[] } {
  return { keys: keys.map((key) => key.jwk) };
}

function base64url(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** Signs claims as RS256 with the key's kid in the header. */
export function signJwt(key: SigningKey, claims: object, header: object = {}): string {
  const input = `${base64url({ kid: key.kid, alg: 'RS256', ...header })}.${base64url(claims)}`;
  return `${input}.${sign('RSA-SHA256', Buffer.from(input), key.privateKey).toString('base64url')}`;
}

/** A Cognito access token as the client-credentials grant issues it; `claims` overrides any claim. */
export function mintAccessToken(
  key: SigningKey,
  clientId: string,
  scopes: readonly string[],
  claims: Record<string, unknown> = {},
): string {
  const now = Math.floor(Date.now() / 1000);
  return signJwt(key, {
    sub: clientId,
    token_use: 'access',
    scope: scopes.join(' '),
    auth_time: now,
    iss: ISSUER,
    exp: now + 3600,
    iat: now,
    version: 2,
    jti: randomUUID(),
    client_id: clientId,
    ...claims,
  });
}

export interface FakeClient {
  /** The secret the client was created with; AddUserPoolClientSecret may add a second. */
  readonly secret: string;
  readonly scopes: readonly string[];
  /** false: the client may not use the client-credentials grant. */
  readonly grantAllowed?: boolean;
}

/** A token request as the fake received it, credentials decoded. */
export interface RecordedTokenRequest {
  readonly contentType?: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly form: URLSearchParams;
}

/**
 * Misbehaviours, chosen by the URL: `${fake.tokenEndpoint('server-error')}`. Concurrent tests can then
 * share one server.
 */
export type Scenario = 'server-error' | 'hang' | 'html' | 'unsupported-grant-type' | 'echo-secret';

export interface FakeCognitoOptions {
  readonly key: SigningKey;
  readonly clients: Readonly<Record<string, FakeClient>>;
  /** expires_in of issued tokens, in seconds. */
  readonly expiresIn?: number;
}

/** One of a client's secrets, as Cognito's secret-rotation API describes it. */
export interface FakeClientSecret {
  /** "<client id>--<epoch milliseconds of creation>", as Cognito writes it. */
  readonly id: string;
  readonly value: string;
  readonly created: Date;
}

/** An error of Cognito's API: its exception name (e.g. LimitExceededException) and message. */
export class FakeCognitoApiError extends Error {
  constructor(
    readonly exception: string,
    message: string,
  ) {
    super(message);
  }
}

/** Cognito allows an app client two secrets at a time. */
const SECRETS_PER_CLIENT = 2;

export class FakeCognito {
  readonly tokenRequests: RecordedTokenRequest[] = [];
  jwksRequests = 0;
  /** Each client's active secrets, oldest first: the token endpoint accepts any of them. */
  private readonly secrets = new Map<string, FakeClientSecret[]>();
  /** Secret values the token endpoint refuses for now, as Cognito may a new one for a moment. */
  readonly notYetAccepted = new Set<string>();

  private constructor(
    private readonly options: FakeCognitoOptions,
    private readonly server: LocalServer,
  ) {
    const created = new Date('2026-01-01T00:00:00Z');
    for (const [clientId, client] of Object.entries(options.clients)) {
      this.secrets.set(clientId, [
        { id: `${clientId}--${created.getTime()}`, value: client.secret, created },
      ]);
    }
  }

  static async start(options: FakeCognitoOptions): Promise<FakeCognito> {
    // The handler runs only once a request comes, when `fake` is there.
    const fake: FakeCognito = new FakeCognito(
      options,
      await startLocalServer((request, response) => fake.handle(request, response)),
    );
    return fake;
  }

  get url(): string {
    return this.server.url;
  }

  /**
   * AddUserPoolClientSecret: a new generated secret, refused with LimitExceededException when the
   * client has two already.
   */
  addClientSecret(clientId: string, created = new Date()): FakeClientSecret {
    const secrets = this.clientSecrets(clientId);
    if (secrets.length >= SECRETS_PER_CLIENT) {
      throw new FakeCognitoApiError(
        'LimitExceededException',
        `Client ${clientId} already has ${SECRETS_PER_CLIENT} secrets.`,
      );
    }
    // Cognito's generated secrets: 51 lowercase letters and digits.
    const value = randomBytes(64)
      .toString('base64')
      .replace(/[^a-z0-9]/g, '')
      .padEnd(51, '7')
      .slice(0, 51);
    const secret = { id: `${clientId}--${created.getTime()}`, value, created };
    secrets.push(secret);
    return secret;
  }

  /** ListUserPoolClientSecrets: ids and creation dates, never values. */
  listClientSecrets(clientId: string): { id: string; created: Date }[] {
    return this.clientSecrets(clientId).map(({ id, created }) => ({ id, created }));
  }

  /** DeleteUserPoolClientSecret: refused for an unknown secret and for the client's last one. */
  deleteClientSecret(clientId: string, secretId: string): void {
    const secrets = this.clientSecrets(clientId);
    const index = secrets.findIndex((secret) => secret.id === secretId);
    if (index < 0)
      throw new FakeCognitoApiError('ResourceNotFoundException', `Secret ${secretId} not found.`);
    if (secrets.length === 1) {
      throw new FakeCognitoApiError(
        'InvalidParameterException',
        'Cannot delete the last secret of a client.',
      );
    }
    secrets.splice(index, 1);
  }

  private clientSecrets(clientId: string): FakeClientSecret[] {
    const secrets = this.secrets.get(clientId);
    if (!secrets) throw new FakeCognitoApiError('ResourceNotFoundException', `Client ${clientId} not found.`);
    return secrets;
  }

  tokenEndpoint(scenario?: Scenario): string {
    return scenario ? `${this.url}/scenario/${scenario}/oauth2/token` : `${this.url}/oauth2/token`;
  }

  get jwksUri(): string {
    return `${this.url}/${POOL_ID}/.well-known/jwks.json`;
  }

  close(): Promise<void> {
    return this.server.close();
  }

  private handle(request: http.IncomingMessage, response: http.ServerResponse) {
    const { options } = this;
    const reply = (status: number, body: unknown, type = 'application/json') => {
      response.writeHead(status, { 'content-type': type });
      response.end(typeof body === 'string' ? body : JSON.stringify(body));
    };
    if (request.method === 'GET' && request.url === `/${POOL_ID}/.well-known/jwks.json`) {
      this.jwksRequests += 1;
      return reply(200, jwksOf(options.key));
    }
    const match = /^(?:\/scenario\/([\w-]+))?\/oauth2\/token$/.exec(request.url ?? '');
    if (!match || request.method !== 'POST') return reply(404, '<html>Not Found</html>', 'text/html');

    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      const [clientId, clientSecret] = basicCredentials(request.headers.authorization);
      const form = new URLSearchParams(body);
      this.tokenRequests.push({ contentType: request.headers['content-type'], clientId, clientSecret, form });
      switch (match[1] as Scenario | undefined) {
        case 'hang':
          return;
        case 'server-error':
          return reply(503, '<html><body>Service Unavailable</body></html>', 'text/html');
        case 'html':
          return reply(200, '<!DOCTYPE html><html><body>Sign in</body></html>', 'text/html; charset=utf-8');
        case 'unsupported-grant-type':
          return reply(400, { error: 'unsupported_grant_type' });
        case 'echo-secret':
          return reply(401, {
            error: 'invalid_client',
            error_description: `bad secret ${clientSecret} in ${request.headers.authorization}`,
          });
      }
      // Cognito's own checks, in its order.
      if (request.headers['content-type'] !== 'application/x-www-form-urlencoded') {
        return reply(400, { error: 'invalid_request' });
      }
      const client = options.clients[clientId];
      const active = this.secrets.get(clientId) ?? [];
      const accepted = active.some((secret) => secret.value === clientSecret);
      if (!client || !accepted || this.notYetAccepted.has(clientSecret)) {
        return reply(400, { error: 'invalid_client' });
      }
      if (form.get('grant_type') !== 'client_credentials')
        return reply(400, { error: 'unsupported_grant_type' });
      if (client.grantAllowed === false) return reply(400, { error: 'unauthorized_client' });
      const requested = form.get('scope')?.split(' ') ?? [...client.scopes];
      if (requested.some((scope) => !client.scopes.includes(scope)))
        return reply(400, { error: 'invalid_scope' });
      reply(200, {
        access_token: mintAccessToken(options.key, clientId, requested),
        expires_in: options.expiresIn ?? 3600,
        token_type: 'Bearer',
      });
    });
  }
}

/** HTTP Basic credentials, each part form-urldecoded (RFC 6749 section 2.3.1). */
function basicCredentials(header: string | undefined): [string, string] {
  const decoded = Buffer.from((header ?? '').replace(/^Basic /, ''), 'base64').toString();
  const colon = decoded.indexOf(':');
  const formDecode = (value: string) => decodeURIComponent(value.replace(/\+/g, ' '));
  return colon < 0 ? ['', ''] : [formDecode(decoded.slice(0, colon)), formDecode(decoded.slice(colon + 1))];
}
