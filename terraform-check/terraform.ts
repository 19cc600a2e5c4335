/** Finding and running the terraform binary. */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
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
  readonly cwd: string;
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

/** Terraform's version, and the providers a working directory selected (after init). */
export interface TerraformVersions {
  readonly terraform: string;
  readonly providers: Readonly<Record<string, string>>;
}

export async function terraformVersions(
  terraform: string,
  cwd: string,
  env?: NodeJS.ProcessEnv,
): Promise<TerraformVersions> {
  const result = await runCommand(terraform, ['version', '-json'], { cwd, env });
  const parsed = JSON.parse(result.stdout) as {
    terraform_version: string;
    provider_selections?: Record<string, string>;
  };
  return { terraform: parsed.terraform_version, providers: parsed.provider_selections ?? {} };
}

/** The first "Error: ..." line of Terraform's diagnostics, without the box drawing. */
export function terraformError(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((line) => line.replace(/^[\s│╷╵]+/, '').trim())
    .filter(Boolean);
  const error = lines.find((line) => line.startsWith('Error:')) ?? lines[0] ?? 'no message';
  return error.replace(/^Error:\s*/, '').slice(0, 200);
}

/** A path as messages show it: relative to the current folder. */
export function displayPath(target: string): string {
  return path.relative(process.cwd(), target) || '.';
}
