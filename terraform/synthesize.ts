/**
 * Where a project's synthesized stacks are, as the cdktf CLI has them: cdktf.json's `output` folder
 * (cdktf.out unless it says otherwise) and, in it, cdktf's manifest.json naming each stack's folder.
 * Everything that looks for a stack folder asks here.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { displayPath } from './runner';

export interface SynthesizedStack {
  readonly name: string;
  /** The folder holding cdk.tf.json. */
  readonly dir: string;
}

/** The parts of cdktf.json read here. */
export interface CdktfJson {
  readonly app: string;
  /** The folder synth writes to, relative to the project. @default "cdktf.out" */
  readonly output?: string;
  readonly context?: Record<string, unknown>;
}

export function readCdktfJson(projectDir: string): CdktfJson {
  return JSON.parse(fs.readFileSync(path.join(projectDir, 'cdktf.json'), 'utf8')) as CdktfJson;
}

/** The folder cdktf synthesizes the project into; cdktf.out where there is no cdktf.json to say. */
export function outputDirectory(projectDir: string): string {
  const file = path.join(projectDir, 'cdktf.json');
  const output = fs.existsSync(file) ? readCdktfJson(projectDir).output : undefined;
  return path.resolve(projectDir, output ?? 'cdktf.out');
}

/** The stacks of a synthesized output folder, from its manifest.json; none without one. */
export function manifestStacks(outdir: string): SynthesizedStack[] {
  const file = path.join(outdir, 'manifest.json');
  if (!fs.existsSync(file)) return [];
  const manifest = JSON.parse(fs.readFileSync(file, 'utf8')) as {
    stacks: Record<string, { workingDirectory: string }>;
  };
  return Object.entries(manifest.stacks).map(([name, stack]) => ({
    name,
    dir: path.join(outdir, stack.workingDirectory),
  }));
}

/**
 * The folder of one synthesized stack of the project. Without it, throws what `refuse` makes of the
 * cause ("stack <name> is not synthesized in cdktf.out (found: ...)") and the stacks that are there.
 */
export function findSynthesizedStack(
  projectDir: string,
  stackName: string,
  refuse: (cause: string, found: readonly string[]) => Error = (cause) => new Error(cause),
): string {
  const outdir = outputDirectory(projectDir);
  const stacks = manifestStacks(outdir);
  const stack = stacks.find((s) => s.name === stackName);
  if (stack) return stack.dir;
  const found = stacks.map((s) => s.name).sort();
  const listed = found.length > 0 ? ` (found: ${found.join(', ')})` : '';
  throw refuse(`stack ${stackName} is not synthesized in ${displayPath(outdir)}${listed}`, found);
}

/**
 * Runs cdktf.json's app command in `projectDir` with CDKTF_OUTDIR=`outdir` and the given context
 * (cdktf.json's own by default), and returns the stacks it wrote.
 */
export function synthesizeApp(
  projectDir: string,
  outdir: string,
  context?: Record<string, unknown>,
): SynthesizedStack[] {
  const cdktfJson = readCdktfJson(projectDir);
  fs.mkdirSync(outdir, { recursive: true });
  const result = spawnSync(cdktfJson.app, {
    cwd: projectDir,
    shell: true,
    encoding: 'utf8',
    env: {
      ...process.env,
      CDKTF_OUTDIR: outdir,
      CDKTF_CONTEXT_JSON: JSON.stringify(context ?? cdktfJson.context ?? {}),
    },
  });
  if (result.status !== 0) {
    throw new Error(`synth failed (${cdktfJson.app}): ${(result.stderr || result.stdout).trim()}`);
  }
  return manifestStacks(outdir);
}
