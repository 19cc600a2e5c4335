/**
 * remoteState against the emulator's S3: the state lands encrypted at
 * <keyPrefix>/<environment>/terraform.tfstate, Terraform holds a lock object (S3 native locking, a
 * conditional write) for the whole apply, and a second apply is refused while it is held.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  S3Client,
} from '@aws-sdk/client-s3';
import { runCommand } from '../../terraform/runner';
import { describeWithEmulator, initWithEmulatorBackend, sdkConfig } from '../helpers/emulator';
import { type FreshClone, freshClone } from '../helpers/fresh-clone';

const BUCKET = 'acme-terraform-state';
const KEY = 'platform/m2m/dev/terraform.tfstate';
const LOCK = `${KEY}.tflock`;

describeWithEmulator('S3 remote state with native locking, against the emulator', (context) => {
  let clone: FreshClone;
  let stackDir: string;
  let s3: S3Client;
  /** An apply still running when a test fails: it must not outlive the file. */
  let pending: ChildProcess | undefined;
  const terraform = (args: string[]) => runCommand('terraform', args, { cwd: stackDir, env: context().env });
  const keys = async () =>
    ((await s3.send(new ListObjectsV2Command({ Bucket: BUCKET }))).Contents ?? []).map((o) => o.Key);

  beforeAll(async () => {
    clone = freshClone({ remoteState: { bucket: BUCKET, keyPrefix: 'platform/m2m' } });
    s3 = new S3Client({ ...sdkConfig(context()), forcePathStyle: true });
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    // The app alone, as the cdktf CLI runs it: the CLI's own synth is proven in the other files.
    clone.synthesize();
    stackDir = clone.stackDir('m2m-auth-dev');
    await initWithEmulatorBackend(context(), stackDir);
  });
  afterAll(() => {
    if (pending?.exitCode === null) pending.kill('SIGKILL');
    s3?.destroy();
    clone?.remove();
  });

  test('an apply holds the lock object until it ends, and a second apply meanwhile is refused', async () => {
    // The first apply stops at its confirmation prompt, holding the lock.
    const first = spawn('terraform', ['apply', '-no-color'], { cwd: stackDir, env: context().env });
    pending = first;
    let firstOutput = '';
    const prompted = new Promise<void>((resolve) =>
      first.stdout.on('data', (chunk: Buffer) => {
        firstOutput += chunk.toString();
        if (firstOutput.includes('Enter a value:')) resolve();
      }),
    );
    const firstDone = new Promise<number | null>((resolve) => first.on('close', resolve));
    await Promise.race([prompted, firstDone]);
    expect(firstOutput).toContain('Plan: 4 to add, 0 to change, 0 to destroy.');
    expect(await keys()).toContain(LOCK);

    const second = await terraform([
      'apply',
      '-auto-approve',
      '-input=false',
      '-no-color',
      '-lock-timeout=0s',
    ]);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain('Error acquiring the state lock');
    expect(second.stderr).toContain('PreconditionFailed');

    first.stdin.end('yes\n');
    expect(await firstDone).toBe(0);
    expect(firstOutput).toContain('Apply complete! Resources: 4 added, 0 changed, 0 destroyed.');
    expect(await keys()).toEqual([KEY]);
  });

  test('the state is at <keyPrefix>/<environment>/terraform.tfstate, encrypted, and holds the four resources', async () => {
    const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: KEY }));
    expect(head.ServerSideEncryption).toBe('AES256');
    const object = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: KEY }));
    const state = JSON.parse(await object.Body!.transformToString());
    expect(state.resources.map((r: { type: string }) => r.type).sort()).toEqual([
      'aws_cognito_resource_server',
      'aws_cognito_user_pool',
      'aws_cognito_user_pool_client',
      'aws_cognito_user_pool_domain',
    ]);
    // Nothing was written locally.
    expect(fs.existsSync(path.join(clone.dir, 'terraform.m2m-auth-dev.tfstate'))).toBe(false);
  });
});
