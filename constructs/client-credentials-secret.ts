import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import { SecretsmanagerSecretVersion } from '@cdktf/provider-aws/lib/secretsmanager-secret-version';
import { Fn } from 'cdktf';
import { Construct } from 'constructs';

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
  readonly clientId: string;
  readonly clientSecret: string;
  readonly tokenEndpoint: string;
  /** Full scope identifiers the client may ask for. */
  readonly scopes: readonly string[];
}

/**
 * A Secrets Manager secret holding what a service needs to get tokens, as JSON:
 * `{"client_id", "client_secret", "token_endpoint", "scopes"}`.
 */
export class ClientCredentialsSecret extends Construct {
  public readonly secret: SecretsmanagerSecret;
  /** ARN to grant `secretsmanager:GetSecretValue` on. */
  public readonly secretArn: string;

  constructor(scope: Construct, id: string, props: ClientCredentialsSecretProps) {
    super(scope, id);
    this.secret = new SecretsmanagerSecret(this, 'secret', {
      name: props.secretName,
      description: props.description,
      recoveryWindowInDays: props.recoveryWindowInDays ?? 30,
    });
    new SecretsmanagerSecretVersion(this, 'version', {
      secretId: this.secret.id,
      secretString: Fn.jsonencode({
        client_id: props.clientId,
        client_secret: props.clientSecret,
        token_endpoint: props.tokenEndpoint,
        scopes: props.scopes,
      }),
    });
    this.secretArn = this.secret.arn;
  }
}
