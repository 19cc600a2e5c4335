/**
 * Zero-downtime rotation of an app client's secret, on Cognito's AddUserPoolClientSecret,
 * ListUserPoolClientSecrets and DeleteUserPoolClientSecret (an app client holds at most two
 * secrets): start adds a secret, proves it at the token endpoint and stores it in Secrets Manager;
 * finish deletes the old one once callers have moved; status says where things stand.
 */
import { APP_CLIENT_ID_MAX_LENGTH, CLIENT_SECRET_ID_MAX_LENGTH } from '../constructs/limits';
import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CREDENTIALS_KEYS, type CredentialsDocument } from '../constructs/credentials-document';
import { describeAwsFailure } from './aws';
import { readCredentialsSecret, writeCredentialsSecret } from './credentials-secret';
import { AwsRequestError, RotationRefusedError, TokenRequestError } from './errors';
import { checkTimeoutMs } from './limits';
import type { StackClient } from './stack-outputs';
import { ClientCredentialsTokenClient, DEFAULT_TOKEN_TIMEOUT_MS } from './token-client';
import { oneLine } from './untrusted-text';

/** How often start asks the token endpoint again while Cognito does not yet accept a new secret. */
export const PROOF_INTERVAL_MS = 2_000;

/** How long start keeps trying a new secret unless told otherwise. */
export const DEFAULT_PROOF_WAIT_MS = 10_000;

export interface ClientSecretRotationOptions {
  /** Cognito, in the user pool's region; every call is made once (AddUserPoolClientSecret is not idempotent). */
  readonly cognito: CognitoIdentityProviderClient;
  /** Secrets Manager, in the secret's region: needed when the client's credentials are stored there. */
  readonly secretsManager?: SecretsManagerClient;
  readonly userPoolId: string;
  /** The app client, as the stack's outputs name it; its credentialsSecretArn says where it is stored. */
  readonly client: StackClient;
  /** Where a secret is proven, and what the stored document names as the token endpoint. */
  readonly tokenEndpoint: string;
  /**
   * How long each AWS call and each token request may take, in milliseconds: 1 to 600000.
   * @default 10000
   */
  readonly timeoutMs?: number;
  /**
   * How long start keeps asking for a token with the new secret while Cognito answers
   * invalid_client, in milliseconds: 0 to 600000.
   * @default 10000
   */
  readonly proofWaitMs?: number;
  /** Called with every secret value this rotation handles, e.g. SecretRedactor.add. */
  readonly onSecret?: (secret: string) => void;
  /** @default the global fetch */
  readonly fetch?: typeof globalThis.fetch;
  /** The clock, in epoch milliseconds: the grace period and the proof's wait. @default Date.now */
  readonly now?: () => number;
  /** @default a timer */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** One of the client's secrets, without its value (Cognito never shows it again). */
export interface ClientSecretInfo {
  readonly id: string;
  readonly created: Date;
}

/** Which of the client's secrets the credentials document in Secrets Manager holds. */
export interface StoredSecret {
  readonly secretArn: string;
  /** The Cognito secret ID the document records; undefined where Terraform wrote it (the first secret). */
  readonly clientSecretId?: string;
}

export interface RotationStatus {
  /** Oldest first. */
  readonly secrets: readonly ClientSecretInfo[];
  /** Undefined where the stack keeps no credentials in Secrets Manager. */
  readonly stored?: StoredSecret;
}

export interface StartResult {
  readonly added: ClientSecretInfo;
  /** The new secret. Only Secrets Manager or whoever called start has it now. */
  readonly secret: string;
  /** Where it was stored, if the stack keeps the client's credentials in Secrets Manager. */
  readonly stored?: { readonly secretArn: string; readonly versionId?: string };
}

export interface FinishResult {
  readonly deleted: ClientSecretInfo;
  readonly kept: ClientSecretInfo;
}

/** What allows finish to delete the old secret: time since start, or the operator's word. */
export type FinishApproval = { readonly graceMs: number } | { readonly confirmed: true };

/** One app client's secret rotation. */
export class ClientSecretRotation {
  private readonly timeoutMs: number;
  private readonly proofWaitMs: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly client: StackClient;

