import { CognitoUserPoolClient } from '@cdktf/provider-aws/lib/cognito-user-pool-client';
import { Op, Token } from 'cdktf';
import { Construct } from 'constructs';
import {
  ACCESS_TOKEN_VALIDITY_MINUTES,
  TOKEN_VALIDITY_UNIT_SECONDS,
  TOKEN_VALIDITY_UNITS,
  type TokenValidityUnit,
} from './limits';
import { type Check, oneOf, validateLiteral } from './rules';

/** What an app client gets for a prop left out. */
export const M2M_APP_CLIENT_DEFAULTS = {
  accessTokenValidityMinutes: 60,
  accessTokenValidityUnit: 'minutes',
} as const satisfies Partial<M2mAppClientProps>;

/** accessTokenValidityUnit is one of the units Cognito takes a lifetime in. */
export const tokenValidityUnitRule = oneOf(TOKEN_VALIDITY_UNITS);

/** A client asks for at least one scope. */
export const atLeastOneScope: Check<readonly unknown[]> = {
  description: 'a client needs at least one scope',
  test: (scopes) => scopes.length > 0,
};

/** What Cognito accepts as an access token's lifetime in minutes, given to it in `unit`. */
export function accessTokenValidityRules(
  unit: TokenValidityUnit = M2M_APP_CLIENT_DEFAULTS.accessTokenValidityUnit,
): Check<number>[] {
  const { min, max } = ACCESS_TOKEN_VALIDITY_MINUTES;
  const inWholeUnits: Check<number> = {
    description: `must be a whole number of ${unit}, as accessTokenValidityUnit is "${unit}"`,
    test: (minutes) => Number.isInteger((minutes * 60) / TOKEN_VALIDITY_UNIT_SECONDS[unit]),
  };
  return [
    { description: 'must be a whole number of minutes', test: Number.isInteger },
    { description: `must be between ${min} and ${max} minutes`, test: (m) => m >= min && m <= max },
    ...(unit === 'minutes' ? [] : [inWholeUnits]),
  ];
}

export interface M2mAppClientProps {
  /** The user pool the client belongs to. */
  readonly userPoolId: string;
  /** App client name, shown in the Cognito console. */
  readonly clientName: string;
  /**
   * Full scope identifiers ("<resource server identifier>/<scope>") the client may ask for, at least
   * one. Build them from a reference to the resource server, so that Terraform creates the client
   * after it.
   */
  readonly scopeIdentifiers: readonly string[];
  /**
   * Lifetime of the client's access tokens, in Cognito's ACCESS_TOKEN_VALIDITY_MINUTES range.
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
    validateLiteral('accessTokenValidityUnit', unit, [tokenValidityUnitRule]);
    validateLiteral('accessTokenValidityMinutes', validity, accessTokenValidityRules(unit));
    validateLiteral(`scopeIdentifiers of client ${props.clientName}`, props.scopeIdentifiers, [
      atLeastOneScope,
    ]);

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
