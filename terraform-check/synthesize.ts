/** Runs the app the way the cdktf CLI does, into a folder of our choosing. */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface SynthesizedStack {
  readonly name: string;
  /** The folder holding cdk.tf.json. */
  readonly dir: string;
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
  const cdktfJson = JSON.parse(fs.readFileSync(path.join(projectDir, 'cdktf.json'), 'utf8')) as {
    app: string;
    context?: Record<string, unknown>;
  };
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
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8')) as {
    stacks: Record<string, { workingDirectory: string }>;
  };
  return Object.entries(manifest.stacks).map(([name, stack]) => ({
    name,
    dir: path.join(outdir, stack.workingDirectory),
  }));
}
