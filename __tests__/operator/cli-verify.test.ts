/**
 * `m2m verify`, with tokens minted for a fake pool and its JWKS saved to a file.
 * The library tests cover each rejection; here: input paths, output, exit codes.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  createSigningKey,
  ISSUER,
  jwksOf,
  mintAccessToken,
  POOL_ID,
  type SigningKey,
  READ,
  WRITE,
} from '../helpers/fakes/cognito';
import { createFakeProject, type FakeProject, stackOutputValues } from '../helpers/fakes/terraform';
import { ALL_HOSTILE, TERMINAL_ACTIVE } from '../helpers/hostile-text';
import { closedPort, type LocalServer, startLocalServer } from '../helpers/fakes/local-server';
import { errorLine, runCli, TEST_TIMEOUT_MS, WITHOUT_NETWORK } from '../helpers/run-cli';

jest.setTimeout(TEST_TIMEOUT_MS);

interface Setup {
  key: SigningKey;
  project: FakeProject;
  jwksFile: string;
}

// Built once, lazily: concurrent tests may start before a beforeAll would have finished.
let built: Setup | undefined;
function setup(): Setup {
  if (!built) {
    const key = createSigningKey();
    const project = createFakeProject({ 'm2m-auth-dev': stackOutputValues() });
    const jwksFile = path.join(project.dir, 'jwks.json');
    fs.writeFileSync(jwksFile, JSON.stringify(jwksOf(key)));
    built = { key, project, jwksFile };
  }
  return built;
}

/** A server that answers every request 404, as a wrong jwks_uri would. */
let notFound: LocalServer | undefined;
async function jwksServer(): Promise<LocalServer> {
  notFound ??= await startLocalServer((_request, response) => response.writeHead(404).end('not found'));
  return notFound;
}

afterAll(async () => {
  built?.project.remove();
  await notFound?.close();
});

test.concurrent(
  'reads the token from stdin, the pool and clients from --stack, and prints the claims',
  async () => {
    const { key, project, jwksFile } = setup();
    const token = mintAccessToken(key, 'client-b', [READ]);
    const args = [
      '-',
      '--stack',
      'm2m-auth-dev',
      '--project-dir',
      project.dir,
      '--jwks-file',
      jwksFile,
      '--scope',
      READ,
    ];
    const result = await runCli(['verify', ...args], {
      stdin: `${token}\n`,
      path: `${project.binDir}:/usr/bin:/bin`,
    });

    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ iss: ISSUER, client_id: 'client-b', scope: READ });
  },
);

test.concurrent.each([
  ['the named client', 'reporting', 'client-b', 0],
  ["the stack's other client", 'm2m-client', 'client-b', 3],
  ['a client the stack does not have', 'reporting', 'client-z', 3],
] as const)(
  '--stack --client accepts only that client: a token of %s exits as expected',
  async (_name, client, tokenClient, code) => {
    const { key, project, jwksFile } = setup();
    const token = mintAccessToken(key, tokenClient, [READ]);
    const args = ['--stack', 'm2m-auth-dev', '--client', client, '--project-dir', project.dir];
    const result = await runCli(['verify', token, ...args, '--jwks-file', jwksFile], {
      path: `${project.binDir}:/usr/bin:/bin`,
    });

    expect(result.code).toBe(code);
    if (code === 0) {
      expect(JSON.parse(result.stdout)).toMatchObject({ client_id: tokenClient });
    } else {
      // The stack's outputs: m2m-client is client-a, reporting client-b.
      const accepted = { 'm2m-client': 'client-a', reporting: 'client-b' }[client];
      expect(errorLine(result)).toContain(
        `belongs to client ${tokenClient}, which is not accepted (accepted: ${accepted})`,
      );
    }
  },
);

test.concurrent(
  'run in a project whose cdktf.json names another output folder, --stack finds the stack there',
  async () => {
    const { key, jwksFile } = setup();
    const project = createFakeProject({ 'm2m-auth-dev': stackOutputValues() }, { output: 'out/synth' });
    try {
      const verify = (stack: string) =>
        runCli(
          ['verify', mintAccessToken(key, 'client-a', [READ]), '--stack', stack, '--jwks-file', jwksFile],
          {
            cwd: project.dir,
            path: `${project.binDir}:/usr/bin:/bin`,
          },
        );
      const result = await verify('m2m-auth-dev');
      expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
      expect(JSON.parse(result.stdout)).toMatchObject({ iss: ISSUER, client_id: 'client-a' });

      const missing = await verify('m2m-auth-prod');
      expect(missing.code).toBe(2);
      expect(errorLine(missing)).toBe(
        'error: stack m2m-auth-prod is not synthesized in out/synth (found: m2m-auth-dev): check the stack name, or run npx cdktf deploy m2m-auth-prod',
      );
    } finally {
      project.remove();
    }
  },
);

