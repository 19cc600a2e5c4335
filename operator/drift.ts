/**
 * Drift: whether a deployed stack still matches its configuration. `terraform plan -detailed-exitcode`
 * in the stack's synthesized folder answers yes or no; `terraform show -json` of that plan says which
 * resources differ and how. Only addresses and attribute names are reported, never values: some are
 * client secrets.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { findSynthesizedStack } from '../terraform/synthesize';
import { runTerraform, terraformError, terraformJson, terraformStdout } from '../terraform/runner';
import { InputError } from './errors';
import { oneLine } from './untrusted-text';

/** One resource change as `terraform show -json` prints it. */
interface JsonChange {
  readonly address: string;
  readonly change: {
    readonly actions: readonly string[];
    readonly before?: Readonly<Record<string, unknown>> | null;
    readonly after?: Readonly<Record<string, unknown>> | null;
    readonly after_unknown?: Readonly<Record<string, unknown>>;
  };
}

/** The parts of a saved plan's JSON that tell drift. */
export interface DriftPlanJson {
  /** Objects whose real state differs from the last apply, found by the plan's refresh. */
  readonly resource_drift?: readonly JsonChange[];
  /** What applying the plan would do. */
  readonly resource_changes?: readonly JsonChange[];
}

/** A resource that no longer matches its configuration. */
export interface DriftedResource {
  readonly address: string;
  /** What changed outside Terraform: "changed (deletion_protection, tags)" or "deleted"; undefined if nothing did. */
  readonly outside?: string;
  /** What an apply would do to it: "update", "create", "delete", "replace". */
  readonly planned: string;
}

const PLANNED: Record<string, string> = {
  update: 'update',
  create: 'create',
  delete: 'delete',
  'delete,create': 'replace',
  'create,delete': 'replace',
};

/** The top-level attributes whose values differ between `before` and `after` (unknown ones excepted). */
function changedAttributes(change: JsonChange['change']): string[] {
  const before = change.before ?? {};
  const after = change.after ?? {};
  return [...new Set([...Object.keys(before), ...Object.keys(after)])]
    .filter((key) => change.after_unknown?.[key] !== true)
    .filter((key) => JSON.stringify(before[key]) !== JSON.stringify(after[key]))
    .sort();
}

/** An action that changes nothing in AWS. */
const isQuiet = (action: string) => action === 'no-op' || action === 'read';

/** The resources an apply would change, each with what changed outside Terraform, in address order. */
export function findDrift(plan: DriftPlanJson): DriftedResource[] {
  const outside = new Map(
    (plan.resource_drift ?? []).map(({ address, change }) => [
      address,
      change.actions.includes('delete') ? 'deleted' : `changed (${changedAttributes(change).join(', ')})`,
    ]),
  );
  // Stryker disable next-line MethodExpression: Terraform never lists no-op or read with another action (every = some)
  const changed = (plan.resource_changes ?? []).filter(({ change }) => !change.actions.every(isQuiet));
  return changed
    .map(({ address, change }) => ({
      address,
      outside: outside.get(address),
      planned: PLANNED[change.actions.join(',')] ?? change.actions.join('/'),
    }))
    .sort((a, b) => (a.address < b.address ? -1 : 1)); // by code point: the same order on every machine
}

/** One line per drifted resource, for a terminal or a log. */
export function describeDrift(stackName: string, drifted: readonly DriftedResource[]): string {
  if (drifted.length === 0)
    return `✓ ${stackName}: no drift, the deployed resources match the configuration\n`;
  const count = drifted.length === 1 ? '1 resource differs' : `${drifted.length} resources differ`;
  const lines = drifted.map(
    (d) =>
      `  ${d.address}: ${d.outside ? `${d.outside} outside Terraform` : 'differs from the configuration'}; an apply would ${d.planned} it`,
  );
  return `✗ ${stackName}: drift, ${count} from the configuration:\n${lines.join('\n')}\n`;
}

/** The same as a Markdown section, for a GitHub job summary. */
export function driftMarkdown(stackName: string, drifted: readonly DriftedResource[]): string {
  if (drifted.length === 0) return `### ✓ ${stackName}: no drift\n\n`;
  const code = (text: string) => `\`${text.replace(/`/g, "'")}\``;
  const rows = drifted.map(
    (d) => `| ${code(d.address)} | ${d.outside ?? 'differs from the configuration'} | ${d.planned} |`,
  );
  return [
    `### ✗ ${stackName}: drift`,
    '',
    '| Resource | Outside Terraform | An apply would |',
    '| --- | --- | --- |',
    ...rows,
    '',
    '',
  ].join('\n');
}

export interface DriftCheckOptions {
  /** @default the current directory */
  readonly projectDir?: string;
  /** @default "terraform", looked up on PATH */
  readonly terraform?: string;
  /**
   * Take the state lock while planning. The read-only CI role may not write the lock file.
   * @default false
   */
  readonly lock?: boolean;
  /** @default process.env */
  readonly env?: NodeJS.ProcessEnv;
}

export interface DriftCheck {
  readonly stackName: string;
  readonly drifted: readonly DriftedResource[];
}

/**
 * Runs terraform init and plan -detailed-exitcode in the stack's synthesized folder, and on changes
 * reads the saved plan back. Throws InputError when the stack is not synthesized and Error when
 * Terraform fails, each with Terraform's first error in one line.
 */
export async function checkDrift(stackName: string, options: DriftCheckOptions = {}): Promise<DriftCheck> {
  const dir = findSynthesizedStack(
    options.projectDir ?? process.cwd(),
    stackName,
    (cause) =>
      new InputError(`${oneLine(cause)}: run npm run synth first, and name a stack such as m2m-auth-dev`),
  );
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'm2m-auth-drift-'));
  try {
    // Terraform's CLI configuration (TF_CLI_CONFIG_FILE) says where the provider comes from, a mirror included.
    const run = {
      cwd: dir,
      terraform: options.terraform,
      env: { ...(options.env ?? process.env), TF_INPUT: '0' },
    };
    await terraformStdout(['init', '-input=false', '-no-color'], run);
    const planFile = path.join(scratch, 'drift.tfplan');
    const plan = await runTerraform(
      [
        'plan',
        '-detailed-exitcode',
        '-input=false',
        '-no-color',
        `-lock=${options.lock === true}`,
        `-out=${planFile}`,
      ],
      run,
    );
    if (plan.code === 0) return { stackName, drifted: [] };
    if (plan.code !== 2)
      throw new Error(`terraform plan failed for ${stackName}: ${terraformError(plan.stderr)}`);
    // Changes to outputs alone also exit 2; they are not drift of anything in AWS.
    return {
      stackName,
      drifted: findDrift(await terraformJson<DriftPlanJson>(['show', '-json', planFile], run)),
    };
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}
