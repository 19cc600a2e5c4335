/**
 * A Terraform CLI configuration for offline use: providers from a local filesystem mirror (as in an
 * air-gapped network) when there is one, from their registries otherwise, and no checkpoint calls.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** Where mirrors usually live: Terraform's implied local mirror folders, then this team's machines. */
export function mirrorSearchPaths(env: NodeJS.ProcessEnv = process.env): string[] {
  const home = os.homedir();
  const dataHome = env.XDG_DATA_HOME ?? path.join(home, '.local', 'share');
  return [
    path.join(home, '.terraform.d', 'plugins'),
    path.join(dataHome, 'terraform', 'plugins'),
    '/usr/local/share/terraform/plugins',
    '/usr/share/terraform/plugins',
    '/opt/tf-plugins',
  ];
}

/** A folder that holds the hashicorp/aws provider in the mirror layout. */
function hasAwsProvider(dir: string): boolean {
  return fs.existsSync(path.join(dir, 'registry.terraform.io', 'hashicorp', 'aws'));
}

/**
 * The provider mirror to use: TF_PROVIDER_MIRROR when set (it must hold hashicorp/aws), else the first
 * usual place that holds hashicorp/aws, else undefined (install from the registry).
 */
export function findProviderMirror(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const given = env.TF_PROVIDER_MIRROR;
  if (given) {
    if (!hasAwsProvider(given)) {
      throw new Error(
        `TF_PROVIDER_MIRROR=${given} holds no registry.terraform.io/hashicorp/aws; point it at a filesystem mirror (terraform providers mirror <dir>)`,
      );
    }
    return path.resolve(given);
  }
  return mirrorSearchPaths(env).find(hasAwsProvider);
}

/**
 * Links every unpacked provider build of the mirror (<host>/<namespace>/<type>/<version>/<os_arch>)
 * into a plugin cache. Installing from a filesystem mirror copies the binary (~700 MB for AWS) into
 * each working directory; from the cache, terraform init only makes a symlink.
 */
function linkPluginCache(mirror: string, cache: string): void {
  const levels = (dir: string) =>
    fs.existsSync(dir) ? fs.readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()) : [];
  for (const host of levels(mirror)) {
    for (const namespace of levels(path.join(mirror, host.name))) {
      for (const type of levels(path.join(mirror, host.name, namespace.name))) {
        const typeDir = path.join(host.name, namespace.name, type.name);
        for (const version of levels(path.join(mirror, typeDir))) {
          for (const platform of levels(path.join(mirror, typeDir, version.name))) {
            const relative = path.join(typeDir, version.name, platform.name);
            fs.mkdirSync(path.join(cache, typeDir, version.name), { recursive: true });
            fs.symlinkSync(path.join(mirror, relative), path.join(cache, relative), 'dir');
          }
        }
      }
    }
  }
}

export interface CliConfig {
  /** The file to point TF_CLI_CONFIG_FILE at. */
  readonly file: string;
  /** The mirror in use, if any. */
  readonly mirror?: string;
}

/**
 * A CLI configuration that installs HashiCorp's providers from `mirror` and any other from its registry,
 * as the README's air-gapped section shows.
 */
export function mirrorCliConfig(mirror: string): string {
  return [
    'disable_checkpoint = true',
    'provider_installation {',
    '  filesystem_mirror {',
    `    path    = ${JSON.stringify(mirror)}`,
    '    include = ["registry.terraform.io/hashicorp/*"]',
    '  }',
    '  direct {',
    '    exclude = ["registry.terraform.io/hashicorp/*"]',
    '  }',
    '}',
    '',
  ].join('\n');
}

/**
 * The CLI configuration file Terraform reads: TF_CLI_CONFIG_FILE when it names a file, else
 * ~/.terraformrc (terraform.rc in %APPDATA% on Windows) when there is one.
 */
export function cliConfigInEffect(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const named = env.TF_CLI_CONFIG_FILE;
  if (named) return fs.existsSync(named) ? named : undefined;
  const home =
    process.platform === 'win32'
      ? path.join(env.APPDATA ?? os.homedir(), 'terraform.rc')
      : path.join(env.HOME ?? os.homedir(), '.terraformrc');
  return fs.existsSync(home) ? home : undefined;
}

export interface MirrorFallback {
  /** The caller's environment, with TF_CLI_CONFIG_FILE set where the mirror is used. */
  readonly env: NodeJS.ProcessEnv;
  /** The mirror used because Terraform had no CLI configuration, if it was. */
  readonly mirror?: string;
  /** Removes the CLI configuration written for the mirror. */
  dispose(): void;
}

/**
 * The environment for a deploy: the caller's, and where Terraform has no CLI configuration but a
 * mirror is at hand (see findProviderMirror), one that installs from it. A configuration of the
 * user's always wins.
 */
export function withMirrorFallback(env: NodeJS.ProcessEnv = process.env): MirrorFallback {
  const mirror = cliConfigInEffect(env) ? undefined : findProviderMirror(env);
  if (!mirror) return { env, dispose: () => undefined };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'm2m-auth-terraform-rc-'));
  const file = path.join(dir, 'terraform.rc');
  fs.writeFileSync(file, mirrorCliConfig(mirror));
  return {
    env: { ...env, TF_CLI_CONFIG_FILE: file },
    mirror,
    dispose: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/** Writes a CLI configuration (and its plugin cache) into `dir`. */
export function writeCliConfig(dir: string, mirror: string | undefined): CliConfig {
  let text = 'disable_checkpoint = true\n';
  if (mirror) {
    const cache = path.join(dir, 'plugin-cache');
    linkPluginCache(mirror, cache);
    text = [
      mirrorCliConfig(mirror),
      `plugin_cache_dir = ${JSON.stringify(cache)}`,
      // The copies have no lock file; the cache holds exactly what the mirror holds.
      'plugin_cache_may_break_dependency_lock_file = true',
      '',
    ].join('\n');
  }
  const file = path.join(dir, 'terraform.rc');
  fs.writeFileSync(file, text);
  return { file, mirror };
}