test.concurrent(
  'takes the token first and the options after it, the pool from M2M_USER_POOL_ID',
  async () => {
    const { key, jwksFile } = setup();
    const token = mintAccessToken(key, 'client-a', [READ]);
    const result = await runCli(['verify', token, '--client-id', 'client-a', '--jwks-file', jwksFile], {
      env: { M2M_USER_POOL_ID: POOL_ID },
    });

    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ client_id: 'client-a', token_use: 'access' });
  },
);

test.concurrent.each([
  [
    'an expired token',
    { exp: 1_700_000_000 },
    [],
    /^error: access token expired at 2023-11-14T22:13:20.000Z/,
  ],
  ['a token without exp', { exp: undefined }, [], /^error: access token has no exp claim/],
  ['a missing scope', {}, ['--scope', WRITE], new RegExp(`^error: access token lacks scope ${WRITE}`)],
] as const)('%s exits 3 with one line', async (_name, claims, args, message) => {
  const { key, jwksFile } = setup();
  const token = mintAccessToken(key, 'client-a', [READ], claims);
  const options = ['--user-pool-id', POOL_ID, '--client-id', 'client-a', '--jwks-file', jwksFile, ...args];
  const result = await runCli(['verify', token, ...options]);

  expect(result.code).toBe(3);
  expect(errorLine(result)).toMatch(message);
});

test.concurrent('--client without --stack exits 2: there is no stack to pick it from', async () => {
  const { key, jwksFile } = setup();
  const token = mintAccessToken(key, 'client-a', [READ]);
  const options = ['--user-pool-id', POOL_ID, '--client', 'reporting', '--jwks-file', jwksFile];
  const result = await runCli(['verify', token, ...options]);

  expect(result.code).toBe(2);
  expect(errorLine(result)).toBe("error: --client picks a client from a stack's outputs: add --stack <name>");
});

test.concurrent.each([',', ' , ', ',,'])(
  '--client-id %p names no client: exit 2, as if it were missing',
  async (ids) => {
    const { key, jwksFile } = setup();
    const token = mintAccessToken(key, 'client-a', [READ]);
    const options = ['--user-pool-id', POOL_ID, '--client-id', ids, '--jwks-file', jwksFile];
    const result = await runCli(['verify', token, ...options]);

    expect(result.code).toBe(2);
    expect(errorLine(result)).toMatch(
      /^error: missing --client-id \(the clients whose tokens are accepted\)/,
    );
  },
);

test.concurrent.each([
  ['refused', async () => `http://127.0.0.1:${await closedPort()}/.well-known/jwks.json`],
  ['not found', async () => `${(await jwksServer()).url}/missing/jwks.json`],
])('signing keys out of reach (%s) exit 4, unavailable rather than rejected', async (_what, jwksUri) => {
  const { key } = setup();
  const token = mintAccessToken(key, 'client-a', [READ]);
  const options = ['--user-pool-id', POOL_ID, '--client-id', 'client-a', '--jwks-uri', await jwksUri()];
  const result = await runCli(['verify', token, ...options]);

  expect(result.code).toBe(4);
  expect(errorLine(result)).toMatch(/^error: .*signing keys/i);
});

test.concurrent('--jwks-uri with plain http to a host name exits 2 before any network use', async () => {
  const { key } = setup();
  const token = mintAccessToken(key, 'client-a', [READ]);
  const options = ['--user-pool-id', POOL_ID, '--client-id', 'client-a'];
  const jwksUri = 'http://127.evil.test/.well-known/jwks.json';
  const result = await runCli(['verify', token, ...options, '--jwks-uri', jwksUri], {
    command: WITHOUT_NETWORK,
  });

  expect(result.code).toBe(2);
  expect(errorLine(result)).toBe(
    `error: JWKS URL ${jwksUri} does not use https and 127.evil.test is not this machine (127.0.0.0/8, ::1 or localhost), so whoever sits in between could swap the signing keys and forge tokens: expected https://cognito-idp.<region>.amazonaws.com/<user pool id>/.well-known/jwks.json`,
  );
});