  constructor(private readonly options: ClientSecretRotationOptions) {
    this.timeoutMs = checkTimeoutMs('timeoutMs', options.timeoutMs ?? DEFAULT_TOKEN_TIMEOUT_MS);
    const wait = options.proofWaitMs ?? DEFAULT_PROOF_WAIT_MS;
    this.proofWaitMs = wait === 0 ? 0 : checkTimeoutMs('proofWaitMs', wait);
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.client = options.client;
    if (this.client.credentialsSecretArn !== undefined && !options.secretsManager) {
      throw new TypeError('secretsManager is needed: the client keeps its credentials in Secrets Manager');
    }
  }

  /** The client's secrets, oldest first, and which one Secrets Manager holds. */
  async status(): Promise<RotationStatus> {
    const secrets = await this.listSecrets();
    const arn = this.client.credentialsSecretArn;
    if (arn === undefined) return { secrets };
    const document = await this.readDocument(arn);
    return { secrets, stored: { secretArn: arn, clientSecretId: document[CREDENTIALS_KEYS.clientSecretId] } };
  }

  /**
   * Adds a secret, proves it gets a token, and stores it in Secrets Manager if the client's
   * credentials are kept there. When the proof or the store fails, the new secret is deleted again
   * (nobody else has it), and the error says so.
   */
  async start(): Promise<StartResult> {
    const arn = this.client.credentialsSecretArn;
    // Everything that can refuse is checked before Cognito is changed.
    const document = arn === undefined ? undefined : await this.readDocument(arn);
    const before = await this.listSecrets();
    if (before.length >= 2) {
      throw new RotationRefusedError(
        'rotation-in-progress',
        `client ${this.name} already has two secrets (${before.map((s) => this.describe(s)).join(', ')}), the most Cognito allows, so a rotation is in progress: finish it first (m2m rotate-secret finish), or see m2m rotate-secret status`,
      );
    }

    const added = await this.addSecret();
    const info = { id: added.id, created: added.created };
    try {
      await this.prove(added.secret, this.proofWaitMs);
    } catch (error) {
      const fix =
        error instanceof TokenRequestError && error.error === 'invalid_client'
          ? `Cognito may take longer to accept a new secret: start again with a longer --wait (now ${this.proofWaitMs / 1000} s)`
          : 'check that the token endpoint answers (m2m token --stack), then start again';
      throw await this.undoAdd(
        info,
        new RotationRefusedError(
          'secret-unproven',
          `the new secret ${this.describe(info)} got no token from ${this.options.tokenEndpoint} (${this.cause(error)}), so nothing changed: ${fix}`,
        ),
      );
    }

    // Stryker disable next-line ConditionalExpression: document is undefined exactly when arn is; both named for the type checker
    if (arn === undefined || document === undefined) return { added: info, secret: added.secret };
    const updated: CredentialsDocument = {
      ...document,
      [CREDENTIALS_KEYS.clientId]: this.client.clientId,
      [CREDENTIALS_KEYS.clientSecret]: added.secret,
      // The whole document from the stack as it is now: Terraform writes it only once.
      [CREDENTIALS_KEYS.tokenEndpoint]: this.options.tokenEndpoint,
      [CREDENTIALS_KEYS.scopes]: [...this.client.scopes],
      [CREDENTIALS_KEYS.clientSecretId]: info.id,
    };
    let versionId: string | undefined;
    try {
      versionId = await writeCredentialsSecret(this.options.secretsManager!, arn, updated, this.timeoutMs);
    } catch (error) {
      throw await this.undoAdd(info, error as Error);
    }
    return { added: info, secret: added.secret, stored: { secretArn: arn, versionId } };
  }

