import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkStack, type StackCheck } from '../../terraform/check-stacks';
import { OfflineWorkspace, type PlanJson, type PlanResult } from '../../terraform/offline-workspace';
import { synthesizeApp } from '../../terraform/synthesize';
import { limit } from '../helpers/limit';
import { PROJECT_ROOT } from '../helpers/project';
import { STACK_OUTPUTS } from '../helpers/synth';
import { describeWithTerraform } from './with-terraform';

/** A diagnostic's message on one line, without Terraform's pointer to the rule's source. */
const message = (detail: string) =>
  detail
    .replace(/\s+/g, ' ')
    .replace(/ This was checked by the validation rule at .*$/, '')
    .trim();

function after(plan: PlanJson, type: string): Record<string, unknown> {
  const changes = plan.resource_changes.filter((change) => change.type === type);
  expect(changes).toHaveLength(1);
  return changes[0].change.after;
}

// Terraform reports every bad variable of a plan, so each plan carries several cases: a domain_prefix
// (one value per plan) and another variable's bad value.
const BAD_PLANS: Record<string, string>[] = [
  { domain_prefix: 'M2m-Rubicon', environment_name: 'qa' },
  { domain_prefix: 'm2m_rubicon', aws_region: 'moon-1' },
  { domain_prefix: 'aws-m2m', project_tag: '' },
  { domain_prefix: 'a'.repeat(54), environment_name: 'prod' },
];

const OTHER_ENVIRONMENT = (environment: string, stack: string) =>
  `Invalid environment_name: must be "${environment}" in stack ${stack}, whose state is ${environment}'s; to deploy another environment, add it to "environments" in cdktf.json, synthesize (npx cdktf synth) and use its stack m2m-auth-<environment>.`;

