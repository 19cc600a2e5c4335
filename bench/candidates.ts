/**
 * What the bench measures. The main candidates (a)-(d) are the ones the targets are about; the
 * breakdown candidates (--breakdown) take (a) and (c) apart: CLI, npx, type-checking, imports, the
 * TypeScript loader.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readCdktfJson } from '../terraform/synthesize';
import { runCommand } from '../terraform/runner';

export const PROJECT_ROOT = path.resolve(__dirname, '..');
const BASELINE_DIR = path.join(__dirname, 'baseline');

export type CandidateKind = 'synth' | 'test' | 'breakdown';

export interface Candidate {
  /** What --only takes. */
  readonly id: string;
  /** The brief's letter, also accepted by --only ("d" selects both test candidates). */
  readonly letter: string;
  readonly title: string;
  /** Test candidates get --test-runs repetitions; the others --runs. */
  readonly kind: CandidateKind;
  readonly cwd: string;
  /** The command line and extra environment for one run; `outdir` is a fresh, empty temp dir. */
  invocation(outdir: string): { command: string; env?: Record<string, string> };
  /** Done once, before the first run (not timed). */
  prepare?(): Promise<void>;
}

/** The app command as cdktf.json has it: the cdktf CLI runs exactly this through a shell. */
const appCommand = (projectDir: string) => readCdktfJson(projectDir).app;

/** Quotes a word for the POSIX shell the commands run in. */
const quote = (word: string) => `'${word.replace(/'/g, `'\\''`)}'`;
const nodeEval = (code: string) => `node -e ${quote(code)}`;
const SUBMODULES = [
  'provider',
  'cognito-user-pool',
  'cognito-resource-server',
  'cognito-user-pool-domain',
  'cognito-user-pool-client',
];

/** The project compiled to JS once by tsc, for the "precompiled app" breakdown candidates. */
const compiled = {
  dir: '',
  async prepare(): Promise<void> {
    if (this.dir) return;
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-compiled-'));
    // Module resolution walks up from the compiled files; let it find the project's packages.
    fs.symlinkSync(path.join(PROJECT_ROOT, 'node_modules'), path.join(this.dir, 'node_modules'), 'dir');
    const tsc = path.join(PROJECT_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    // Type errors elsewhere in the project don't stop tsc from emitting; a missing main.js does stop us.
    await runCommand(process.execPath, [tsc, '-p', '.', '--noEmit', 'false', '--outDir', this.dir], {
      cwd: PROJECT_ROOT,
    });
    if (!fs.existsSync(this.main))
      throw new Error(`tsc did not emit ${this.main}; run npx tsc -p . to see why`);
  },
  get main(): string {
    return path.join(this.dir, 'main.js');
  },
  cleanup(): void {
    if (this.dir) fs.rmSync(this.dir, { recursive: true, force: true });
  },
};
export const cleanupCandidates = () => compiled.cleanup();

export const CANDIDATES: readonly Candidate[] = [
  {
    id: 'synth',
    letter: 'a',
    title: 'npx cdktf synth (this project)',
    kind: 'synth',
    cwd: PROJECT_ROOT,
    invocation: (outdir) => ({ command: `npx cdktf synth --output ${quote(outdir)}` }),
  },
  {
    id: 'app',
    letter: 'b',
    title: `app alone: ${appCommand(PROJECT_ROOT)}`,
    kind: 'synth',
    cwd: PROJECT_ROOT,
    invocation: (outdir) => ({ command: appCommand(PROJECT_ROOT), env: { CDKTF_OUTDIR: outdir } }),
  },
  {
    id: 'baseline',
    letter: 'c',
    title: 'npx cdktf synth (bench/baseline, template layout)',
    kind: 'synth',
    cwd: BASELINE_DIR,
    invocation: (outdir) => ({ command: `npx cdktf synth --output ${quote(outdir)}` }),
  },
  {
    id: 'test-unit',
    letter: 'd',
    title: 'npx jest --selectProjects unit',
    kind: 'test',
    cwd: PROJECT_ROOT,
    invocation: () => ({ command: 'npx jest --selectProjects unit' }),
  },
  {
    id: 'test-terraform',
    letter: 'd',
    title: 'npx jest --selectProjects terraform',
    kind: 'test',
    cwd: PROJECT_ROOT,
    invocation: () => ({ command: 'npx jest --selectProjects terraform' }),
  },
  ...breakdown(),
];

function breakdown(): Candidate[] {
  // Commands are functions: the compiled app's path is only known after prepare().
  const item = (
    id: string,
    title: string,
    cwd: string,
    command: () => string,
    prepare?: () => Promise<void>,
  ) =>
    ({
      id,
      letter: '-',
      title,
      kind: 'breakdown',
      cwd,
      invocation: (outdir) => ({ command: command(), env: { CDKTF_OUTDIR: outdir } }),
      prepare,
    }) satisfies Candidate;
  const compile = () => compiled.prepare();
  const baselineApp = appCommand(BASELINE_DIR);
  const tsNodeBin = path.join(PROJECT_ROOT, 'node_modules', 'ts-node', 'dist', 'bin.js');
  return [
    item('node', 'node startup: node -e 0', PROJECT_ROOT, () => 'node -e 0'),
    item(
      'sucrase',
      'sucrase hook startup: node -r sucrase/register/ts -e 0',
      PROJECT_ROOT,
      () => 'node -r sucrase/register/ts -e 0',
    ),
    item('require-cdktf', "require('cdktf')", PROJECT_ROOT, () => nodeEval("require('cdktf')")),
    item('require-submodules', 'require the 5 provider-aws submodules the app uses', PROJECT_ROOT, () =>
      nodeEval(`for (const m of ${JSON.stringify(SUBMODULES)}) require('@cdktf/provider-aws/lib/' + m)`),
    ),
    item('require-root', "require('@cdktf/provider-aws') (package root)", PROJECT_ROOT, () =>
      nodeEval("require('@cdktf/provider-aws')"),
    ),
    item(
      'app-js',
      'app precompiled by tsc: node main.js',
      PROJECT_ROOT,
      () => `node ${quote(compiled.main)}`,
      compile,
    ),
    item('baseline-app', `baseline app alone: ${baselineApp}`, BASELINE_DIR, () => baselineApp),
    item(
      'baseline-app-no-npx',
      'baseline app, ts-node without npx',
      BASELINE_DIR,
      () => `node ${quote(tsNodeBin)} main.ts`,
    ),
    item(
      'baseline-transpile-only',
      'baseline app, ts-node --transpile-only (no type-check)',
      BASELINE_DIR,
      () => 'npx ts-node --transpile-only main.ts',
    ),
    item(
      'baseline-sucrase',
      'baseline app with sucrase: node -r sucrase/register/ts main.ts',
      BASELINE_DIR,
      () => 'node -r sucrase/register/ts main.ts',
    ),
  ];
}
