import { CognitoResourceServer } from '@cdktf/provider-aws/lib/cognito-resource-server';
import { CognitoUserPool } from '@cdktf/provider-aws/lib/cognito-user-pool';
import { CognitoUserPoolDomain } from '@cdktf/provider-aws/lib/cognito-user-pool-domain';
import { Construct } from 'constructs';
import { ClientCredentialsSecret, CREDENTIALS_SECRET_PREFIX } from './client-credentials-secret';
import type { TokenValidityUnit } from './limits';
import {
  accessTokenValidityRules,
  atLeastOneScope,
  M2mAppClient,
  tokenValidityUnitRule,
} from './m2m-app-client';
import { inProduction } from './production-switch';
import { oneOf, type Rule, settingRules, validateLiteral, variableRules } from './rules';
import { terraformText } from './terraform-text';

/** What CognitoM2mAuth makes for a prop left out: what the original main.tf and variables.tf made. */
export const COGNITO_M2M_AUTH_DEFAULTS = {
  userPoolNamePrefix: 'machine-to-machine',
  domainPrefix: 'm2m-rubicon',
  resourceServer: {
    identifier: 'm2m-client',
    name: 'User API',
    scopes: [
      { name: 'read', description: 'Read access' },
      { name: 'write', description: 'Write access' },
    ],
  },
  clients: [{ name: 'm2m-client' }],
  storeCredentialsInSecretsManager: false,
} as const satisfies Partial<CognitoM2mAuthProps>;

/** The API the tokens are for. */
export interface M2mResourceServerOptions {
  /** Clients ask for "<identifier>/<scope name>". */
  readonly identifier: string;
  /** Shown in the Cognito console. */
  readonly name: string;
  /** Each scope's name, and the description the Cognito console shows. */
  readonly scopes: readonly { readonly name: string; readonly description: string }[];
}

/** A calling service and what it may do. */
export interface M2mClientOptions {
  /** Short name; the app client is "<environment>-<name>". */
  readonly name: string;
  /**
   * Scope names of the resource server the client may ask for.
   * @default every scope of the resource server
   */
  readonly scopes?: readonly string[];
  /**
   * Lifetime of the client's access tokens, in Cognito's ACCESS_TOKEN_VALIDITY_MINUTES range.
   * @default 60
   */
  readonly accessTokenValidityMinutes?: number;
  /**
   * The unit Cognito is given the lifetime in; the lifetime must be a whole number of it.
   * @default "minutes"
   */
  readonly accessTokenValidityUnit?: TokenValidityUnit;
  /**
   * The app client's name in Cognito, for a client taken over with the name it has.
   * @default "<environment>-<name>"
   */
  readonly appClientName?: string;
}

/**
 * Live Cognito resources to take over instead of creating them: Terraform imports them on the next
 * apply (import blocks), and from then on manages them as if it had created them.
 */
export interface CognitoM2mImports {
  /**
   * The user pool's ID, e.g. us-east-1_AbCdEf123. Its resource server (by the identifier) and its
   * domain (by the name this construct gives it) are imported with it.
   */
  readonly userPoolId: string;
  /**
   * App client IDs to import, by client name (names of `clients`); a client without one is created.
   * @default none
   */
  readonly clientIds?: Readonly<Record<string, string>>;
}

export interface CognitoM2mAuthProps {
  /**
   * The environment: "prod" turns deletion protection on, keeps deleted secrets for 30 days and drops
   * the environment from the domain. A literal or a Terraform reference.
   */
  readonly environmentName: string;
  /** The region the pool is in, for the token endpoint's URL. A literal or a Terraform reference. */
  readonly region: string;
  /**
   * The user pool is named "<environment>-<prefix>-user-pool".
   * @default "machine-to-machine"
   */
  readonly userPoolNamePrefix?: string;
  /**
   * The Cognito domain is "<prefix>-<environment>-auth", or "<prefix>-auth" in prod. Domains are
   * global: pick a prefix nobody else uses.
   * @default "m2m-rubicon"
   */
  readonly domainPrefix?: string;
  /**
   * The API the tokens are for, and its scopes.
   * @default identifier "m2m-client", name "User API", scopes read and write
   */
  readonly resourceServer?: M2mResourceServerOptions;
  /**
   * The calling services, each an app client with only the scopes it lists.
   * @default one client, "m2m-client", with every scope
   */
  readonly clients?: readonly M2mClientOptions[];
  /**
   * Keep each client's ID, secret, token endpoint and scopes in a Secrets Manager secret named
   * "m2m-auth/<environment>/<client>".
   * @default false
   */
  readonly storeCredentialsInSecretsManager?: boolean;
  /**
   * Take over an existing deployment (one made by the original main.tf, say) rather than create one.
   * @default none: every resource is created
   */
  readonly imports?: CognitoM2mImports;
}

