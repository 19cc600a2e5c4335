/**
 * The committed provider lock file: it pins what the stacks require, it holds the checksum of the
 * provider in the mirror, synth puts it in every stack folder, and an unusable mirror is reported.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  AWS_PROVIDER,
  checkProviderInstallation,
  lockedAwsProvider,
  PROVIDER_LOCK_FILE,
} from '../../terraform/provider-installation';
import { mirrorCliConfig } from '../../terraform/cli-config';
import { synthesizeApp } from '../../terraform/synthesize';
import { runCommand } from '../../terraform/runner';
import { PROJECT_ROOT } from '../helpers/project';
import { describeWithTerraform } from './with-terraform';

describeWithTerraform('the provider lock file', (tf) => {
  let stacks: ReturnType<typeof synthesizeApp>;
  beforeAll(() => {
    stacks = synthesizeApp(PROJECT_ROOT, path.join(tf().scratch, 'lock-out'), {
      environments: ['dev', 'test', 'prod'],
    });
  });

  test('locks exactly the AWS provider version the synthesized stacks require', () => {
    const locked = lockedAwsProvider();
    for (const stack of stacks) {
      const config = JSON.parse(fs.readFileSync(path.join(stack.dir, 'cdk.tf.json'), 'utf8'));
      expect(config.terraform.required_providers.aws.version).toBe(locked.version);
    }
    // The unpacked provider's checksum (h1), and the registry's zip checksum (zh) of each platform
    // HashiCorp builds, so that a registry install anywhere is checked too.
    expect(locked.hashes.filter((h) => /^h1:[A-Za-z0-9+/]{43}=$/.test(h))).toHaveLength(1);
    const zips = locked.hashes.filter((h) => /^zh:[0-9a-f]{64}$/.test(h));
    expect(zips.length).toBeGreaterThanOrEqual(10);
    expect(zips.length + 1).toBe(locked.hashes.length);
  });

  test('synth copies it into every stack folder', () => {
    expect(stacks.map((s) => s.name).sort()).toEqual(['m2m-auth-dev', 'm2m-auth-prod', 'm2m-auth-test']);
    const committed = fs.readFileSync(PROVIDER_LOCK_FILE, 'utf8');
    for (const stack of stacks) {
      expect(fs.readFileSync(path.join(stack.dir, '.terraform.lock.hcl'), 'utf8')).toBe(committed);
    }
  });

  test("holds the mirror provider's own checksum, as terraform providers lock computes it", async () => {
    const mirror = tf().cliConfig.mirror;
    if (!mirror) return; // installing from the registry: terraform init checks the zh checksums instead
    const dir = fs.mkdtempSync(path.join(tf().scratch, 'relock-'));
    fs.copyFileSync(path.join(stacks[0].dir, 'cdk.tf.json'), path.join(dir, 'cdk.tf.json'));
    const lock = await runCommand(
      tf().terraform,
      ['providers', 'lock', `-fs-mirror=${mirror}`, '-platform=linux_amd64', '-no-color'],
      { cwd: dir, env: { ...process.env, TF_CLI_CONFIG_FILE: tf().cliConfig.file, CHECKPOINT_DISABLE: '1' } },
    );
    expect({ code: lock.code, stderr: lock.stderr }).toEqual({ code: 0, stderr: '' });
    const relocked = fs.readFileSync(path.join(dir, '.terraform.lock.hcl'), 'utf8');
    const h1 = /"(h1:[^"]+)"/.exec(relocked)?.[1];
    expect(lockedAwsProvider().hashes).toContain(h1);
  });

  test('an installation source without the provider is reported with Terraform’s reason', async () => {
    const emptyMirror = fs.mkdtempSync(path.join(tf().scratch, 'empty-mirror-'));
    const cliConfig = path.join(emptyMirror, 'terraform.rc');
    // Only the empty mirror, no registry: nothing leaves the machine.
    fs.writeFileSync(cliConfig, mirrorCliConfig(emptyMirror).replace(/ {2}direct \{[\s\S]*?\n {2}\}\n/, ''));
    const result = await checkProviderInstallation(
      tf().terraform,
      { ...process.env, TF_CLI_CONFIG_FILE: cliConfig },
      60_000,
    );
    expect(result).toEqual({
      ok: false,
      version: lockedAwsProvider().version,
      reason: expect.stringContaining('Failed to query available provider packages'),
    });
    expect(AWS_PROVIDER).toBe('registry.terraform.io/hashicorp/aws');
  });
});
