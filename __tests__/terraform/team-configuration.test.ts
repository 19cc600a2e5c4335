import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkStack, type StackCheck } from '../../terraform/check-stacks';
import type { PlanJson } from '../../terraform/offline-workspace';
import { synthesizeApp } from '../../terraform/synthesize';
import { limit } from '../helpers/limit';
import { PROJECT_ROOT } from '../helpers/project';
import { describeWithTerraform } from './with-terraform';

const TEAM_CONTEXT = {
  environments: ['dev', 'prod'],
  domainPrefix: 'acme-orders',
  clients: [
    { name: 'reporting', scopes: ['read'], accessTokenValidityMinutes: 15 },
    { name: 'ingest', scopes: ['read', 'write'] },
  ],
  storeCredentialsInSecretsManager: true,
  remoteState: { bucket: 'acme-terraform-state', region: 'eu-west-1' },
};

function planned(plan: PlanJson, type: string) {
  return plan.resource_changes.filter((c) => c.type === type).map((c) => c.change.after);
}

describeWithTerraform('a team configuration: two environments, two clients, secrets, S3 state', (tf) => {
  const checks: Record<string, Promise<StackCheck>> = {};
  let stackDirs: Record<string, string>;

  beforeAll(() => {
    const stacks = synthesizeApp(PROJECT_ROOT, path.join(tf().scratch, 'team'), TEAM_CONTEXT);
    stackDirs = Object.fromEntries(stacks.map((s) => [s.name, s.dir]));
    const schedule = limit(2);
    for (const stack of stacks) {
      checks[stack.name] = schedule(() => checkStack(tf(), stack.name, stack.dir));
      checks[stack.name].catch(() => undefined);
    }
  });

  test('synthesizes one stack per environment, each with its own S3 state key and native locking', () => {
    expect(Object.keys(stackDirs).sort()).toEqual(['m2m-auth-dev', 'm2m-auth-prod']);
    for (const environment of ['dev', 'prod']) {
      const config = JSON.parse(
        fs.readFileSync(path.join(stackDirs[`m2m-auth-${environment}`], 'cdk.tf.json'), 'utf8'),
      );
      expect(config.terraform.backend.s3).toEqual({
        bucket: 'acme-terraform-state',
        key: `m2m-auth/${environment}/terraform.tfstate`,
        region: 'eu-west-1',
        encrypt: true,
        use_lockfile: true,
      });
    }
  });

  test.each(['dev', 'prod'])(
    'the %s stack passes init -backend=false, validate and plan',
    async (environment) => {
      const check = await checks[`m2m-auth-${environment}`];
      expect(check.diagnostics).toEqual([]);
      expect(check.summary).toBe('9 to add, 13 outputs');
      const plan = check.plan!;
      const clients = planned(plan, 'aws_cognito_user_pool_client');
      expect(clients.map((c) => [c.name, c.allowed_oauth_scopes, c.access_token_validity]).sort()).toEqual([
        [`${environment}-ingest`, ['m2m-client/read', 'm2m-client/write'], 60],
        [`${environment}-reporting`, ['m2m-client/read'], 15],
      ]);
      const secrets = planned(plan, 'aws_secretsmanager_secret');
      expect(secrets.map((s) => [s.name, s.recovery_window_in_days]).sort()).toEqual([
        [`m2m-auth/${environment}/ingest`, environment === 'prod' ? 30 : 0],
        [`m2m-auth/${environment}/reporting`, environment === 'prod' ? 30 : 0],
      ]);
      expect(planned(plan, 'aws_secretsmanager_secret_version')).toHaveLength(2);
      expect(planned(plan, 'aws_cognito_user_pool_domain')[0].domain).toBe(
        environment === 'prod' ? 'acme-orders-auth' : 'acme-orders-dev-auth',
      );
      expect(planned(plan, 'aws_cognito_user_pool')[0].deletion_protection).toBe(
        environment === 'prod' ? 'ACTIVE' : 'INACTIVE',
      );
      expect(plan.planned_values.outputs?.client_secrets.sensitive).toBe(true);
      expect(Object.keys(plan.output_changes)).toContain('client_credentials_secret_arns');
    },
  );
});
