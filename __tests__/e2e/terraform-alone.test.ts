/**
 * The README's "Terraform alone" path: npm run synth, then terraform init, apply and destroy in the
 * stack folder, with variables on the command line, against the emulator.
 */
import {
  CognitoIdentityProviderClient,
  DescribeUserPoolDomainCommand,
  ListUserPoolsCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { runCommand } from '../../terraform/runner';
import { describeWithEmulator, sdkConfig } from '../helpers/emulator';
import { type FreshClone, freshClone } from '../helpers/fresh-clone';

const VARS = ['-var', 'aws_region=us-west-2', '-var', 'domain_prefix=acme-m2m'];

async function poolNames(cognito: CognitoIdentityProviderClient): Promise<string[]> {
  const { UserPools = [] } = await cognito.send(new ListUserPoolsCommand({ MaxResults: 60 }));
  return UserPools.map((pool) => pool.Name!);
}

describeWithEmulator('synth, then terraform apply and destroy in the stack folder', (context) => {
  let clone: FreshClone;
  let west: CognitoIdentityProviderClient;
  let east: CognitoIdentityProviderClient;
  // The stack folder npm run synth (the first test) writes.
  const terraform = (args: string[]) =>
    runCommand('terraform', args, { cwd: clone.stackDir('m2m-auth-dev'), env: context().env });

  beforeAll(() => {
    clone = freshClone();
    west = new CognitoIdentityProviderClient(sdkConfig(context(), 'us-west-2'));
    east = new CognitoIdentityProviderClient(sdkConfig(context(), 'us-east-1'));
  });
  afterAll(() => {
    west?.destroy();
    east?.destroy();
    clone?.remove();
  });

  test('npm run synth, terraform init: the provider comes from the mirror, as the lock file pins it', async () => {
    const synth = await runCommand('npm', ['run', 'synth'], { cwd: clone.dir, env: context().env });
    expect(synth.code).toBe(0);
    const init = await terraform(['init', '-input=false', '-no-color']);
    expect({ code: init.code, stderr: init.stderr }).toEqual({ code: 0, stderr: '' });
    expect(init.stdout).toContain('Reusing previous version of hashicorp/aws from the dependency lock file');
  });

  test('terraform apply -var aws_region=us-west-2 puts the pool in us-west-2', async () => {
    const apply = await terraform(['apply', '-auto-approve', '-input=false', '-no-color', ...VARS]);
    expect({ code: apply.code, stderr: apply.stderr }).toEqual({ code: 0, stderr: '' });
    expect(apply.stdout).toContain('Apply complete! Resources: 4 added, 0 changed, 0 destroyed.');
    expect(await poolNames(west)).toEqual(['dev-machine-to-machine-user-pool']);
    expect(await poolNames(east)).toEqual([]);
    const { DomainDescription } = await west.send(
      new DescribeUserPoolDomainCommand({ Domain: 'acme-m2m-dev-auth' }),
    );
    expect(DomainDescription?.Domain).toBe('acme-m2m-dev-auth');
  });

  test('terraform destroy with the same variables removes it', async () => {
    const destroy = await terraform(['destroy', '-auto-approve', '-input=false', '-no-color', ...VARS]);
    expect({ code: destroy.code, stderr: destroy.stderr }).toEqual({ code: 0, stderr: '' });
    expect(destroy.stdout).toContain('Destroy complete! Resources: 4 destroyed.');
    expect(await poolNames(west)).toEqual([]);
  });
});
