/**
 * The app's settings: their types, defaults and rules, in one place. They are read from the `context`
 * of cdktf.json (the CDKTF convention) and become the defaults of each stack's Terraform variables.
 */
import { z } from 'zod';
import {
  ACCESS_TOKEN_VALIDITY_MINUTES,
  APP_CLIENTS_PER_USER_POOL_QUOTA,
  SCOPE_IDENTIFIER_MAX_LENGTH,
  SCOPES_PER_APP_CLIENT,
  SCOPES_PER_RESOURCE_SERVER,
  TOKEN_VALIDITY_UNIT_SECONDS,
  TOKEN_VALIDITY_UNITS,
  type TokenValidityUnit,
} from '../constructs/limits';
import {
  ENVIRONMENTS,
  type EnvironmentName,
  hasLoneSurrogate,
  type Rule,
  settingRules,
  USER_SCOPES,
  variableRules,
} from '../constructs/rules';

/**
 * Our own cap on clients in one cdktf.json, far below Cognito's quota: each is an app client and
 * maybe a secret in one Terraform state, and hundreds of them mean a typo or a generator gone wrong.
 */
export const MAX_CLIENTS = 100;

// cdktf stands references in for strings as "${TfToken[...]}" (lists "#{...}", maps "&{...}"): one
// written in cdktf.json would be resolved to whatever token has that number, a variable or a secret.
const CDKTF_TOKEN_MARKER = /[$#&]\{TfToken\[/;

/** Any string of cdktf.json: text, which cdktf and Terraform will keep as it is. */
function text() {
  return z
    .string()
    .refine((value) => !hasLoneSurrogate(value), 'must be valid Unicode, without a lone surrogate')
    .refine(
      (value) => !CDKTF_TOKEN_MARKER.test(value),
      'must not contain "${TfToken[", "#{TfToken[" or "&{TfToken[": cdktf would take it for a reference',
    );
}

/** A string that must satisfy every rule; each broken rule is reported with its own message. */
function ruled(rules: readonly Rule[]) {
  return rules.reduce((schema, rule) => schema.refine(rule.test, rule.description), text());
}

/** Flags every repeat of a name in a list (of names, or of objects with a `name`). */
function uniqueNames(items: readonly (string | { name: string })[], ctx: z.RefinementCtx) {
  const seen = new Set<string>();
  items.forEach((item, index) => {
    const name = typeof item === 'string' ? item : item.name;
    if (seen.has(name)) {
      const path = typeof item === 'string' ? [index] : [index, 'name'];
      ctx.addIssue({
        code: 'custom',
        path,
        input: name,
        message: `must be unique, and "${name}" appears twice`,
      });
    }
    seen.add(name);
  });
}

/** Flags a list longer than `limit`, saying how long it is and whose limit that is. */
function atMost(limit: number, what: string, whose: string) {
  return (items: readonly unknown[], ctx: z.RefinementCtx) => {
    if (items.length > limit) {
      ctx.addIssue({
        code: 'custom',
        input: items,
        message: `has ${items.length} ${what}; ${whose} at most ${limit}`,
      });
    }
  };
}

/** Every default, as the original main.tf and variables.tf had them. */
export const DEFAULTS = {
  environments: ['dev'],
  awsRegion: 'us-east-1',
  userPoolNamePrefix: 'machine-to-machine',
  domainPrefix: 'm2m-rubicon',
  projectTag: 'm2m-auth',
  resourceServer: {
    identifier: 'm2m-client',
    name: 'User API',
    scopes: [
      { name: 'read', description: 'Read access' },
      { name: 'write', description: 'Write access' },
    ],
  },
  clientName: 'm2m-client',
  accessTokenValidityMinutes: 60,
  storeCredentialsInSecretsManager: false,
  stateKeyPrefix: 'm2m-auth',
  createOidcProvider: true,
} as const;

const VALIDITY_RANGE = `must be between ${ACCESS_TOKEN_VALIDITY_MINUTES.min} and ${ACCESS_TOKEN_VALIDITY_MINUTES.max} minutes`;

const scopeSchema = z.strictObject({
  name: ruled(settingRules.scopeName),
  description: ruled(settingRules.scopeDescription),
});

const resourceServerSchema = z.strictObject({
  identifier: ruled(settingRules.resourceServerIdentifier).default(DEFAULTS.resourceServer.identifier),
  name: ruled(settingRules.resourceServerName).default(DEFAULTS.resourceServer.name),
  scopes: z
    .array(scopeSchema)
    .min(1, 'a resource server needs at least one scope')
    .default(() => DEFAULTS.resourceServer.scopes.map((scope) => ({ ...scope })))
    .superRefine(uniqueNames)
    .superRefine(atMost(SCOPES_PER_RESOURCE_SERVER, 'scopes', 'Cognito allows a resource server')),
});

const clientSchema = z.strictObject({
  name: ruled(settingRules.clientName),
  appClientName: ruled(settingRules.appClientName).optional(),
  scopes: z
    .array(
      text().refine(
        (scope) => !(USER_SCOPES as readonly string[]).includes(scope),
        `must not be a user scope (${USER_SCOPES.join(', ')}): Cognito refuses them with the client_credentials grant; use the resource server's scopes`,
      ),
    )
    .min(1, 'a client needs at least one scope')
    .superRefine(uniqueNames)
    .superRefine(atMost(SCOPES_PER_APP_CLIENT, 'scopes', 'Cognito allows an app client'))
    .optional(),
  accessTokenValidityMinutes: z
    .number()
    .int('must be a whole number of minutes')
    .min(ACCESS_TOKEN_VALIDITY_MINUTES.min, VALIDITY_RANGE)
    .max(ACCESS_TOKEN_VALIDITY_MINUTES.max, VALIDITY_RANGE)
    .default(DEFAULTS.accessTokenValidityMinutes),
  accessTokenValidityUnit: z
    .enum(TOKEN_VALIDITY_UNITS, { error: `must be one of ${TOKEN_VALIDITY_UNITS.join(', ')}` })
    .optional(),
});

/** Live resources of one environment to take over, as `m2m adopt` writes them. */
const importSchema = z.strictObject({
  userPoolId: ruled(settingRules.userPoolId),
  clientIds: z.record(z.string(), ruled(settingRules.appClientId)).default(() => ({})),
});

const remoteStateSchema = z.strictObject({
  bucket: ruled(settingRules.s3BucketName),
  region: ruled(variableRules.awsRegion).optional(),
  keyPrefix: ruled(settingRules.stateKeyPrefix).default(DEFAULTS.stateKeyPrefix),
});

const ciAccessSchema = z.strictObject({
  githubRepository: ruled(settingRules.githubRepository),
  awsAccountId: ruled(settingRules.awsAccountId),
  createOidcProvider: z.boolean().default(DEFAULTS.createOidcProvider),
});

const settingsBaseSchema = z.strictObject({
  environments: z
    .array(ruled(variableRules.environmentName))
    .min(1, `needs at least one of ${ENVIRONMENTS.join(', ')}`)
    .default(() => [...DEFAULTS.environments])
    .superRefine(uniqueNames),
  awsRegion: ruled(variableRules.awsRegion).default(DEFAULTS.awsRegion),
  userPoolNamePrefix: ruled(variableRules.userPoolNamePrefix).default(DEFAULTS.userPoolNamePrefix),
  domainPrefix: ruled(variableRules.domainPrefix).default(DEFAULTS.domainPrefix),
  projectTag: ruled(variableRules.projectTag).default(DEFAULTS.projectTag),
  resourceServer: resourceServerSchema.default(() => resourceServerSchema.parse({})),
  clients: z
    .array(clientSchema)
    .min(1, 'needs at least one client')
    .default(() => [clientSchema.parse({ name: DEFAULTS.clientName })])
    .superRefine(uniqueNames)
    .superRefine(
      atMost(
        MAX_CLIENTS,
        'clients',
        `one configuration takes (far below Cognito's ${APP_CLIENTS_PER_USER_POOL_QUOTA} app clients per user pool)`,
      ),
    ),
  storeCredentialsInSecretsManager: z.boolean().default(DEFAULTS.storeCredentialsInSecretsManager),
  remoteState: remoteStateSchema.optional(),
  imports: z.partialRecord(z.enum(ENVIRONMENTS), importSchema).optional(),
  ciAccess: ciAccessSchema.optional(),
});

export const settingsSchema = settingsBaseSchema.superRefine((settings, ctx) => {
  if (settings.ciAccess && !settings.remoteState) {
    ctx.addIssue({
      code: 'custom',
      path: ['ciAccess'],
      input: settings.ciAccess,
      message:
        'needs "remoteState": CI runners keep no state between runs, and the CI roles may use only the S3 state of their environment',
    });
  }
  const { identifier, scopes } = settings.resourceServer;
  const defined = scopes.map((scope) => scope.name);
  // Clients ask for "<identifier>/<scope>", and Cognito limits the whole of it.
  scopes.forEach((scope, scopeIndex) => {
    const length = [...`${identifier}/${scope.name}`].length;
    if (length > SCOPE_IDENTIFIER_MAX_LENGTH) {
      ctx.addIssue({
        code: 'custom',
        path: ['resourceServer', 'scopes', scopeIndex, 'name'],
        input: scope.name,
        message: `makes the scope identifier "<identifier>/<name>" ${length} characters long; Cognito allows at most ${SCOPE_IDENTIFIER_MAX_LENGTH}`,
      });
    }
  });
  settings.clients.forEach((client, clientIndex) => {
    const unit = client.accessTokenValidityUnit ?? 'minutes';
    if (!Number.isInteger((client.accessTokenValidityMinutes * 60) / TOKEN_VALIDITY_UNIT_SECONDS[unit])) {
      ctx.addIssue({
        code: 'custom',
        path: ['clients', clientIndex, 'accessTokenValidityMinutes'],
        input: client.accessTokenValidityMinutes,
        message: `must be a whole number of ${unit}, as accessTokenValidityUnit is "${unit}"`,
      });
    }
    if (client.scopes === undefined && scopes.length > SCOPES_PER_APP_CLIENT) {
      ctx.addIssue({
        code: 'custom',
        path: ['clients', clientIndex],
        input: client,
        message: `gets every scope of the resource server, ${scopes.length}, and Cognito allows an app client at most ${SCOPES_PER_APP_CLIENT}: list the scopes it needs`,
      });
    }
    client.scopes?.forEach((scope, scopeIndex) => {
      if (!defined.includes(scope)) {
        ctx.addIssue({
          code: 'custom',
          path: ['clients', clientIndex, 'scopes', scopeIndex],
          input: scope,
          message: `must be a scope of resource server "${settings.resourceServer.identifier}", which defines ${defined.join(', ')}`,
        });
      }
    });
  });
  checkImports(settings, ctx);
});

/** Each import names an environment, a pool of the configured region and clients of `clients`. */
function checkImports(settings: z.output<typeof settingsBaseSchema>, ctx: z.RefinementCtx): void {
  const clientNames = settings.clients.map((client) => client.name);
  for (const [environment, imported] of Object.entries(settings.imports ?? {})) {
    if (!imported) continue;
    if (!(settings.environments as string[]).includes(environment)) {
      ctx.addIssue({
        code: 'custom',
        path: ['imports', environment],
        input: imported,
        message: `names environment "${environment}", which is not in environments (${settings.environments.join(', ')})`,
      });
    }
    if (!imported.userPoolId.startsWith(`${settings.awsRegion}_`)) {
      ctx.addIssue({
        code: 'custom',
        path: ['imports', environment, 'userPoolId'],
        input: imported.userPoolId,
        message: `must be a user pool of region ${settings.awsRegion} (awsRegion), where the stack looks for it`,
      });
    }
    for (const [name, clientId] of Object.entries(imported.clientIds)) {
      if (!clientNames.includes(name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['imports', environment, 'clientIds', name],
          input: clientId,
          message: `is for client "${name}", which is not in clients (${clientNames.join(', ')})`,
        });
      }
    }
  }
}

