/** `m2m token`: an access token from the client-credentials grant, on stdout. */
import { InputError, TokenRequestError } from '../errors';
import type { StackClient, StackOutputs } from '../stack-outputs';
import { ClientCredentialsTokenClient } from '../token-client';
import { jsonForTerminal } from '../untrusted-text';
import { secondsToMs } from '../limits';
import { type CommandContext, resolveOption } from './command-context';

export interface TokenCommandOptions {
  tokenEndpoint?: string;
  clientId?: string;
  clientSecret?: string;
  scope?: string[];
  stack?: string;
  client?: string;
  projectDir: string;
  /** Seconds. */
  timeout: number;
  json?: boolean;
}

/** Where each input can come from, for the message when it is missing. */
const INPUTS = [
  { key: 'tokenEndpoint', flag: '--token-endpoint', env: 'M2M_TOKEN_ENDPOINT' },
  { key: 'clientId', flag: '--client-id', env: 'M2M_CLIENT_ID' },
  { key: 'clientSecret', flag: '--client-secret', env: 'M2M_CLIENT_SECRET' },
] as const;

/** Gets a token with the inputs resolved from options, stack and environment, and prints it. */
export async function runTokenCommand(context: CommandContext<TokenCommandOptions>): Promise<void> {
  const { options, redactor } = context;
  redactor.add(options.clientSecret);
  if (options.client !== undefined && options.stack === undefined) {
    throw new InputError("--client picks a client from a stack's outputs: add --stack <name>");
  }

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
    clientSecret: resolveOption(context, 'clientSecret', stackClient?.clientSecret),
  };
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
    if (error instanceof TokenRequestError && error.error === 'invalid_scope' && stackClient) {
      const allowed = stackClient.scopes.join(' ') || 'none listed';
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
