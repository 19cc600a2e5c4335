/**
 * `m2m token` as a real process against the fake token endpoint: one run per behaviour of the CLI
 * (output, options, stack, exit codes). The library tests cover the wording of every error.
 */
import * as fs from 'node:fs';
import { createSigningKey, FakeCognito, READ, WRITE } from '../helpers/fakes/cognito';
import { createFakeProject, type FakeProject, stackOutputValues } from '../helpers/fakes/terraform';
import { ALL_HOSTILE, TERMINAL_ACTIVE } from '../helpers/hostile-text';
import { BOUNDED_READ_EVIDENCE_BYTES, endlessReply, startLocalServer } from '../helpers/fakes/local-server';
import {
  type CliResult,
  errorLine,
  NETWORK_USED_EXIT_CODE,
  runCli,
  TEST_TIMEOUT_MS,
  WITHOUT_NETWORK,
} from '../helpers/run-cli';

jest.setTimeout(TEST_TIMEOUT_MS);

const SECRET = 'env-secret-0123456789';
const STACK_SECRETS = ['stack-secret-a', 'stack-secret-b'];
const REPORTING_SECRET_ARN =
  'arn:aws:secretsmanager:us-east-1:123456789012:secret:m2m-auth/dev/reporting-AbCdEf';

interface Setup {
  fake: FakeCognito;
  project: FakeProject;
  /** Environment for `m2m token` without --stack. */
  env: (endpoint?: string) => Record<string, string>;
  /** PATH with the fake terraform first. */
  stackPath: string;
}

// Started once, lazily: concurrent tests may start before a beforeAll would have finished.
let started: Promise<Setup> | undefined;
const setup = () =>
  (started ??= (async () => {
    const fake = await FakeCognito.start({
      key: createSigningKey(),
      clients: {
        'client-a': { secret: 'stack-secret-a', scopes: [READ, WRITE] },
        'client-b': { secret: 'stack-secret-b', scopes: [READ] },
        'env-client': { secret: SECRET, scopes: [READ, WRITE] },
      },
    });
    const { client_secret: _deleted, ...rotated } = stackOutputValues({
      token_endpoint: fake.tokenEndpoint(),
      client_secrets: { 'm2m-client': null, reporting: null },
      client_credentials_secret_arns: { reporting: REPORTING_SECRET_ARN },
    });
    const project = createFakeProject({
      'm2m-auth-dev': stackOutputValues({ token_endpoint: fake.tokenEndpoint() }),
      // After m2m rotate-secret finish and a refresh: Cognito reports no secret for the clients.
      'm2m-auth-rotated': rotated,
      // After m2m rotate-secret finish, before a refresh: the state still holds the deleted secret.
      'm2m-auth-stale': stackOutputValues({
        token_endpoint: fake.tokenEndpoint(),
        client_secret: 'deleted-first-secret',
      }),
    });
    return {
      fake,
      project,
      env: (endpoint = fake.tokenEndpoint()) => ({
        M2M_TOKEN_ENDPOINT: endpoint,
        M2M_CLIENT_ID: 'env-client',
        M2M_CLIENT_SECRET: SECRET,
      }),
      stackPath: `${project.binDir}:/usr/bin:/bin`,
    };
  })());

afterAll(async () => {
  if (!started) return;
  const { fake, project } = await started;
  await fake.close();
  fs.rmSync(project.dir, { recursive: true, force: true });
});

/** Every run: no client secret in any output. */
function checked(result: CliResult): CliResult {
  for (const secret of [SECRET, ...STACK_SECRETS]) {
    expect(result.stdout + result.stderr).not.toContain(secret);
  }
  return result;
}

const claimsOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString());