/** A scope of the resource server. */
export interface ScopeSettings {
  /** Scope name; clients ask for "<identifier>/<name>". */
  readonly name: string;
  /** Shown in the Cognito console. */
  readonly description: string;
}

/** The API the clients get tokens for. */
export interface ResourceServerSettings {
  /** @default "m2m-client" */
  readonly identifier: string;
  /** @default "User API" */
  readonly name: string;
  /** @default read ("Read access") and write ("Write access") */
  readonly scopes: readonly ScopeSettings[];
}

/** One calling service. */
export interface ClientSettings {
  /** Names its app client ("<environment>-<name>"), secret and output entries. */
  readonly name: string;
  /** Scope names of the resource server it may ask for. @default all of them */
  readonly scopes: readonly string[];
  /** @default 60 */
  readonly accessTokenValidityMinutes: number;
  /**
   * The app client's name in Cognito, the same in every environment: for a client adopted with the
   * name it has. @default "<environment>-<name>"
   */
  readonly appClientName?: string;
  /**
   * The unit Cognito is given the access-token lifetime in; the lifetime must be a whole number of it.
   * @default "minutes"
   */
  readonly accessTokenValidityUnit?: TokenValidityUnit;
}

/** One environment's live resources that the stack takes over (imports) instead of creating. */
export interface ImportSettings {
  /** The user pool; its resource server and domain are imported with it. */
  readonly userPoolId: string;
  /** App client IDs, by client name (names of `clients`). */
  readonly clientIds: Readonly<Record<string, string>>;
}

