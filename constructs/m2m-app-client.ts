import { CognitoUserPoolClient } from '@cdktf/provider-aws/lib/cognito-user-pool-client';
import { Op, Token } from 'cdktf';
import { Construct } from 'constructs';
import { ACCESS_TOKEN_VALIDITY_MINUTES, TOKEN_VALIDITY_UNIT_SECONDS, type TokenValidityUnit } from './limits';

/** What an app client gets for a prop left out. */
export const M2M_APP_CLIENT_DEFAULTS = {
  accessTokenValidityMinutes: 60,
  accessTokenValidityUnit: 'minutes',
} as const satisfies Partial<M2mAppClientProps>;

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
  /**
   * The unit Cognito is given the lifetime in (Cognito shows and returns it so); the lifetime must be
   * a whole number of it. An adopted client keeps the unit it has, so nothing changes.
   * @default "minutes"
   */
  readonly accessTokenValidityUnit?: TokenValidityUnit;
}

/**
 * Throws unless Cognito accepts the access-token lifetime, and it is a whole number of `unit`; a
 * Terraform reference is left to plan time.
 */
export function validateAccessTokenValidity(
  minutes: number,
  unit: TokenValidityUnit = M2M_APP_CLIENT_DEFAULTS.accessTokenValidityUnit,
): void {
  const { min, max } = ACCESS_TOKEN_VALIDITY_MINUTES;
  if (Token.isUnresolved(minutes)) return;
  if (!Number.isInteger(minutes) || minutes < min || minutes > max) {
    throw new Error(
      `accessTokenValidityMinutes ${minutes} is invalid: must be a whole number between ${min} and ${max}`,
    );
  }
  if (!(unit in TOKEN_VALIDITY_UNIT_SECONDS)) {
    throw new Error(
      `accessTokenValidityUnit ${JSON.stringify(unit)} is invalid: must be one of ${Object.keys(TOKEN_VALIDITY_UNIT_SECONDS).join(', ')}`,
    );
  }
  if (!Number.isInteger((minutes * 60) / TOKEN_VALIDITY_UNIT_SECONDS[unit])) {
    throw new Error(
      `accessTokenValidityMinutes ${minutes} is invalid: must be a whole number of ${unit}, as accessTokenValidityUnit is "${unit}"`,
    );
  }
}

/** A lifetime in minutes, in `unit`; a Terraform reference becomes the same arithmetic in Terraform. */
function inUnit(minutes: number, unit: TokenValidityUnit): number {
  if (unit === 'minutes') return minutes;
  const seconds = TOKEN_VALIDITY_UNIT_SECONDS[unit];
  if (Token.isUnresolved(minutes)) return Token.asNumber(Op.div(Op.mul(minutes, 60), seconds));
  return (minutes * 60) / seconds;
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
    const validity = props.accessTokenValidityMinutes ?? M2M_APP_CLIENT_DEFAULTS.accessTokenValidityMinutes;
    const unit = props.accessTokenValidityUnit ?? M2M_APP_CLIENT_DEFAULTS.accessTokenValidityUnit;
    validateAccessTokenValidity(validity, unit);
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
      accessTokenValidity: inUnit(validity, unit),
      tokenValidityUnits: [{ accessToken: unit }],
      // Cognito never says whether a client has a secret, so an imported client reads back without
      // generate_secret and the provider would replace it (new ID and secret); the flag cannot change.
      lifecycle: { ignoreChanges: ['generate_secret'] },
    });
    this.clientId = this.appClient.id;
    this.clientSecret = this.appClient.clientSecret;
  }
}