  /**
   * Deletes the older of the client's two secrets, once `approval` allows it. Refuses while the
   * client has one secret, and when Secrets Manager holds the old one, records none, or holds one
   * that gets no token.
   */
  async finish(approval: FinishApproval): Promise<FinishResult> {
    const secrets = await this.listSecrets();
    if (secrets.length < 2) {
      throw new RotationRefusedError(
        'only-one-secret',
        `client ${this.name} has ${secrets.length === 0 ? 'no secret' : `one secret (${this.describe(secrets[0])})`}, so there is nothing to finish and deleting it would lock every caller out: start a rotation first (m2m rotate-secret start)`,
      );
    }
    const [old, kept] = [secrets[0], secrets[secrets.length - 1]];
    if ('graceMs' in approval) this.checkGrace(kept, approval.graceMs);

    const arn = this.client.credentialsSecretArn;
    if (arn !== undefined) {
      const document = await this.readDocument(arn);
      const recorded = document[CREDENTIALS_KEYS.clientSecretId];
      if (recorded === undefined) {
        throw new RotationRefusedError(
          'stored-secret-unknown',
          `Secrets Manager secret ${oneLine(arn)} records no ${CREDENTIALS_KEYS.clientSecretId}, so it holds a secret m2m rotate-secret start did not write (the first secret, as Terraform wrote it, or one a deploy wrote back) and finish could delete it: check with m2m rotate-secret status; if callers must keep the old secret, delete the new one ${this.describe(kept)} (aws cognito-idp delete-user-pool-client-secret) and start again`,
        );
      }
      if (recorded === old.id) {
        throw new RotationRefusedError(
          'stored-secret-is-old',
          `Secrets Manager secret ${oneLine(arn)} holds secret ${this.describe(old)}, the one finish would delete, and every service reading it would be locked out: store the new secret there, or delete the new one ${this.describe(kept)} and start again`,
        );
      }
      if (!secrets.some((secret) => secret.id === recorded)) {
        throw new RotationRefusedError(
          'stored-secret-unknown',
          `Secrets Manager secret ${oneLine(arn)} records secret ${oneLine(recorded, CLIENT_SECRET_ID_MAX_LENGTH)}, which client ${this.name} no longer has (it has ${secrets.map((s) => this.describe(s)).join(', ')}): check with m2m rotate-secret status before deleting anything`,
        );
      }
      try {
        await this.prove(document[CREDENTIALS_KEYS.clientSecret], 0);
      } catch (error) {
        throw new RotationRefusedError(
          'secret-unproven',
          `the secret Secrets Manager secret ${oneLine(arn)} holds got no token from ${this.options.tokenEndpoint} (${this.cause(error)}), so the old one stays: check the stored secret and the token endpoint (m2m rotate-secret status), then finish again`,
        );
      }
    }

    await this.send('DeleteUserPoolClientSecret', async (cognito, signal) => {
      const { DeleteUserPoolClientSecretCommand } = await import('@aws-sdk/client-cognito-identity-provider');
      await cognito.send(
        new DeleteUserPoolClientSecretCommand({
          UserPoolId: this.options.userPoolId,
          ClientId: this.client.clientId,
          ClientSecretId: old.id,
        }),
        { abortSignal: signal },
      );
    });
    return { deleted: old, kept };
  }

  private get name(): string {
    return `${oneLine(this.client.name, 128)} (${oneLine(this.client.clientId, 128)})`;
  }

  /** "<id> of <ISO date>", for messages. */
  private describe(secret: ClientSecretInfo): string {
    return `${oneLine(secret.id, CLIENT_SECRET_ID_MAX_LENGTH)} of ${secret.created.toISOString()}`;
  }

  private cause(error: unknown): string {
    return oneLine(error instanceof Error ? error.message : String(error), 300);
  }

  private checkGrace(newest: ClientSecretInfo, graceMs: number): void {
    const ends = newest.created.getTime() + graceMs;
    const left = ends - this.now();
    if (left > 0) {
      throw new RotationRefusedError(
        'grace-not-over',
        `the grace period of ${formatDuration(graceMs)} since the new secret ${this.describe(newest)} ends at ${new Date(ends).toISOString()}, in ${formatDuration(left)}: finish then, or now with --yes once every caller uses the new secret`,
      );
    }
  }

