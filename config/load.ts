/** Reads the settings from cdktf.json's context and reports every problem, one line each. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { type Settings, settingsSchema } from './settings';

/** Bad settings; each problem is one line naming the key, the value and the rule. */
export class ConfigError extends Error {
  public override readonly name = 'ConfigError';

  constructor(public readonly problems: readonly string[]) {
    super(problems.join('\n'));
  }
}

/**
 * Context keys that belong to cdktf, not to this app: the CLI adds cdktfRelativeModules to every
 * synth (cli-core's synth-stack); cdktf's constructs read cdktfJsonPath, cdktfStaticModuleAssetHash,
 * cdktfVersion and @cdktf/disable_stack_trace_in_metadata; older `cdktf init` wrote the feature
 * flags excludeStackIdFromLogicalIds and allowSepCharsInLogicalIds (0.21 defines none).
 */
export const CDKTF_CONTEXT_KEYS = [
  'cdktfRelativeModules',
  'cdktfJsonPath',
  'cdktfStaticModuleAssetHash',
  'cdktfVersion',
  '@cdktf/disable_stack_trace_in_metadata',
  'excludeStackIdFromLogicalIds',
  'allowSepCharsInLogicalIds',
] as const;

/**
 * The context the app runs with: what the cdktf CLI passes in CDKTF_CONTEXT_JSON, or, when the app
 * runs on its own, the `context` of the cdktf.json in `projectDir`.
 */
export function readContext(projectDir = process.cwd()): Record<string, unknown> {
  const fromCli = process.env.CDKTF_CONTEXT_JSON;
  if (fromCli) return JSON.parse(fromCli) as Record<string, unknown>;
  const file = path.join(projectDir, 'cdktf.json');
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return {};
  }
  try {
    return (JSON.parse(text) as { context?: Record<string, unknown> }).context ?? {};
  } catch (error) {
    throw new ConfigError([`cdktf.json is not valid JSON: ${(error as Error).message}`]);
  }
}

/** Validates the context and fills in defaults. Throws one ConfigError listing every problem. */
export function parseSettings(context: unknown): Settings {
  const ours =
    context !== null && typeof context === 'object' && !Array.isArray(context)
      ? Object.fromEntries(
          Object.entries(context).filter(([key]) => !CDKTF_CONTEXT_KEYS.some((cdktfKey) => cdktfKey === key)),
        )
      : context;
  const result = settingsSchema.safeParse(ours ?? {});
  if (!result.success) throw new ConfigError(describeIssues(result.error.issues, context));
  return result.data;
}

/** One line per problem: per unknown key, and per setting with all the rules it breaks. */
function describeIssues(issues: readonly z.core.$ZodIssue[], context: unknown): string[] {
  const problems: string[] = [];
  const rulesByKey = new Map<string, string[]>();
  for (const issue of issues) {
    const key = `cdktf.json context${issue.path.map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`)).join('')}`;
    if (issue.code === 'unrecognized_keys') {
      const known = knownKeys(issue.path);
      for (const unknown of issue.keys)
        problems.push(`${key} has an unknown key ${unknownKey(unknown, known)}`);
      continue;
    }
    const value = valueAt(context, issue.path);
    if (value === undefined) {
      problems.push(`${key} is required`);
      continue;
    }
    // Zod's own type messages ("Invalid input: expected string, received number") become our rule style.
    const rule = issue.code === 'invalid_type' ? `must be of type ${issue.expected}` : issue.message;
    const line = `${key} = ${preview(value)} is invalid: `;
    if (!rulesByKey.has(line)) {
      rulesByKey.set(line, []);
      problems.push(line);
    }
    rulesByKey.get(line)!.push(rule);
  }
  return problems.map((line) => (rulesByKey.has(line) ? line + rulesByKey.get(line)!.join('; ') : line));
}

/** `"<key>": did you mean "<closest>"?`, or the keys there are when none is close. */
function unknownKey(unknown: string, known: readonly string[]): string {
  const quoted = JSON.stringify(unknown);
  const closest = known
    .map((candidate) => ({
      candidate,
      distance: editDistance(unknown.toLowerCase(), candidate.toLowerCase()),
    }))
    .sort((a, b) => a.distance - b.distance)[0];
  if (closest && closest.distance <= Math.max(2, Math.floor(unknown.length / 3))) {
    return `${quoted}: did you mean ${JSON.stringify(closest.candidate)}?`;
  }
  return `${quoted}: the keys here are ${known.join(', ')} (see the README's Configuration)`;
}

/** Optimal string alignment distance: insertions, deletions, substitutions, adjacent swaps. */
export function editDistance(a: string, b: string): number {
  // d[i][j] is the distance between a's first i and b's first j characters; each row grows as it is filled.
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      // An adjacent swap; before the first character, a[-1] and b[-1] are undefined and match nothing.
      if (a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.length][b.length];
}

/** The keys the settings schema knows at `keys` (and, at the top, cdktf's own), from its JSON Schema. */
function knownKeys(keys: readonly PropertyKey[]): string[] {
  const schema = (node: z.core.JSONSchema._JSONSchema | z.core.JSONSchema._JSONSchema[] | undefined) =>
    typeof node === 'object' && !Array.isArray(node) ? node : undefined;
  let node = schema(z.toJSONSchema(settingsSchema, { io: 'input' }));
  for (const key of keys) {
    // A list's entries are its items; a record's (imports by environment) its additionalProperties.
    node = schema(
      typeof key === 'number' ? node?.items : (node?.properties?.[String(key)] ?? node?.additionalProperties),
    );
  }
  const here = [
    ...Object.keys(node?.properties ?? {}),
    ...(schema(node?.propertyNames)?.enum ?? []).map(String),
  ];
  return keys.length === 0 ? [...here, ...CDKTF_CONTEXT_KEYS] : here;
}

function valueAt(root: unknown, keys: readonly PropertyKey[]): unknown {
  return keys.reduce<unknown>(
    (node, key) => (node as Record<PropertyKey, unknown> | null | undefined)?.[key],
    root,
  );
}

function preview(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
