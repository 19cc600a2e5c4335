/**
 * Where Terraform installs the AWS provider from: the committed lock file says which version and
 * checksums, the CLI configuration says from where (the registry, or a mirror in an air-gapped network).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runTerraform, terraformError } from './runner';

/** The lock file at the project root, copied into every stack folder at synth. */
export const PROVIDER_LOCK_FILE = path.join(__dirname, '..', '.terraform.lock.hcl');

export interface LockedProvider {
  /** e.g. "registry.terraform.io/hashicorp/aws" */
  readonly address: string;
  readonly version: string;
  readonly hashes: readonly string[];
}

/** The providers of a .terraform.lock.hcl, by address. */
export function readProviderLock(file = PROVIDER_LOCK_FILE): Map<string, LockedProvider> {
  const text = fs.readFileSync(file, 'utf8');
  const providers = new Map<string, LockedProvider>();
  for (const block of text.matchAll(/^provider "([^"]+)" \{([\s\S]*?)^\}/gm)) {
    const [, address, body] = block;
    const version = /^\s*version\s*=\s*"([^"]+)"/m.exec(body)?.[1];
    if (!version) throw new Error(`${path.basename(file)}: provider ${address} has no version`);
    const hashes = [...body.matchAll(/"((?:h1|zh):[^"]+)"/g)].map((match) => match[1]);
    providers.set(address, { address, version, hashes });
  }
  return providers;
}

export const AWS_PROVIDER = 'registry.terraform.io/hashicorp/aws';

/** The AWS provider version the project pins, from the lock file. */
export function lockedAwsProvider(file = PROVIDER_LOCK_FILE): LockedProvider {
  const aws = readProviderLock(file).get(AWS_PROVIDER);
  if (!aws) throw new Error(`${path.basename(file)} does not lock ${AWS_PROVIDER}`);
  return aws;
}

export type ProviderInstallation =
  | { readonly ok: true; readonly version: string; readonly source: string }
  | { readonly ok: false; readonly version: string; readonly reason: string };

/**
 * Installs the locked AWS provider into a throwaway folder, as terraform init in a stack folder would
 * with the same environment (CLI configuration, mirrors, network), and says from where it came.
 * From a filesystem mirror, Terraform only links the provider, so this costs about a second.
 */
export async function checkProviderInstallation(
  terraform: string,
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
): Promise<ProviderInstallation> {
  const provider = lockedAwsProvider();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'm2m-auth-provider-check-'));
  try {
    fs.copyFileSync(PROVIDER_LOCK_FILE, path.join(dir, '.terraform.lock.hcl'));
    const config = {
      terraform: { required_providers: { aws: { source: 'hashicorp/aws', version: provider.version } } },
    };
    fs.writeFileSync(path.join(dir, 'main.tf.json'), JSON.stringify(config));
    const result = await runTerraform(['init', '-backend=false', '-input=false', '-no-color'], {
      terraform,
      cwd: dir,
      env: { ...env, TF_DATA_DIR: '' },
      timeoutMs,
    });
    if (result.timedOut) {
      return {
        ok: false,
        version: provider.version,
        reason: `terraform init did not finish within ${timeoutMs / 1000} s`,
      };
    }
    if (result.code !== 0) {
      return { ok: false, version: provider.version, reason: terraformError(result.stderr || result.stdout) };
    }
    return { ok: true, version: provider.version, source: installedFrom(result.stdout) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Where terraform init says it took the provider from, as words following "installs". */
function installedFrom(stdout: string): string {
  if (/Using hashicorp\/aws v[\d.]+ from the shared cache directory/.test(stdout)) {
    return 'from the plugin cache, checked against the lock file';
  }
  // "- Installed hashicorp/aws v5.100.0 (signed by HashiCorp)"; "(unauthenticated)" from a mirror.
  const how = /Installed hashicorp\/aws v[\d.]+ \(([^)]+)\)/.exec(stdout)?.[1];
  if (how === undefined) return 'as Terraform reported';
  if (how === 'unauthenticated' || how === 'verified checksum') {
    return 'from a provider mirror, checked against the lock file';
  }
  return `from the registry, ${how}`;
}
