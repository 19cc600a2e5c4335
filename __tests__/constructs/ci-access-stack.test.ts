import { Testing } from 'cdktf';
import { parseSettings } from '../../config/load';
import { CiAccessStack, type CiAccessStackProps } from '../../constructs/ci-access-stack';
import type { EnvironmentName } from '../../constructs/rules';
import { iamLiteral } from '../../constructs/ci-access-policies';
import {
  allowedGrants,
  CI_CONTEXT,
  expectedTrust,
  grantsOutside,
  requiredConditions,
} from '../helpers/ci-policies';
import { testApp, type TerraformJson } from '../helpers/synth';

/** The m2m-auth-ci-access stack main.ts would build from a cdktf.json context. */
function synthCiAccess(context: Record<string, unknown>) {
  const settings = parseSettings(context);
  const stack = new CiAccessStack(testApp(), 'm2m-auth-ci-access', {
    ...settings.ciAccess!,
    region: settings.awsRegion,
    environments: settings.environments,
    projectTag: settings.projectTag,
    remoteState: settings.remoteState!,
  });
  return JSON.parse(Testing.synth(stack)) as TerraformJson;
}

/** A role's trust policy and its one inline policy, parsed, by role name. */
function rolesOf(tf: TerraformJson) {
  const policies = Object.values(tf.resource.aws_iam_role_policy) as TerraformJson[];
  return new Map(
    (Object.entries(tf.resource.aws_iam_role) as [string, TerraformJson][]).map(([id, role]) => {
      const attached = policies.filter((p) => p.role === `\${aws_iam_role.${id}.name}`);
      expect(attached).toHaveLength(1);
      return [
        role.name as string,
        { trust: JSON.parse(role.assume_role_policy), policy: JSON.parse(attached[0].policy) },
      ];
    }),
  );
}

