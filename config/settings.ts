/**
 * The app's settings: their types, defaults and rules, in one place. They are read from the `context`
 * of cdktf.json (the CDKTF convention) and become the defaults of each stack's Terraform variables.
 */
import { z } from 'zod';
import { ACCESS_TOKEN_VALIDITY_MINUTES } from './limits';
import {
  ENVIRONMENTS,
  type EnvironmentName,
  hasLoneSurrogate,
  type Rule,
  settingRules,
  USER_SCOPES,
  variableRules,
} from './rules';

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
    .superRefine(uniqueNames),
});

const clientSchema = z.strictObject({
  name: ruled(settingRules.clientName),
  scopes: z
    .array(
      text().refine(
        (scope) => !(USER_SCOPES as readonly string[]).includes(scope),
        `must not be a user scope (${USER_SCOPES.join(', ')}): Cognito refuses them with the client_credentials grant; use the resource server's scopes`,
      ),
    )
    .min(1, 'a client needs at least one scope')
    .optional(),
  accessTokenValidityMinutes: z
    .number()
    .int('must be a whole number of minutes')
    .min(ACCESS_TOKEN_VALIDITY_MINUTES.min, VALIDITY_RANGE)
    .max(ACCESS_TOKEN_VALIDITY_MINUTES.max, VALIDITY_RANGE)
    .default(DEFAULTS.accessTokenValidityMinutes),
});

const remoteStateSchema = z.strictObject({
  bucket: ruled(settingRules.s3BucketName),
  region: ruled(variableRules.awsRegion).optional(),
  keyPrefix: ruled(settingRules.stateKeyPrefix).default(DEFAULTS.stateKeyPrefix),
});

export const settingsSchema = z
  .strictObject({
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
      .superRefine(uniqueNames),
    storeCredentialsInSecretsManager: z.boolean().default(DEFAULTS.storeCredentialsInSecretsManager),
    remoteState: remoteStateSchema.optional(),
  })
  .superRefine((settings, ctx) => {
    const defined = settings.resourceServer.scopes.map((scope) => scope.name);
    settings.clients.forEach((client, clientIndex) => {
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
  });

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
}

/** S3 state with native locking. */
export interface RemoteStateSettings {
  readonly bucket: string;
  /** @default the awsRegion setting */
  readonly region: string;
  /** State lands at "<keyPrefix>/<environment>/terraform.tfstate". @default "m2m-auth" */
  readonly keyPrefix: string;
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
