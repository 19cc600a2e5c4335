/**
 * The nightly drift check, for real: deploy m2m-auth-dev to the emulator, run `m2m drift` (nothing to
 * report), change the user pool behind Terraform's back with the AWS SDK, and run it again: it fails
 * and names the pool and what changed.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  CognitoIdentityProviderClient,
  ListUserPoolsCommand,
  UpdateUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { runCommand } from '../../terraform/runner';
import { describeWithEmulator, sdkConfig } from '../helpers/emulator';
import { type FreshClone, freshClone } from '../helpers/fresh-clone';

describeWithEmulator('m2m drift against the emulator', (context) => {
  let clone: FreshClone;
  let stackDir: string;
  let cognito: CognitoIdentityProviderClient;
  const drift = (...args: string[]) =>
    runCommand(
      process.execPath,
      [path.join(clone.dir, 'bin', 'm2m.js'), 'drift', '--stack', 'm2m-auth-dev', ...args],
      {
        cwd: clone.dir,
        env: context().env,
      },
    );

  beforeAll(async () => {
    clone = freshClone();
    cognito = new CognitoIdentityProviderClient(sdkConfig(context()));
    [{ dir: stackDir }] = clone.synthesize();
    const terraform = (args: string[]) =>
      runCommand('terraform', args, { cwd: stackDir, env: context().env });
    const init = await terraform(['init', '-input=false', '-no-color']);
    const apply =
      init.code === 0 ? await terraform(['apply', '-auto-approve', '-input=false', '-no-color']) : init;
    if (apply.code !== 0) throw new Error(apply.stderr);
  });
  afterAll(() => {
    cognito?.destroy();
    clone?.remove();
  });

  test('finds no drift right after a deploy', async () => {
    const result = await drift();
    expect(result).toEqual({
      code: 0,
      stdout: '✓ m2m-auth-dev: no drift, the deployed resources match the configuration\n',
      stderr: '',
    });
  });

  test('fails and names the pool after its deletion protection is turned on by hand', async () => {
    const { UserPools = [] } = await cognito.send(new ListUserPoolsCommand({ MaxResults: 60 }));
    const pool = UserPools.find((p) => p.Name === 'dev-machine-to-machine-user-pool');
    await cognito.send(new UpdateUserPoolCommand({ UserPoolId: pool!.Id, DeletionProtection: 'ACTIVE' }));

    const summary = path.join(clone.dir, 'step-summary.md');
    const result = await drift('--summary-file', summary);
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 5, stderr: '' });
    const lines = result.stdout.split('\n');
    expect(lines[0]).toMatch(/^✗ m2m-auth-dev: drift, 1 resource differs from the configuration:$/);
    expect(lines[1]).toMatch(
      /^ {2}aws_cognito_user_pool\.cognito_user-pool_[0-9A-F]{8}: changed \((.+, )?deletion_protection(, .+)?\) outside Terraform; an apply would update it$/,
    );
    expect(fs.readFileSync(summary, 'utf8')).toMatch(
      /^### ✗ m2m-auth-dev: drift\n\n.*\n.*\n\| `aws_cognito_user_pool\.cognito_user-pool_[0-9A-F]{8}` \| changed \(.*deletion_protection.*\) \| update \|\n/,
    );
    // The check planned without the lock and left no plan file behind.
    expect(fs.readdirSync(stackDir).filter((name) => /\.tfplan$|\.tflock$/.test(name))).toEqual([]);
  });
});
