/**
 * Runs the m2m CLI with an environment built from scratch: in this process (runM2m, as bin/m2m.js
 * calls it, in the working folder given, with the stdin given) where nothing needs a process of its
 * own, so a test is fast and mutation testing sees the code it runs; as a real process where the test
 * gives Node arguments, or asks for one.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
// Loaded with the test file, not in its first test: module-level code then counts for no one test,
// which mutation testing's per-test coverage needs to be right.
import { runM2m } from '../../operator/cli';
import { PROJECT_ROOT } from './project';

/**
 * How long a test that starts processes or servers may take: the CLI starts in about a second on an
 * idle machine, several times that with every core busy, and jest's default of 5 s is then too short.
 */
export const TEST_TIMEOUT_MS = 60_000;

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunCliOptions {
  /** Added to a minimal environment; nothing is inherited, so no AWS_* or M2M_* leaks in. */
  readonly env?: Record<string, string>;
  /** PATH for the CLI (node itself is started by absolute path). */
  readonly path?: string;
  /**
   * What the CLI reads on stdin: text, a file opened as its stdin (e.g. /dev/zero, never ending), or
   * (in-process only) a stream, e.g. one that fails.
   */
  readonly stdin?: string | { readonly file: string } | Readable;
  /** stdin is a terminal (in-process only): a command that reads it must refuse to wait for typing. */
  readonly stdinIsTerminal?: boolean;
  readonly cwd?: string;
  /** Node's arguments before the CLI's; default: bin/m2m.js, the installed entry point. */
  readonly command?: readonly string[];
  /** Run bin/m2m.js as a real process even where nothing else asks for one. */
  readonly realProcess?: boolean;
}

export async function runCli(args: readonly string[], options: RunCliOptions = {}): Promise<CliResult> {
  const needsProcess = options.realProcess === true || options.command !== undefined;
  return needsProcess ? runCliProcess(args, options) : runCliInProcess(args, options);
}

/** What the CLI's environment holds: nothing of the machine running the tests but what is named. */
function cliEnvironment(home: string, options: RunCliOptions): Record<string, string> {
  return {
    PATH: options.path ?? '/usr/bin:/bin',
    HOME: home,
    AWS_CONFIG_FILE: path.join(home, 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(home, 'no-aws-credentials'),
    ...options.env,
  };
}

/** A home of its own without ~/.aws, so no profile of the machine running the tests is read. */
function withHome<T>(run: (home: string) => Promise<T>): Promise<T> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'm2m-tests-home-'));
  return run(home).finally(() => fs.rmSync(home, { recursive: true, force: true }));
}

/** In-process runs take turns: each replaces process.env while it runs. */
let previousRun: Promise<unknown> = Promise.resolve();

async function runCliInProcess(args: readonly string[], options: RunCliOptions): Promise<CliResult> {
  const turn = previousRun.then(() =>
    withHome(async (home) => {
      let stdout = '';
      let stderr = '';
      const output = {
        stdout: (text: string) => void (stdout += text),
        stderr: (text: string) => void (stderr += text),
        stdoutIsTerminal: false,
        stdin: Object.assign(stdinOf(options), { isTTY: options.stdinIsTerminal === true }),
      };
      const saved = process.env;
      const savedCwd = process.cwd();
      process.env = cliEnvironment(home, options);
      if (options.cwd !== undefined) process.chdir(options.cwd);
      let timer: NodeJS.Timeout | undefined;
      try {
        const timeout = new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`m2m ${args.join(' ')} did not finish`)),
            TEST_TIMEOUT_MS - 5000,
          );
        });
        const code = await Promise.race([runM2m(['node', 'm2m', ...args], output), timeout]);
        return { code, stdout, stderr };
      } finally {
        clearTimeout(timer);
        // A file given as stdin that the command did not read to its end is closed.
        output.stdin.destroy();
        process.chdir(savedCwd);
        process.env = saved;
      }
    }),
  );
  previousRun = turn.catch(() => undefined);
  return turn;
}

/** The stdin of an in-process run: the text or file given, or nothing. */
function stdinOf({ stdin = '' }: RunCliOptions): Readable {
  if (stdin instanceof Readable) return stdin;
  return typeof stdin === 'string' ? Readable.from([Buffer.from(stdin)]) : fs.createReadStream(stdin.file);
}

async function runCliProcess(args: readonly string[], options: RunCliOptions): Promise<CliResult> {
  return withHome((home) => spawnCli(home, args, options));
}

async function spawnCli(home: string, args: readonly string[], options: RunCliOptions): Promise<CliResult> {
  if (options.stdin instanceof Readable) throw new Error('runCli: a stdin stream works in-process only');
  const stdinFile = typeof options.stdin === 'object' ? fs.openSync(options.stdin.file, 'r') : undefined;
  try {
    const command = options.command ?? [path.join(PROJECT_ROOT, 'bin', 'm2m.js')];
    const child = spawn(process.execPath, [...command, ...args], {
      cwd: options.cwd ?? PROJECT_ROOT,
      env: cliEnvironment(home, options),
      stdio: [stdinFile ?? 'pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdin?.end(typeof options.stdin === 'string' ? options.stdin : '');
    // A run that hangs is killed before its test times out, so no process outlives the test.
    const killer = setTimeout(() => child.kill('SIGKILL'), TEST_TIMEOUT_MS - 5000);
    return await new Promise<CliResult>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    }).finally(() => clearTimeout(killer));
  } finally {
    if (stdinFile !== undefined) fs.closeSync(stdinFile);
  }
}

/** The one-line error a failed command prints: "error: <cause>: <fix>". */
export function errorLine(result: CliResult): string {
  const lines = result.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^error: /);
  expect(result.stdout).toBe('');
  return lines[0];
}

/** The exit code of a run with WITHOUT_NETWORK that tried to use the network. */
export const NETWORK_USED_EXIT_CODE = 99;

/** Node's arguments that run the CLI with no network at all (see no-network.ts). */
export const WITHOUT_NETWORK = [
  '-r',
  'sucrase/register/ts',
  '-r',
  path.join(__dirname, 'no-network.ts'),
  path.join(PROJECT_ROOT, 'bin', 'm2m.js'),
];
