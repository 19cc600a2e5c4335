/**
 * Runs one command and measures it: wall time, and peak RSS as the max over every node process of the
 * run (reported by rss-probe.js) and, where /usr/bin/time exists, over every waited-for process.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { terraformVersions } from '../terraform/runner';

const PROBE = path.join(__dirname, 'rss-probe.js');
const GNU_TIME = '/usr/bin/time';
const hasGnuTime = fs.existsSync(GNU_TIME);
const TAIL_LINES = 15;

// Runs are detached (their own process group, so a timeout can stop all of it), so Ctrl-C doesn't
// reach them: pass it on, and let the caller see that it should stop.
let running: ChildProcess | undefined;
let stopRequested = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    stopRequested = true;
    killGroup(running);
  });
}
export const interrupted = () => stopRequested;

function killGroup(child: ChildProcess | undefined): void {
  try {
    if (child?.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

export interface RunRequest {
  /** Shell command line. */
  readonly command: string;
  readonly cwd: string;
  /** Added to the bench's own environment. */
  readonly env?: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
}

export interface RunResult {
  readonly wallMs: number;
  readonly exitCode: number | null;
  /** Set when the run was killed, by the timeout or otherwise. */
  readonly signal: string | null;
  readonly timedOut: boolean;
  /** Max over the node processes of the run; null if none reported. */
  readonly peakNodeRssKiB: number | null;
  /** Max over every waited-for process (terraform too), from /usr/bin/time; null if absent. */
  readonly peakAnyRssKiB: number | null;
  /** How many node processes reported. */
  readonly nodeProcesses: number;
  /** Last lines of stderr and stdout, for reporting a failure. */
  readonly stderrTail: string[];
  readonly stdoutTail: string[];
}

/** The NODE_OPTIONS every run gets: the cdktf CLI's own heap setting, so it neither changes it nor warns. */
function nodeOptions(): string {
  return [process.env.NODE_OPTIONS, '--max-old-space-size=4096', `--require "${PROBE}"`]
    .filter(Boolean)
    .join(' ');
}

/** Keeps the last lines of a stream without holding all of it. */
class Tail {
  private text = '';
  push(chunk: Buffer): void {
    this.text = (this.text + chunk.toString('utf8')).slice(-16_384);
  }
  lines(): string[] {
    return this.text
      .split(/\r?\n/)
      .map((line) => stripVTControlCharacters(line).trimEnd()) // cdktf's spinner writes escape codes
      .filter((line) => line.length > 0)
      .slice(-TAIL_LINES);
  }
}

export async function measure(request: RunRequest): Promise<RunResult> {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-rss-'));
  const rssFile = path.join(scratch, 'node.jsonl');
  const timeFile = path.join(scratch, 'time.txt');
  const env = {
    ...process.env,
    CHECKPOINT_DISABLE: '1',
    ...request.env,
    NODE_OPTIONS: nodeOptions(),
    BENCH_RSS_FILE: rssFile,
  };
  // /usr/bin/time wraps the shell: %M is the max RSS of any descendant it waited for, in KiB.
  const [file, args] = hasGnuTime
    ? [GNU_TIME, ['-q', '-f', '%M', '-o', timeFile, '/bin/sh', '-c', request.command]]
    : ['/bin/sh', ['-c', request.command]];

  const stdout = new Tail();
  const stderr = new Tail();
  const started = performance.now();
  const child = spawn(file, args, {
    cwd: request.cwd,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
  running = child;
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup(child);
  }, request.timeoutMs);

  const [exitCode, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, sig) => resolve([code, sig]));
  });
  const wallMs = performance.now() - started;
  clearTimeout(timer);
  running = undefined;
  killGroup(child); // anything the run left behind would skew the next one

  const nodeReports = readLines(rssFile).map((line) => JSON.parse(line) as { maxRssKiB: number });
  const anyRss = Number.parseInt(readLines(timeFile).at(-1) ?? '', 10);
  fs.rmSync(scratch, { recursive: true, force: true });

  return {
    wallMs,
    exitCode,
    signal,
    timedOut,
    peakNodeRssKiB: nodeReports.length > 0 ? Math.max(...nodeReports.map((r) => r.maxRssKiB)) : null,
    peakAnyRssKiB: Number.isFinite(anyRss) ? anyRss : null,
    nodeProcesses: nodeReports.length,
    stderrTail: stderr.lines(),
    stdoutTail: stdout.lines(),
  };
}

function readLines(file: string): string[] {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

export interface Summary {
  readonly runs: number;
  readonly medianMs: number;
  readonly minMs: number;
  readonly maxMs: number;
  readonly peakNodeRssKiB: number | null;
  readonly peakAnyRssKiB: number | null;
}

export function summarize(results: readonly RunResult[]): Summary | null {
  if (results.length === 0) return null;
  const times = results.map((r) => r.wallMs).sort((a, b) => a - b);
  const middle = Math.floor(times.length / 2);
  const median = times.length % 2 === 1 ? times[middle] : (times[middle - 1] + times[middle]) / 2;
  const peak = (values: (number | null)[]) => {
    const known = values.filter((v): v is number => v !== null);
    return known.length > 0 ? Math.max(...known) : null;
  };
  return {
    runs: results.length,
    medianMs: median,
    minMs: times[0],
    maxMs: times[times.length - 1],
    peakNodeRssKiB: peak(results.map((r) => r.peakNodeRssKiB)),
    peakAnyRssKiB: peak(results.map((r) => r.peakAnyRssKiB)),
  };
}

/** What the numbers were measured on. */
export async function machineInfo(projectRoot: string) {
  const cpus = os.cpus();
  return {
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    cpus: cpus.length,
    cpuModel: cpus[0]?.model ?? 'unknown',
    totalMemoryMiB: Math.round(os.totalmem() / 2 ** 20),
    node: process.version,
    terraform: await terraformVersions({ cwd: projectRoot, timeoutMs: 15_000 }).then(
      (versions) => versions.terraform,
      () => null,
    ),
    gnuTime: hasGnuTime,
  };
}
