/**
 * `m2m rotate-secret` as a real process: commander's help and option checks, the refusals that come
 * before AWS is asked (proven without network), a terminal on stdout (under script(1), a real pty),
 * and how AWS's answers become exit codes, with AWS_ENDPOINT_URL pointing at a local stand-in. The
 * rotation itself is tested in rotate-secret.test.ts.
 */
import * as fs from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createFakeProject, type FakeProject, stackOutputValues } from '../helpers/fakes/terraform';
import { PROJECT_ROOT } from '../helpers/project';
import { TERMINAL_ACTIVE } from '../helpers/hostile-text';
import { BOUNDED_READ_EVIDENCE_BYTES, endlessReply, startLocalServer } from '../helpers/fakes/local-server';
import { type CliResult, errorLine, runCli, TEST_TIMEOUT_MS, WITHOUT_NETWORK } from '../helpers/run-cli';

jest.setTimeout(TEST_TIMEOUT_MS);

const STACK_SECRETS = ['stack-secret-a', 'stack-secret-b'];
const ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:m2m-auth/dev/reporting-AbCdEf';

let project: FakeProject;
beforeAll(() => {
  project = createFakeProject({
    'm2m-auth-dev': stackOutputValues({ client_credentials_secret_arns: { reporting: ARN } }),
  });
});
afterAll(() => fs.rmSync(project.dir, { recursive: true, force: true }));

const stackArgs = (command: string, ...more: string[]) => [
  'rotate-secret',
  command,
  '--stack',
  'm2m-auth-dev',
  '--project-dir',
  project.dir,
  ...more,
];

/** Every run: no client secret of the stack in any output, nothing a terminal would act on. */
function checked(result: CliResult): CliResult {
  for (const secret of STACK_SECRETS) expect(result.stdout + result.stderr).not.toContain(secret);
  expect(result.stderr.replace(/\n/g, '')).not.toMatch(TERMINAL_ACTIVE);
  return result;
}

/** Credentials and a region for the SDK, no AWS anywhere: the endpoint is given per test. */
const AWS_ENV = {
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
  AWS_EC2_METADATA_DISABLED: 'true',
};

