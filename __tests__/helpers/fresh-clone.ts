/**
 * What a fresh clone of the repository holds: every file git tracks, as it is in the work tree, in a
 * temporary folder, with this project's node_modules linked in place of `npm ci`.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  findSynthesizedStack,
  outputDirectory,
  type SynthesizedStack,
  synthesizeApp,
} from '../../terraform/synthesize';
import { PROJECT_ROOT } from './project';

export interface FreshClone {
  readonly dir: string;
  /** Runs the app as the cdktf CLI does, without the CLI, into the clone's output folder. */
  synthesize(): SynthesizedStack[];
  /** The folder of a synthesized stack, as cdktf's manifest names it. */
  stackDir(name: string): string;
  /** Removes the folder, state files included. */
  remove(): void;
}

/** A clone whose cdktf.json has the given context (its own when none is given). */
export function freshClone(context?: Record<string, unknown>): FreshClone {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'm2m-auth-clone-'));
  const tracked = execFileSync('git', ['ls-files', '-z'], { cwd: PROJECT_ROOT, encoding: 'utf8' })
    .split('\0')
    .filter(Boolean);
  for (const file of tracked) {
    const source = path.join(PROJECT_ROOT, file);
    if (!fs.existsSync(source)) continue; // deleted in the work tree, not yet committed
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.copyFileSync(source, path.join(dir, file));
  }
  fs.symlinkSync(path.join(PROJECT_ROOT, 'node_modules'), path.join(dir, 'node_modules'));
  if (context) {
    const cdktfJson = JSON.parse(fs.readFileSync(path.join(dir, 'cdktf.json'), 'utf8'));
    fs.writeFileSync(path.join(dir, 'cdktf.json'), JSON.stringify({ ...cdktfJson, context }, null, 2));
  }
  return {
    dir,
    synthesize: () => synthesizeApp(dir, outputDirectory(dir)),
    stackDir: (name) => findSynthesizedStack(dir, name),
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}
