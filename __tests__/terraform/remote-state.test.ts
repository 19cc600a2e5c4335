import * as fs from 'node:fs';
import * as path from 'node:path';
import { OfflineWorkspace } from '../../terraform-check/offline-workspace';
import { synthesizeApp } from '../../terraform-check/synthesize';
import { startFakeS3 } from '../helpers/fake-s3';
import { emptyState, PROJECT_ROOT } from '../helpers/project';
import { describeWithTerraform } from './with-terraform';

describeWithTerraform('remote state in S3 with native locking', (tf) => {
  let s3: Awaited<ReturnType<typeof startFakeS3>>;
  let workspace: OfflineWorkspace;
  const LOCK = 'm2m-auth/dev/terraform.tfstate.tflock';

  beforeAll(async () => {
    s3 = await startFakeS3();
    const [stack] = synthesizeApp(PROJECT_ROOT, path.join(tf().scratch, 'remote-state'), {
      remoteState: { bucket: 'acme-terraform-state' },
    });
    // The synthesized backend block as it is, pointed at a local S3 by partial configuration.
    workspace = OfflineWorkspace.create(stack.dir, tf().terraform, tf().cliConfig, { keepBackend: true });
    fs.writeFileSync(
      path.join(workspace.dir, 'local-s3.s3.tfbackend'),
      [
        `endpoints = { s3 = "${s3.url}" }`,
        'use_path_style = true',
        'access_key = "offline-check"',
        'secret_key = "offline-check"',
        'skip_credentials_validation = true',
        'skip_requesting_account_id = true',
        'skip_metadata_api_check = true',
      ].join('\n'),
    );
    const init = await workspace.run([
      'init',
      '-input=false',
      '-no-color',
      '-backend-config=local-s3.s3.tfbackend',
    ]);
    if (init.code !== 0) throw new Error(init.stderr);
  });
  afterAll(async () => {
    workspace?.dispose();
    await s3?.close();
  });

  test('a plan takes the lock with a conditional write and releases it', async () => {
    s3.requests.length = 0;
    const plan = await workspace.run(['plan', '-input=false', '-refresh=false', '-no-color']);
    expect(plan.stderr).toBe('');
    expect(plan.stdout).toContain('Plan: 4 to add');
    const lockRequests = s3.requests.filter((r) => r.key === LOCK).map((r) => [r.method, r.ifNoneMatch]);
    expect(lockRequests[0]).toEqual(['PUT', '*']);
    expect(lockRequests.at(-1)).toEqual(['DELETE', undefined]);
    expect(s3.objects.has(LOCK)).toBe(false);
  });

  test('a run is refused while someone else holds the lock', async () => {
    s3.objects.set(
      LOCK,
      Buffer.from(
        JSON.stringify({ ID: 'held-by-a-colleague', Operation: 'OperationTypeApply', Who: 'colleague' }),
      ),
    );
    try {
      const plan = await workspace.run([
        'plan',
        '-input=false',
        '-refresh=false',
        '-no-color',
        '-lock-timeout=0s',
      ]);
      expect(plan.code).toBe(1);
      expect(plan.stderr).toContain('Error acquiring the state lock');
    } finally {
      s3.objects.delete(LOCK);
    }
  });

  test('writes the state encrypted at <keyPrefix>/<environment>/terraform.tfstate', async () => {
    s3.requests.length = 0;
    const state = emptyState();
    fs.writeFileSync(path.join(workspace.dir, 'seed.tfstate'), JSON.stringify(state));
    const push = await workspace.run(['state', 'push', 'seed.tfstate']);
    expect(push.stderr).toBe('');
    const writes = s3.requests.filter(
      (r) => r.method === 'PUT' && r.key === 'm2m-auth/dev/terraform.tfstate',
    );
    expect(writes.length).toBeGreaterThan(0);
    expect(writes.every((w) => w.serverSideEncryption === 'AES256')).toBe(true);
    expect(JSON.parse(s3.objects.get('m2m-auth/dev/terraform.tfstate')!.toString())).toMatchObject({
      version: 4,
    });
  });
});
