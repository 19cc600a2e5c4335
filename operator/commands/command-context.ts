/** What every subcommand gets from the CLI: its options, where they came from, and the output. */
import type { SecretRedactor } from '../secret-redaction';

export interface CommandContext<Options> {
  /** The parsed options, defaults and environment variables included. */
  readonly options: Options;
  /** The options whose value came from an environment variable rather than the command line. */
  readonly fromEnvironment: ReadonlySet<keyof Options>;
  /** Secrets seen during the run; whatever is printed goes through it. */
  readonly redactor: SecretRedactor;
  /** Writes data to stdout, with secrets masked. */
  print(text: string): void;
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