/** The user pool's name: "<environment>-<prefix>-user-pool"; literals or Terraform references. */
export function userPoolName(environmentName: string, prefix: string): string {
  return `${environmentName}-${prefix}-user-pool`;
}

/** The Cognito domain: "<prefix>-<environment>-auth", or "<prefix>-auth" in prod. */
export function userPoolDomain(environmentName: string, prefix: string): string {
  return inProduction(environmentName, `${prefix}-auth`, `${prefix}-${environmentName}-auth`);
}

/** The scope names a client may ask for: those it lists, or every scope of the resource server. */
export function clientScopeNames(
  client: M2mClientOptions,
  resourceServer: M2mResourceServerOptions,
): readonly string[] {
  return client.scopes ?? resourceServer.scopes.map((scope) => scope.name);
}

/** A client's scope must be one the resource server defines. */
export function scopeOf(resourceServer: M2mResourceServerOptions): Rule {
  const defined = resourceServer.scopes.map((scope) => scope.name);
  return oneOf(
    defined,
    `must be a scope of resource server "${resourceServer.identifier}", which defines ${defined.join(', ')}`,
  );
}

/** A client ID imported must be for one of the clients. */
export function oneOfTheClients(clients: readonly M2mClientOptions[]): Rule {
  const names = clients.map((client) => client.name);
  return oneOf(names, `must be for one of the clients (${names.join(', ')})`);
}

/** What the construct made for one client. */
export interface M2mClient {
  readonly client: M2mAppClient;
  /** Full scope identifiers the client may ask for. */
  readonly scopeIdentifiers: readonly string[];
  /** Present when storeCredentialsInSecretsManager is on. */
  readonly credentialsSecret?: ClientCredentialsSecret;
}

/**
 * Amazon Cognito set up for machine-to-machine authentication with the OAuth 2.0 client-credentials
 * grant: a user pool without users, a resource server with scopes, a domain for the token endpoint
 * and one least-privilege app client per calling service.
 */
export class CognitoM2mAuth extends Construct {
  public readonly userPool: CognitoUserPool;
  public readonly resourceServer: CognitoResourceServer;
  public readonly domain: CognitoUserPoolDomain;
  /** The clients, by name, in the order given. */
  public readonly clients: ReadonlyMap<string, M2mClient>;
  /** Every scope identifier of the resource server. */
  public readonly scopeIdentifiers: string[];
  /** Where clients POST for tokens: https://<domain>.auth.<region>.amazoncognito.com/oauth2/token. */
  public readonly tokenEndpoint: string;
  /** The `iss` claim of the pool's tokens: https://cognito-idp.<region>.amazonaws.com/<pool id>. */
  public readonly issuer: string;
  /** The pool's signing keys, for verifying tokens. */
  public readonly jwksUri: string;

