import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  checkDrift,
  describeDrift,
  driftMarkdown,
  type DriftPlanJson,
  findDrift,
} from '../../operator/drift';
import { InputError } from '../../operator/errors';

const POOL = 'aws_cognito_user_pool.cognito_user-pool_EED8FD84';
const CLIENT = 'aws_cognito_user_pool_client.cognito_client-m2m-client_app-client_6B4A1D55';
const DOMAIN = 'aws_cognito_user_pool_domain.cognito_domain_F0D0A59C';

/** A plan as `terraform show -json` prints it after someone changed the pool and deleted the domain. */
const PLAN: DriftPlanJson = {
  resource_drift: [
    {
      address: POOL,
      change: {
        actions: ['update'],
        before: { name: 'dev-pool', deletion_protection: 'INACTIVE', tags: { Project: 'm2m-auth' } },
        after: { name: 'dev-pool', deletion_protection: 'ACTIVE', tags: { Project: 'other' } },
      },
    },
    {
      address: DOMAIN,
      change: { actions: ['delete'], before: { domain: 'm2m-rubicon-dev-auth' }, after: null },
    },
  ],
  resource_changes: [
    {
      address: CLIENT,
      change: {
        actions: ['no-op'],
        before: { client_secret: 'hunter2' },
        after: { client_secret: 'hunter2' },
      },
    },
    {
      address: POOL,
      change: {
        actions: ['update'],
        before: { deletion_protection: 'ACTIVE', tags: { Project: 'other' } },
        after: { deletion_protection: 'INACTIVE', tags: { Project: 'm2m-auth' } },
      },
    },
    {
      address: DOMAIN,
      change: { actions: ['create'], before: null, after: { domain: 'm2m-rubicon-dev-auth' } },
    },
  ],
};

describe('findDrift', () => {
  test('names each resource an apply would change, with what changed outside Terraform', () => {
    expect(findDrift(PLAN)).toEqual([
      { address: POOL, outside: 'changed (deletion_protection, tags)', planned: 'update' },
      { address: DOMAIN, outside: 'deleted', planned: 'create' },
    ]);
  });

  test('finds none in a plan of no-ops, and ignores changes outside Terraform the configuration accepts', () => {
    expect(
      findDrift({ resource_drift: PLAN.resource_drift, resource_changes: [PLAN.resource_changes![0]] }),
    ).toEqual([]);
    expect(findDrift({})).toEqual([]);
  });

  test('reports a replacement, and a change made by a new configuration rather than by hand', () => {
    expect(
      findDrift({
        resource_changes: [
          { address: CLIENT, change: { actions: ['delete', 'create'], before: {}, after: {} } },
        ],
      }),
    ).toEqual([{ address: CLIENT, outside: undefined, planned: 'replace' }]);
  });

  test('skips attributes only known after apply', () => {
    const [drifted] = findDrift({
      resource_drift: [
        {
          address: POOL,
          change: {
            actions: ['update'],
            before: { a: 1, b: 1 },
            after: { a: 2, b: null },
            after_unknown: { b: true },
          },
        },
      ],
      resource_changes: [{ address: POOL, change: { actions: ['update'] } }],
    });
    expect(drifted.outside).toBe('changed (a)');
  });
});

describe('the drift report', () => {
  const drifted = findDrift(PLAN);

  test('says which resources drifted, one line each, and never a value', () => {
    const text = describeDrift('m2m-auth-dev', drifted);
    expect(text).toBe(
      '✗ m2m-auth-dev: drift, 2 resources differ from the configuration:\n' +
        `  ${POOL}: changed (deletion_protection, tags) outside Terraform; an apply would update it\n` +
        `  ${DOMAIN}: deleted outside Terraform; an apply would create it\n`,
    );
    expect(text + driftMarkdown('m2m-auth-dev', drifted)).not.toMatch(/hunter2|ACTIVE|other/);
  });

  test('says so when there is none', () => {
    expect(describeDrift('m2m-auth-dev', [])).toBe(
      '✓ m2m-auth-dev: no drift, the deployed resources match the configuration\n',
    );
  });

  test('as a Markdown table for the job summary', () => {
    expect(driftMarkdown('m2m-auth-dev', drifted)).toBe(
      [
        '### ✗ m2m-auth-dev: drift',
        '',
        '| Resource | Outside Terraform | An apply would |',
        '| --- | --- | --- |',
        `| \`${POOL}\` | changed (deletion_protection, tags) | update |`,
        `| \`${DOMAIN}\` | deleted | create |`,
        '',
        '',
      ].join('\n'),
    );
  });
});

describe('checkDrift', () => {
  test('refuses a stack that is not synthesized, naming the fix, before running Terraform', async () => {
    const project = fs.mkdtempSync(path.join(os.tmpdir(), 'm2m-auth-drift-test-'));
    try {
      const failure = checkDrift('m2m-auth-dev', {
        projectDir: project,
        terraform: '/nonexistent/terraform',
      });
      await expect(failure).rejects.toBeInstanceOf(InputError);
      await expect(failure).rejects.toThrow(
        /^stack m2m-auth-dev is not synthesized in .*: run npm run synth first/,
      );
    } finally {
      fs.rmSync(project, { recursive: true, force: true });
    }
  });
});
