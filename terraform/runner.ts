/**
 * Running terraform, for every part of the project that does: the operator (stack outputs, drift,
 * adopt, doctor), the offline checks and the benchmark. How it is started and bounded, its version,
 * its JSON and its errors are read here and nowhere else.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** An executable of that name on PATH, or undefined when there is none. */
export function findOnPath(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const names = process.platform === 'win32' ? [`${name}.exe`] : [name];
  for (const dir of (env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    for (const candidate of names.map((n) => path.join(dir, n))) {
      try {
        fs.accessSync(candidate, fs.constants.X_OK);
        if (fs.statSync(candidate).isFile()) return candidate;
      } catch {
        // not here
      }
    }
  }
  return undefined;
}

/** The terraform executable on PATH, or undefined when there is none. */
export function findTerraform(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return findOnPath('terraform', env);
}

export interface CommandResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Set when the command was stopped for running longer than its timeoutMs. */
  readonly timedOut?: boolean;
  /** Set when the command was stopped for writing more than its maxOutputChars. */
  readonly overflowed?: boolean;
}

export interface RunCommandOptions {
  /** @default the current folder */
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly input?: string;
  /** Stops the command (SIGTERM, then SIGKILL 5 s later) after this long. */
  readonly timeoutMs?: number;
  /** Stops the command once stdout and stderr together hold more characters than this. */
  readonly maxOutputChars?: number;
}

/** Runs a command to completion, collecting its output; rejects only when it cannot start. */
export function runCommand(
  command: string,
  args: readonly string[],
  options: RunCommandOptions,
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let overflowed = false;
    const timers: NodeJS.Timeout[] = [];
    const stop = () => {
      child.kill('SIGTERM');
      timers.push(setTimeout(() => child.kill('SIGKILL'), 5000));
    };
    if (options.timeoutMs !== undefined) {
      timers.push(
        setTimeout(() => {
          timedOut = true;
          stop();
        }, options.timeoutMs),
      );
    }
    const limit = options.maxOutputChars ?? Infinity;
    const collect = (append: (chunk: string) => void) => (chunk: string) => {
      if (overflowed) return;
      append(chunk);
      if (stdout.length + stderr.length > limit) {
        overflowed = true;
        stdout = stdout.slice(0, limit);
        stop();
      }
    };
    child.stdout.setEncoding('utf8').on(
      'data',
      collect((chunk) => (stdout += chunk)),
    );
    child.stderr.setEncoding('utf8').on(
      'data',
      collect((chunk) => (stderr += chunk)),
    );
    child.on('error', (error) => {
      timers.forEach(clearTimeout);
      reject(error);
    });
    child.on('close', (code) => {
      timers.forEach(clearTimeout);
      resolve({ code, stdout, stderr, ...(timedOut && { timedOut }), ...(overflowed && { overflowed }) });
    });
    // A command that exits without reading its input must not crash us with EPIPE.
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
  });
}

/**
 * Runs a command on this terminal (stdio inherited), passing Ctrl-C and SIGTERM on and waiting for it to
 * end; resolves to its exit code (128 + the signal's number when a signal ended it), rejects when it
 * cannot start.
 */
export function runAttached(
  command: string,
  args: readonly string[],
  { cwd, env }: Pick<RunCommandOptions, 'cwd' | 'env'> = {},
): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: env ?? process.env, stdio: 'inherit' });
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    process.on('SIGINT', forward).on('SIGTERM', forward);
    const settle = <T>(settled: (value: T) => void, value: T) => {
      process.off('SIGINT', forward).off('SIGTERM', forward);
      settled(value);
    };
    child.on('error', (error) => settle(reject, error));
    child.on('exit', (code, signal) =>
      settle(resolve, code ?? (signal ? 128 + (os.constants.signals[signal] ?? 0) : 1)),
    );
  });
}

/** Where to get Terraform, for the messages that ask for it. */
export const TERRAFORM_INSTALL_URL = 'https://developer.hashicorp.com/terraform/install';

export interface TerraformOptions extends RunCommandOptions {
  /** The executable. @default "terraform", looked up on PATH */
  readonly terraform?: string;
}

/**
 * Runs terraform as every part of the project does: the caller's environment (or `env`), without the
 * update check, which calls home on every run and waits when offline, and without prompts.
 */
