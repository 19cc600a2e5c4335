/**
 * The operator CLI, `m2m`: token, verify, doctor, drift. This file is the whole command-line surface; each
 * command's work lives in commands/ and is loaded only when that command runs, so --help stays fast.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { version } from '../package.json';
import type { CommandContext } from './commands/command-context';
import {
  AccessTokenRejectedError,
  InputError,
  SigningKeysUnavailableError,
  StackOutputsError,
  TokenEndpointError,
  TokenRequestError,
} from './errors';
import { SecretRedactor } from './secret-redaction';

/** Exit codes, so scripts can tell a typo from an outage. */
export const EXIT_CODES = {
  ok: 0,
  /** Anything else, and a failed required doctor check. */
  failure: 1,
  /** Bad usage or missing input: an option, an environment variable, a stack's outputs. */
  usage: 2,
  /** Refused: the token endpoint rejected the request, or the token failed verification. */
  refused: 3,
  /** Unavailable: the token endpoint or the signing keys could not be reached or gave no usable reply. */
  unavailable: 4,
  /** Drift: a deployed stack no longer matches its configuration (m2m drift). */
  drift: 5,
} as const;

// Each command's module is loaded when the command runs, so --help and the other commands stay fast.

function exitCodeFor(error: unknown): number {
  if (error instanceof InputError || error instanceof StackOutputsError) return EXIT_CODES.usage;
  if (error instanceof TokenRequestError || error instanceof AccessTokenRejectedError) {
    return EXIT_CODES.refused;
  }
  if (error instanceof TokenEndpointError || error instanceof SigningKeysUnavailableError) {
    return EXIT_CODES.unavailable;
  }
  return EXIT_CODES.failure;
}

function positiveSeconds(value: string): number {
  const seconds = Number(value);
  if (!(seconds > 0 && Number.isFinite(seconds))) {
    throw new InvalidArgumentError('must be a positive number of seconds');
  }
  return seconds;
}

/** Scopes, space-separated as OAuth separates them, or repeated. */
function collectScopes(value: string, previous: string[] = []): string[] {
  return [...previous, ...value.split(/\s+/).filter(Boolean)];
}

/** Client IDs, space- or comma-separated, or repeated. */
function collectIds(value: string, previous: string[] = []): string[] {
  return [...previous, ...value.split(/[\s,]+/).filter(Boolean)];
}

const stackOption = () =>
  new Option(
    '--stack <name>',
    "read the values from this deployed stack's Terraform outputs, e.g. m2m-auth-dev",
  );
const clientOption = (description: string) => new Option('--client <name>', `with --stack: ${description}`);
const projectDirOption = () =>
  new Option('--project-dir <dir>', 'the project root, which holds cdktf.out').default('.');

