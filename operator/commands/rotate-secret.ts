/** `m2m rotate-secret start|finish|status`: rotating a client's secret without downtime. */
import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { awsClientConfig, limitReplies, quietSdk, regionOfArn, regionOfUserPool } from '../aws';
import { InputError, StackOutputsError } from '../errors';
import { secondsToMs } from '../limits';
import { type ClientSecretInfo, ClientSecretRotation, formatDuration } from '../secret-rotation';
import { readStackOutputs, selectStackClient, type StackClient, type StackOutputs } from '../stack-outputs';
import { jsonForTerminal, oneLine } from '../untrusted-text';
import type { RotateFinishOptions, RotateStartOptions, RotateStatusOptions } from '../cli';
import type { CommandContext } from './command-context';

/** What the commands reach outside through; the tests give their own. */
export interface RotationDependencies {
  readonly readOutputs: (stack: string, projectDir: string) => Promise<StackOutputs>;
  readonly cognito: (region: string, timeoutMs: number) => Promise<CognitoIdentityProviderClient>;
  readonly secretsManager: (region: string, timeoutMs: number) => Promise<SecretsManagerClient>;
  readonly fetch?: typeof globalThis.fetch;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

/** Terraform for the outputs; the AWS SDK, loaded only now, with its credential chain and endpoints. */
export const defaultDependencies: RotationDependencies = {
  readOutputs: (stack, projectDir) => readStackOutputs(stack, { projectDir }),
  cognito: async (region, timeoutMs) => {
    quietSdk();
    const { CognitoIdentityProviderClient } = await import('@aws-sdk/client-cognito-identity-provider');
    const client = new CognitoIdentityProviderClient(awsClientConfig(region, timeoutMs));
    limitReplies(client.middlewareStack);
    return client;
  },
  secretsManager: async (region, timeoutMs) => {
    quietSdk();
    const { SecretsManagerClient } = await import('@aws-sdk/client-secrets-manager');
    const client = new SecretsManagerClient(awsClientConfig(region, timeoutMs));
    limitReplies(client.middlewareStack);
    return client;
  },
};

interface Prepared {
  readonly outputs: StackOutputs;
  readonly client: StackClient;
  readonly rotation: ClientSecretRotation;
  /** "--stack <stack> --client <name>", to repeat in the next command. */
  readonly target: string;
}

/** The stack's outputs, the client, and a rotation wired to Cognito and Secrets Manager. */
async function prepare<Options extends RotateStatusOptions & { tokenEndpoint?: string; wait?: number }>(
  context: CommandContext<Options>,
  deps: RotationDependencies,
  beforeAws: (client: StackClient, outputs: StackOutputs) => void = () => undefined,
): Promise<Prepared> {
  const { options, redactor } = context;
  const outputs = await deps.readOutputs(options.stack, options.projectDir);
  redactor.add(outputs.clientSecret);
  Object.values(outputs.clientSecrets).forEach((secret) => redactor.add(secret));
  const client = selectStackClient(outputs, options.client);
  const region = regionOfUserPool(outputs.userPoolId, outputs.issuer);
  if (region === undefined) {
    throw new StackOutputsError(
      'unexpected-outputs',
      `outputs user_pool_id and issuer of stack ${outputs.stackName} name no region, or different ones: redeploy the stack with this project (npx cdktf deploy ${outputs.stackName})`,
    );
  }
  beforeAws(client, outputs);
  const timeoutMs = secondsToMs(options.timeout);
  const arn = client.credentialsSecretArn;
  const rotation = new ClientSecretRotation({
    cognito: await deps.cognito(region, timeoutMs),
    secretsManager:
      arn === undefined ? undefined : await deps.secretsManager(regionOfArn(arn) ?? region, timeoutMs),
    userPoolId: outputs.userPoolId,
    client,
    tokenEndpoint: options.tokenEndpoint ?? outputs.tokenEndpoint,
    timeoutMs,
    proofWaitMs: options.wait === undefined ? undefined : secondsToMs(options.wait),
    onSecret: (secret) => redactor.add(secret),
    fetch: deps.fetch,
    now: deps.now,
    sleep: deps.sleep,
  });
  const target = `--stack ${outputs.stackName}${options.client === undefined ? '' : ` --client ${oneLine(client.name)}`}`;
  return { outputs, client, rotation, target };
}

const describeClient = (client: StackClient) => `${oneLine(client.name)} (${oneLine(client.clientId)})`;
const secretJson = (secret: ClientSecretInfo) => ({ id: secret.id, created: secret.created.toISOString() });

/** Adds a secret, proves it, stores or hands it over, and says what comes next. */
export async function runRotateStartCommand(
  context: CommandContext<RotateStartOptions>,
  deps: RotationDependencies = defaultDependencies,
): Promise<void> {
  const { options } = context;
  const { outputs, client, rotation, target } = await prepare(context, deps, (stackClient, stack) => {
    // Refused before anything changes: a secret nobody receives would only block the next start.
    if (stackClient.credentialsSecretArn !== undefined) return;
    const where = `stack ${stack.stackName} keeps no credentials of client ${oneLine(stackClient.name)} in Secrets Manager, so the new secret can only be handed over on stdout`;
    if (!options.json) {
      throw new InputError(`${where}: add --json and pipe stdout to where the secret belongs`);
    }
    if (context.stdoutIsTerminal) {
      throw new InputError(
        `${where}, and stdout is a terminal, where the secret would stay on screen and in scrollback: pipe stdout to where the secret belongs`,
      );
    }
  });

  const result = await rotation.start();
  const stored = result.stored;
  if (options.json) {
    const document = {
      stack: outputs.stackName,
      client: client.name,
      client_id: client.clientId,
      added: secretJson(result.added),
      secrets_manager: stored ? { secret_arn: stored.secretArn, version_id: stored.versionId ?? null } : null,
    };
    if (stored) context.print(`${jsonForTerminal(document)}\n`);
    else context.printSecretData(`${jsonForTerminal({ ...document, client_secret: result.secret })}\n`);
  }
  context.note(
    [
      `Added secret ${result.added.id} to client ${describeClient(client)} of stack ${outputs.stackName}, and got a token with it.`,
      stored
        ? `Stored it in Secrets Manager secret ${stored.secretArn}: services reading the secret get it on their next read (a ClientCredentialsTokenClient with reloadClientSecret on its next invalid_client).`
        : 'The new secret is in the JSON on stdout (client_secret): give it to the callers; it is not shown again.',
      'Both secrets get tokens until you finish. Once every caller uses the new one (restart those that read their secret only at start-up):',
      `  m2m rotate-secret finish ${target} --grace 24h`,
      "The stack's client_secret outputs keep the first secret (and none once it is deleted); deploys leave Secrets Manager as it is.",
      '',
    ].join('\n'),
  );
}

/** Deletes the old secret once the grace period is over or the operator says so. */
export async function runRotateFinishCommand(
  context: CommandContext<RotateFinishOptions>,
  deps: RotationDependencies = defaultDependencies,
): Promise<void> {
  const { options } = context;
  if (options.grace === undefined && !options.yes) {
    throw new InputError(
      "finish deletes the old secret, locking out every caller still using it: give --grace <duration> (time since start, e.g. 24h) or --yes, the operator's word that callers have moved",
    );
  }
  const { outputs, client, rotation } = await prepare(context, deps);
  const result = await rotation.finish(
    options.grace === undefined ? { confirmed: true } : { graceMs: options.grace },
  );
  if (options.json) {
    context.print(
      `${jsonForTerminal({
        stack: outputs.stackName,
        client: client.name,
        client_id: client.clientId,
        deleted: secretJson(result.deleted),
        kept: secretJson(result.kept),
      })}\n`,
    );
  }
  context.note(
    `Deleted secret ${result.deleted.id} of client ${describeClient(client)} of stack ${outputs.stackName}; ${result.kept.id} (created ${result.kept.created.toISOString()}) stays, and is the only one that gets tokens now.\n`,
  );
}

/** The client's secrets and which one Secrets Manager holds, on stdout. */
export async function runRotateStatusCommand(
  context: CommandContext<RotateStatusOptions>,
  deps: RotationDependencies = defaultDependencies,
): Promise<void> {
  const { options } = context;
  const { outputs, client, rotation, target } = await prepare(context, deps);
  const { secrets, stored } = await rotation.status();
  const held = stored?.clientSecretId;
  if (options.json) {
    context.print(
      `${jsonForTerminal({
        stack: outputs.stackName,
        client: client.name,
        client_id: client.clientId,
        secrets: secrets.map((secret) => ({ ...secretJson(secret), in_secrets_manager: secret.id === held })),
        secrets_manager: stored ? { secret_arn: stored.secretArn, client_secret_id: held ?? null } : null,
      })}\n`,
    );
    return;
  }
  const now = (deps.now ?? Date.now)();
  const lines = [
    `client ${describeClient(client)} of stack ${outputs.stackName}: ${secrets.length} secret${secrets.length === 1 ? '' : 's'}`,
    ...secrets.map(
      (secret) =>
        `  ${secret.id}  created ${secret.created.toISOString()} (${formatDuration(Math.max(0, now - secret.created.getTime()))} ago)${secret.id === held ? '  held by Secrets Manager' : ''}`,
    ),
    stored === undefined
      ? 'Secrets Manager: the stack keeps no credentials of this client there'
      : held === undefined
        ? `Secrets Manager: ${stored.secretArn} records no client_secret_id, as Terraform writes it: the client's first secret, unless a deploy wrote an old one back`
        : `Secrets Manager: ${stored.secretArn} holds ${held}${secrets.some((s) => s.id === held) ? '' : ', which the client no longer has'}`,
  ];
  context.print(`${lines.join('\n')}\n`);
  if (secrets.length === 2) {
    context.note(
      `A rotation is in progress: once every caller uses the newest secret, m2m rotate-secret finish ${target} --grace <time since start>\n`,
    );
  }
}