test.concurrent('prints the token alone, with inputs from the environment and repeated --scope', async () => {
  const { env, fake } = await setup();
  const result = checked(await runCli(['token', '--scope', READ, '--scope', WRITE], { env: env() }));

  expect(result.code).toBe(0);
  expect(result.stderr).toBe('');
  expect(result.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
  expect(claimsOf(result.stdout)).toMatchObject({ client_id: 'env-client', scope: `${READ} ${WRITE}` });
  expect(fake.tokenRequests.some((r) => r.form.get('scope') === `${READ} ${WRITE}`)).toBe(true);
});

test.concurrent('--json prints the whole token response; M2M_SCOPE sets the scope', async () => {
  const { env } = await setup();
  const result = checked(await runCli(['token', '--json'], { env: { ...env(), M2M_SCOPE: READ } }));

  expect(result.code).toBe(0);
  const response = JSON.parse(result.stdout);
  expect(Object.keys(response).sort()).toEqual(['access_token', 'expires_in', 'token_type']);
  expect(response).toMatchObject({ expires_in: 3600, token_type: 'Bearer' });
  expect(claimsOf(response.access_token).scope).toBe(READ);
});

test.concurrent(
  '--stack --client, run in the project root, takes the client from the outputs ahead of M2M_* variables and asks for no scope',
  async () => {
    const { env, project, stackPath } = await setup();
    const result = checked(
      await runCli(['token', '--stack', 'm2m-auth-dev', '--client', 'reporting'], {
        env: { ...env('https://ignored.example.com/oauth2/token'), M2M_CLIENT_SECRET: 'ignored' },
        path: stackPath,
        cwd: project.dir,
      }),
    );

    expect(result.code).toBe(0);
    // No scope asked for: Cognito grants every scope the client is allowed, and client-b has read only.
    expect(claimsOf(result.stdout)).toMatchObject({ client_id: 'client-b', scope: READ });
  },
);

test.concurrent(
  'an option overrides the stack; a secret the server echoes is masked; refused exits 3',
  async () => {
    const { fake, project, stackPath } = await setup();
    const args = ['--project-dir', project.dir, '--token-endpoint', fake.tokenEndpoint('echo-secret')];
    const result = checked(await runCli(['token', '--stack', 'm2m-auth-dev', ...args], { path: stackPath }));

    expect(result.code).toBe(3);
    expect(errorLine(result)).toMatch(
      /rejected the credentials of client client-a \(invalid_client: bad secret \*\*\* in Basic \*\*\*\)/,
    );
  },
);

test.concurrent('invalid_client with --stack says the outputs may hold a rotated-out secret', async () => {
  const { project, stackPath } = await setup();
  const args = ['--project-dir', project.dir];
  const result = checked(await runCli(['token', '--stack', 'm2m-auth-stale', ...args], { path: stackPath }));

  expect(result.code).toBe(3);
  expect(result.stderr).not.toContain('deleted-first-secret');
  expect(errorLine(result)).toMatch(
    /^error: token endpoint rejected the credentials of client client-a \(invalid_client\).*\(if the secret was rotated, the stack's outputs may hold the deleted one: see m2m rotate-secret status\)$/,
  );
});

test.concurrent.each([
  [
    'reporting',
    `pipe in the current one with --client-secret-stdin, e.g. from aws secretsmanager get-secret-value --secret-id ${REPORTING_SECRET_ARN}`,
  ],
  ['m2m-client', 'pipe in the secret m2m rotate-secret start handed over with --client-secret-stdin'],
])(
  'a stack that no longer reports the secret of client %s exits 2, saying where the secret is',
  async (client, fix) => {
    const { project, stackPath } = await setup();
    const args = ['--project-dir', project.dir, '--client', client];
    const result = checked(
      await runCli(['token', '--stack', 'm2m-auth-rotated', ...args], {
        path: stackPath,
        command: WITHOUT_NETWORK,
      }),
    );

    expect(result.code).toBe(2);
    expect(errorLine(result)).toBe(
      `error: stack m2m-auth-rotated no longer reports a secret for client ${client}, as m2m rotate-secret finish deleted the one it was created with: ${fix}`,
    );
  },
);

test.concurrent('a stack without the secret still serves with --client-secret-stdin', async () => {
  const { project, stackPath } = await setup();
  const args = ['--project-dir', project.dir, '--client', 'reporting', '--client-secret-stdin'];
  const result = checked(
    await runCli(['token', '--stack', 'm2m-auth-rotated', ...args], {
      path: stackPath,
      stdin: 'stack-secret-b\n',
    }),
  );

  expect(result.code).toBe(0);
  expect(claimsOf(result.stdout)).toMatchObject({ client_id: 'client-b' });
});

test.concurrent('invalid_scope with --stack names the scopes the client is allowed', async () => {
  const { project, stackPath } = await setup();
  const args = ['--project-dir', project.dir, '--client', 'reporting', '--scope', WRITE];
  const result = checked(await runCli(['token', '--stack', 'm2m-auth-dev', ...args], { path: stackPath }));

  expect(result.code).toBe(3);
  expect(errorLine(result)).toMatch(
    new RegExp(`refused scope "${WRITE}" .*\\(invalid_scope\\).*\\(client reporting is allowed: ${READ}\\)$`),
  );
});

test.concurrent.each([
  ['HTTP 5xx', 'server-error', [], /failed with HTTP 503: .*retry later/],
  ['a time-out', 'hang', ['--timeout', '0.3'], /no reply from token endpoint .* within 0.3 s/],
] as const)('%s exits 4 with one line', async (_name, scenario, args, message) => {
  const { env, fake } = await setup();
  // The time-out as a real process: it exits though the hanging request still holds a socket.
  const realProcess = scenario === 'hang';
  const result = checked(
    await runCli(['token', ...args], { env: env(fake.tokenEndpoint(scenario)), realProcess }),
  );

  expect(result.code).toBe(4);
  expect(errorLine(result)).toMatch(message);
});

test.concurrent.each([
  [
    { M2M_CLIENT_SECRET: SECRET },
    'error: missing --token-endpoint, --client-id: pass them, set M2M_TOKEN_ENDPOINT, M2M_CLIENT_ID, or read all from a deployed stack with --stack <name>',
  ],
  [
    { M2M_CLIENT_SECRET: SECRET, M2M_TOKEN_ENDPOINT: 'https://127.0.0.1:9/oauth2/token' },
    'error: missing --client-id: pass it, set M2M_CLIENT_ID, or read all from a deployed stack with --stack <name>',
  ],
])('missing inputs exit 2, naming the options, the variables and --stack (%j)', async (env, message) => {
  const result = checked(await runCli(['token'], { env }));

  expect(result.code).toBe(2);
  expect(errorLine(result)).toBe(message);
});

test.concurrent('--client without --stack exits 2: there is no stack to pick it from', async () => {
  const { env } = await setup();
  const result = checked(await runCli(['token', '--client', 'reporting'], { env: env() }));

  expect(result.code).toBe(2);
  expect(errorLine(result)).toBe("error: --client picks a client from a stack's outputs: add --stack <name>");
});

test.concurrent(
  'invalid_scope without --stack: refused, with no list of allowed scopes to offer',
  async () => {
    const { env } = await setup();
    const result = checked(await runCli(['token', '--scope', 'm2m-client/unknown'], { env: env() }));

    expect(result.code).toBe(3);
    expect(errorLine(result)).toBe(
      'error: token endpoint refused scope "m2m-client/unknown" for client env-client (invalid_scope): ask only for scopes the app client is allowed, as <resource server>/<scope>',
    );
  },
);

test.concurrent('terraform missing from PATH exits 2 and says to install it', async () => {
  const { project } = await setup();
  const args = ['--stack', 'm2m-auth-dev', '--project-dir', project.dir];
  const result = checked(await runCli(['token', ...args], { path: project.dir }));

  expect(result.code).toBe(2);
  expect(errorLine(result)).toMatch(/terraform not found on PATH.*install Terraform/);
});

test.concurrent.each([
  'http://127.evil.test/oauth2/token',
  'http://127.0.0.1.evil.test/oauth2/token',
  'http://localhost.evil.test/oauth2/token',
  'http://0.0.0.0/oauth2/token',
])('plain http to %s exits 2 before any DNS lookup or connection', async (endpoint) => {
  const { env } = await setup();
  const result = checked(
    await runCli(['token', '--token-endpoint', endpoint], { env: env(), command: WITHOUT_NETWORK }),
  );

  expect(result.code).toBe(2);
  expect(errorLine(result)).toMatch(
    /^error: token endpoint \S+ does not use https and \S+ is not this machine \(127\.0\.0\.0\/8, ::1 or localhost\), so the client secret would travel in clear text: expected https:/,
  );
});

test.concurrent('the no-network guard stops a run that does use the network', async () => {
  const { env } = await setup();
  const result = checked(await runCli(['token'], { env: env(), command: WITHOUT_NETWORK }));

  expect(result.code).toBe(NETWORK_USED_EXIT_CODE);
  expect(result.stderr).toMatch(/^network used: connect /);
});

describe('text from the server cannot drive the terminal', () => {
  const hostileServer = (status: number, reply: object) =>
    startLocalServer((request, response) => {
      request.resume();
      response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(reply));
    });

  test.concurrent(
    '--json: every field escaped, and the JSON still parses to what the server sent',
    async () => {
      const reply = {
        access_token: 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln',
        expires_in: 3600,
        token_type: 'Bearer',
        [`note${ALL_HOSTILE}`]: ALL_HOSTILE,
        nested: [ALL_HOSTILE, { deeper: ALL_HOSTILE }],
      };
      const server = await hostileServer(200, reply);
      try {
        const env = {
          M2M_TOKEN_ENDPOINT: `${server.url}/oauth2/token`,
          M2M_CLIENT_ID: 'c',
          M2M_CLIENT_SECRET: SECRET,
        };
        const result = checked(await runCli(['token', '--json'], { env }));

        expect(result.code).toBe(0);
        expect(result.stdout.replace(/\n/g, '')).not.toMatch(TERMINAL_ACTIVE);
        expect(JSON.parse(result.stdout)).toEqual(reply);
      } finally {
        await server.close();
      }
    },
  );

  test.concurrent('an error_description with escape sequences: one clean line on stderr', async () => {
    const server = await hostileServer(400, {
      error: `invalid_client${ALL_HOSTILE}`,
      error_description: `${ALL_HOSTILE}${'x'.repeat(50_000)}`,
    });
    try {
      const env = {
        M2M_TOKEN_ENDPOINT: `${server.url}/oauth2/token`,
        M2M_CLIENT_ID: 'c',
        M2M_CLIENT_SECRET: SECRET,
      };
      const result = checked(await runCli(['token'], { env }));

      expect(result.code).toBe(3);
      const line = errorLine(result);
      expect(line).not.toMatch(TERMINAL_ACTIVE);
      expect(line.length).toBeLessThan(1000);
      expect(line).toMatch(
        /^error: token endpoint refused the request \(invalid_client.*: check the client's settings/,
      );
    } finally {
      await server.close();
    }
  });
});

describe('--timeout is range-checked before anything is sent', () => {
  test.concurrent.each([
    ['token', '4294967'],
    ['token', '0'],
    ['token', 'abc'],
    ['verify', '601'],
    ['verify', '0.0004'],
    ['doctor', '-1'],
    ['doctor', 'Infinity'],
    ['token', ''],
    ['token', ' '],
    ['token', '600.001'],
  ])('%s --timeout %s exits 2 naming the option, the value and the rule', async (command, value) => {
    const { env } = await setup();
    // doctor in a process that cannot reach the network; token and verify here, where a value let
    // through would go to the local fake only.
    const where = command === 'doctor' ? { command: WITHOUT_NETWORK } : {};
    const result = checked(await runCli([command, '--timeout', value], { env: env(), ...where }));

    expect(result.code).toBe(2);
    expect(errorLine(result)).toBe(
      `error: option '--timeout <seconds>' argument '${value}' is invalid. must be a number of seconds from 0.001 to 600`,
    );
  });

  test.concurrent.each([
    ['600', 0, /^[\w-]+\.[\w-]+\.[\w-]+\n$/],
    ['0.001', 4, /^$/],
  ] as const)('the bounds are allowed: --timeout %s', async (value, code, stdout) => {
    const { env, fake } = await setup();
    const endpoint = code === 0 ? fake.tokenEndpoint() : fake.tokenEndpoint('hang');
    const result = checked(await runCli(['token', '--timeout', value], { env: env(endpoint) }));

    expect(result.code).toBe(code);
    expect(result.stdout).toMatch(stdout);
    if (code === 4) expect(errorLine(result)).toMatch(/within 0.001 s/);
  });
});

test.concurrent('an endless token reply exits 4, having read 1 MiB and closed the connection', async () => {
  const { handler, sent } = endlessReply();
  const server = await startLocalServer(handler);
  try {
    const env = {
      M2M_TOKEN_ENDPOINT: `${server.url}/oauth2/token`,
      M2M_CLIENT_ID: 'c',
      M2M_CLIENT_SECRET: SECRET,
    };
    const result = checked(await runCli(['token', '--timeout', '600'], { env }));

    expect(result.code).toBe(4);
    expect(errorLine(result)).toMatch(
      /replied with more than 1 MiB \(1048576 bytes\), and reading stopped there/,
    );
    expect(await sent).toBeLessThan(BOUNDED_READ_EVIDENCE_BYTES);
  } finally {
    await server.close();
  }
});

test.concurrent('--json masks the credentials a server echoes in its reply, in every encoding', async () => {
  const server = await startLocalServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      const authorization = request.headers.authorization ?? '';
      const credentials = authorization.replace(/^Basic /, '');
      response.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          access_token: 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln',
          expires_in: 3600,
          token_type: 'Bearer',
          echo_header: authorization,
          echo_body: `${body}&client_secret=${encodeURIComponent(SECRET)}`,
          echo_decoded: Buffer.from(credentials, 'base64').toString(),
          echo_secret_base64: Buffer.from(SECRET).toString('base64'),
          echo_url: `https://evil.test/?s=${encodeURIComponent(SECRET)}`,
        }),
      );
    });
  });
  try {
    const env = {
      M2M_TOKEN_ENDPOINT: `${server.url}/oauth2/token`,
      M2M_CLIENT_ID: 'env-client',
      M2M_CLIENT_SECRET: SECRET,
    };
    const result = checked(await runCli(['token', '--json'], { env }));

    expect(result.code).toBe(0);
    const reply = JSON.parse(result.stdout);
    expect(reply).toMatchObject({
      echo_header: 'Basic ***',
      echo_decoded: 'env-client:***',
      echo_secret_base64: '***',
      echo_url: 'https://evil.test/?s=***',
    });
    expect(reply.echo_body).toMatch(/^grant_type=client_credentials&client_secret=\*\*\*$/);
    const basic = Buffer.from(`env-client:${SECRET}`).toString('base64');
    expect(result.stdout).not.toContain(basic.slice(8, 24));
  } finally {
    await server.close();
  }
});

