import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

/**
 * A throwaway project folder with its own cdktf.json, sharing this project's node_modules and (with
 * `withSources`) its app sources, so that the cdktf CLI can run there.
 */
export function tempProject(context: Record<string, unknown>, withSources = false): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'm2m-auth-project-'));
  const links = [
    'node_modules',
    ...(withSources ? ['main.ts', 'config', 'constructs', 'tsconfig.json'] : []),
  ];
  for (const name of links) fs.symlinkSync(path.join(PROJECT_ROOT, name), path.join(dir, name));
  const cdktfJson = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'cdktf.json'), 'utf8'));
  fs.writeFileSync(path.join(dir, 'cdktf.json'), JSON.stringify({ ...cdktfJson, context }, null, 2));
  return dir;
}

export interface RunResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command to completion and collects its output. */
export function run(
  command: string,
  args: readonly string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv },
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Runs main.ts the way cdktf.json's app command does, in `cwd`, without the cdktf CLI. */
export function runApp(cwd: string, env: NodeJS.ProcessEnv = {}): Promise<RunResult> {
  const { CDKTF_CONTEXT_JSON: _ignored, CDKTF_OUTDIR: _alsoIgnored, ...inherited } = process.env;
  return run(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'main.ts')], {
    cwd,
    env: { ...inherited, ...env },
  });
}