function buildProgram(redactor: SecretRedactor): Command {
  const program = new Command('m2m')
    .description('Operator tools for the Cognito machine-to-machine (OAuth 2.0 client credentials) setup.')
    .version(version)
    .addOption(new Option('--debug', 'print the stack trace of an error').env('M2M_DEBUG'))
    // Usage errors exit 2 (see EXIT_CODES); commander has already printed the message.
    .exitOverride()
    .addHelpText(
      'after',
      `
Exit codes: 0 ok, 1 failure, 2 usage or missing input, 3 refused (token request or token rejected),
4 unavailable (token endpoint or signing keys unreachable, timed out, or a bad reply), 5 drift.

Examples:
  TOKEN=$(m2m token --stack m2m-auth-dev)
  m2m token --stack m2m-auth-dev --scope m2m-client/read | m2m verify - --stack m2m-auth-dev
  m2m doctor
  m2m drift --stack m2m-auth-dev`,
    );

  const context = <Options extends object>(command: Command): CommandContext<Options> => {
    const options = command.opts() as Options;
    const fromEnvironment = new Set(
      (Object.keys(options) as (keyof Options & string)[]).filter(
        (key) => command.getOptionValueSource(key) === 'env',
      ),
    );
    return {
      options,
      fromEnvironment,
      redactor,
      print: (text) => process.stdout.write(redactor.redact(text)),
    };
  };

  program
    .command('token')
    .description(
      'Get an access token with the client-credentials grant and print it. Values come from the options, ' +
        'then --stack, then the environment.',
    )
    .addOption(
      new Option(
        '--token-endpoint <url>',
        'the token endpoint, https://<domain>.auth.<region>.amazoncognito.com/oauth2/token',
      ).env('M2M_TOKEN_ENDPOINT'),
    )
    .addOption(new Option('--client-id <id>', 'the app client ID').env('M2M_CLIENT_ID'))
    .addOption(
      new Option(
        '--client-secret <secret>',
        'the app client secret; prefer the variable or --stack, as arguments show in the process list',
      ).env('M2M_CLIENT_SECRET'),
    )
    .addOption(
      new Option(
        '--scope <scopes>',
        'scopes to ask for, as <resource server>/<scope>, space-separated or repeated (default: every scope the client is allowed)',
      )
        .argParser(collectScopes)
        .env('M2M_SCOPE'),
    )
    .addOption(stackOption())
    .addOption(clientOption("the client to use, by name (default: the stack's first client)"))
    .addOption(projectDirOption())
    .addOption(
      new Option('--timeout <seconds>', 'how long to wait for the token endpoint')
        .argParser(positiveSeconds)
        .default(10),
    )
    .option('--json', 'print the whole token response (access_token, expires_in, token_type) as JSON')
    .action(async (_options, command: Command) => {
      const { runTokenCommand } = await import('./commands/token');
      await runTokenCommand(context(command));
    });

  program
    .command('verify')
    .description(
      'Verify a Cognito access token (signature, expiry, issuer, client, scopes) and print its claims as JSON.',
    )
    .argument('[token]', 'the access token; "-" reads it from stdin (default: $M2M_TOKEN)')
    .addOption(
      new Option('--user-pool-id <id>', 'the user pool that issued the token, e.g. us-east-1_AbCdEf123').env(
        'M2M_USER_POOL_ID',
      ),
    )
    .addOption(
      new Option('--client-id <ids>', 'accepted app client IDs, space- or comma-separated, or repeated')
        .argParser(collectIds)
        .env('M2M_CLIENT_ID'),
    )
    .addOption(
      new Option(
        '--scope <scopes>',
        'scopes the token must all carry, space-separated or repeated',
      ).argParser(collectScopes),
    )
    .option('--jwks-file <file>', "verify offline with the pool's JWKS saved from its jwks_uri")
    .option('--jwks-uri <url>', "fetch the signing keys from here (default: the pool's jwks_uri)")
    .addOption(stackOption())
    .addOption(clientOption("accept only this client's tokens (default: every client of the stack)"))
    .addOption(projectDirOption())
    .addOption(
      new Option('--timeout <seconds>', 'how long to wait for the signing keys')
        .argParser(positiveSeconds)
        .default(5),
    )
    .action(async (token: string | undefined, _options, command: Command) => {
      const { runVerifyCommand } = await import('./commands/verify');
      await runVerifyCommand(token, context(command));
    });

  program
    .command('doctor')
    .description(
      'Check the machine is ready to deploy: Node.js, Terraform, AWS region and credentials. Exits 1 when a required check fails.',
    )
    .addOption(
      new Option('--timeout <seconds>', 'how long each AWS step may take')
        .argParser(positiveSeconds)
        .default(4),
    )
    .action(async (_options, command: Command) => {
      const { runDoctorCommand } = await import('./commands/doctor');
      const failed = await runDoctorCommand(context(command));
      if (failed > 0) {
        process.stderr.write(`error: ${failed} required check${failed > 1 ? 's' : ''} failed\n`);
        process.exitCode = EXIT_CODES.failure;
      }
    });

  program
    .command('drift')
    .description(
      "Check a deployed stack for drift: terraform plan -detailed-exitcode in its synthesized folder. Names each resource that no longer matches the configuration, and exits 5 when any doesn't.",
    )
    .requiredOption(
      '--stack <name>',
      'the stack to check, e.g. m2m-auth-dev (synthesize first: npm run synth)',
    )
    .addOption(projectDirOption())
    .addOption(
      new Option('--summary-file <file>', 'also append the report as Markdown to this file').env(
        'GITHUB_STEP_SUMMARY',
      ),
    )
    .option('--lock', 'take the state lock while planning (the read-only CI role may not)', false)
    .action(async (_options, command: Command) => {
      const { runDriftCommand } = await import('./commands/drift');
      if ((await runDriftCommand(context(command))) > 0) process.exitCode = EXIT_CODES.drift;
    });

  return program;
}

/** Exits once stdout and stderr are flushed, even if a timed-out request still holds a socket. */
function exit(code: number): void {
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}

async function main(argv: readonly string[]): Promise<void> {
  const redactor = new SecretRedactor();
  const program = buildProgram(redactor);
  try {
    await program.parseAsync(argv);
    exit(Number(process.exitCode ?? EXIT_CODES.ok));
  } catch (error) {
    if (error instanceof CommanderError) {
      return exit(error.exitCode === 0 ? EXIT_CODES.ok : EXIT_CODES.usage);
    }
    const message = error instanceof Error ? error.message : String(error);
    const hint = exitCodeFor(error) === EXIT_CODES.failure ? ' (run with --debug for details)' : '';
    process.stderr.write(`error: ${redactor.redact(message.replace(/\s+/g, ' ').trim())}${hint}\n`);
    if (program.opts().debug && error instanceof Error && error.stack) {
      process.stderr.write(`${redactor.redact(error.stack)}\n`);
    }
    exit(exitCodeFor(error));
  }
}

void main(process.argv);
