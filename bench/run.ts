/**
 * npm run bench: times this project's synth, its app alone, a cdktf-template baseline and the two test
 * projects, interleaved round-robin so drift hits every candidate alike. Progress goes to stderr, the
 * report to stdout, the numbers to bench/results/<timestamp>.json and bench/results/latest.json.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Command, InvalidArgumentError, Option } from '@commander-js/extra-typings';
import { CANDIDATES, type Candidate, cleanupCandidates, PROJECT_ROOT } from './candidates';
import { interrupted, machineInfo, measure, type RunResult, type Summary, summarize } from './measure';

const RESULTS_DIR = path.join(__dirname, 'results');
const MIB = 1024; // KiB per MiB

/** How one candidate fared: its timed runs, or why it has none. */
interface Outcome {
  readonly candidate: Candidate;
  readonly runs: RunResult[];
  status: 'ok' | 'failed' | 'unavailable';
  /** For failed and unavailable: the exit code and the last lines of output. */
  problem?: { exitCode: number | null; signal: string | null; timedOut: boolean; tail: string[] };
}

function positiveInt(min: number) {
  return (value: string) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`must be a whole number >= ${min}`);
    return n;
  };
}

function parseOptions(argv: string[]) {
  const program = new Command('npm run bench --')
    .description('Time synth, the app alone, the template baseline and the tests; see bench/README.md.')
    .option('--runs <n>', 'timed runs of each synth candidate (and breakdown)', positiveInt(1))
    .option('--test-runs <n>', 'timed runs of each test candidate', positiveInt(1))
    .option('--warmup <n>', 'untimed runs of each candidate first (warms jest and OS caches)', positiveInt(0))
    .option('--quick', 'fewer runs: --runs 2 --test-runs 1 --warmup 0 unless given', false)
    .option(
      '--only <ids>',
      `comma-separated candidates, by id or letter: ${CANDIDATES.filter((c) => c.kind !== 'breakdown')
        .map((c) => `${c.id} (${c.letter})`)
        .join(', ')}, or any breakdown id`,
      (value: string) => value.split(',').map((s) => s.trim()),
    )
    .option(
      '--breakdown',
      'also time the breakdown candidates (imports, TypeScript loaders, ts-node, npx)',
      false,
    )
    .addOption(
      new Option('--timeout <seconds>', 'kill a run after this long').argParser(positiveInt(1)).default(300),
    )
    .parse(argv, { from: 'user' });
  const o = program.opts();
  return {
    runs: o.runs ?? (o.quick ? 2 : 5),
    testRuns: o.testRuns ?? (o.quick ? 1 : 2),
    warmup: o.warmup ?? (o.quick ? 0 : 1),
    only: o.only,
    breakdown: o.breakdown,
    timeout: o.timeout,
  };
}

type Options = ReturnType<typeof parseOptions>;

