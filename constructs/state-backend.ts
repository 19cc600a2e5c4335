import * as path from 'node:path';
import { LocalBackend, S3Backend, type TerraformStack } from 'cdktf';
import type { RemoteStateSettings } from '../config/settings';

/**
 * The local state file's path as written in the stack's backend block. Terraform resolves it from the
 * stack folder (<outdir>/stacks/<stack>), so it points back to the project root, where the file
 * survives a deleted cdktf.out, and it is relative, so the synthesized JSON is the same on every
 * machine. `outdir` is relative to the project root.
 */
export function localStatePath(outdir: string, stackName: string): string {
  const toProjectRoot = path.posix.relative(
    path.posix.join(outdir.split(path.sep).join('/'), 'stacks', stackName),
    '.',
  );
  return path.posix.join(toProjectRoot, `terraform.${stackName}.tfstate`);
}

export interface StateBackendOptions {
  readonly stackName: string;
  readonly environmentName: string;
  /** Where synth writes, relative to the project root. */
  readonly outdir: string;
  /** S3 state with native locking; without it, a local file. */
  readonly remoteState?: RemoteStateSettings;
}

/** Sets the stack's backend: S3 with native locking when configured, a local file otherwise. */
export function configureStateBackend(stack: TerraformStack, options: StateBackendOptions): void {
  const remote = options.remoteState;
  if (!remote) {
    new LocalBackend(stack, { path: localStatePath(options.outdir, options.stackName) });
    return;
  }
  new S3Backend(stack, {
    bucket: remote.bucket,
    key: `${remote.keyPrefix}/${options.environmentName}/terraform.tfstate`,
    region: remote.region,
    encrypt: true,
  });
  // S3 native locking (Terraform >= 1.10), which cdktf 0.21's S3BackendConfig does not expose.
  stack.addOverride('terraform.backend.s3.use_lockfile', true);
}
