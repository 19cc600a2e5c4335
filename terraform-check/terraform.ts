/** Finding and running the terraform binary. */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The terraform executable on PATH, or undefined when there is none. */
export function findTerraform(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const names = process.platform === 'win32' ? ['terraform.exe'] : ['terraform'];
  for (const dir of (env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    for (const name of names) {
      const candidate = path.join(dir, name);
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

export interface CommandResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command to completion, collecting its output; rejects only when it cannot start. */
export function runCommand(
  command: string,
  args: readonly string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; input?: string },
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
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
