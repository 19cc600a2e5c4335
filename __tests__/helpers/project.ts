import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type CommandResult, runCommand } from '../../terraform/runner';

export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

/**
 * Makes throwaway project folders, each with its own cdktf.json and linked to this project's sources
 * and node_modules, and removes them after the test file's tests. Call it at a test file's top level.
 */
export function tempProjects(): (context: Record<string, unknown>) => string {
  const made: string[] = [];
  afterAll(() => {
    for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
  });
  return (context) => {
    const dir = tempProject(context);
    made.push(dir);
    return dir;
  };
}

function tempProject(context: Record<string, unknown>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'm2m-auth-project-'));
  for (const name of ['node_modules', 'main.ts', 'config', 'constructs', 'tsconfig.json']) {
    fs.symlinkSync(path.join(PROJECT_ROOT, name), path.join(dir, name));
  }
  const cdktfJson = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'cdktf.json'), 'utf8'));
  fs.writeFileSync(path.join(dir, 'cdktf.json'), JSON.stringify({ ...cdktfJson, context }, null, 2));
  return dir;
}

/** Runs cdktf.json's app command in `cwd` through a shell, as the cdktf CLI does, but without the CLI. */
export function runApp(cwd: string, env: NodeJS.ProcessEnv = {}): Promise<CommandResult> {
  const { app } = JSON.parse(fs.readFileSync(path.join(cwd, 'cdktf.json'), 'utf8')) as { app: string };
  const { CDKTF_CONTEXT_JSON: _ignored, CDKTF_OUTDIR: _alsoIgnored, ...inherited } = process.env;
  return runCommand('/bin/sh', ['-c', app], { cwd, env: { ...inherited, ...env } });
}

/** A Terraform state with nothing in it, for making Terraform write state through a backend. */
export function emptyState() {
  return {
    version: 4,
    terraform_version: '1.11.0',
    serial: 1,
    lineage: randomUUID(),
    outputs: {},
    resources: [],
  };
}