describe('--client-secret-stdin', () => {
  const STDIN_SECRET = 'stdin-secret-0123456789';
  // Started once, lazily, as a promise: concurrent tests would otherwise each start one.
  let stdinFake: Promise<FakeCognito> | undefined;
  const fakeForStdin = () =>
    (stdinFake ??= FakeCognito.start({
      key: createSigningKey(),
      clients: { 'stdin-client': { secret: STDIN_SECRET, scopes: [READ] } },
    }));
  afterAll(async () => (await stdinFake)?.close());
  const env = (fake: FakeCognito) => ({
    M2M_TOKEN_ENDPOINT: fake.tokenEndpoint(),
    M2M_CLIENT_ID: 'stdin-client',
  });

  test.concurrent.each([
    ['a line', `${STDIN_SECRET}\n`],
    ['a CRLF line', `${STDIN_SECRET}\r\n`],
    ['no line break', STDIN_SECRET],
  ])('reads the secret from %s, ahead of M2M_CLIENT_SECRET', async (_what, stdin) => {
    const fake = await fakeForStdin();
    const result = await runCli(['token', '--client-secret-stdin'], {
      env: { ...env(fake), M2M_CLIENT_SECRET: 'from-the-environment' },
      stdin,
    });

    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(claimsOf(result.stdout)).toMatchObject({ client_id: 'stdin-client' });
  });

  test.concurrent('masks the secret from stdin in what the server echoes', async () => {
    const fake = await fakeForStdin();
    const result = await runCli(
      ['token', '--client-secret-stdin', '--token-endpoint', fake.tokenEndpoint('echo-secret')],
      {
        env: env(fake),
        stdin: `${STDIN_SECRET}\n`,
      },
    );

    expect(result.code).toBe(3);
    expect(errorLine(result)).toMatch(/bad secret \*\*\* in Basic \*\*\*/);
    expect(result.stderr).not.toContain(STDIN_SECRET);
  });

  test.concurrent.each([
    [
      ['--client-secret', 'x'],
      'a\n',
      '--client-secret and --client-secret-stdin both give the secret: use --client-secret-stdin alone',
    ],
    [[], '', '--client-secret-stdin read an empty client secret: pipe the secret in'],
    [[], '\n', '--client-secret-stdin read an empty client secret: pipe the secret in'],
    [[], 'one\ntwo\n', '--client-secret-stdin read more than one line: pipe in the client secret alone'],
    [
      [],
      { file: '/dev/zero' },
      'client secret on stdin is larger than 1 MiB (1048576 bytes): pipe in the client secret alone',
    ],
  ] as const)('refuses %j with stdin %j before sending anything', async (args, stdin, message) => {
    // A server of its own, which must receive nothing.
    const fake = await FakeCognito.start({
      key: createSigningKey(),
      clients: { 'stdin-client': { secret: STDIN_SECRET, scopes: [READ] } },
    });
    try {
      const result = await runCli(['token', '--client-secret-stdin', ...args], { env: env(fake), stdin });

      expect(result.code).toBe(2);
      expect(errorLine(result)).toBe(`error: ${message}`);
      expect(fake.tokenRequests).toEqual([]);
    } finally {
      await fake.close();
    }
  });

  test.concurrent('refuses a terminal as stdin, which would wait for typing', async () => {
    const fake = await fakeForStdin();
    const result = await runCli(['token', '--client-secret-stdin'], {
      env: env(fake),
      stdinIsTerminal: true,
    });

    expect(result.code).toBe(2);
    expect(errorLine(result)).toBe(
      'error: the client secret is to come from stdin, which is a terminal: pipe it in',
    );
  });

  test.concurrent('reads the real stdin of the process', async () => {
    const fake = await fakeForStdin();
    const result = await runCli(['token', '--client-secret-stdin'], {
      env: env(fake),
      stdin: `${STDIN_SECRET}\n`,
      realProcess: true,
    });

    expect(result.stderr).toBe('');
    expect(claimsOf(result.stdout)).toMatchObject({ client_id: 'stdin-client' });
  });

  test.concurrent('--help says an argument is visible in the process list, and offers stdin', async () => {
    const result = await runCli(['token', '--help']);

    expect(result.code).toBe(0);
    const help = result.stdout.replace(/\s+/g, ' ');
    expect(help).toContain(
      'visible to every user of the machine in the process list (ps), so prefer --client-secret-stdin',
    );
    expect(help).toContain('--client-secret-stdin read the app client secret from stdin');
  });
});
