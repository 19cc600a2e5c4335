import * as path from 'node:path';
import { checkStack, type StackCheck } from '../../terraform/check-stacks';
import type { PlanJson } from '../../terraform/offline-workspace';
import { synthesizeApp } from '../../terraform/synthesize';
import {
  allowedGrants,
  CI_CONTEXT,
  expectedTrust,
  grantsOutside,
  requiredConditions,
} from '../helpers/ci-policies';
import { limit } from '../helpers/limit';
import { PROJECT_ROOT } from '../helpers/project';
import { describeWithTerraform } from './with-terraform';

const HOSTILE_TAG = '${file("/etc/hostname")} %{ if true }x%{ endif } ${aws:username}?';

/** Each planned IAM role's trust policy and inline policy, as Terraform will send them, by role name. */
function plannedRoles(plan: PlanJson) {
  const after = (type: string) =>
    plan.resource_changes.filter((c) => c.type === type).map((c) => c.change.after as Record<string, string>);
  const policies = new Map(after('aws_iam_role_policy').map((p) => [p.name, JSON.parse(p.policy)]));
  return new Map(
    after('aws_iam_role').map((role) => [
      role.name,
      { trust: JSON.parse(role.assume_role_policy), policy: policies.get(role.name) },
    ]),
  );
}

describeWithTerraform('the m2m-auth-ci-access stack in real Terraform, offline', (tf) => {
  let check: Promise<StackCheck>;
  let hostile: Promise<StackCheck>;

  beforeAll(() => {
    const schedule = limit(2);
    const synth = (name: string, context: Record<string, unknown>) =>
      synthesizeApp(PROJECT_ROOT, path.join(tf().scratch, name), context).find(
        (stack) => stack.name === 'm2m-auth-ci-access',
      )!;
    const stack = synth('ci-access', CI_CONTEXT);
    const odd = synth('ci-access-hostile', {
      ...CI_CONTEXT,
      projectTag: HOSTILE_TAG,
      remoteState: { ...CI_CONTEXT.remoteState, keyPrefix: 'team*' },
    });
    check = schedule(() => checkStack(tf(), stack.name, stack.dir));
    hostile = schedule(() => checkStack(tf(), odd.name, odd.dir));
    [check, hostile].forEach((p) => p.catch(() => undefined));
  });

  test('validates and plans the OIDC provider and two roles with a policy each per environment', async () => {
    const { diagnostics, summary } = await check;
    expect(diagnostics).toEqual([]);
    expect(summary).toBe('9 to add, 3 outputs');
  });

  test('the planned trust policies name the repository and the environment, and nothing else', async () => {
    const roles = plannedRoles((await check).plan!);
    expect(roles.get('m2m-auth-ci-dev-deploy')!.trust).toEqual(
      expectedTrust(['repo:acme/m2m-auth:environment:dev']),
    );
    expect(roles.get('m2m-auth-ci-prod-deploy')!.trust).toEqual(
      expectedTrust(['repo:acme/m2m-auth:environment:prod']),
    );
    expect(roles.get('m2m-auth-ci-prod-plan')!.trust).toEqual(
      expectedTrust(['repo:acme/m2m-auth:pull_request', 'repo:acme/m2m-auth:ref:refs/heads/main']),
    );
  });

  test('the planned permission policies grant nothing outside each environment', async () => {
    const roles = plannedRoles((await check).plan!);
    const problems = (['dev', 'prod'] as const).flatMap((env) =>
      (['deploy', 'plan'] as const).flatMap((kind) =>
        grantsOutside(
          roles.get(`m2m-auth-ci-${env}-${kind}`)!.policy,
          allowedGrants(env, kind),
          requiredConditions(env),
        ).map((problem) => `${env} ${kind}: ${problem}`),
      ),
    );
    expect(problems).toEqual([]);
  });

  test('Terraform keeps hostile settings as text, escaped for IAM', async () => {
    const { ok, plan, diagnostics } = await hostile;
    expect({ ok, diagnostics }).toEqual({ ok: true, diagnostics: [] });
    const { policy } = plannedRoles(plan!).get('m2m-auth-ci-dev-deploy')!;
    const [create] = policy.Statement;
    expect(create.Condition.StringEquals['aws:RequestTag/Project']).toBe(
      '${$}{file("/etc/hostname")} %{ if true }x%{ endif } ${$}{aws:username}${?}',
    );
    expect(policy.Statement.map((s: { Resource: string }) => s.Resource)).toContain(
      'arn:aws:s3:::acme-terraform-state/team${*}/dev/terraform.tfstate',
    );
    const role = plan!.resource_changes.find((c) => c.type === 'aws_iam_role')!;
    expect(role.change.after.tags_all).toMatchObject({ Project: HOSTILE_TAG });
  });
});