function selectCandidates(options: Options): Candidate[] {
  if (!options.only) return CANDIDATES.filter((c) => c.kind !== 'breakdown' || options.breakdown);
  const known = new Set(CANDIDATES.flatMap((c) => [c.id, c.letter]));
  const unknown = options.only.filter((name) => !known.has(name));
  if (unknown.length > 0) {
    throw new Error(`unknown candidate ${unknown.join(', ')}; see --help for the ids`);
  }
  return CANDIDATES.filter((c) => options.only!.includes(c.id) || options.only!.includes(c.letter));
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const mib = (kib: number | null) => (kib === null ? '-' : `${Math.round(kib / MIB)} MiB`);
const label = (c: Candidate) => (c.letter === '-' ? c.id : `(${c.letter}) ${c.id}`);

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const selected = selectCandidates(options);
  const startedAt = new Date();
  const clock = () => {
    const s = Math.round((Date.now() - startedAt.getTime()) / 1000);
    return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
  };
  const log = (line: string) => process.stderr.write(`[${clock()}] ${line}\n`);

  for (const candidate of selected) await candidate.prepare?.();
  const outcomes = selected.map((candidate): Outcome => ({ candidate, runs: [], status: 'ok' }));
  const repetitions = (c: Candidate) => (c.kind === 'test' ? options.testRuns : options.runs);
  const rounds = options.warmup + Math.max(...selected.map(repetitions));
  log(
    `${selected.length} candidates, ${options.warmup} warm-up + ${options.runs} runs (tests: ${options.testRuns}), round-robin`,
  );

  for (let round = 1; round <= rounds && !interrupted(); round++) {
    const warm = round <= options.warmup;
    for (const outcome of outcomes) {
      const { candidate } = outcome;
      if (outcome.status !== 'ok' || round > options.warmup + repetitions(candidate) || interrupted())
        continue;
      const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-out-'));
      const { command, env } = candidate.invocation(outdir);
      const result = await measure({ command, cwd: candidate.cwd, env, timeoutMs: options.timeout * 1000 });
      fs.rmSync(outdir, { recursive: true, force: true });
      if (interrupted()) break;

      const what = warm ? 'warm-up' : `run ${round - options.warmup}/${repetitions(candidate)}`;
      if (result.exitCode === 0) {
        if (!warm) outcome.runs.push(result);
        log(`${label(candidate)} ${what}: ${seconds(result.wallMs)}, ${mib(result.peakNodeRssKiB)}`);
        continue;
      }
      const tail = result.stderrTail.length > 0 ? result.stderrTail : result.stdoutTail;
      const output = [...result.stderrTail, ...result.stdoutTail].join('\n');
      outcome.status = /No tests found/.test(output) ? 'unavailable' : 'failed';
      outcome.problem = { exitCode: result.exitCode, signal: result.signal, timedOut: result.timedOut, tail };
      log(`${label(candidate)} ${what}: ${outcome.status} (${describeExit(outcome.problem)}); not run again`);
    }
  }
  cleanupCandidates();
  if (interrupted()) {
    log('interrupted; no results written');
    process.exitCode = 130;
    return;
  }

  const summaries = new Map(outcomes.map((o) => [o.candidate.id, summarize(o.runs)]));
  const report = buildReport(outcomes, summaries);
  process.stdout.write(report.text);

  const results = {
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    options,
    machine: await machineInfo(PROJECT_ROOT),
    notes: [
      'wall time per run: spawn to exit of the whole command, including npx',
      'peakNodeRssKiB: max over the node processes of a run (rss-probe.js); terraform is not in it',
      'peakAnyRssKiB: max over every waited-for process, from /usr/bin/time, where it exists',
    ],
    candidates: outcomes.map((o) => ({
      id: o.candidate.id,
      letter: o.candidate.letter,
      title: o.candidate.title,
      cwd: path.relative(PROJECT_ROOT, o.candidate.cwd) || '.',
      command: o.candidate.invocation('<tmp>').command,
      status: o.status,
      problem: o.problem,
      summary: roundTimes(summaries.get(o.candidate.id) ?? null),
      runs: o.runs.map(({ wallMs, peakNodeRssKiB, peakAnyRssKiB, nodeProcesses }) => ({
        wallMs: Math.round(wallMs),
        peakNodeRssKiB,
        peakAnyRssKiB,
        nodeProcesses,
      })),
    })),
    ratios: report.ratios,
    targets: report.targets,
  };
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const json = `${JSON.stringify(results, null, 2)}\n`;
  const file = path.join(RESULTS_DIR, `${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(file, json);
  fs.writeFileSync(path.join(RESULTS_DIR, 'latest.json'), json);
  log(`results written to ${path.relative(process.cwd(), file)} and latest.json`);
  if (outcomes.some((o) => o.status === 'failed')) process.exitCode = 1;
}

function roundTimes(summary: Summary | null) {
  if (!summary) return null;
  const ms = (value: number) => Math.round(value);
  return { ...summary, medianMs: ms(summary.medianMs), minMs: ms(summary.minMs), maxMs: ms(summary.maxMs) };
}

function describeExit(problem: NonNullable<Outcome['problem']>): string {
  if (problem.timedOut) return 'timed out';
  return problem.signal ? `killed by ${problem.signal}` : `exit ${problem.exitCode}`;
}

interface Target {
  readonly name: string;
  readonly status: 'met' | 'missed' | 'n/a';
  readonly measured: string;
}

function buildReport(outcomes: Outcome[], summaries: Map<string, Summary | null>) {
  const byId = (id: string) => outcomes.find((o) => o.candidate.id === id);
  const summary = (id: string) => (byId(id)?.status === 'ok' ? (summaries.get(id) ?? null) : null);
  const lines: string[] = [];

  const header = ['candidate', 'command', 'runs', 'median', 'min', 'max', 'peak RSS (node)', '(any)'];
  const rows = outcomes.map((o) => {
    const s = summaries.get(o.candidate.id);
    const cells = [label(o.candidate), o.candidate.title];
    if (o.status !== 'ok') return [...cells, '0', o.status === 'failed' ? 'FAILED' : 'n/a'];
    if (!s) return [...cells, '0'];
    return [
      ...cells,
      String(s.runs),
      seconds(s.medianMs),
      seconds(s.minMs),
      seconds(s.maxMs),
      mib(s.peakNodeRssKiB),
      mib(s.peakAnyRssKiB),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  for (const row of [header, ...rows]) {
    lines.push(
      row
        .map((cell, i) => (i >= 2 ? cell.padStart(widths[i]) : cell.padEnd(widths[i])))
        .join('  ')
        .trimEnd(),
    );
  }
  lines.push(
    'peak RSS (node): max over the node processes of a run (rss-probe.js); terraform, not being node,',
    'is not in it. (any): max over every process, from /usr/bin/time, where it exists.',
    '',
  );

  const ratio = (top: string, bottom: string) => {
    const [a, b] = [summary(top), summary(bottom)];
    return a && b ? a.medianMs / b.medianMs : null;
  };
  const ratios = { aOverC: ratio('synth', 'baseline'), bOverC: ratio('app', 'baseline') };
  const fmtRatio = (r: number | null) => (r === null ? 'n/a' : r.toFixed(2));
  lines.push(`ratios of medians: a/c = ${fmtRatio(ratios.aOverC)}, b/c = ${fmtRatio(ratios.bOverC)}`, '');

  const check = (name: string, value: number | null, limit: number, shown: string): Target => ({
    name,
    status: value === null ? 'n/a' : value <= limit ? 'met' : 'missed',
    measured: value === null ? 'not measured' : shown,
  });
  const app = summary('app');
  const medianCheck = (name: string, id: string, limitSeconds: number) => {
    const s = summary(id);
    return check(name, s && s.medianMs / 1000, limitSeconds, s ? seconds(s.medianMs) : '');
  };
  const targets: Target[] = [
    check('a/c <= 0.30', ratios.aOverC, 0.3, fmtRatio(ratios.aOverC)),
    medianCheck('(b) median <= 0.50 s', 'app', 0.5),
    check(
      '(b) peak RSS <= 120 MiB',
      app && (app.peakNodeRssKiB ?? 0) / MIB,
      120,
      mib(app?.peakNodeRssKiB ?? null),
    ),
    medianCheck('unit tests median <= 15 s', 'test-unit', 15),
    medianCheck('terraform checks median <= 30 s', 'test-terraform', 30),
  ];
  lines.push('targets:');
  const nameWidth = Math.max(...targets.map((t) => t.name.length));
  for (const t of targets) lines.push(`  ${t.status.padEnd(6)}  ${t.name.padEnd(nameWidth)}  ${t.measured}`);

  const problems = outcomes.filter((o) => o.problem);
  if (problems.length > 0) lines.push('', 'failed or not available:');
  for (const o of problems) {
    const problem = o.problem!;
    lines.push(
      `  ${label(o.candidate)}: ${o.status}, ${describeExit(problem)}: (cd ${path.relative(PROJECT_ROOT, o.candidate.cwd) || '.'} && ${o.candidate.invocation('<tmp>').command})`,
      ...problem.tail.map((line) => `    | ${line}`),
    );
  }
  return { text: `${lines.join('\n')}\n`, ratios, targets };
}

main().catch((error: unknown) => {
  cleanupCandidates();
  console.error(`bench: ${error instanceof Error ? error.message : String(error)}`);
  if (process.env.BENCH_DEBUG) console.error(error);
  process.exitCode = 1;
});