/** S3 state with native locking. */
export interface RemoteStateSettings {
  readonly bucket: string;
  /** @default the awsRegion setting */
  readonly region: string;
  /** State lands at "<keyPrefix>/<environment>/terraform.tfstate". @default "m2m-auth" */
  readonly keyPrefix: string;
}

/** What the GitHub Actions workflows need in the AWS account: the m2m-auth-ci-access stack. */
export interface CiAccessSettings {
  /** "<owner>/<repository>": the only repository whose workflows may assume the roles. */
  readonly githubRepository: string;
  /** The account the roles and the m2m-auth stacks live in; the stack refuses to deploy elsewhere. */
  readonly awsAccountId: string;
  /**
   * Create GitHub's OIDC identity provider; false when the account already has one (one per account).
   * @default true
   */
  readonly createOidcProvider: boolean;
}

/** The app's validated settings. */
export interface Settings {
  /** One stack, "m2m-auth-<environment>", per entry. @default ["dev"] */
  readonly environments: readonly EnvironmentName[];
  /** @default "us-east-1" */
  readonly awsRegion: string;
  /** The user pool is "<environment>-<prefix>-user-pool". @default "machine-to-machine" */
  readonly userPoolNamePrefix: string;
  /** The domain is "<prefix>-<environment>-auth", "<prefix>-auth" in prod. @default "m2m-rubicon" */
  readonly domainPrefix: string;
  /** The Project tag on every resource. @default "m2m-auth" */
  readonly projectTag: string;
  readonly resourceServer: ResourceServerSettings;
  /** @default one client, "m2m-client", with every scope and 60-minute tokens */
  readonly clients: readonly ClientSettings[];
  /** Keep each client's credentials in AWS Secrets Manager. @default false */
  readonly storeCredentialsInSecretsManager: boolean;
  /** @default none: the state stays in a local file at the project root */
  readonly remoteState?: RemoteStateSettings;
  /** Live resources to import, by environment, as `m2m adopt` writes them. @default none */
  readonly imports?: Readonly<Partial<Record<EnvironmentName, ImportSettings>>>;
  /** @default none: no m2m-auth-ci-access stack */
  readonly ciAccess?: CiAccessSettings;
}

/** Fills in the defaults that depend on other settings. */
export function resolveSettings(parsed: z.output<typeof settingsSchema>): Settings {
  const allScopes = parsed.resourceServer.scopes.map((scope) => scope.name);
  return {
    ...parsed,
    environments: parsed.environments as EnvironmentName[],
    clients: parsed.clients.map((client) => ({ ...client, scopes: client.scopes ?? allScopes })),
    remoteState: parsed.remoteState && {
      ...parsed.remoteState,
      region: parsed.remoteState.region ?? parsed.awsRegion,
    },
  };
}
