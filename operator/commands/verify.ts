/** `m2m verify`: checks an access token against the user pool and prints its claims. */
import { AccessTokenVerifier } from '../access-token-verifier';
import { describeBytes, readFileWithLimit, TooLargeError } from '../bounded-read';
import { InputError } from '../errors';
import { MAX_READ_BYTES } from '../limits';
import { jsonForTerminal } from '../untrusted-text';
import { secondsToMs } from '../limits';
import type { VerifyOptions } from '../cli';
import { type CommandContext, resolveOption } from './command-context';

/** Verifies the token against the pool and clients resolved from options, stack and environment. */
export async function runVerifyCommand(
  tokenArgument: string | undefined,
  context: CommandContext<VerifyOptions>,
): Promise<void> {
  const { options } = context;
  if (options.client !== undefined && options.stack === undefined) {
    throw new InputError("--client picks a client from a stack's outputs: add --stack <name>");
  }
  const token = await readToken(tokenArgument, context);

  let stackPoolId: string | undefined;
  let stackClientIds: string[] | undefined;
  if (options.stack !== undefined) {
    // Only --stack needs it, and it brings zod.
    const { readStackOutputs, selectStackClient } = await import('../stack-outputs');
    const outputs = await readStackOutputs(options.stack, { projectDir: options.projectDir });
    stackPoolId = outputs.userPoolId;
    stackClientIds =
      options.client !== undefined
        ? [selectStackClient(outputs, options.client).clientId]
        : Object.values(outputs.clientIds);
  }
  const userPoolId = resolveOption(context, 'userPoolId', stackPoolId);
  const clientIds = resolveOption(context, 'clientId', stackClientIds) ?? [];
  if (!userPoolId) {
    throw new InputError('missing --user-pool-id: pass it, set M2M_USER_POOL_ID, or use --stack <name>');
  }
  if (clientIds.length === 0) {
    throw new InputError(
      'missing --client-id (the clients whose tokens are accepted): pass it, set M2M_CLIENT_ID, or use --stack <name>',
    );
  }

  const verifier = new AccessTokenVerifier({
    userPoolId,
    clientIds,
    requiredScopes: options.scope,
    jwks: options.jwksFile === undefined ? undefined : readJwksFile(options.jwksFile),
    jwksUri: options.jwksUri,
    timeoutMs: secondsToMs(options.timeout),
  });
  const claims = await verifier.verify(token);
  context.print(`${jsonForTerminal(claims)}\n`);
}

/** The token from the argument, from stdin for "-", or from M2M_TOKEN. */
async function readToken(
  argument: string | undefined,
  context: CommandContext<VerifyOptions>,
): Promise<string> {
  let token = argument ?? process.env.M2M_TOKEN;
  if (token === '-') {
    token = (await context.readStdin('token', 'm2m token | m2m verify -')).toString('utf8');
  }
  token = token?.trim();
  if (!token) {
    throw new InputError(
      'no access token: pass it as the argument, as "-" with the token on stdin, or in M2M_TOKEN',
    );
  }
  return token;
}

function readJwksFile(file: string): unknown {
  let text: string;
  try {
    text = readFileWithLimit(file, MAX_READ_BYTES).toString('utf8');
  } catch (error) {
    if (error instanceof TooLargeError) {
      throw new InputError(
        `JWKS file ${file} is larger than ${describeBytes(error.limit)}: give the pool's jwks.json (a few kB), saved from its jwks_uri`,
      );
    }
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new InputError(`cannot read JWKS file ${file} (${code}): check the path`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new InputError(`JWKS file ${file} is not JSON: save the document at the pool's jwks_uri`);
  }
}