describe('the m2m-auth-ci-access stack', () => {
  let tf: TerraformJson;
  let roles: ReturnType<typeof rolesOf>;
  // In each test, not once at the describe's scope: mutation testing credits a mutant only to the
  // tests during which it ran, so assertions on a describe-scope synth never saw a mutant.
  beforeEach(() => {
    tf = synthCiAccess(CI_CONTEXT);
    roles = rolesOf(tf);
  });

  test("creates GitHub's OIDC provider for the STS audience, and a deploy and a plan role per environment", () => {
    expect(Object.values(tf.resource.aws_iam_openid_connect_provider)).toEqual([
      { url: 'https://token.actions.githubusercontent.com', client_id_list: ['sts.amazonaws.com'] },
    ]);
    expect([...roles.keys()].sort()).toEqual([
      'm2m-auth-ci-dev-deploy',
      'm2m-auth-ci-dev-plan',
      'm2m-auth-ci-prod-deploy',
      'm2m-auth-ci-prod-plan',
    ]);
  });

  test.each(['dev', 'prod'])(
    'only jobs of GitHub environment %s of the repository may assume its deploy role',
    (env) => {
      expect(roles.get(`m2m-auth-ci-${env}-deploy`)!.trust).toEqual(
        expectedTrust([`repo:acme/m2m-auth:environment:${env}`]),
      );
    },
  );

  test('only pull requests and main of the repository may assume the plan roles', () => {
    for (const env of ['dev', 'prod']) {
      expect(roles.get(`m2m-auth-ci-${env}-plan`)!.trust).toEqual(
        expectedTrust(['repo:acme/m2m-auth:pull_request', 'repo:acme/m2m-auth:ref:refs/heads/main']),
      );
    }
  });

  test.each([
    ['dev', 'deploy'],
    ['dev', 'plan'],
    ['prod', 'deploy'],
    ['prod', 'plan'],
  ] as const)(
    'the %s %s role may do exactly what its stack needs, on its own resources only',
    (env, kind) => {
      const { policy } = roles.get(`m2m-auth-ci-${env}-${kind}`)!;
      expect(grantsOutside(policy, allowedGrants(env, kind), requiredConditions(env))).toEqual([]);
    },
  );

  test('the audit catches a grant outside, a wildcard, a missing condition and a missing grant', () => {
    const { policy } = roles.get('m2m-auth-ci-dev-plan')!;
    const widened = structuredClone(policy);
    widened.Statement.push({
      Effect: 'Allow',
      Action: 's3:*',
      Resource: 'arn:aws:s3:::acme-terraform-state/*',
    });
    widened.Statement[1].Condition = undefined;
    widened.Statement[2].Resource = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:m2m-auth/prod/*';
    expect(grantsOutside(widened, allowedGrants('dev', 'plan'), requiredConditions('dev'))).toEqual(
      expect.arrayContaining([
        'wildcard action s3:*',
        's3:* on arn:aws:s3:::acme-terraform-state/*',
        expect.stringMatching(/^cognito-idp:DescribeUserPool without its condition/),
        'secretsmanager:GetSecretValue on arn:aws:secretsmanager:eu-west-1:123456789012:secret:m2m-auth/prod/*',
        'missing secretsmanager:GetSecretValue on arn:aws:secretsmanager:eu-west-1:123456789012:secret:m2m-auth/dev/*',
      ]),
    );
  });

  // Every trust, action, resource and condition of every role: any change to what CI may do shows in review.
  test('the roles and their policies match the snapshot', () => {
    const parsed = (resources: TerraformJson, key: string) =>
      Object.fromEntries(
        Object.entries(resources).map(([id, resource]) => [
          id,
          { ...resource, [key]: JSON.parse(resource[key]) },
        ]),
      );
    expect({
      roles: parsed(tf.resource.aws_iam_role, 'assume_role_policy'),
      policies: parsed(tf.resource.aws_iam_role_policy, 'policy'),
    }).toMatchSnapshot();
  });

  test('plan roles cannot write: no Create, Update, Delete, Put or Tag action', () => {
    for (const env of ['dev', 'prod']) {
      const actions = roles
        .get(`m2m-auth-ci-${env}-plan`)!
        .policy.Statement.flatMap((s: TerraformJson) => s.Action);
      expect(actions.filter((a: string) => !/:(Describe|Get|List)/.test(a))).toEqual([]);
    }
  });

  test('refuses to deploy to another account, and keeps its own state next to the stacks', () => {
    expect(tf.provider.aws[0]).toMatchObject({ allowed_account_ids: ['123456789012'], region: 'eu-west-1' });
    expect(tf.terraform.backend.s3).toMatchObject({
      bucket: 'acme-terraform-state',
      key: 'platform/m2m/ci-access/terraform.tfstate',
      use_lockfile: true,
    });
  });

  test('outputs the role ARNs by environment, for the GitHub variables', () => {
    expect(tf.output).toEqual({
      deploy_role_arns: {
        description: 'Deploy role ARN by environment: the AWS_ROLE_ARN variable of each GitHub environment.',
        value: {
          dev: '${aws_iam_role.m2m-auth-ci-dev-deploy.arn}',
          prod: '${aws_iam_role.m2m-auth-ci-prod-deploy.arn}',
        },
      },
      plan_role_arns: {
        description:
          'Read-only plan role ARN by environment: the AWS_PLAN_ROLE_ARN_<ENVIRONMENT> repository variables.',
        value: {
          dev: '${aws_iam_role.m2m-auth-ci-dev-plan.arn}',
          prod: '${aws_iam_role.m2m-auth-ci-prod-plan.arn}',
        },
      },
      oidc_provider_arn: {
        description: "ARN of GitHub's OIDC identity provider in this account.",
        value: '${aws_iam_openid_connect_provider.github.arn}',
      },
    });
    expect(tf.provider.aws).toEqual([
      expect.objectContaining({
        allowed_account_ids: ['123456789012'],
        default_tags: [{ tags: { Project: 'm2m-auth', ManagedBy: 'cdktf' } }],
      }),
    ]);
  });

  test("with createOidcProvider false, trusts the account's existing provider and creates none", () => {
    const existing = synthCiAccess({
      ...CI_CONTEXT,
      ciAccess: { ...CI_CONTEXT.ciAccess, createOidcProvider: false },
    });
    expect(existing.resource.aws_iam_openid_connect_provider).toBeUndefined();
    expect(rolesOf(existing).get('m2m-auth-ci-dev-deploy')!.trust).toEqual(
      expectedTrust(['repo:acme/m2m-auth:environment:dev']),
    );
    expect(existing.output.oidc_provider_arn.value).toBe(
      'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com',
    );
  });

  test('keeps settings literal for IAM and for Terraform: policy variables, wildcards, templates', () => {
    const hostile = synthCiAccess({
      ...CI_CONTEXT,
      projectTag: '${aws:username} %{ if true }x%{ endif } ?',
      remoteState: { bucket: 'acme-terraform-state', keyPrefix: 'team*' },
    });
    const policy = Object.values(hostile.resource.aws_iam_role_policy)[0] as TerraformJson;
    // Terraform reads "$${" and "%%{" as text; IAM reads ${$}, ${*} and ${?} as "$", "*" and "?".
    expect(policy.policy).toContain(
      '"aws:RequestTag/Project":"$${$}{aws:username} %%{ if true }x%%{ endif } $${?}"',
    );
    expect(policy.policy).toContain(
      '"Resource":"arn:aws:s3:::acme-terraform-state/team$${*}/dev/terraform.tfstate"',
    );
    expect(hostile.provider.aws[0].default_tags[0].tags.Project).toBe(
      '$${aws:username} %%{ if true }x%%{ endif } ?',
    );
  });

  test('iamLiteral escapes exactly the characters IAM would read as variables or wildcards', () => {
    expect(iamLiteral('a${b}*c?d')).toBe('a${$}{b}${*}c${?}d');
    expect(iamLiteral('plain-text/with.dots')).toBe('plain-text/with.dots');
  });

  // The construct checks its literal props itself, as cdktf.json's settings do, before anything is made.
  const valid = {
    githubRepository: 'acme/m2m-auth',
    awsAccountId: '123456789012',
    region: 'eu-west-1',
    environments: ['dev'],
    projectTag: 'm2m-auth',
    remoteState: { bucket: 'acme-terraform-state', region: 'eu-west-1', keyPrefix: 'm2m-auth' },
  } satisfies CiAccessStackProps;
  test.each<[string, Partial<CiAccessStackProps>, string]>([
    [
      'a repository that is not owner/name',
      { githubRepository: 'acme/${path.cwd}' },
      'githubRepository "acme/${path.cwd}" is invalid: must be "<owner>/<repository>"',
    ],
    [
      'an account ID of 11 digits',
      { awsAccountId: '12345678901' },
      'awsAccountId "12345678901" is invalid: ',
    ],
    ['a region that is none', { region: 'moon-1' }, 'region "moon-1" is invalid: must be an AWS region code'],
    ['a blank project tag', { projectTag: ' ' }, 'projectTag " " is invalid: '],
    [
      'a bucket name in capitals',
      { remoteState: { ...valid.remoteState, bucket: 'Acme-State' } },
      'remoteState.bucket "Acme-State" is invalid: must be a valid S3 bucket name',
    ],
    [
      'a key prefix with a trailing slash',
      { remoteState: { ...valid.remoteState, keyPrefix: 'team/' } },
      'remoteState.keyPrefix "team/" is invalid: must be path segments',
    ],
    [
      'an environment that is none',
      { environments: ['dev', 'staging' as EnvironmentName] },
      'environments "staging" is invalid: must be one of dev, test, prod',
    ],
  ])('refuses %s, before anything is made', (_what, props, message) => {
    const app = testApp();
    expect(() => new CiAccessStack(app, 'ci', { ...valid, ...props })).toThrow(message);
    expect(app.node.findAll().filter((c) => c.node.id === 'aws')).toHaveLength(0);
  });

  test('creates the OIDC provider when createOidcProvider is not given', () => {
    const stack = new CiAccessStack(testApp(), 'ci', valid);
    const tf = JSON.parse(Testing.synth(stack)) as TerraformJson;
    expect(Object.keys(tf.resource.aws_iam_openid_connect_provider)).toEqual(['github']);
  });
});
