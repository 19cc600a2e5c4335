/**
 * The app's settings, read from the `context` of cdktf.json (the CDKTF convention): a schema that maps
 * them onto the constructs' props, with the constructs' own defaults, rules and limits, and reports
 * every problem at its key. Their type is what the schema outputs.
 */
import { z } from 'zod';
import { CI_ACCESS_STACK_DEFAULTS } from '../constructs/ci-access-stack';
import {
  clientScopeNames,
  COGNITO_M2M_AUTH_DEFAULTS,
  oneOfTheClients,
  scopeOf,
} from '../constructs/cognito-m2m-auth';
import {
  APP_CLIENTS_PER_USER_POOL_QUOTA,
  SCOPE_IDENTIFIER_MAX_LENGTH,
  SCOPES_PER_APP_CLIENT,
  SCOPES_PER_RESOURCE_SERVER,
  TOKEN_VALIDITY_UNITS,
} from '../constructs/limits';
import {
  accessTokenValidityRules,
  atLeastOneScope,
  M2M_APP_CLIENT_DEFAULTS,
  tokenValidityUnitRule,
} from '../constructs/m2m-app-client';
import { M2M_AUTH_STACK_DEFAULTS } from '../constructs/m2m-auth-stack';
import {
  brokenRules,
  type Check,
  ENVIRONMENTS,
  type EnvironmentName,
  hasLoneSurrogate,
  settingRules,
  USER_SCOPES,
  variableRules,
} from '../constructs/rules';
import { REMOTE_STATE_DEFAULTS } from '../constructs/state-backend';

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

/** `schema`, reporting each rule a value breaks with the rule's own message. */
function checked<T extends z.ZodType>(schema: T, rules: readonly Check<z.output<T>>[]): T {
  return rules.reduce((checking, rule) => checking.refine(rule.test, rule.description), schema);
}

/** A string that must satisfy every rule. */
function ruled(rules: readonly Check<string>[]) {
  return checked(text(), rules);
}

