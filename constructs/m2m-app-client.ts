import { CognitoUserPoolClient } from '@cdktf/provider-aws/lib/cognito-user-pool-client';
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { ACCESS_TOKEN_VALIDITY_MINUTES } from '../config/limits';
import { DEFAULTS } from '../config/settings';

export interface M2mAppClientProps {
  /** The user pool the client belongs to. */
  readonly userPoolId: string;
  /** App client name, shown in the Cognito console. */
  readonly clientName: string;
  /**
   * Full scope identifiers ("<resource server identifier>/<scope>") the client may ask for. Build them
   * from a reference to the resource server, so that Terraform creates the client after it.
   */
  readonly scopeIdentifiers: readonly string[];
  /**
   * Lifetime of the client's access tokens, 5 to 1440 minutes.
   * @default 60
   */
  readonly accessTokenValidityMinutes?: number;
}

/** Throws unless Cognito accepts the access-token lifetime; a Terraform reference is left to plan time. */
export function validateAccessTokenValidity(minutes: number): void {
  const { min, max } = ACCESS_TOKEN_VALIDITY_MINUTES;
  if (Token.isUnresolved(minutes)) return;
  if (!Number.isInteger(minutes) || minutes < min || minutes > max) {
    throw new Error(
      `accessTokenValidityMinutes ${minutes} is invalid: must be a whole number between ${min} and ${max}`,
    );
  }
}

/**
 * An app client that can use only the OAuth 2.0 client-credentials grant: it has a secret, no user
 * sign-in flows, no identity providers but Cognito's, and only the scopes it is given.
 */
export class M2mAppClient extends Construct {
  public readonly appClient: CognitoUserPoolClient;
  /** Client ID, for the HTTP Basic user name at the token endpoint. */
  public readonly clientId: string;
  /** Client secret; Terraform marks it sensitive. */
  public readonly clientSecret: string;

  constructor(scope: Construct, id: string, props: M2mAppClientProps) {
    super(scope, id);
    const validity = props.accessTokenValidityMinutes ?? DEFAULTS.accessTokenValidityMinutes;
    validateAccessTokenValidity(validity);
    if (props.scopeIdentifiers.length === 0) {
      throw new Error(
        `scopeIdentifiers of client ${props.clientName} is empty: a client needs at least one scope`,
      );
    }

    this.appClient = new CognitoUserPoolClient(this, 'app-client', {
      name: props.clientName,
      userPoolId: props.userPoolId,
      generateSecret: true,
      allowedOauthFlows: ['client_credentials'],
      allowedOauthFlowsUserPoolClient: true,
      allowedOauthScopes: [...props.scopeIdentifiers],
      supportedIdentityProviders: ['COGNITO'],
      explicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH'],
      preventUserExistenceErrors: 'ENABLED',
      accessTokenValidity: validity,
      tokenValidityUnits: [{ accessToken: 'minutes' }],
    });
    this.clientId = this.appClient.id;
    this.clientSecret = this.appClient.clientSecret;
  }
}