  constructor(scope: Construct, id: string, props: CognitoM2mAuthProps) {
    super(scope, id);
    const environmentName = props.environmentName;
    const defaults = COGNITO_M2M_AUTH_DEFAULTS;
    const userPoolNamePrefix = props.userPoolNamePrefix ?? defaults.userPoolNamePrefix;
    const domainPrefix = props.domainPrefix ?? defaults.domainPrefix;
    const resourceServer = props.resourceServer ?? defaults.resourceServer;
    const scopeNames = resourceServer.scopes.map((s) => s.name);
    const clients: readonly M2mClientOptions[] = props.clients ?? defaults.clients;
    validateLiteral('environmentName', environmentName, variableRules.environmentName);
    validateLiteral('region', props.region, variableRules.awsRegion);
    validateLiteral('userPoolNamePrefix', userPoolNamePrefix, variableRules.userPoolNamePrefix);
    validateLiteral('domainPrefix', domainPrefix, variableRules.domainPrefix);
    const definedScope = [scopeOf(resourceServer)];
    for (const client of clients) {
      const of = `of client ${client.name}`;
      validateLiteral(`appClientName ${of}`, client.appClientName, settingRules.appClientName);
      validateLiteral(`accessTokenValidityUnit ${of}`, client.accessTokenValidityUnit, [
        tokenValidityUnitRule,
      ]);
      validateLiteral(
        `accessTokenValidityMinutes ${of}`,
        client.accessTokenValidityMinutes,
        accessTokenValidityRules(client.accessTokenValidityUnit),
      );
      validateLiteral(`scopes ${of}`, client.scopes, [atLeastOneScope]);
      client.scopes?.forEach((name) => validateLiteral(`scope ${of}`, name, definedScope));
    }
    const imports = props.imports;
    const importedClientIds = new Map(Object.entries(imports?.clientIds ?? {}));
    if (imports) {
      validateLiteral('imports.userPoolId', imports.userPoolId, settingRules.userPoolId);
      const madeClient = [oneOfTheClients(clients)];
      for (const [name, clientId] of importedClientIds) {
        validateLiteral('imports.clientIds', name, madeClient);
        validateLiteral(`imports.clientIds of client ${name}`, clientId, settingRules.appClientId);
      }
    }

    this.userPool = new CognitoUserPool(this, 'user-pool', {
      name: userPoolName(environmentName, userPoolNamePrefix),
      // Machines only: nobody signs up, and no e-mail, password-reset or MFA features are set up.
      adminCreateUserConfig: { allowAdminCreateUserOnly: true },
      deletionProtection: inProduction(environmentName, 'ACTIVE', 'INACTIVE'),
    });

    // The resource server's settings are text: whatever they hold reaches Cognito as written.
    this.resourceServer = new CognitoResourceServer(this, 'resource-server', {
      userPoolId: this.userPool.id,
      identifier: terraformText(resourceServer.identifier),
      name: terraformText(resourceServer.name),
      scope: resourceServer.scopes.map((s) => ({
        scopeName: terraformText(s.name),
        scopeDescription: terraformText(s.description),
      })),
    });
    // Built from the resource server's identifier attribute rather than written out: the reference
    // makes Terraform create the resource server before any client that asks for its scopes, and the
    // values stay known at plan time (scope_identifiers would show as "known after apply").
    const scopeIdentifier = (name: string) => `${this.resourceServer.identifier}/${terraformText(name)}`;
    this.scopeIdentifiers = scopeNames.map(scopeIdentifier);

    const domainName = userPoolDomain(environmentName, domainPrefix);
    this.domain = new CognitoUserPoolDomain(this, 'domain', {
      userPoolId: this.userPool.id,
      domain: domainName,
      managedLoginVersion: 2,
    });

    // Import IDs as hashicorp/aws 5.x documents them for each resource's import block.
    if (imports) {
      this.userPool.importFrom(imports.userPoolId);
      this.resourceServer.importFrom(`${imports.userPoolId}|${terraformText(resourceServer.identifier)}`);
      this.domain.importFrom(domainName);
    }

    this.tokenEndpoint = `https://${this.domain.domain}.auth.${props.region}.amazoncognito.com/oauth2/token`;
    this.issuer = `https://${this.userPool.endpoint}`;
    this.jwksUri = `${this.issuer}/.well-known/jwks.json`;

    const made = new Map<string, M2mClient>();
    for (const options of clients) {
      const scopeIdentifiers = clientScopeNames(options, resourceServer).map(scopeIdentifier);
      const client = new M2mAppClient(this, `client-${options.name}`, {
        userPoolId: this.userPool.id,
        clientName:
          options.appClientName !== undefined
            ? terraformText(options.appClientName)
            : `${environmentName}-${terraformText(options.name)}`,
        scopeIdentifiers,
        accessTokenValidityMinutes: options.accessTokenValidityMinutes,
        accessTokenValidityUnit: options.accessTokenValidityUnit,
      });
      const importedId = importedClientIds.get(options.name);
      if (imports && importedId !== undefined) {
        client.appClient.importFrom(`${imports.userPoolId}/${importedId}`);
      }
      const credentialsSecret =
        (props.storeCredentialsInSecretsManager ?? defaults.storeCredentialsInSecretsManager)
          ? new ClientCredentialsSecret(this, `secret-${options.name}`, {
              secretName: `${CREDENTIALS_SECRET_PREFIX}/${environmentName}/${terraformText(options.name)}`,
              description: `OAuth 2.0 client credentials of ${terraformText(options.name)} (${environmentName})`,
              recoveryWindowInDays: inProduction(environmentName, 30, 0),
              client,
              tokenEndpoint: this.tokenEndpoint,
              // The client's own attribute: cdktf escapes text inside a function call differently
              // (it doubles "${" but not "%{"), so the scope identifiers are not written a second time.
              scopes: client.appClient.allowedOauthScopes,
            })
          : undefined;
      made.set(options.name, { client, scopeIdentifiers, credentialsSecret });
    }
    this.clients = made;
  }
}