/** One issue at `path` for each rule `value` breaks, with the rule's own message. */
function report<T>(ctx: z.RefinementCtx, path: PropertyKey[], value: T, rules: readonly Check<T>[]) {
  for (const rule of brokenRules(value, rules)) {
    ctx.addIssue({ code: 'custom', path, input: value, message: rule.description });
  }
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

const cognito = COGNITO_M2M_AUTH_DEFAULTS;

const scopeSchema = z.strictObject({
  name: ruled(settingRules.scopeName),
  description: ruled(settingRules.scopeDescription),
});

const resourceServerSchema = z.strictObject({
  identifier: ruled(settingRules.resourceServerIdentifier).default(cognito.resourceServer.identifier),
  name: ruled(settingRules.resourceServerName).default(cognito.resourceServer.name),
  scopes: z
    .array(scopeSchema)
    .min(1, 'a resource server needs at least one scope')
    .default(() => cognito.resourceServer.scopes.map((scope) => ({ ...scope })))
    .superRefine(uniqueNames)
    .superRefine(atMost(SCOPES_PER_RESOURCE_SERVER, 'scopes', 'Cognito allows a resource server')),
});

const clientSchema = z
  .strictObject({
    name: ruled(settingRules.clientName),
    appClientName: ruled(settingRules.appClientName).optional(),
    scopes: checked(
      z.array(
        text().refine(
          (scope) => !USER_SCOPES.some((userScope) => userScope === scope),
          `must not be a user scope (${USER_SCOPES.join(', ')}): Cognito refuses them with the client_credentials grant; use the resource server's scopes`,
        ),
      ),
      [atLeastOneScope],
    )
      .superRefine(uniqueNames)
      .superRefine(atMost(SCOPES_PER_APP_CLIENT, 'scopes', 'Cognito allows an app client'))
      .optional(),
    accessTokenValidityMinutes: z.number().default(M2M_APP_CLIENT_DEFAULTS.accessTokenValidityMinutes),
    // An enum, not a refinement: the lifetime is checked against a unit only once the unit is known.
    accessTokenValidityUnit: z
      .enum(TOKEN_VALIDITY_UNITS, { error: tokenValidityUnitRule.description })
      .optional(),
  })
  .superRefine((client, ctx) =>
    report(
      ctx,
      ['accessTokenValidityMinutes'],
      client.accessTokenValidityMinutes,
      accessTokenValidityRules(client.accessTokenValidityUnit),
    ),
  );

/** Live resources of one environment to take over, as `m2m adopt` writes them. */
const importSchema = z.strictObject({
  userPoolId: ruled(settingRules.userPoolId),
  clientIds: z.record(z.string(), ruled(settingRules.appClientId)).default(() => ({})),
});

const remoteStateSchema = z.strictObject({
  bucket: ruled(settingRules.s3BucketName),
  region: ruled(variableRules.awsRegion).optional(),
  keyPrefix: ruled(settingRules.stateKeyPrefix).default(REMOTE_STATE_DEFAULTS.keyPrefix),
});

const ciAccessSchema = z.strictObject({
  githubRepository: ruled(settingRules.githubRepository),
  awsAccountId: ruled(settingRules.awsAccountId),
  createOidcProvider: z.boolean().default(CI_ACCESS_STACK_DEFAULTS.createOidcProvider),
});

const settingsBaseSchema = z.strictObject({
  environments: z
    .array(ruled(variableRules.environmentName).pipe(z.enum(ENVIRONMENTS)))
    .min(1, `needs at least one of ${ENVIRONMENTS.join(', ')}`)
    .default((): EnvironmentName[] => ['dev'])
    .superRefine(uniqueNames),
  awsRegion: ruled(variableRules.awsRegion).default(M2M_AUTH_STACK_DEFAULTS.awsRegion),
  userPoolNamePrefix: ruled(variableRules.userPoolNamePrefix).default(cognito.userPoolNamePrefix),
  domainPrefix: ruled(variableRules.domainPrefix).default(cognito.domainPrefix),
  projectTag: ruled(variableRules.projectTag).default(M2M_AUTH_STACK_DEFAULTS.projectTag),
  resourceServer: resourceServerSchema.default(() => resourceServerSchema.parse({})),
  clients: z
    .array(clientSchema)
    .min(1, 'needs at least one client')
    .default(() => cognito.clients.map((client) => clientSchema.parse(client)))
    .superRefine(uniqueNames)
    .superRefine(
      atMost(
        MAX_CLIENTS,
        'clients',
        `one configuration takes (far below Cognito's ${APP_CLIENTS_PER_USER_POOL_QUOTA} app clients per user pool)`,
      ),
    ),
  storeCredentialsInSecretsManager: z.boolean().default(cognito.storeCredentialsInSecretsManager),
  remoteState: remoteStateSchema.optional(),
  imports: z.partialRecord(z.enum(ENVIRONMENTS), importSchema).optional(),
  ciAccess: ciAccessSchema.optional(),
});

export const settingsSchema = settingsBaseSchema
  .superRefine((settings, ctx) => {
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
    const definedScope = [scopeOf(settings.resourceServer)];
    settings.clients.forEach((client, clientIndex) => {
      if (client.scopes === undefined && scopes.length > SCOPES_PER_APP_CLIENT) {
        ctx.addIssue({
          code: 'custom',
          path: ['clients', clientIndex],
          input: client,
          message: `gets every scope of the resource server, ${scopes.length}, and Cognito allows an app client at most ${SCOPES_PER_APP_CLIENT}: list the scopes it needs`,
        });
      }
      client.scopes?.forEach((scope, scopeIndex) =>
        report(ctx, ['clients', clientIndex, 'scopes', scopeIndex], scope, definedScope),
      );
    });
    checkImports(settings, ctx);
  })
  .transform((settings) => ({
    ...settings,
    clients: settings.clients.map((client) => ({
      ...client,
      scopes: clientScopeNames(client, settings.resourceServer),
    })),
  }));

/** The app's validated settings, with every default filled in. */
export type Settings = z.output<typeof settingsSchema>;

/** Each import names an environment, a pool of the configured region and clients of `clients`. */
function checkImports(settings: z.output<typeof settingsBaseSchema>, ctx: z.RefinementCtx): void {
  const madeClient = [oneOfTheClients(settings.clients)];
  for (const [environment, imported] of Object.entries(settings.imports ?? {})) {
    // Stryker disable next-line ConditionalExpression: the type allows an absent entry; parsed JSON has none
    if (!imported) continue;
    if (!settings.environments.some((name) => name === environment)) {
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
    for (const name of Object.keys(imported.clientIds)) {
      report(ctx, ['imports', environment, 'clientIds', name], name, madeClient);
    }
  }
}