describe('text from a token cannot drive the terminal', () => {
  test.concurrent('claims with escape sequences are printed escaped, and parse back unchanged', async () => {
    const { key, jwksFile } = setup();
    const hostile = { sub: ALL_HOSTILE, [`custom${ALL_HOSTILE}`]: [ALL_HOSTILE, { deeper: ALL_HOSTILE }] };
    const token = mintAccessToken(key, 'client-a', [READ], hostile);
    const options = ['--user-pool-id', POOL_ID, '--client-id', 'client-a', '--jwks-file', jwksFile];
    const result = await runCli(['verify', token, ...options]);

    expect(result.code).toBe(0);
    expect(result.stdout.replace(/\n/g, '')).not.toMatch(TERMINAL_ACTIVE);
    expect(JSON.parse(result.stdout)).toMatchObject(hostile);
  });

  test.concurrent.each([
    [
      'iss',
      { iss: `${ALL_HOSTILE}${'x'.repeat(20_000)}` },
      /^error: access token was issued by .{1,120}, not by user pool/,
    ],
    [
      'client_id',
      { client_id: `${ALL_HOSTILE}${'x'.repeat(20_000)}` },
      /^error: access token belongs to client .{1,120}, which is not accepted/,
    ],
  ] as const)(
    'a rejected token quotes its %s bounded, in one clean line',
    async (_claim, claims, message) => {
      const { key, jwksFile } = setup();
      const token = mintAccessToken(key, 'client-a', [READ], claims);
      const options = ['--user-pool-id', POOL_ID, '--client-id', 'client-a', '--jwks-file', jwksFile];
      const result = await runCli(['verify', token, ...options]);

      expect(result.code).toBe(3);
      const line = errorLine(result);
      expect(line).not.toMatch(TERMINAL_ACTIVE);
      expect(line).toMatch(message);
    },
  );
});

describe('reads from files and stdin are bounded', () => {
  test.concurrent(
    '--jwks-file /dev/zero exits 2 naming the limit, having read 1 MiB and no more',
    async () => {
      const token = mintAccessToken(setup().key, 'client-a', [READ]);
      const options = ['--user-pool-id', POOL_ID, '--client-id', 'client-a', '--jwks-file', '/dev/zero'];
      const result = await runCli(['verify', token, ...options]);

      expect(result.code).toBe(2);
      expect(errorLine(result)).toBe(
        "error: JWKS file /dev/zero is larger than 1 MiB (1048576 bytes): give the pool's jwks.json (a few kB), saved from its jwks_uri",
      );
    },
  );

  test.concurrent.each([
    [
      'missing',
      (dir: string) => path.join(dir, 'missing.json'),
      'cannot read JWKS file {} (ENOENT): check the path',
    ],
    ['a folder', (dir: string) => dir, 'cannot read JWKS file {} (EISDIR): check the path'],
    [
      'not JSON',
      (dir: string) => {
        fs.writeFileSync(path.join(dir, 'page.html'), '<html>');
        return path.join(dir, 'page.html');
      },
      "JWKS file {} is not JSON: save the document at the pool's jwks_uri",
    ],
  ])('--jwks-file %s exits 2 naming the file', async (_what, file, message) => {
    const { key, project } = setup();
    const jwksFile = file(project.dir);
    const token = mintAccessToken(key, 'client-a', [READ]);
    const options = ['--user-pool-id', POOL_ID, '--client-id', 'client-a', '--jwks-file', jwksFile];
    const result = await runCli(['verify', token, ...options]);

    expect(result.code).toBe(2);
    expect(errorLine(result)).toBe(`error: ${message.replace('{}', jwksFile)}`);
  });

  test.concurrent(
    'no user pool, offline with --jwks-file: exits 2 naming where it can come from',
    async () => {
      const { key, jwksFile } = setup();
      const token = mintAccessToken(key, 'client-a', [READ]);
      const result = await runCli(['verify', token, '--client-id', 'client-a', '--jwks-file', jwksFile]);

      expect(result.code).toBe(2);
      expect(errorLine(result)).toBe(
        'error: missing --user-pool-id: pass it, set M2M_USER_POOL_ID, or use --stack <name>',
      );
    },
  );

  test.concurrent('"-" with a terminal as stdin is refused, with how to pipe a token in', async () => {
    const options = ['--user-pool-id', POOL_ID, '--client-id', 'client-a', '--jwks-file', setup().jwksFile];
    const result = await runCli(['verify', '-', ...options], { stdinIsTerminal: true });

    expect(result.code).toBe(2);
    expect(errorLine(result)).toBe(
      'error: the token is to come from stdin, which is a terminal: pipe it in, e.g. m2m token | m2m verify -',
    );
  });

  test.concurrent('a token on stdin from /dev/zero exits 2 naming the limit', async () => {
    const options = ['--user-pool-id', POOL_ID, '--client-id', 'client-a', '--jwks-file', setup().jwksFile];
    const result = await runCli(['verify', '-', ...options], { stdin: { file: '/dev/zero' } });

    expect(result.code).toBe(2);
    expect(errorLine(result)).toBe(
      'error: token on stdin is larger than 1 MiB (1048576 bytes): pipe in the token alone',
    );
  });
});
