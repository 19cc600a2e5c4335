/**
 * The m2m-auth-ci-access stack deployed to the emulator's IAM, as an admin would bootstrap it: its own
 * state in S3 next to the environments', then every role and policy read back from IAM.
 */
import {
  GetOpenIDConnectProviderCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  IAMClient,
  ListRolePoliciesCommand,
  ListRolesCommand,
} from '@aws-sdk/client-iam';
import { CreateBucketCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { runCommand } from '../../terraform/runner';
import {
  allowedGrants,
  CI_CONTEXT,
  expectedTrust,
  grantsOutside,
  requiredConditions,
} from '../helpers/ci-policies';
import { describeWithEmulator, initWithEmulatorBackend, sdkConfig } from '../helpers/emulator';
import { type FreshClone, freshClone } from '../helpers/fresh-clone';

const OIDC_PROVIDER = 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com';

/** A policy document as IAM returns it: URL-encoded JSON. */
const parsePolicy = (document: string | undefined) => JSON.parse(decodeURIComponent(document ?? ''));

describeWithEmulator('the m2m-auth-ci-access stack deployed to the emulator', (context) => {
  let clone: FreshClone;
  let stackDir: string;
  let iam: IAMClient;
  let s3: S3Client;
  const terraform = (args: string[]) => runCommand('terraform', args, { cwd: stackDir, env: context().env });

  /** The role's trust policy and its inline policies, read from IAM. */
  async function roleFromIam(roleName: string) {
    const { Role } = await iam.send(new GetRoleCommand({ RoleName: roleName }));
    const { PolicyNames = [] } = await iam.send(new ListRolePoliciesCommand({ RoleName: roleName }));
    const policies = await Promise.all(
      PolicyNames.map((PolicyName) => iam.send(new GetRolePolicyCommand({ RoleName: roleName, PolicyName }))),
    );
    return {
      trust: parsePolicy(Role?.AssumeRolePolicyDocument),
      policies: policies.map((p) => parsePolicy(p.PolicyDocument)),
    };
  }

  beforeAll(async () => {
    clone = freshClone({ ...CI_CONTEXT, awsRegion: 'eu-west-1' });
    iam = new IAMClient(sdkConfig(context()));
    s3 = new S3Client({ ...sdkConfig(context()), forcePathStyle: true });
    await s3.send(new CreateBucketCommand({ Bucket: CI_CONTEXT.remoteState.bucket }));
    clone.synthesize();
    stackDir = clone.stackDir('m2m-auth-ci-access');
    await initWithEmulatorBackend(context(), stackDir);
  });
  afterAll(() => {
    iam?.destroy();
    s3?.destroy();
    clone?.remove();
  });

  test('terraform apply creates the provider and the four roles, with its state in S3', async () => {
    const apply = await terraform(['apply', '-auto-approve', '-input=false', '-no-color']);
    expect({ code: apply.code, output: apply.stdout + apply.stderr }).toEqual({
      code: 0,
      output: expect.stringContaining('Apply complete! Resources: 9 added, 0 changed, 0 destroyed.'),
    });
    const { Contents = [] } = await s3.send(
      new ListObjectsV2Command({ Bucket: CI_CONTEXT.remoteState.bucket }),
    );
    expect(Contents.map((o) => o.Key)).toEqual(['platform/m2m/ci-access/terraform.tfstate']);
  });

  test("GitHub's OIDC provider accepts the STS audience", async () => {
    const provider = await iam.send(
      new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: OIDC_PROVIDER }),
    );
    expect(provider.Url).toMatch(/^(https:\/\/)?token\.actions\.githubusercontent\.com$/);
    expect(provider.ClientIDList).toEqual(['sts.amazonaws.com']);
  });

  test('the account holds exactly the four roles', async () => {
    const { Roles = [] } = await iam.send(new ListRolesCommand({}));
    expect(Roles.map((r) => r.RoleName).sort()).toEqual([
      'm2m-auth-ci-dev-deploy',
      'm2m-auth-ci-dev-plan',
      'm2m-auth-ci-prod-deploy',
      'm2m-auth-ci-prod-plan',
    ]);
  });

  test.each(['dev', 'prod'])(
    'the deployed %s roles trust only the repository (and that environment, to deploy)',
    async (env) => {
      expect((await roleFromIam(`m2m-auth-ci-${env}-deploy`)).trust).toEqual(
        expectedTrust([`repo:acme/m2m-auth:environment:${env}`]),
      );
      expect((await roleFromIam(`m2m-auth-ci-${env}-plan`)).trust).toEqual(
        expectedTrust(['repo:acme/m2m-auth:pull_request', 'repo:acme/m2m-auth:ref:refs/heads/main']),
      );
    },
  );

  test.each(['dev', 'prod'])(
    'the deployed %s roles have one policy each, granting nothing outside the environment',
    async (env) => {
      for (const kind of ['deploy', 'plan'] as const) {
        const { policies } = await roleFromIam(`m2m-auth-ci-${env}-${kind}`);
        expect(policies).toHaveLength(1);
        expect(grantsOutside(policies[0], allowedGrants(env, kind), requiredConditions(env))).toEqual([]);
      }
    },
  );

  test('a second plan finds nothing to change', async () => {
    const plan = await terraform(['plan', '-detailed-exitcode', '-input=false', '-no-color']);
    expect({ code: plan.code, stdout: plan.stdout }).toEqual({
      code: 0,
      stdout: expect.stringContaining('No changes.'),
    });
  });
});