describeWithTerraform('the synthesized dev stack in real Terraform, offline', (tf) => {
  let stackDir: string;
  let workspace: OfflineWorkspace;
  let prodWorkspace: OfflineWorkspace;
  let check: Promise<StackCheck>;
  let prodPlan: Promise<PlanResult>;
  let prodAsDev: Promise<PlanResult>;
  let badPlans: Promise<PlanResult>[];

  beforeAll(() => {
    const stacks = synthesizeApp(PROJECT_ROOT, path.join(tf().scratch, 'default'), {
      environments: ['dev', 'prod'],
    });
    const dir = (name: string) => stacks.find((stack) => stack.name === name)!.dir;
    stackDir = dir('m2m-auth-dev');
    const schedule = limit(2);
    // What npm run validate does: init, validate and plan on a copy of its own.
    check = schedule(() => checkStack(tf(), 'm2m-auth-dev', stackDir));
    // Plans with -var overrides share a second copy, and the prod stack's plans a third.
    workspace = OfflineWorkspace.create(stackDir, tf().terraform, tf().cliConfig);
    prodWorkspace = OfflineWorkspace.create(dir('m2m-auth-prod'), tf().terraform, tf().cliConfig);
    const initialized = workspace.init();
    const prodInitialized = schedule(() => prodWorkspace.init());
    const planWith = (vars: Record<string, string>) =>
      schedule(() => initialized.then(() => workspace.plan(vars)));
    prodPlan = prodInitialized.then(() => schedule(() => prodWorkspace.plan()));
    prodAsDev = prodInitialized.then(() => schedule(() => prodWorkspace.plan({ environment_name: 'dev' })));
    badPlans = BAD_PLANS.map(planWith);
    // Failures surface in the tests that await them.
    [check, prodPlan, prodAsDev, ...badPlans].forEach((p) => p.catch(() => undefined));
  });
  afterAll(() => {
    workspace?.dispose();
    prodWorkspace?.dispose();
  });

  test('passes terraform init and validate with the pinned Terraform and AWS provider', async () => {
    const { versions, diagnostics } = await check;
    expect(diagnostics).toEqual([]);
    process.stderr.write(
      `Terraform checks ran with terraform ${versions?.terraform} and ${JSON.stringify(versions?.providers)}\n`,
    );
    expect(versions?.providers['registry.terraform.io/hashicorp/aws']).toBe('5.100.0');
  });

  test('plans the four Cognito resources and the outputs with the default variables', async () => {
    const { ok, summary, plan } = await check;
    expect({ ok, summary }).toEqual({ ok: true, summary: '4 to add, 12 outputs' });
    expect(plan!.resource_changes.map((c) => [c.type, c.change.actions]).sort()).toEqual([
      ['aws_cognito_resource_server', ['create']],
      ['aws_cognito_user_pool', ['create']],
      ['aws_cognito_user_pool_client', ['create']],
      ['aws_cognito_user_pool_domain', ['create']],
    ]);
    expect(Object.keys(plan!.output_changes).sort()).toEqual(STACK_OUTPUTS);
    expect(after(plan!, 'aws_cognito_user_pool')).toMatchObject({
      name: 'dev-machine-to-machine-user-pool',
      deletion_protection: 'INACTIVE',
      admin_create_user_config: [{ allow_admin_create_user_only: true }],
      tags_all: { Environment: 'dev', Project: 'm2m-auth', ManagedBy: 'cdktf' },
    });
    expect(after(plan!, 'aws_cognito_resource_server')).toMatchObject({
      identifier: 'm2m-client',
      name: 'User API',
    });
    expect(after(plan!, 'aws_cognito_user_pool_domain')).toMatchObject({
      domain: 'm2m-rubicon-dev-auth',
      managed_login_version: 2,
    });
    // Known at plan time because they are built from the resource server's identifier.
    expect(after(plan!, 'aws_cognito_user_pool_client')).toMatchObject({
      name: 'dev-m2m-client',
      allowed_oauth_flows: ['client_credentials'],
      allowed_oauth_flows_user_pool_client: true,
      allowed_oauth_scopes: ['m2m-client/read', 'm2m-client/write'],
      generate_secret: true,
      access_token_validity: 60,
    });
    expect(plan!.planned_values.outputs?.client_secret.sensitive).toBe(true);
    expect(plan!.planned_values.outputs?.resource_server_scope_identifiers.value).toEqual([
      'm2m-client/read',
      'm2m-client/write',
    ]);
  });

  test('leaves the stack folder as it was: no .terraform, no state', () => {
    expect(fs.readdirSync(stackDir).sort()).toEqual(['.terraform.lock.hcl', 'cdk.tf.json']);
  });

  test('the prod stack gives the short domain and deletion protection', async () => {
    const result = await prodPlan;
    if (!result.ok) throw new Error(JSON.stringify(result.diagnostics));
    expect(after(result.plan, 'aws_cognito_user_pool')).toMatchObject({
      name: 'prod-machine-to-machine-user-pool',
      deletion_protection: 'ACTIVE',
      tags_all: expect.objectContaining({ Environment: 'prod' }),
    });
    expect(after(result.plan, 'aws_cognito_user_pool_domain')).toMatchObject({ domain: 'm2m-rubicon-auth' });
  });

  test('the prod stack refuses environment_name=dev: no unprotected dev resources against prod state', async () => {
    const result = await prodAsDev;
    if (result.ok) throw new Error('the prod stack planned environment_name=dev');
    expect(result.diagnostics.map((d) => [d.variable, message(d.detail)])).toEqual([
      ['var.environment_name', OTHER_ENVIRONMENT('prod', 'm2m-auth-prod')],
    ]);
  });

  test.each<[string, string, string[]]>([
    [
      'environment_name',
      'qa',
      ['Invalid environment_name: must be one of dev, test, prod.', OTHER_ENVIRONMENT('dev', 'm2m-auth-dev')],
    ],
    ['environment_name', 'prod', [OTHER_ENVIRONMENT('dev', 'm2m-auth-dev')]],
    [
      'domain_prefix',
      'M2m-Rubicon',
      [
        'Invalid domain_prefix: must contain only lowercase letters, digits and hyphens, and must not start or end with a hyphen.',
      ],
    ],
    [
      'domain_prefix',
      'm2m_rubicon',
      [
        'Invalid domain_prefix: must contain only lowercase letters, digits and hyphens, and must not start or end with a hyphen.',
      ],
    ],
    [
      'domain_prefix',
      'aws-m2m',
      ['Invalid domain_prefix: must not contain "aws", "amazon" or "cognito" (Cognito reserves them).'],
    ],
    [
      'domain_prefix',
      'a'.repeat(54),
      [
        'Invalid domain_prefix: must be at most 53 characters so the domain "<prefix>-<environment>-auth" fits in 63.',
      ],
    ],
    ['aws_region', 'moon-1', ['Invalid aws_region: must be an AWS region code such as us-east-1.']],
    ['project_tag', '', ['Invalid project_tag: must not be empty or only whitespace.']],
  ])("plan rejects %s=%j with the variable's own messages", async (name, value, messages) => {
    const result = await badPlans[BAD_PLANS.findIndex((vars) => vars[name] === value)];
    if (result.ok) throw new Error(`plan with ${name}=${JSON.stringify(value)} succeeded`);
    const forVariable = result.diagnostics.filter((d) => d.variable === `var.${name}`);
    expect(forVariable.map((d) => d.summary)).toEqual(messages.map(() => 'Invalid value for variable'));
    expect(forVariable.map((d) => message(d.detail)).sort()).toEqual([...messages].sort());
  });
});
