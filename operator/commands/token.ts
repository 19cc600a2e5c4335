/** `m2m token`: an access token from the client-credentials grant, on stdout. */
import { InputError, TokenRequestError } from '../errors';
import type { StackClient, StackOutputs } from '../stack-outputs';
import { ClientCredentialsTokenClient } from '../token-client';
import { jsonForTerminal, oneLine } from '../untrusted-text';
import { secondsToMs } from '../limits';
import type { TokenOptions } from '../cli';
import { type CommandContext, resolveOption } from './command-context';

/** Where each input can come from, for the message when it is missing. */
const INPUTS = [
  { key: 'tokenEndpoint', flag: '--token-endpoint', env: 'M2M_TOKEN_ENDPOINT' },
  { key: 'clientId', flag: '--client-id', env: 'M2M_CLIENT_ID' },
  { key: 'clientSecret', flag: '--client-secret-stdin', env: 'M2M_CLIENT_SECRET' },
] as const;

/** Gets a token with the inputs resolved from options, stack and environment, and prints it. */
export async function runTokenCommand(context: CommandContext<TokenOptions>): Promise<void> {
  const { options, redactor } = context;
  redactor.add(options.clientSecret);
  if (options.client !== undefined && options.stack === undefined) {
    throw new InputError("--client picks a client from a stack's outputs: add --stack <name>");
  }
  if (
    options.clientSecretStdin &&
    options.clientSecret !== undefined &&
    !context.fromEnvironment.has('clientSecret')
  ) {
    throw new InputError(
      '--client-secret and --client-secret-stdin both give the secret: use --client-secret-stdin alone',
    );
  }
  const stdinSecret = options.clientSecretStdin ? await readSecretFromStdin(context) : undefined;
  redactor.add(stdinSecret);

  let stackClient: StackClient | undefined;
  let outputs: StackOutputs | undefined;
  if (options.stack !== undefined) {
    // Only --stack needs it, and it brings zod.
    const { readStackOutputs, selectStackClient } = await import('../stack-outputs');
    outputs = await readStackOutputs(options.stack, { projectDir: options.projectDir });
    Object.values(outputs.clientSecrets).forEach((secret) => redactor.add(secret));
    redactor.add(outputs.clientSecret);
    stackClient = selectStackClient(outputs, options.client);
  }

  const values = {
    tokenEndpoint: resolveOption(context, 'tokenEndpoint', outputs?.tokenEndpoint),
    clientId: resolveOption(context, 'clientId', stackClient?.clientId),
    // Given on stdin, it was asked for on the command line, and wins as command-line options do.
    clientSecret: stdinSecret ?? resolveOption(context, 'clientSecret', stackClient?.clientSecret),
  };
  if (!values.clientSecret && stackClient && stackClient.clientSecret === undefined) {
    throw new InputError(
      `stack ${options.stack} no longer reports a secret for client ${oneLine(stackClient.name)}, as m2m rotate-secret finish deleted the one it was created with: ${
        stackClient.credentialsSecretArn
          ? `pipe in the current one with --client-secret-stdin, e.g. from aws secretsmanager get-secret-value --secret-id ${oneLine(stackClient.credentialsSecretArn)}`
          : 'pipe in the secret m2m rotate-secret start handed over with --client-secret-stdin'
      }`,
    );
  }
  const missing = INPUTS.filter((input) => !values[input.key]);
  if (missing.length > 0) {
    throw new InputError(
      `missing ${missing.map((m) => m.flag).join(', ')}: pass ${missing.length > 1 ? 'them' : 'it'}, set ${missing.map((m) => m.env).join(', ')}, or read all from a deployed stack with --stack <name>`,
    );
  }

  // No --scope asks for no scope, and Cognito then grants every scope the client is allowed.
  const client = new ClientCredentialsTokenClient({
    tokenEndpoint: values.tokenEndpoint!,
    clientId: values.clientId!,
    clientSecret: values.clientSecret!,
    scopes: options.scope,
    timeoutMs: secondsToMs(options.timeout),
  });
  const token = await client.getAccessToken().catch((error: unknown) => {
    // With a stack at hand, name the scopes the client may ask for.
    // terraform output shows the state as the last refresh left it: the first secret, maybe deleted since.
    if (error instanceof TokenRequestError && error.error === 'invalid_client' && stackClient) {
      throw new TokenRequestError(
        error.error,
        error.status,
        `${error.message} (if the secret was rotated, the stack's outputs may hold the deleted one: see m2m rotate-secret status)`,
      );
    }
    if (error instanceof TokenRequestError && error.error === 'invalid_scope' && stackClient) {
      const allowed = oneLine(stackClient.scopes.join(' ')) || 'none listed';
      throw new TokenRequestError(
        error.error,
        error.status,
        `${error.message} (client ${stackClient.name} is allowed: ${allowed})`,
      );
    }
    throw error;
  });
  context.print(options.json ? `${jsonForTerminal(token.response)}\n` : `${token.accessToken}\n`);
}

/** The client secret from stdin: one line, its line break dropped. */
async function readSecretFromStdin(context: CommandContext<TokenOptions>): Promise<string> {
  const secret = (await context.readStdin('client secret')).toString('utf8').replace(/\r?\n$/, '');
  if (secret === '') {
    throw new InputError('--client-secret-stdin read an empty client secret: pipe the secret in');
  }
  if (/[\r\n]/.test(secret)) {
    throw new InputError('--client-secret-stdin read more than one line: pipe in the client secret alone');
  }
  return secret;
}
