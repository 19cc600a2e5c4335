/**
 * A throwaway copy of a synthesized stack in which terraform init, validate and plan run without
 * network access to AWS, and without touching the stack's own state or .terraform folder.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { CliConfig } from './cli-config';
import { type CommandResult, type Diagnostic, jsonDiagnostics, runTerraform, terraformJson } from './runner';

/** The parts of `terraform show -json <plan>` the checks read. */
export interface PlanJson {
  readonly resource_changes: readonly {
    readonly address: string;
    readonly type: string;
    readonly change: { readonly actions: readonly string[]; readonly after: Record<string, unknown> };
  }[];
  readonly output_changes: Readonly<Record<string, { readonly actions: readonly string[] }>>;
  readonly planned_values: {
    readonly outputs?: Readonly<Record<string, { sensitive: boolean; value?: unknown }>>;
  };
  readonly variables: Readonly<Record<string, { readonly value: unknown }>>;
}

export type PlanResult =
  | { readonly ok: true; readonly plan: PlanJson }
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] };

/**
 * Provider settings that let plan run with no credentials and no network: dummy keys, and none of the
 * calls the provider makes at start-up (STS, the account ID, the EC2 metadata service).
 */
const OFFLINE_PROVIDER_OVERRIDE = {
  provider: {
    aws: {
      access_key: 'offline-check',
      secret_key: 'offline-check',
      skip_credentials_validation: true,
      skip_requesting_account_id: true,
      skip_metadata_api_check: true,
      // No account to compare with offline: the ci-access stack pins one, and the plan would stop.
      allowed_account_ids: null,
    },
  },
};

export class OfflineWorkspace {
  /**
   * Copies the stack folder's configuration (not its state or .terraform) into a temporary folder.
   * The backend block is dropped unless `keepBackend`: planning needs none, and without it the copy
   * can never reach the real state.
   */
  static create(
    stackDir: string,
    terraform: string,
    cliConfig: CliConfig,
    { keepBackend = false } = {},
  ): OfflineWorkspace {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `m2m-auth-${path.basename(stackDir)}-`));
    for (const entry of fs.readdirSync(stackDir, { withFileTypes: true })) {
      if (entry.isFile() && /\.tf(\.json)?$/.test(entry.name)) {
        fs.copyFileSync(path.join(stackDir, entry.name), path.join(dir, entry.name));
      }
    }
    if (!keepBackend) {
      const configFile = path.join(dir, 'cdk.tf.json');
      const config = JSON.parse(fs.readFileSync(configFile, 'utf8')) as { terraform?: { backend?: unknown } };
      if (config.terraform) delete config.terraform.backend;
      fs.writeFileSync(configFile, JSON.stringify(config, null, 2));
    }
    fs.writeFileSync(
      path.join(dir, 'offline_override.tf.json'),
      JSON.stringify(OFFLINE_PROVIDER_OVERRIDE, null, 2),
    );
    return new OfflineWorkspace(dir, terraform, cliConfig);
  }

  private constructor(
    public readonly dir: string,
    private readonly terraform: string,
    private readonly cliConfig: CliConfig,
  ) {}

  /** How terraform runs here: our CLI config, no prompts, no TF_VAR_ of the caller. */
  private get options() {
    const inherited = Object.fromEntries(
      Object.entries(process.env).filter(([key]) => !key.startsWith('TF_VAR_') && key !== 'TF_DATA_DIR'),
    );
    const env = {
      ...inherited,
      TF_CLI_CONFIG_FILE: this.cliConfig.file,
      TF_INPUT: '0',
      AWS_EC2_METADATA_DISABLED: 'true',
    };
    return { cwd: this.dir, env, terraform: this.terraform };
  }

  run(args: readonly string[]): Promise<CommandResult> {
    return runTerraform(args, this.options);
  }

  /** terraform init -backend=false; throws with terraform's own message when it fails. */
  async init(): Promise<void> {
    const result = await this.run(['init', '-backend=false', '-input=false', '-no-color']);
    if (result.code !== 0)
      throw new Error(`terraform init failed in ${this.dir}:\n${result.stderr || result.stdout}`);
  }

  /** terraform validate -json: the diagnostics, empty when the configuration is valid. */
  async validate(): Promise<{ valid: boolean; diagnostics: Diagnostic[] }> {
    const result = await this.run(['validate', '-json', '-no-color']);
    const parsed = JSON.parse(result.stdout) as { valid: boolean; diagnostics: Diagnostic[] };
    return { valid: parsed.valid && result.code === 0, diagnostics: parsed.diagnostics };
  }

  /** terraform plan with the given -var values, read back with terraform show -json. */
  async plan(vars: Readonly<Record<string, string>> = {}): Promise<PlanResult> {
    const planFile = `plan-${Object.keys(vars).length}-${Date.now()}-${Math.random().toString(36).slice(2)}.tfplan`;
    const varArgs = Object.entries(vars).flatMap(([name, value]) => ['-var', `${name}=${value}`]);
    const result = await this.run([
      'plan',
      '-json',
      '-input=false',
      '-lock=false',
      '-refresh=false',
      `-out=${planFile}`,
      ...varArgs,
    ]);
    if (result.code !== 0) return { ok: false, diagnostics: jsonDiagnostics(result) };
    return { ok: true, plan: await terraformJson<PlanJson>(['show', '-json', planFile], this.options) };
  }

  dispose(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
