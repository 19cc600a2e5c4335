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
import { createFakeProject, type FakeProject } from '../helpers/fakes/terraform';
import { runCli } from '../helpers/run-cli';

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
  test('says which resources drifted, one line each, and never a value', () => {
    const drifted = findDrift(PLAN);
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

  test('one resource is one', () => {
    expect(describeDrift('s', [{ address: POOL, outside: undefined, planned: 'update' }])).toBe(
      `✗ s: drift, 1 resource differs from the configuration:\n  ${POOL}: differs from the configuration; an apply would update it\n`,
    );
  });

  test('as a Markdown table for the job summary', () => {
    const drifted = findDrift(PLAN);
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

  test('as Markdown: none, and a resource changed by configuration, with a backtick kept out of its code span', () => {
    expect(driftMarkdown('m2m-auth-dev', [])).toBe('### ✓ m2m-auth-dev: no drift\n\n');
    expect(driftMarkdown('s', [{ address: 'a`b.c', outside: undefined, planned: 'replace' }])).toContain(
      "| `a'b.c` | differs from the configuration | replace |",
    );
  });
});

describe('findDrift, in detail', () => {
  const changes = (...list: [string, string[]][]) => ({
    resource_changes: list.map(([address, actions]) => ({ address, change: { actions } })),
  });

  test('reads and no-ops are no drift; anything else is named as Terraform gives it', () => {
    expect(
      findDrift(
        changes(['data.x.y', ['read']], ['a.b', ['no-op']], ['c.d', ['forget']], ['e.f', ['delete']]),
      ),
    ).toEqual([
      { address: 'c.d', outside: undefined, planned: 'forget' },
      { address: 'e.f', outside: undefined, planned: 'delete' },
    ]);
    expect(findDrift(changes(['a.b', ['delete', 'forget']]))[0].planned).toBe('delete/forget');
    expect(findDrift(changes(['a.b', ['create', 'delete']]))[0].planned).toBe('replace');
  });

  test('in address order, whatever order the plan has', () => {
    const found = findDrift(changes(['c.c', ['update']], ['a.a', ['update']], ['b.b', ['update']]));
    expect(found.map((d) => d.address)).toEqual(['a.a', 'b.b', 'c.c']);
  });

  test('the attributes changed outside Terraform in name order', () => {
    const [drifted] = findDrift({
      resource_drift: [
        {
          address: 'a.a',
          change: { actions: ['update'], before: { tags: 1, name: 1 }, after: { tags: 2, name: 2 } },
        },
      ],
      ...changes(['a.a', ['update']]),
    });
    expect(drifted.outside).toBe('changed (name, tags)');
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

  describe('with a stand-in terraform (the e2e test runs the real one against the emulator)', () => {
    // Answers init, and plan with the exit code in $PLAN_EXIT after recording its arguments; show
    // -json prints $PLAN_JSON. Each run records its TF_INPUT.
    const TERRAFORM = `#!/bin/sh
echo "$* TF_INPUT=$TF_INPUT" >> "$CALLS"
case "$1" in
  init) exit 0 ;;
  plan) echo '╷' >&2; echo '│ Error: No valid credential sources found' >&2; exit "$PLAN_EXIT" ;;
  show) cat "$PLAN_JSON" ;;
esac
`;
    let project: FakeProject;
    let terraform: string;
    let calls: string;
    beforeEach(() => {
      project = createFakeProject();
      project.addStack('m2m-auth-dev');
      terraform = path.join(project.dir, 'terraform-stand-in');
      fs.writeFileSync(terraform, TERRAFORM, { mode: 0o755 });
      calls = path.join(project.dir, 'calls');
      fs.writeFileSync(path.join(project.dir, 'plan.json'), JSON.stringify(PLAN));
    });
    afterEach(() => project.remove());

    const check = (planExit: number, lock?: boolean) =>
      checkDrift('m2m-auth-dev', {
        projectDir: project.dir,
        terraform,
        lock,
        env: {
          PATH: '/usr/bin:/bin',
          CALLS: calls,
          PLAN_EXIT: String(planExit),
          PLAN_JSON: path.join(project.dir, 'plan.json'),
          TF_INPUT: '1',
        },
      });
    const recorded = () => fs.readFileSync(calls, 'utf8').trimEnd().split('\n');

    test('plan exit 0: no drift; init and plan run without input, and without the state lock', async () => {
      expect(await check(0)).toEqual({ stackName: 'm2m-auth-dev', drifted: [] });
      const [init, plan, ...rest] = recorded();
      expect(init).toBe('init -input=false -no-color TF_INPUT=0');
      expect(plan).toMatch(
        /^plan -detailed-exitcode -input=false -no-color -lock=false -out=\S+\/drift\.tfplan TF_INPUT=0$/,
      );
      expect(rest).toEqual([]);
    });

    test('plan exit 2: the saved plan is read back for what drifted, and the scratch folder removed', async () => {
      expect((await check(2, true)).drifted).toEqual(findDrift(PLAN));
      const [, plan, show] = recorded();
      expect(plan).toContain(' -lock=true ');
      const planFile = /-out=(\S+)/.exec(plan)![1];
      expect(show).toBe(`show -json ${planFile} TF_INPUT=0`);
      expect(fs.existsSync(path.dirname(planFile))).toBe(false);
    });

    test('m2m drift exits 5 on drift, with the report on stdout and in the summary file; 0 without', async () => {
      const bin = path.join(project.dir, 'bin');
      fs.mkdirSync(bin);
      fs.copyFileSync(terraform, path.join(bin, 'terraform'));
      fs.chmodSync(path.join(bin, 'terraform'), 0o755);
      const summary = path.join(project.dir, 'summary.md');
      const drift = (planExit: number) =>
        runCli(
          ['drift', '--stack', 'm2m-auth-dev', '--project-dir', project.dir, '--summary-file', summary],
          {
            // Elsewhere than the project: --project-dir must find it.
            cwd: bin,
            path: `${bin}:/usr/bin:/bin`,
            env: {
              CALLS: calls,
              PLAN_EXIT: String(planExit),
              PLAN_JSON: path.join(project.dir, 'plan.json'),
            },
          },
        );

      const drifted = await drift(2);
      expect(drifted.code).toBe(5);
      expect(drifted.stdout).toBe(describeDrift('m2m-auth-dev', findDrift(PLAN)));
      expect(fs.readFileSync(summary, 'utf8')).toBe(driftMarkdown('m2m-auth-dev', findDrift(PLAN)));

      const clean = await drift(0);
      expect(clean.code).toBe(0);
      expect(clean.stdout).toBe(describeDrift('m2m-auth-dev', []));
    });

    test("plan failing: Terraform's first error, in one line", async () => {
      await expect(check(1)).rejects.toThrow(
        'terraform plan failed for m2m-auth-dev: No valid credential sources found',
      );
    });
  });
});
