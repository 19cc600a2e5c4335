/** Runs the m2m CLI as a real process, with an environment built from scratch. */
import { spawn } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import { PROJECT_ROOT } from '../helpers/project';

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Wall-clock time of the run. */
  readonly ms: number;
}

export interface RunCliOptions {
  /** Added to a minimal environment; nothing is inherited, so no AWS_* or M2M_* leaks in. */
  readonly env?: Record<string, string>;
  /** PATH for the CLI (node itself is started by absolute path). */
  readonly path?: string;
  readonly stdin?: string;
  readonly cwd?: string;
  /** Node's arguments before the CLI's; default: bin/m2m.js, the installed entry point. */
  readonly command?: readonly string[];
}

// A home without ~/.aws, so no profile of the machine running the tests is read.
const home = path.join(os.tmpdir(), 'm2m-tests-no-home');

export function runCli(args: readonly string[], options: RunCliOptions = {}): Promise<CliResult> {
  const started = Date.now();
  const command = options.command ?? [path.join(PROJECT_ROOT, 'bin', 'm2m.js')];
  const child = spawn(process.execPath, [...command, ...args], {
    cwd: options.cwd ?? PROJECT_ROOT,
    env: {
      PATH: options.path ?? '/usr/bin:/bin',
      HOME: home,
      AWS_CONFIG_FILE: path.join(home, 'no-aws-config'),
      AWS_SHARED_CREDENTIALS_FILE: path.join(home, 'no-aws-credentials'),
      ...options.env,
    },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.end(options.stdin ?? '');
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, ms: Date.now() - started }));
  });
}

/** The one-line error a failed command prints: "error: <cause>: <fix>". */
export function errorLine(result: CliResult): string {
  const lines = result.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^error: /);
  expect(result.stdout).toBe('');
  return lines[0];
}
