import * as path from 'node:path';
import { LocalBackend, Manifest, S3Backend, type TerraformStack } from 'cdktf';

/**
 * The local state file's path as written in the stack's backend block. Terraform resolves it from the
 * stack folder cdktf's manifest gives the stack, so it points back to the project root, where the
 * file survives a deleted cdktf.out, and it is relative, so the synthesized JSON is the same on every
 * machine. `outdir` is relative to the project root.
 */
export function localStatePath(outdir: string, stackName: string): string {
  const toProjectRoot = path.posix.relative(
    path.posix.join(outdir.split(path.sep).join('/'), Manifest.stacksFolder, stackName),
    // Stryker disable next-line StringLiteral: path.relative reads '' as the working folder, as it reads '.'
    '.',
  );
  return path.posix.join(toProjectRoot, `terraform.${stackName}.tfstate`);
}

/** S3 state with native locking. */
export interface RemoteState {
  /** The bucket, which must exist. */
  readonly bucket: string;
  /** The bucket's region. @default the region of the stack */
  readonly region?: string;
  /** State lands at "<keyPrefix>/<environment>/terraform.tfstate". @default "m2m-auth" */
  readonly keyPrefix?: string;
}

export const REMOTE_STATE_DEFAULTS = { keyPrefix: 'm2m-auth' } as const satisfies Partial<RemoteState>;

/** The state's object key in the bucket. */
export function remoteStateKey(remote: RemoteState, environmentName: string): string {
  return `${remote.keyPrefix ?? REMOTE_STATE_DEFAULTS.keyPrefix}/${environmentName}/terraform.tfstate`;
}

export interface StateBackendOptions {
  readonly stackName: string;
  readonly environmentName: string;
  /** The stack's region, as a literal: a backend block takes no Terraform references. */
  readonly region: string;
  /** Where synth writes, relative to the project root. @default "cdktf.out", cdktf's own */
  readonly outdir?: string;
  /** @default none: a local file */
  readonly remoteState?: RemoteState;
}

/** Sets the stack's backend: S3 with native locking when configured, a local file otherwise. */
export function configureStateBackend(stack: TerraformStack, options: StateBackendOptions): void {
  const remote = options.remoteState;
  if (!remote) {
    new LocalBackend(stack, { path: localStatePath(options.outdir ?? 'cdktf.out', options.stackName) });
    return;
  }
  new S3Backend(stack, {
    bucket: remote.bucket,
    key: remoteStateKey(remote, options.environmentName),
    region: remote.region ?? options.region,
    encrypt: true,
  });
  // S3 native locking (Terraform >= 1.10), which cdktf 0.21's S3BackendConfig does not expose.
  stack.addOverride('terraform.backend.s3.use_lockfile', true);
}
