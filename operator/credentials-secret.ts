/**
 * A client's credentials in Secrets Manager (constructs/credentials-document.ts has the document's keys):
 * read and rewritten by `m2m rotate-secret`, and read by services through
 * {@link secretsManagerSecretLoader}, so that a ClientCredentialsTokenClient picks up a rotated
 * secret without a restart.
 */
// Types only: the SDK takes longer to load than the rest of the library, and is loaded when used.
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import {
  CREDENTIALS_KEYS,
  type CredentialsDocument,
  credentialsDocumentSchema,
} from '../constructs/credentials-document';
import { awsClientConfig, describeAwsFailure, limitReplies, regionOfArn } from './aws';
import { describeBytes } from './bounded-read';
import { InputError } from './errors';
import { checkTimeoutMs } from './limits';
import { oneLine } from './untrusted-text';

export type { CredentialsDocument } from '../constructs/credentials-document';

/** Secrets Manager's own limit on a secret's value (SecretString, 65536 bytes). */
export const MAX_SECRET_STRING_BYTES = 65_536;

/** How long a Secrets Manager call may take unless told otherwise. */
const DEFAULT_TIMEOUT_MS = 10_000;

/** A credentials document as read, and the version it was read from. */
export interface StoredCredentials {
  readonly document: CredentialsDocument;
  /** The Secrets Manager version (AWSCURRENT when read). */
  readonly versionId?: string;
}

/**
 * The secret's current credentials document. Throws InputError when the secret holds no JSON
 * document of the expected shape (naming what is wrong, never a value), AwsRequestError when
 * Secrets Manager cannot be asked.
 */
export async function readCredentialsSecret(
  secretsManager: SecretsManagerClient,
  secretId: string,
  timeoutMs = DEFAULT_TIMEOUT_MS,
): Promise<StoredCredentials> {
  const shown = oneLine(secretId);
  const { GetSecretValueCommand } = await import('@aws-sdk/client-secrets-manager');
  let reply;
  try {
    reply = await secretsManager.send(new GetSecretValueCommand({ SecretId: secretId }), {
      abortSignal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    throw describeAwsFailure(error, `Secrets Manager GetSecretValue of ${shown}`, timeoutMs);
  }
  const text = reply.SecretString;
  if (typeof text !== 'string') {
    throw new InputError(
      `Secrets Manager secret ${shown} holds no text (SecretString): it should hold the client's credentials as JSON, as the stack writes them`,
    );
  }
  if (Buffer.byteLength(text) > MAX_SECRET_STRING_BYTES) {
    throw new InputError(
      `Secrets Manager secret ${shown} holds more than ${describeBytes(MAX_SECRET_STRING_BYTES)}, more than Secrets Manager allows: it is not the client's credentials`,
    );
  }
  return { document: parseCredentialsDocument(text, shown), versionId: reply.VersionId };
}

/** The document in `text`, checked; errors name the key at fault, never a value (some are secret). */
export function parseCredentialsDocument(text: string, secretName: string): CredentialsDocument {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new InputError(
      `Secrets Manager secret ${secretName} does not hold JSON: it should hold the client's credentials as the stack writes them (${Object.values(CREDENTIALS_KEYS).join(', ')})`,
    );
  }
  const parsed = credentialsDocumentSchema.safeParse(value);
  if (!parsed.success) {
    const key = parsed.error.issues[0].path.map(String).join('.');
    const what = key === '' ? 'is not a JSON object' : `has no valid ${oneLine(key, 64)}`;
    throw new InputError(
      `Secrets Manager secret ${secretName} ${what}: it should hold the client's credentials as the stack writes them (${Object.values(CREDENTIALS_KEYS).join(', ')})`,
    );
  }
  return parsed.data;
}

/** Writes the document as the secret's new current version (AWSCURRENT); returns its version ID. */
export async function writeCredentialsSecret(
  secretsManager: SecretsManagerClient,
  secretId: string,
  document: CredentialsDocument,
  timeoutMs = DEFAULT_TIMEOUT_MS,
): Promise<string | undefined> {
  const { PutSecretValueCommand } = await import('@aws-sdk/client-secrets-manager');
  try {
    const reply = await secretsManager.send(
      new PutSecretValueCommand({ SecretId: secretId, SecretString: JSON.stringify(document) }),
      { abortSignal: AbortSignal.timeout(timeoutMs) },
    );
    return reply.VersionId;
  } catch (error) {
    throw describeAwsFailure(error, `Secrets Manager PutSecretValue of ${oneLine(secretId)}`, timeoutMs);
  }
}

export interface SecretsManagerSecretLoaderOptions {
  /** The secret's ARN (the stack's client_credentials_secret_arns) or name (m2m-auth/<env>/<client>). */
  readonly secretId: string;
  /**
   * The client the secret must belong to: a document holding another client's ID is refused.
   * @default any client
   */
  readonly clientId?: string;
  /**
   * The Secrets Manager client to read with.
   * @default one for the ARN's region (else the SDK's default region), with the SDK's credential chain
   */
  readonly secretsManager?: SecretsManagerClient;
  /**
   * How long one read may take, in milliseconds: 1 to 600000.
   * @default 10000
   */
  readonly timeoutMs?: number;
}

/**
 * A function that reads the client secret from a credentials secret in Secrets Manager, for
 * ClientCredentialsTokenClient's `reloadClientSecret`: then a service survives a rotation of its
 * secret without a restart.
 */
export function secretsManagerSecretLoader(
  options: SecretsManagerSecretLoaderOptions,
): () => Promise<string> {
  const timeoutMs = checkTimeoutMs('timeoutMs', options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const region = regionOfArn(options.secretId);
  let client = options.secretsManager;
  return async () => {
    client ??= await boundedSecretsManager(region, timeoutMs);
    const { document } = await readCredentialsSecret(client, options.secretId, timeoutMs);
    if (options.clientId !== undefined && document.client_id !== options.clientId) {
      throw new InputError(
        `Secrets Manager secret ${oneLine(options.secretId)} holds the credentials of client ${oneLine(document.client_id, 128)}, not ${oneLine(options.clientId, 128)}: check the secret ID`,
      );
    }
    return document.client_secret;
  };
}

/** A Secrets Manager client with a time limit and a bound on what it reads (see aws.ts). */
async function boundedSecretsManager(region: string | undefined, timeoutMs: number) {
  const { SecretsManagerClient } = await import('@aws-sdk/client-secrets-manager');
  const client = new SecretsManagerClient(awsClientConfig(region, timeoutMs));
  limitReplies(client.middlewareStack);
  return client;
}