export function runTerraform(
  args: readonly string[],
  options: TerraformOptions = {},
): Promise<CommandResult> {
  const env = { ...(options.env ?? process.env), CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1' };
  return runCommand(options.terraform ?? 'terraform', args, { ...options, env });
}

/** Terraform gave nothing to use; the message names the command, the folder and the cause, and callers add the fix. */
export class TerraformError extends Error {
  constructor(
    readonly problem: 'cannot-run' | 'timed-out' | 'overflowed' | 'failed' | 'not-json',
    message: string,
  ) {
    super(message);
  }
}

/** "terraform state rm" and "in <folder>": the subcommand, without its flags or addresses, and where it ran. */
const described = (args: readonly string[], cwd = '.') => [
  `terraform ${args
    .slice(0, 2)
    .filter((arg) => !arg.startsWith('-'))
    .join(' ')}`,
  `in ${displayPath(cwd)}`,
];

/**
 * Runs terraform and returns its stdout; throws TerraformError when it cannot start, runs past
 * `timeoutMs`, prints more than `maxOutputChars` or exits non-zero, e.g. "terraform output failed in
 * cdktf.out/stacks/m2m-auth-dev (Backend initialization required...)".
 */
export async function terraformStdout(
  args: readonly string[],
  options: TerraformOptions = {},
): Promise<string> {
  const { terraform = 'terraform', timeoutMs, maxOutputChars } = options;
  const [command, where] = described(args, options.cwd);
  let result: CommandResult;
  try {
    result = await runTerraform(args, options);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new TerraformError(
      'cannot-run',
      code === 'ENOENT'
        ? `${terraform} not found on PATH`
        : `cannot run ${terraform} (${code ?? String(error)})`,
    );
  }
  if (result.overflowed) {
    const mebibytes = Number(maxOutputChars) / 1024 / 1024;
    throw new TerraformError('overflowed', `${command} ${where} printed more than ${mebibytes} MiB`);
  }
  if (result.timedOut) {
    throw new TerraformError(
      'timed-out',
      `${command} ${where} did not finish within ${Number(timeoutMs) / 1000} s`,
    );
  }
  if (result.code !== 0) {
    throw new TerraformError(
      'failed',
      `${command} failed ${where} (${terraformError(result.stderr || result.stdout)})`,
    );
  }
  return result.stdout;
}

/** The JSON terraform prints with -json, as `terraformStdout` runs it; TerraformError "not-json" when it is not JSON. */
export async function terraformJson<T>(args: readonly string[], options: TerraformOptions = {}): Promise<T> {
  const stdout = await terraformStdout(args, options);
  try {
    return JSON.parse(stdout) as T;
  } catch {
    const [command, where] = described(args, options.cwd);
    throw new TerraformError('not-json', `${command} -json ${where} did not print JSON`);
  }
}

/** Terraform's version, and the providers a working directory selected (after init). */
export interface TerraformVersions {
  readonly terraform: string;
  readonly providers: Readonly<Record<string, string>>;
}

/**
 * Runs `terraform version -json` and reads it, or the "Terraform v0.12.31" of versions before -json.
 * The version is outside text: only a plain version number is taken, else TerraformError "not-json".
 */
export async function terraformVersions(options: TerraformOptions = {}): Promise<TerraformVersions> {
  const stdout = await terraformStdout(['version', '-json'], options);
  let parsed: { terraform_version?: unknown; provider_selections?: Record<string, string> } = {};
  try {
    parsed = JSON.parse(stdout);
  } catch {
    // Terraform before 0.13: text.
  }
  const version =
    typeof parsed.terraform_version === 'string'
      ? parsed.terraform_version
      : /v(\d+\.\d+\.\d+)/.exec(stdout)?.[1];
  if (version === undefined || !/^\d+\.\d+\.\d+[\w.+-]{0,40}$/.test(version)) {
    throw new TerraformError('not-json', 'terraform version printed no version');
  }
  return { terraform: version, providers: parsed.provider_selections ?? {} };
}

/** One diagnostic of `terraform <command> -json`. */
export interface Diagnostic {
  readonly severity: 'error' | 'warning';
  readonly summary: string;
  readonly detail: string;
  /** The variable a validation error is about: "var.<name>". */
  readonly variable?: string;
}

/** A diagnostic as terraform prints it with -json. */
interface RawDiagnostic extends Omit<Diagnostic, 'variable'> {
  readonly snippet?: { readonly values?: readonly { readonly traversal: string }[] };
}

/** The diagnostics of a `-json` run (one JSON object per line), or its stderr when it printed none. */
export function jsonDiagnostics(result: CommandResult): Diagnostic[] {
  const diagnostics = result.stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { diagnostic?: RawDiagnostic })
    .flatMap(({ diagnostic }) => {
      if (!diagnostic) return [];
      const variable = diagnostic.snippet?.values?.find((v) => v.traversal.startsWith('var.'))?.traversal;
      const { severity, summary, detail } = diagnostic;
      return [{ severity, summary, detail, ...(variable && { variable }) }];
    });
  if (diagnostics.length > 0) return diagnostics;
  return [
    { severity: 'error', summary: `terraform exited with ${result.code}`, detail: result.stderr.trim() },
  ];
}

/**
 * The first "Error: ..." of Terraform's output and the line after it ("<summary>: <detail>"), without
 * the box drawing; its first line when it has no error.
 */
export function terraformError(output: string): string {
  const lines = output
    .split('\n')
    .map((line) => line.replace(/^[\s│╷╵]+/, '').trim())
    .filter(Boolean);
  const at = lines.findIndex((line) => line.startsWith('Error:'));
  if (at < 0) return (lines[0] ?? 'no message').slice(0, 300);
  const detail = lines[at + 1]?.startsWith('Error:') ? undefined : lines[at + 1];
  return [lines[at].replace(/^Error:\s*/, ''), detail].filter(Boolean).join(': ').slice(0, 300);
}

/** A path as messages show it: relative to the current folder. */
export function displayPath(target: string): string {
  return path.relative(process.cwd(), target) || '.';
}
