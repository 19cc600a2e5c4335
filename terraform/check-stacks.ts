/** init, validate and plan for every synthesized stack, offline: shared by npm run validate and the tests. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type CliConfig, findProviderMirror, writeCliConfig } from './cli-config';
import { OfflineWorkspace, type PlanJson } from './offline-workspace';
import { type Diagnostic, findTerraform, terraformVersions, type TerraformVersions } from './runner';

/** Terraform, its offline CLI configuration, and a scratch folder, ready to check stacks with. */
export interface OfflineTerraform {
  readonly terraform: string;
  readonly cliConfig: CliConfig;
  readonly scratch: string;
  /** Removes the scratch folder and everything in it. */
  dispose(): void;
}

/** Sets up offline Terraform, or returns undefined when terraform is not on PATH. */
export function offlineTerraform(env: NodeJS.ProcessEnv = process.env): OfflineTerraform | undefined {
  const terraform = findTerraform(env);
  if (!terraform) return undefined;
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'm2m-auth-terraform-'));
  const cliConfig = writeCliConfig(scratch, findProviderMirror(env));
  return {
    terraform,
    cliConfig,
    scratch,
    dispose: () => fs.rmSync(scratch, { recursive: true, force: true }),
  };
}

export interface StackCheck {
  readonly stack: string;
  readonly ok: boolean;
  /** What failed, or what the plan would do. */
  readonly summary: string;
  readonly diagnostics: readonly Diagnostic[];
  readonly plan?: PlanJson;
  readonly versions?: TerraformVersions;
  readonly seconds: number;
}

/** What a plan would do, in a few words: "4 to add, 12 outputs". */
export function describePlan(plan: PlanJson): string {
  const counts = new Map<string, number>();
  for (const change of plan.resource_changes) {
    const action = change.change.actions.join('/');
    counts.set(action, (counts.get(action) ?? 0) + 1);
  }
  const words: Record<string, string> = {
    create: 'to add',
    update: 'to change',
    delete: 'to destroy',
    'no-op': 'unchanged',
  };
  const parts = [...counts].map(([action, count]) => `${count} ${words[action] ?? action}`);
  parts.push(`${Object.keys(plan.output_changes ?? {}).length} outputs`);
  return parts.join(', ');
}

/** Runs init, validate and plan on a throwaway copy of one stack folder. */
export async function checkStack(tf: OfflineTerraform, stack: string, stackDir: string): Promise<StackCheck> {
  const started = performance.now();
  const checked = (check: Omit<StackCheck, 'stack' | 'seconds'>): StackCheck => ({
    stack,
    ...check,
    seconds: (performance.now() - started) / 1000,
  });
  const workspace = OfflineWorkspace.create(stackDir, tf.terraform, tf.cliConfig);
  try {
    await workspace.init();
    const { valid, diagnostics } = await workspace.validate();
    if (!valid) return checked({ ok: false, summary: 'terraform validate failed', diagnostics });
    const planned = await workspace.plan();
    const versions = await terraformVersions({ terraform: tf.terraform, cwd: workspace.dir });
    return planned.ok
      ? checked({
          ok: true,
          summary: describePlan(planned.plan),
          diagnostics: [],
          plan: planned.plan,
          versions,
        })
      : checked({ ok: false, summary: 'terraform plan failed', diagnostics: planned.diagnostics, versions });
  } finally {
    workspace.dispose();
  }
}