  private async readDocument(arn: string): Promise<CredentialsDocument> {
    const { document } = await readCredentialsSecret(this.options.secretsManager!, arn, this.timeoutMs);
    this.options.onSecret?.(document[CREDENTIALS_KEYS.clientSecret]);
    if (document[CREDENTIALS_KEYS.clientId] !== this.client.clientId) {
      throw new RotationRefusedError(
        'credentials-document',
        `Secrets Manager secret ${oneLine(arn)} holds the credentials of client ${oneLine(document[CREDENTIALS_KEYS.clientId], APP_CLIENT_ID_MAX_LENGTH)}, not of ${this.name}: check the stack's client_credentials_secret_arns output, or redeploy the stack`,
      );
    }
    return document;
  }

  /** Asks for a token with `secret`; while Cognito answers invalid_client, again until `waitMs` passed. */
  private async prove(secret: string, waitMs: number): Promise<void> {
    const tokens = new ClientCredentialsTokenClient({
      tokenEndpoint: this.options.tokenEndpoint,
      clientId: this.client.clientId,
      clientSecret: secret,
      timeoutMs: this.timeoutMs,
      fetch: this.options.fetch,
      now: this.now,
    });
    const started = this.now();
    for (;;) {
      try {
        await tokens.getAccessToken();
        return;
      } catch (error) {
        const refusedSecret = error instanceof TokenRequestError && error.error === 'invalid_client';
        if (!refusedSecret || this.now() - started + PROOF_INTERVAL_MS > waitMs) throw error;
        await this.sleep(PROOF_INTERVAL_MS);
      }
    }
  }

  private async listSecrets(): Promise<ClientSecretInfo[]> {
    const reply = await this.send('ListUserPoolClientSecrets', async (cognito, signal) => {
      const { ListUserPoolClientSecretsCommand } = await import('@aws-sdk/client-cognito-identity-provider');
      return cognito.send(
        new ListUserPoolClientSecretsCommand({
          UserPoolId: this.options.userPoolId,
          ClientId: this.client.clientId,
        }),
        { abortSignal: signal },
      );
    });
    // Cognito returns at most two, and no NextToken: more would be a reply from something else.
    const listed = reply.ClientSecrets ?? [];
    if (!Array.isArray(listed) || listed.length > 2) {
      throw this.unexpected('ListUserPoolClientSecrets', 'more than the two secrets Cognito allows a client');
    }
    return listed
      .map((secret) => this.secretInfo('ListUserPoolClientSecrets', secret))
      .sort((a, b) => a.created.getTime() - b.created.getTime() || a.id.localeCompare(b.id));
  }

  private async addSecret(): Promise<ClientSecretInfo & { secret: string }> {
    const reply = await this.send('AddUserPoolClientSecret', async (cognito, signal) => {
      const { AddUserPoolClientSecretCommand } = await import('@aws-sdk/client-cognito-identity-provider');
      // No ClientSecret: Cognito generates one, and only then returns its value.
      return cognito.send(
        new AddUserPoolClientSecretCommand({
          UserPoolId: this.options.userPoolId,
          ClientId: this.client.clientId,
        }),
        { abortSignal: signal },
      );
    });
    const descriptor = reply.ClientSecretDescriptor ?? {};
    const secret = descriptor.ClientSecretValue;
    if (typeof secret === 'string' && secret !== '') this.options.onSecret?.(secret);
    const info = this.secretInfo('AddUserPoolClientSecret', descriptor);
    if (typeof secret !== 'string' || !/^[\w+]{24,64}$/.test(secret)) {
      throw await this.undoAdd(
        info,
        this.unexpected(
          'AddUserPoolClientSecret',
          'no secret of 24 to 64 letters, digits, _ or + as ClientSecretValue',
        ),
      );
    }
    return { ...info, secret };
  }

