import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import { SecretsmanagerSecretVersion } from '@cdktf/provider-aws/lib/secretsmanager-secret-version';
import { Fn } from 'cdktf';
import { Construct } from 'constructs';
import { CREDENTIALS_KEYS } from './credentials-document';
import type { M2mAppClient } from './m2m-app-client';

/** Secret names of the stacks' client credentials begin "<prefix>/<environment>/". */
export const CREDENTIALS_SECRET_PREFIX = 'm2m-auth';

export interface ClientCredentialsSecretProps {
  /** Secret name, unique in the account and region. */
  readonly secretName: string;
  /** What the secret is for, shown in the console. */
  readonly description: string;
  /**
   * Days a deleted secret can still be restored; 0 deletes it at once (so the name is free again).
   * @default 30
   */
  readonly recoveryWindowInDays?: number;
  /** The app client whose ID and secret the secret holds. */
  readonly client: M2mAppClient;
  readonly tokenEndpoint: string;
  /** Full scope identifiers the client may ask for. */
  readonly scopes: readonly string[];
}

/**
 * A Secrets Manager secret holding what a service needs to get tokens, as JSON:
 * `{"client_id", "client_secret", "token_endpoint", "scopes"}` (credentials-document.ts).
 *
 * Terraform writes the value once, when the app client is created (or replaced), and then leaves it
 * to `m2m rotate-secret`: after a rotation, the client's `client_secret` attribute no longer names
 * the secret in use (Cognito reports the client's first secret, and none once that is deleted), and
 * writing it back would hand every service a deleted secret, or none.
 */
export class ClientCredentialsSecret extends Construct {
  public readonly secret: SecretsmanagerSecret;
  public readonly version: SecretsmanagerSecretVersion;
  /** ARN to grant `secretsmanager:GetSecretValue` on. */
  public readonly secretArn: string;

  constructor(scope: Construct, id: string, props: ClientCredentialsSecretProps) {
    super(scope, id);
    const { appClient } = props.client;
    this.secret = new SecretsmanagerSecret(this, 'secret', {
      name: props.secretName,
      description: props.description,
      recoveryWindowInDays: props.recoveryWindowInDays ?? 30,
    });
    this.version = new SecretsmanagerSecretVersion(this, 'version', {
      secretId: this.secret.id,
      secretString: Fn.jsonencode({
        [CREDENTIALS_KEYS.clientId]: props.client.clientId,
        [CREDENTIALS_KEYS.clientSecret]: props.client.clientSecret,
        [CREDENTIALS_KEYS.tokenEndpoint]: props.tokenEndpoint,
        [CREDENTIALS_KEYS.scopes]: props.scopes,
      }),
      lifecycle: {
        // The trade-off: a later change of domain or scopes reaches the secret only through a
        // rotation (m2m rotate-secret start rewrites the whole document) or a -replace.
        ignoreChanges: ['secret_string'],
        // A new app client has a new ID and a secret Terraform knows: then the document follows.
        replaceTriggeredBy: [`${appClient.terraformResourceType}.${appClient.friendlyUniqueId}.id`],
        // Secrets Manager may delete a version without staging labels, as Terraform's is from the
        // second rotation on; Terraform would then write the document anew, with no secret in it.
        postcondition: [
          {
            condition: `\${jsondecode(self.secret_string).${CREDENTIALS_KEYS.clientSecret} != null}`,
            errorMessage: `This would write a credentials document without ${CREDENTIALS_KEYS.clientSecret} into Secrets Manager: the app client's secret was rotated (m2m rotate-secret) and Terraform's version of the secret is gone. Import the current version instead: terraform import '<this address>' '<secret ARN>|<its AWSCURRENT version ID>'.`,
          },
        ],
      },
    });
    this.secretArn = this.secret.arn;
  }
}
