/** What every subcommand gets from the CLI: its options, where they came from, stdin and the output. */
import type { Readable } from 'node:stream';
import { describeBytes, readStreamWithLimit, TooLargeError } from '../bounded-read';
import { InputError } from '../errors';
import { MAX_READ_BYTES } from '../limits';
import type { SecretRedactor } from '../secret-redaction';
import { sanitizeForTerminal } from '../untrusted-text';

export interface CommandContext<Options> {
  /** The parsed options, defaults and environment variables included. */
  readonly options: Options;
  /** The options whose value came from an environment variable rather than the command line. */
  readonly fromEnvironment: ReadonlySet<keyof Options>;
  /** Secrets seen during the run; whatever is printed goes through it. */
  readonly redactor: SecretRedactor;
  /** Writes data to stdout, with secrets masked. */
  print(text: string): void;
  /**
   * Writes data to stdout that carries a secret on purpose, unmasked (but sanitized): only where
   * the operator asked for it, and never to a terminal.
   */
  printSecretData(text: string): void;
  /** Writes a diagnostic (progress, what to do next) to stderr, with secrets masked. */
  note(text: string): void;
  /** Whether stdout is a terminal, where a secret would stay on screen and in scrollback. */
  readonly stdoutIsTerminal: boolean;
  /**
   * All of stdin, at most MAX_READ_BYTES: `what` ("token", "client secret") names it in the error,
   * and `example` shows how to pipe it in. stdin must not be a terminal, where the read would wait
   * for typing with no prompt.
   */
  readStdin(what: string, example?: string): Promise<Buffer>;
}

/** What a command reads and writes: the process's stdin, stdout and stderr, or a test's. */
export interface CommandStreams {
  stdout(text: string): void;
  stderr(text: string): void;
  readonly stdoutIsTerminal: boolean;
  /** The terminal's width, where help text is wrapped; none where stdout is not a terminal. */
  readonly columns?: number;
  /** Read only by a command that takes its input from stdin. */
  readonly stdin: Readable & { readonly isTTY?: boolean };
}

export const processStreams: CommandStreams = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  stdoutIsTerminal: process.stdout.isTTY === true,
  columns: process.stdout.isTTY ? process.stdout.columns : undefined,
  // A getter: Node opens stdin when it is first asked for.
  get stdin() {
    return process.stdin;
  },
};

/** A command's context: everything it prints sanitized, and masked but where it hands a secret over. */
export function createCommandContext<Options>(
  options: Options,
  fromEnvironment: ReadonlySet<keyof Options>,
  redactor: SecretRedactor,
  streams: CommandStreams = processStreams,
): CommandContext<Options> {
  const clean = (text: string) => sanitizeForTerminal(text, { multiline: true });
  return {
    options,
    fromEnvironment,
    redactor,
    // All data passes here: nothing a server or token put in it can drive the terminal.
    print: (text) => streams.stdout(redactor.redact(clean(text))),
    printSecretData: (text) => streams.stdout(clean(text)),
    note: (text) => streams.stderr(redactor.redact(clean(text))),
    stdoutIsTerminal: streams.stdoutIsTerminal,
    readStdin: (what, example) => readAll(streams.stdin, what, example),
  };
}

/**
 * An option's value by precedence: the command line, then the deployed stack, then the environment.
 * A stack named on the command line is more specific than a variable exported for the whole shell.
 */
export function resolveOption<Options, Key extends keyof Options>(
  context: CommandContext<Options>,
  key: Key,
  stackValue: Options[Key] | undefined,
): Options[Key] | undefined {
  const value = context.options[key];
  if (value !== undefined && !context.fromEnvironment.has(key)) return value;
  return stackValue ?? value;
}

/** All of `stdin` (see CommandContext.readStdin). */
async function readAll(stdin: CommandStreams['stdin'], what: string, example?: string): Promise<Buffer> {
  if (stdin.isTTY) {
    throw new InputError(
      `the ${what} is to come from stdin, which is a terminal: pipe it in${example === undefined ? '' : `, e.g. ${example}`}`,
    );
  }
  try {
    return await readStreamWithLimit(stdin, MAX_READ_BYTES);
  } catch (error) {
    if (!(error instanceof TooLargeError)) throw error;
    throw new InputError(
      `${what} on stdin is larger than ${describeBytes(error.limit)}: pipe in the ${what} alone`,
    );
  }
}
