/**
 * The operator CLI, `m2m`: token, verify, rotate-secret, doctor, adopt, drift. This file is the whole command-line surface; each
 * command's work lives in commands/ and is loaded only when that command runs, so --help stays fast.
 */
import {
  Command,
  CommanderError,
  type CommandUnknownOpts,
  InvalidArgumentError,
  Option,
  type OptionValues,
} from '@commander-js/extra-typings';
import { version } from '../package.json';
import { type CommandStreams, createCommandContext, processStreams } from './commands/command-context';
import {
  AccessTokenRejectedError,
  AdoptionRefusedError,
  AwsRequestError,
  InputError,
  RotationRefusedError,
  SigningKeysUnavailableError,
  StackOutputsError,
  TokenEndpointError,
  TokenRequestError,
} from './errors';
import { MAX_TIMEOUT_MS, MIN_TIMEOUT_MS, ROTATION_GRACE_MS, secondsToMs } from './limits';
import { formatDuration, parseDuration } from './secret-rotation';
import { SecretRedactor } from './secret-redaction';
import { oneLine, sanitizeForTerminal } from './untrusted-text';

/**
 * The longest error line: its parts from outside are bounded where they are quoted, this is the
 * last bound.
 */
const MAX_ERROR_LENGTH = 2000;

/** Exit codes, so scripts can tell a typo from an outage. */
export const EXIT_CODES = {
  ok: 0,
  /** Anything else, and a failed required doctor check. */
  failure: 1,
  /** Bad usage or missing input: an option, an environment variable, a stack's outputs, AWS credentials. */
  usage: 2,
  /**
   * Refused: the token endpoint rejected the request, the token failed verification, AWS denied a
   * call or found nothing, a rotation step's precondition does not hold, or adopt will not take over
   * the deployment as it is.
   */
  refused: 3,
  /** Unavailable: the token endpoint, the signing keys or AWS could not be reached or gave no usable reply. */
  unavailable: 4,
  /** Drift: a deployed stack no longer matches its configuration (m2m drift). */
  drift: 5,
} as const;

// Each command's module is loaded when the command runs, so --help and the other commands stay fast.

function exitCodeFor(error: unknown): number {
  if (error instanceof InputError || error instanceof StackOutputsError) return EXIT_CODES.usage;
  if (
    error instanceof TokenRequestError ||
    error instanceof AccessTokenRejectedError ||
    error instanceof RotationRefusedError ||
    error instanceof AdoptionRefusedError
  ) {
    return EXIT_CODES.refused;
  }
  if (error instanceof TokenEndpointError || error instanceof SigningKeysUnavailableError) {
    return EXIT_CODES.unavailable;
  }
  if (error instanceof AwsRequestError) {
    const codes = {
      'no-credentials': 'usage',
      denied: 'refused',
      'not-found': 'refused',
      unavailable: 'unavailable',
      failed: 'failure',
    } as const;
    return EXIT_CODES[codes[error.problem]];
  }
  return EXIT_CODES.failure;
}

/** A number of seconds from `minMs` up to the longest time limit the timers can count (see MAX_TIMEOUT_MS). */
const secondsFrom = (minMs: number) => (value: string) => {
  const seconds = value.trim() === '' ? NaN : Number(value);
  const ms = secondsToMs(seconds);
  if (!(ms >= minMs && ms <= MAX_TIMEOUT_MS)) {
    throw new InvalidArgumentError(
      `must be a number of seconds from ${minMs / 1000} to ${MAX_TIMEOUT_MS / 1000}`,
    );
  }
  return seconds;
};
const timeoutSeconds = secondsFrom(MIN_TIMEOUT_MS);
/** How long start keeps trying a new secret: 0 is one try. */
const waitSeconds = secondsFrom(0);

/** A grace period, "<whole number><s|m|h|d>", as milliseconds within ROTATION_GRACE_MS. */
function graceDuration(value: string): number {
  const ms = parseDuration(value);
  if (ms === undefined || ms < ROTATION_GRACE_MS.min || ms > ROTATION_GRACE_MS.max) {
    throw new InvalidArgumentError(
      `must be a whole number of s, m, h or d (e.g. 30m, 24h, 7d), from ${formatDuration(ROTATION_GRACE_MS.min)} to ${formatDuration(ROTATION_GRACE_MS.max)}`,
    );
  }
  return ms;
}