test.concurrent("help is commander's, for the group and each step", async () => {
  const group = await runCli(['rotate-secret', '--help']);
  expect(group.code).toBe(0);
  expect(group.stdout).toMatch(/^Usage: m2m rotate-secret \[options\] \[command\]/);
  expect(group.stdout).toMatch(/start \[options\] +Add a second secret/);

  const finish = await runCli(['rotate-secret', 'finish', '--help']);
  expect(finish.code).toBe(0);
  expect(finish.stdout).toContain('--grace <duration>');
  expect(finish.stdout).toContain('--yes');

  const top = await runCli(['--help']);
  expect(top.stdout).toMatch(/rotate-secret +Rotate an app client's secret without downtime/);
});

test.concurrent('no step given: help on stderr, exit 2', async () => {
  const result = await runCli(['rotate-secret']);

  expect(result.code).toBe(2);
  // Help keeps its lines: only what a terminal would act on is neutralized.
  expect(result.stderr).toMatch(/^Usage: m2m rotate-secret \[options\] \[command\]\n\n/);
  expect(result.stderr).toMatch(/\nCommands:\n {2}start /);
});

describe('options are checked before anything is read or sent', () => {
  test.concurrent.each([
    [['finish', '--stack', 's', '--grace', '91d'], "option '--grace <duration>' argument '91d' is invalid."],
    [['finish', '--stack', 's', '--grace', '0s'], "option '--grace <duration>' argument '0s' is invalid."],
    [['finish', '--stack', 's', '--grace', '24'], "option '--grace <duration>' argument '24' is invalid."],
    [
      ['finish', '--stack', 's', '--grace', '1.5h'],
      "option '--grace <duration>' argument '1.5h' is invalid.",
    ],
    [['finish', '--stack', 's', '--grace', '24H'], "option '--grace <duration>' argument '24H' is invalid."],
    [['finish', '--stack', 's', '--grace', '-1h'], "option '--grace <duration>' argument '-1h' is invalid."],
    [['start', '--stack', 's', '--wait', '601'], "option '--wait <seconds>' argument '601' is invalid."],
    [['start', '--stack', 's', '--wait', '-1'], "option '--wait <seconds>' argument '-1' is invalid."],
    [['start', '--stack', 's', '--wait', ''], "option '--wait <seconds>' argument '' is invalid."],
    [['start', '--stack', 's', '--wait', ' '], "option '--wait <seconds>' argument ' ' is invalid."],
    [
      ['finish', '--stack', 's', '--grace', '7776001s'],
      "option '--grace <duration>' argument '7776001s' is invalid.",
    ],
    [['status', '--stack', 's', '--timeout', '0'], "option '--timeout <seconds>' argument '0' is invalid."],
  ])('%j exits 2: %s', async (args, message) => {
    // In this process: a value let through would go on to read stack s, which is not synthesized.
    const result = checked(await runCli(['rotate-secret', ...args]));

    expect(result.code).toBe(2);
    expect(errorLine(result)).toMatch(
      new RegExp(`^error: ${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} must be `),
    );
  });

  test.concurrent("the grace period's rule names its range", async () => {
    const result = await runCli(['rotate-secret', 'finish', '--stack', 's', '--grace', '91d']);

    expect(errorLine(result)).toBe(
      "error: option '--grace <duration>' argument '91d' is invalid. must be a whole number of s, m, h or d (e.g. 30m, 24h, 7d), from 1s to 90d",
    );
  });

  test.concurrent.each(['1s', '90d', '24h', '30m'])(
    '--grace %s, within the range, is taken',
    async (grace) => {
      // Accepted, the run goes on to read the stack, which this project does not have.
      const result = checked(
        await runCli(
          [
            'rotate-secret',
            'finish',
            '--stack',
            'm2m-auth-prod',
            '--project-dir',
            project.dir,
            '--grace',
            grace,
          ],
          { path: `${project.binDir}:/usr/bin:/bin` },
        ),
      );

      expect(result.code).toBe(2);
      expect(errorLine(result)).toMatch(/^error: stack m2m-auth-prod is not synthesized in /);
    },
  );

  test.concurrent.each(['start', 'status'])(
    '%s with valid options goes on to read the stack',
    async (step) => {
      const args = ['rotate-secret', step, '--stack', 'm2m-auth-prod', '--project-dir', project.dir];
      const result = checked(await runCli(args, { path: `${project.binDir}:/usr/bin:/bin` }));

      expect(result.code).toBe(2);
      expect(errorLine(result)).toMatch(/^error: stack m2m-auth-prod is not synthesized in /);
    },
  );

  test.concurrent.each([
    [
      ['finish', '--stack', 's', '--grace', '1h', '--yes'],
      "error: option '--grace <duration>' cannot be used with option '--yes'",
    ],
    [['finish', '--grace', '1h'], "error: required option '--stack <name>' not specified"],
    [
      ['finish', '--stack', 's'],
      "error: finish deletes the old secret, locking out every caller still using it: give --grace <duration> (time since start, e.g. 24h) or --yes, the operator's word that callers have moved",
    ],
  ])('%j exits 2', async (args, line) => {
    const result = checked(await runCli(['rotate-secret', ...args]));

    expect(result.code).toBe(2);
    expect(errorLine(result)).toBe(line);
  });
});

test.concurrent(
  'start for a client without a Secrets Manager secret and without --json exits 2 before any AWS call',
  async () => {
    const result = checked(
      await runCli(stackArgs('start', '--client', 'm2m-client'), {
        command: WITHOUT_NETWORK,
        path: `${project.binDir}:/usr/bin:/bin`,
        env: AWS_ENV,
      }),
    );

    expect(result.code).toBe(2);
    expect(errorLine(result)).toBe(
      'error: stack m2m-auth-dev keeps no credentials of client m2m-client in Secrets Manager, so the new secret can only be handed over on stdout: add --json and pipe stdout to where the secret belongs',
    );
  },
);

const hasScript = spawnSync('script', ['--version']).status === 0;
(hasScript ? test : test.skip)(
  'start --json with stdout on a terminal exits 2 before any AWS call (script(1) gives it a pty)',
  () => {
    const command = [
      process.execPath,
      ...WITHOUT_NETWORK,
      ...stackArgs('start', '--client', 'm2m-client', '--json'),
    ]
      .map((word) => `'${word.replace(/'/g, `'\\''`)}'`)
      .join(' ');
    // A home of its own without ~/.aws, as runCli gives one.
    const home = fs.mkdtempSync(`${project.dir}/home-`);
    // script -e exits with the command's code.
    const run = spawnSync('script', ['-qec', command, '/dev/null'], {
      // Where node finds sucrase for WITHOUT_NETWORK's -r, as runCli runs it.
      cwd: PROJECT_ROOT,
      env: { PATH: `${project.binDir}:/usr/bin:/bin`, HOME: home, ...AWS_ENV },
      encoding: 'utf8',
      timeout: TEST_TIMEOUT_MS - 5000,
    });
    const [code, output] = [run.status, run.stdout];

    expect(code).toBe(2);
    expect(output.replace(/\r/g, '')).toMatch(
      /^error: stack m2m-auth-dev keeps no credentials of client m2m-client in Secrets Manager, so the new secret can only be handed over on stdout, and stdout is a terminal, where the secret would stay on screen and in scrollback: pipe stdout to where the secret belongs\n$/,
    );
  },
);

test.concurrent(
  'no AWS credentials anywhere exits 2, saying how to get some, without a network call',
  async () => {
    const result = checked(
      await runCli(stackArgs('status', '--client', 'm2m-client'), {
        command: WITHOUT_NETWORK,
        path: `${project.binDir}:/usr/bin:/bin`,
        env: { AWS_EC2_METADATA_DISABLED: 'true' },
      }),
    );

    expect(result.code).toBe(2);
    expect(errorLine(result)).toMatch(
      /^error: Cognito ListUserPoolClientSecrets for client m2m-client \(client-a\) needs AWS credentials, and none were found \(.*\): run aws configure or aws sso login, or export AWS_PROFILE \(m2m doctor checks them\)$/,
    );
  },
);

describe('AWS answers, through AWS_ENDPOINT_URL', () => {
  test.concurrent(
    'a refusal exits 3 naming the call; what the server said reaches stderr sanitized',
    async () => {
      const server = await startLocalServer((request, response) => {
        request.resume();
        response
          .writeHead(400, {
            'content-type': 'application/x-amz-json-1.1',
            'x-amzn-errortype': 'AccessDeniedException',
          })
          .end(
            JSON.stringify({ __type: 'AccessDeniedException', message: 'not allowed\u001b[2J\u202e here' }),
          );
      });
      try {
        const result = checked(
          await runCli(stackArgs('status', '--client', 'm2m-client'), {
            path: `${project.binDir}:/usr/bin:/bin`,
            env: { ...AWS_ENV, AWS_ENDPOINT_URL: server.url },
          }),
        );

        expect(result.code).toBe(3);
        expect(errorLine(result)).toBe(
          'error: AWS refused Cognito ListUserPoolClientSecrets for client m2m-client (client-a) (AccessDeniedException: not allowed\uFFFD here): use credentials allowed to do it (m2m doctor shows whose they are)',
        );
      } finally {
        await server.close();
      }
    },
  );

  test.concurrent('an endless reply exits 4, having read 1 MiB and closed the connection', async () => {
    const { handler, sent } = endlessReply({ headers: { 'content-type': 'application/x-amz-json-1.1' } });
    const server = await startLocalServer(handler);
    try {
      const result = checked(
        await runCli(stackArgs('status', '--client', 'm2m-client', '--timeout', '600'), {
          path: `${project.binDir}:/usr/bin:/bin`,
          env: { ...AWS_ENV, AWS_ENDPOINT_URL: server.url },
        }),
      );

      expect(result.code).toBe(4);
      expect(errorLine(result)).toMatch(
        /^error: Cognito ListUserPoolClientSecrets for client m2m-client \(client-a\) replied with more than 1 MiB \(1048576 bytes\), and reading stopped there/,
      );
      expect(await sent).toBeLessThan(BOUNDED_READ_EVIDENCE_BYTES);
    } finally {
      await server.close();
    }
  });

  test.concurrent('no reply within --timeout exits 4', async () => {
    const server = await startLocalServer((request) => request.resume());
    try {
      const result = checked(
        await runCli(stackArgs('status', '--client', 'm2m-client', '--timeout', '0.5'), {
          path: `${project.binDir}:/usr/bin:/bin`,
          env: { ...AWS_ENV, AWS_ENDPOINT_URL: server.url },
        }),
      );

      expect(result.code).toBe(4);
      expect(errorLine(result)).toMatch(
        /got no reply within 0.5 s: check your network or proxy, or allow more time with --timeout$/,
      );
    } finally {
      await server.close();
    }
  });
});