  /**
   * `cause`, after deleting the secret start added: nobody has it, so it would only block the next
   * start. If the delete fails too, the message says how to delete it by hand.
   */
  private async undoAdd(added: ClientSecretInfo, cause: Error): Promise<Error> {
    try {
      await this.send('DeleteUserPoolClientSecret', async (cognito, signal) => {
        const { DeleteUserPoolClientSecretCommand } =
          await import('@aws-sdk/client-cognito-identity-provider');
        await cognito.send(
          new DeleteUserPoolClientSecretCommand({
            UserPoolId: this.options.userPoolId,
            ClientId: this.client.clientId,
            ClientSecretId: added.id,
          }),
          { abortSignal: signal },
        );
      });
    } catch (error) {
      return new AwsRequestError(
        error instanceof AwsRequestError ? error.problem : 'failed',
        `${cause.message}; and deleting the unused new secret ${this.describe(added)} failed (${this.cause(error)}): delete it with aws cognito-idp delete-user-pool-client-secret --user-pool-id ${this.options.userPoolId} --client-id ${this.client.clientId} --client-secret-id ${oneLine(added.id, CLIENT_SECRET_ID_MAX_LENGTH)}, then start again`,
      );
    }
    if (cause instanceof RotationRefusedError) return cause;
    const message = `the new secret ${this.describe(added)} was deleted again, so nothing changed: ${cause.message}`;
    return cause instanceof AwsRequestError
      ? new AwsRequestError(cause.problem, message, cause.awsError)
      : new AwsRequestError('failed', message);
  }

  /** A Cognito call, made once, within the time limit; its failure as an AwsRequestError. */
  private async send<T>(
    action: string,
    call: (cognito: CognitoIdentityProviderClient, signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    try {
      return await call(this.options.cognito, AbortSignal.timeout(this.timeoutMs));
    } catch (error) {
      throw describeAwsFailure(error, `Cognito ${action} for client ${this.name}`, this.timeoutMs);
    }
  }

  private secretInfo(
    action: string,
    secret: { ClientSecretId?: unknown; ClientSecretCreateDate?: unknown },
  ): ClientSecretInfo {
    const id = secret.ClientSecretId;
    const created = secret.ClientSecretCreateDate;
    if (typeof id !== 'string' || id === '' || id.length > CLIENT_SECRET_ID_MAX_LENGTH) {
      throw this.unexpected(
        action,
        `a ClientSecretId that is no string of 1 to ${CLIENT_SECRET_ID_MAX_LENGTH} characters`,
      );
    }
    if (!(created instanceof Date) || Number.isNaN(created.getTime())) {
      throw this.unexpected(
        action,
        `secret ${oneLine(id, CLIENT_SECRET_ID_MAX_LENGTH)} without a ClientSecretCreateDate`,
      );
    }
    return { id, created };
  }

  private unexpected(action: string, what: string): AwsRequestError {
    return new AwsRequestError(
      'failed',
      `Cognito ${action} for client ${this.name} replied with ${what}: check AWS_ENDPOINT_URL points at Cognito`,
    );
  }
}

const UNITS = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1_000],
] as const;

/** A duration as the largest units that fit, e.g. "1d 2h", "3h 20m", "45s"; below a second, "0s". */
export function formatDuration(ms: number): string {
  let rest = Math.ceil(ms / 1000) * 1000;
  const parts: string[] = [];
  for (const [unit, size] of UNITS) {
    if (rest >= size && parts.length < 2) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    } else if (parts.length > 0) break;
  }
  return parts.length > 0 ? parts.join(' ') : '0s';
}

/**
 * A duration from the command line, "<whole number><s|m|h|d>" (e.g. 30m, 24h, 7d), in
 * milliseconds; undefined when it is not one.
 */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d{1,9})([smhd])$/.exec(text.trim());
  if (!match) return undefined;
  const size = UNITS.find(([unit]) => unit === match[2])![1];
  return Number(match[1]) * size;
}