/** Values separated as `separator` says, or repeated: scopes space-separated as OAuth has them, IDs also by commas. */
const collect =
  (separator: RegExp) =>
  (value: string, previous: string[] = []): string[] => [
    ...previous,
    ...value.split(separator).filter(Boolean),
  ];
const collectScopes = collect(/\s+/);
const collectIds = collect(/[\s,]+/);

const stackOption = () =>
  new Option(
    '--stack <name>',
    "read the values from this deployed stack's Terraform outputs, e.g. m2m-auth-dev",
  );
const clientOption = (description: string) => new Option('--client <name>', `with --stack: ${description}`);
const timeoutOption = (description: string, seconds: number) =>
  new Option('--timeout <seconds>', description).argParser(timeoutSeconds).default(seconds);
const projectDirOption = () =>
  new Option(
    '--project-dir <dir>',
    'the project root, which holds cdktf.json and what it synthesizes',
  ).default('.');

// Each command's options, defined once below: the commands' modules take their types from here.
type OptionsOf<Definition extends (parent: CommandUnknownOpts) => { opts(): OptionValues }> = ReturnType<
  ReturnType<Definition>['opts']
>;

const tokenCommand = (parent: CommandUnknownOpts) =>
  parent
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
        'the app client secret; visible to every user of the machine in the process list (ps), so prefer --client-secret-stdin, M2M_CLIENT_SECRET or --stack',
      ).env('M2M_CLIENT_SECRET'),
    )
    .option(
      '--client-secret-stdin',
      'read the app client secret from stdin, one line, e.g. piped from a secrets manager',
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
    .addOption(timeoutOption('how long to wait for the token endpoint', 10))
    .option('--json', 'print the whole token response (access_token, expires_in, token_type) as JSON');
export type TokenOptions = OptionsOf<typeof tokenCommand>;

const verifyCommand = (parent: CommandUnknownOpts) =>
  parent
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
    .addOption(timeoutOption('how long to wait for the signing keys', 5));
export type VerifyOptions = OptionsOf<typeof verifyCommand>;

/** What start, finish and status share. */
const rotationCommand = (parent: CommandUnknownOpts, name: string, description: string) =>
  parent
    .command(name)
    .description(description)
    .addOption(stackOption().makeOptionMandatory())
    .addOption(clientOption("the client whose secret to rotate, by name (default: the stack's first client)"))
    .addOption(projectDirOption())
    .addOption(timeoutOption('how long each AWS call and token request may take', 10));

const rotateStartCommand = (parent: CommandUnknownOpts) =>
  rotationCommand(
    parent,
    'start',
    "Add a second secret, prove it gets a token, and store it in the client's Secrets Manager secret; without one, --json hands it over on stdout (never to a terminal). The secret is never printed otherwise.",
  )
    .addOption(
      new Option(
        '--token-endpoint <url>',
        "where to prove the new secret, and the endpoint the stored credentials name (default: the stack's token_endpoint)",
      ),
    )
    .addOption(
      new Option(
        '--wait <seconds>',
        'how long to keep trying the new secret while Cognito answers invalid_client',
      )
        .argParser(waitSeconds)
        .default(10),
    )
    .option(
      '--json',
      'print the result as JSON on stdout; with the secret only where the stack keeps no Secrets Manager secret',
    );
export type RotateStartOptions = OptionsOf<typeof rotateStartCommand>;

const rotateFinishCommand = (parent: CommandUnknownOpts) =>
  rotationCommand(
    parent,
    'finish',
    'Delete the old secret once callers use the new one: after --grace since start, or at once with --yes. Refuses while there is one secret, and to delete the secret Secrets Manager holds.',
  )
    .addOption(
      new Option('--grace <duration>', 'delete only once this long has passed since start, e.g. 24h or 7d')
        .argParser(graceDuration)
        .conflicts('yes'),
    )
    .option('--yes', 'delete now: every caller uses the new secret')
    .addOption(
      new Option(
        '--token-endpoint <url>',
        "where to prove the secret Secrets Manager holds before deleting the other (default: the stack's token_endpoint)",
      ),
    )
    .option('--json', 'print the deleted and the kept secret as JSON on stdout');
export type RotateFinishOptions = OptionsOf<typeof rotateFinishCommand>;

const rotateStatusCommand = (parent: CommandUnknownOpts) =>
  rotationCommand(
    parent,
    'status',
    "List the client's secrets (IDs and creation dates, never values) and which one its Secrets Manager secret holds.",
  ).option('--json', 'print it as JSON');
export type RotateStatusOptions = OptionsOf<typeof rotateStatusCommand>;

const doctorCommand = (parent: CommandUnknownOpts) =>
  parent
    .command('doctor')
    .description(
      'Check the machine is ready to deploy: Node.js, Terraform, AWS region and credentials. Exits 1 when a required check fails.',
    )
    .addOption(timeoutOption('how long each AWS step may take', 4));
export type DoctorOptions = OptionsOf<typeof doctorCommand>;

const adoptCommand = (parent: CommandUnknownOpts) =>
  parent
    .command('adopt')
    .description(
      'Take over a deployment of the original main.tf without recreating anything: write the settings and ' +
        'import IDs into cdktf.json and print the plan to expect. After the deploy, --finish drops the ' +
        'resources from the old state.',
    )
    .addOption(
      new Option(
        '--from-state <file>',
        "the old configuration's state file, e.g. ../m2m-cognito/terraform.tfstate",
      ).conflicts('fromDir'),
    )
    .addOption(
      new Option(
        '--from-dir <dir>',
        "the old configuration's folder; its state is read with terraform (show -json, or state pull for --finish), remote states too",
      ),
    )
    .option(
      '--finish',
      'after the deploy: remove the resources from the old state (backed up first) and the imports from cdktf.json',
    )
    .addOption(new Option('--project-dir <dir>', "this project's root, which holds cdktf.json").default('.'))
    .addOption(timeoutOption('how long each terraform command may take', 120));
export type AdoptOptions = OptionsOf<typeof adoptCommand>;

const driftCommand = (parent: CommandUnknownOpts) =>
  parent
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
    .option('--lock', 'take the state lock while planning (the read-only CI role may not)', false);
export type DriftOptions = OptionsOf<typeof driftCommand>;

function buildProgram(redactor: SecretRedactor, streams: CommandStreams, run: { exitCode: number }) {
  // Stryker disable next-line StringLiteral: equivalent, commander names an unnamed program after its
  // script, and bin/m2m.js (like the tests' argv) gives m2m.
  const program = new Command('m2m')
    .description('Operator tools for the Cognito machine-to-machine (OAuth 2.0 client credentials) setup.')
    .version(version)
    .addOption(new Option('--debug', 'print the stack trace of an error').env('M2M_DEBUG'))
    // Usage errors exit 2 (see EXIT_CODES); commander has already printed the message.
    .exitOverride()
    // Set before the subcommands are added, which inherit it; an argument may hold anything.
    .configureOutput({
      writeOut: (text) => streams.stdout(sanitizeForTerminal(text, { multiline: true })),
      writeErr: (text) => streams.stderr(sanitizeForTerminal(text, { multiline: true })),
      // Help wraps at the terminal's width, and at 80 columns where the output is not a terminal.
      getOutHelpWidth: () => streams.columns ?? 80,
      getErrHelpWidth: () => streams.columns ?? 80,
    })
    .addHelpText(
      'after',
      `
Exit codes: 0 ok, 1 failure, 2 usage or missing input, 3 refused (token request or token rejected,
AWS denied a call, a rotation step's precondition does not hold, a deployment adopt will not take
over), 4 unavailable (token endpoint, signing keys or AWS unreachable, timed out, or a bad reply),
5 drift.

Examples:
  TOKEN=$(m2m token --stack m2m-auth-dev)
  read-secret | m2m token --client-secret-stdin --token-endpoint <url> --client-id <id>
  m2m token --stack m2m-auth-dev --scope m2m-client/read | m2m verify - --stack m2m-auth-dev
  m2m rotate-secret start --stack m2m-auth-dev
  m2m doctor
  m2m adopt --from-dir ../m2m-cognito
  m2m drift --stack m2m-auth-dev`,
    );

  /** The context of a command's run, with the options whose value came from the environment. */
  const context = <Options extends OptionValues>(options: Options, command: CommandUnknownOpts) => {
    const fromEnvironment = new Set<keyof Options>();
    for (const key in options) if (command.getOptionValueSource(key) === 'env') fromEnvironment.add(key);
    return createCommandContext(options, fromEnvironment, redactor, streams);
  };

  tokenCommand(program).action(async (options, command) => {
    const { runTokenCommand } = await import('./commands/token');
    await runTokenCommand(context(options, command));
  });

  verifyCommand(program).action(async (token, options, command) => {
    const { runVerifyCommand } = await import('./commands/verify');
    await runVerifyCommand(token, context(options, command));
  });

  const rotateSecret = program
    .command('rotate-secret')
    .description(
      "Rotate an app client's secret without downtime: start adds a second secret, finish deletes the old one once callers use the new one, status shows where things stand.",
    )
    .addHelpText(
      'after',
      `
Run from the project root after a deploy: the stack's outputs name the user pool, the client and its
Secrets Manager secret. AWS credentials and region come from the AWS SDK's usual chain
(AWS_PROFILE, ...; AWS_ENDPOINT_URL is honoured); the region is the user pool's.

  m2m rotate-secret start --stack m2m-auth-dev --client reporting
  m2m rotate-secret status --stack m2m-auth-dev --client reporting
  m2m rotate-secret finish --stack m2m-auth-dev --client reporting --grace 24h`,
    );
  rotateStartCommand(rotateSecret).action(async (options, command) => {
    const { runRotateStartCommand } = await import('./commands/rotate-secret');
    await runRotateStartCommand(context(options, command));
  });
  rotateFinishCommand(rotateSecret).action(async (options, command) => {
    const { runRotateFinishCommand } = await import('./commands/rotate-secret');
    await runRotateFinishCommand(context(options, command));
  });
  rotateStatusCommand(rotateSecret).action(async (options, command) => {
    const { runRotateStatusCommand } = await import('./commands/rotate-secret');
    await runRotateStatusCommand(context(options, command));
  });

  doctorCommand(program).action(async (options, command) => {
    const { runDoctorCommand } = await import('./commands/doctor');
    const failed = await runDoctorCommand(context(options, command));
    if (failed > 0) {
      streams.stderr(`error: ${failed} required check${failed > 1 ? 's' : ''} failed\n`);
      run.exitCode = EXIT_CODES.failure;
    }
  });

  adoptCommand(program).action(async (options, command) => {
    // Checked before the command's module, which loads cdktf, is.
    if (options.fromState === undefined && options.fromDir === undefined) {
      throw new InputError(
        'adopt needs the old deployment: pass --from-state <terraform.tfstate> or --from-dir <folder of the old main.tf>',
      );
    }
    const { runAdoptCommand } = await import('./commands/adopt');
    await runAdoptCommand(context(options, command));
  });

  driftCommand(program).action(async (options, command) => {
    const { runDriftCommand } = await import('./commands/drift');
    if ((await runDriftCommand(context(options, command))) > 0) run.exitCode = EXIT_CODES.drift;
  });

  return program;
}

/**
 * Runs the CLI on `argv` (as process.argv: node, script, arguments) and returns the exit code;
 * it reads `streams.stdin` and prints to `streams`. bin/m2m.js exits with the code; tests call it
 * in-process.
 */
export async function runM2m(
  argv: readonly string[],
  streams: CommandStreams = processStreams,
): Promise<number> {
  const redactor = new SecretRedactor();
  const run = { exitCode: EXIT_CODES.ok as number };
  const program = buildProgram(redactor, streams, run);
  try {
    await program.parseAsync(argv);
    return run.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? EXIT_CODES.ok : EXIT_CODES.usage;
    }
    const message = error instanceof Error ? error.message : String(error);
    const hint = exitCodeFor(error) === EXIT_CODES.failure ? ' (run with --debug for details)' : '';
    const line = oneLine(message, MAX_ERROR_LENGTH, (text) => redactor.redact(text));
    streams.stderr(`error: ${line}${hint}\n`);
    if (program.opts().debug && error instanceof Error && error.stack) {
      streams.stderr(`${redactor.redact(sanitizeForTerminal(error.stack, { multiline: true }))}\n`);
    }
    return exitCodeFor(error);
  }
}

/** Exits once stdout and stderr are flushed, even if a timed-out request still holds a socket. */
export function exitWhenFlushed(code: number): void {
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}
