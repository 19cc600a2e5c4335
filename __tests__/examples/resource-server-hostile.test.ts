/**
 * The example resource server as a real process, under fire: a corpus of malformed and hostile
 * Authorization headers and tokens, sent as raw bytes over TCP to 127.0.0.1 (fetch would refuse to
 * send most of them). After every request the process must still run, every response header must
 * be valid, and at the end a good token must still get 200.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import * as net from 'node:net';
import { PROJECT_ROOT } from '../helpers/project';
import {
  createSigningKey,
  FakeCognito,
  mintAccessToken,
  POOL_ID,
  type SigningKey,
  signJwt,
  READ,
  WRITE,
} from '../helpers/fakes/cognito';
import { TEST_TIMEOUT_MS } from '../helpers/run-cli';

jest.setTimeout(TEST_TIMEOUT_MS);

const ESC = '\x1b';

let key: SigningKey;
let cognito: FakeCognito;
let server: ChildProcess;
let port: number;
let serverStderr = '';

beforeAll(async () => {
  key = createSigningKey();
  cognito = await FakeCognito.start({ key, clients: {} });
  server = spawn(process.execPath, ['-r', 'sucrase/register/ts', 'examples/resource-server.ts'], {
    cwd: PROJECT_ROOT,
    env: {
      PATH: '/usr/bin:/bin',
      PORT: '0',
      M2M_USER_POOL_ID: POOL_ID,
      M2M_CLIENT_ID: 'client-a',
      M2M_JWKS_URI: cognito.jwksUri,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  port = await new Promise<number>((resolve, reject) => {
    server.stderr!.on('data', (chunk: Buffer) => {
      serverStderr += chunk.toString();
      const listening = /listening on http:\/\/localhost:(\d+)/.exec(serverStderr);
      if (listening) resolve(Number(listening[1]));
    });
    server.on('exit', (code) =>
      reject(new Error(`the resource server exited with ${code}: ${serverStderr}`)),
    );
  });
});

afterAll(async () => {
  if (server && server.exitCode === null && server.signalCode === null) {
    const exited = new Promise((resolve) => server.on('exit', resolve));
    server.kill();
    await exited;
  }
  await cognito?.close();
});

interface RawResponse {
  readonly status: number;
  /** Each header line as received, "name: value". */
  readonly headerLines: readonly string[];
  readonly header: (name: string) => string | undefined;
}

/** The status of a request the server cut off by closing the connection before its answer was read. */
const RESET = 0;

/** Sends `head` (the request line and headers, as bytes) and reads the reply until the server closes. */
function rawRequest(head: Buffer): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    // Not end(): Node's server drops a response still being prepared when the client half-closes.
    const socket = net.connect(port, '127.0.0.1', () => socket.write(head));
    socket.on('data', (chunk) => chunks.push(chunk));
    // The server may close while a huge request is still being written; what it answered counts.
    let resetCode: string | undefined;
    socket.on('error', (error: NodeJS.ErrnoException) => (resetCode = error.code));
    socket.on('close', () => {
      const raw = Buffer.concat(chunks).toString('latin1');
      const [head = '', ...rest] = raw.split('\r\n\r\n');
      const [statusLine, ...headerLines] = head.split('\r\n');
      const status = Number(/^HTTP\/1\.1 (\d{3}) /.exec(statusLine ?? '')?.[1]);
      // A server that answers and closes while the request is still arriving resets the connection,
      // and the reset may discard its answer before it is read: that is RESET, never a success.
      if (!status && raw === '' && (resetCode === 'ECONNRESET' || resetCode === 'EPIPE')) {
        return resolve({ status: RESET, headerLines: [], header: () => undefined });
      }
      if (!status)
        return reject(new Error(`no HTTP response: ${JSON.stringify(raw.slice(0, 200))} ${rest.length}`));
      const header = (name: string) =>
        headerLines.find((line) => line.toLowerCase().startsWith(`${name}:`))?.replace(/^[^:]*: ?/, '');
      resolve({ status, headerLines, header });
    });
  });
}

/** A GET /items with these header lines (each a string of latin1 bytes, sent as they are). */
function get(headerLines: readonly string[], target = '/items'): Promise<RawResponse> {
  const lines = [`GET ${target} HTTP/1.1`, 'Host: 127.0.0.1', ...headerLines, 'Connection: close', '', ''];
  return rawRequest(Buffer.from(lines.join('\r\n'), 'latin1'));
}

const b64 = (text: string) => Buffer.from(text).toString('base64url');
/** An unsigned token from raw header and payload JSON text, with any signature. */
const unsigned = (header: string, payload: string) => `${b64(header)}.${b64(payload)}.c2lnbmF0dXJl`;
const bearer = (token: string) => [`Authorization: Bearer ${token}`];
const deep = (depth: number, open: string, close: string) =>
  `{"iss":${open.repeat(depth)}${close.repeat(depth)}}`;

/** RFC 7230 header field: a token name, then visible ASCII, space or tab (no obs-text from us). */
const HEADER_LINE = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+: [\x20-\x7e\t]*$/;
/** RFC 6750 challenge: realm, then error, error_description or scope, each a quoted-string of its set. */
const CHALLENGE =
  /^Bearer realm="m2m-api"(?:, (?:error|error_description|scope)="[\x20\x21\x23-\x5b\x5d-\x7e]*")*$/;

// [what, header lines, statuses allowed]. 400 and 431 without a challenge are Node refusing bad HTTP.
type Case = readonly [string, () => readonly string[], readonly number[]];

const HEADER_CASES: Case[] = [
  ['no Authorization header', () => [], [401]],
  ['another scheme (Basic)', () => ['Authorization: Basic dXNlcjpwYXNz'], [401]],
  [
    'two schemes, Basic first',
    () => [`Authorization: Basic dXNlcjpwYXNz, Bearer ${unsigned('{}', '{}')}`],
    [401],
  ],
  [
    'two schemes, Bearer first',
    () => [`Authorization: Bearer ${unsigned('{}', '{}')}, Basic dXNlcjpwYXNz`],
    [400],
  ],
  [
    'two Authorization headers',
    () => ['Authorization: Basic eA==', `Authorization: Bearer ${unsigned('{}', '{}')}`],
    [401, 400],
  ],
  ['"Bearer" alone', () => ['Authorization: Bearer'], [400]],
  ['"Bearer" and spaces only', () => [`Authorization: Bearer ${' '.repeat(50)}`], [400]],
  [
    'lowercase "bearer"',
    () => [`Authorization: bearer ${unsigned('{"alg":"RS256","kid":"k1"}', '{}')}`],
    [401],
  ],
  [
    'uppercase "BEARER"',
    () => [`Authorization: BEARER ${unsigned('{"alg":"RS256","kid":"k1"}', '{}')}`],
    [401],
  ],
  [
    'many spaces before the token',
    () => [`Authorization: Bearer${' '.repeat(8000)}${unsigned('{}', '{}')}`],
    [401],
  ],
  ['a tab instead of a space', () => [`Authorization: Bearer\t${unsigned('{}', '{}')}`], [401, 400]],
  ['three words', () => ['Authorization: Bearer a b c'], [400]],
  ['a quote in the token', () => ['Authorization: Bearer ab"cd'], [400]],
  ['a backslash in the token', () => ['Authorization: Bearer ab\\cd'], [400]],
  ['"=" inside the token', () => ['Authorization: Bearer ab=cd'], [400]],
  ['obs-text bytes (0x80-0xFF) in the token', () => ['Authorization: Bearer abc\x80\x9b2J\xff'], [400]],
  ['ESC in the header value', () => [`Authorization: Bearer abc${ESC}[2J`], [400]],
  ['NUL in the header value', () => ['Authorization: Bearer abc\x00def'], [400]],
  ['a bare CR in the header value', () => ['Authorization: Bearer abc\rdef'], [400]],
  ['a bare LF in the header value', () => ['Authorization: Bearer abc\ndef'], [400, 401]],
  ['a header of 15 kB, under the limit', () => bearer('A'.repeat(15_000)), [401]],
  ['a token of 2 MB', () => bearer('A'.repeat(2_000_000)), [431, RESET]],
  ['a thousand headers', () => Array.from({ length: 1000 }, (_, i) => `X-Junk-${i}: ${i}`), [401, 431]],
  ['a hostile path', () => bearer(unsigned('{}', '{}')), [401]],
];

const TOKEN_CASES: Case[] = [
  [
    'the issue: {"iss":"\\u20ac"} (€)',
    () => bearer(unsigned('{"alg":"RS256","kid":"k1"}', '{"iss":"\\u20ac"}')),
    [401],
  ],
  [
    'iss of 2000 euro signs',
    () => bearer(unsigned('{"alg":"RS256","kid":"k1"}', JSON.stringify({ iss: '€'.repeat(2000) }))),
    [401],
  ],
  ...[
    '\r\n',
    '\r\nX-Injected: 1',
    ESC,
    `${ESC}[2J${ESC}]8;;http://evil.test/\x07x`,
    '\x00',
    '\x07',
    '\u202e',
    '\u009b',
    '"\\',
    '\u{1F600}',
  ].flatMap((bad): Case[] => [
    [
      `kid ${JSON.stringify(bad)}`,
      () => bearer(unsigned(JSON.stringify({ alg: 'RS256', kid: `k1${bad}` }), '{}')),
      [401],
    ],
    [
      `iss ${JSON.stringify(bad)}`,
      () => bearer(unsigned('{"alg":"RS256","kid":"k1"}', JSON.stringify({ iss: `i${bad}` }))),
      [401],
    ],
    [
      `alg ${JSON.stringify(bad)}`,
      () => bearer(unsigned(JSON.stringify({ alg: `RS256${bad}`, kid: 'k1' }), '{}')),
      [401],
    ],
  ]),
  ['alg none', () => bearer(`${b64('{"alg":"none","kid":"k1"}')}.${b64('{}')}.`), [400, 401]],
  [
    'kid of 5000 characters',
    () => bearer(unsigned(JSON.stringify({ alg: 'RS256', kid: 'k'.repeat(5000) }), '{}')),
    [401],
  ],
  ['header not JSON', () => bearer(`${b64('{"alg":')}.${b64('{}')}.c2ln`), [401]],
  ['payload not JSON', () => bearer(`${b64('{}')}.${b64('nul')}.c2ln`), [401]],
  ['header an array', () => bearer(unsigned('[1,2]', '{}')), [401]],
  ['payload an array', () => bearer(unsigned('{}', '["iss"]')), [401]],
  ['payload a number', () => bearer(unsigned('{}', '12345')), [401]],
  ['payload a string', () => bearer(unsigned('{}', '"\\u001b[2J"')), [401]],
  ['payload null', () => bearer(unsigned('{}', 'null')), [401]],
  ['header a number', () => bearer(unsigned('7', '{}')), [401]],
  [
    'claims of the wrong types',
    () => bearer(unsigned('{"alg":"RS256","kid":5}', '{"iss":5,"exp":"x","scope":[1]}')),
    [401],
  ],
  ['a JSON bomb: arrays 3000 deep', () => bearer(unsigned('{}', deep(3000, '[', ']'))), [401]],
  ['a JSON bomb: objects 2000 deep', () => bearer(unsigned('{}', deep(2000, '{"a":', '}'))), [401]],
  [
    '__proto__ and constructor claims',
    () => bearer(unsigned('{"__proto__":{"kid":"x"}}', '{"constructor":{"prototype":{"iss":1}}}')),
    [401],
  ],
  [
    'invalid UTF-8 in the payload',
    () => bearer(`${b64('{}')}.${Buffer.from([0x7b, 0xff, 0xfe, 0x7d]).toString('base64url')}.c2ln`),
    [401],
  ],
  ['not base64url', () => bearer('!!!.???.~~~'), [400]],
  ['two parts', () => bearer('abc.def'), [401]],
  ['four parts', () => bearer('a.b.c.d'), [401]],
  ['dots only', () => bearer('..'), [401]],
  ['padding everywhere', () => bearer('====.====.===='), [400]],
  ['base64 with "+" and "/"', () => bearer('ab+/.cd+/.ef+/'), [401]],
];

/** Signed by the pool's key: these get past the signature to the claim checks, whose messages quote claims. */
const SIGNED_CASES: Case[] = [
  ...['\r\nX-Injected: 1', `${ESC}[2J`, '€'.repeat(300), '\u202e', '"\\'].flatMap((bad): Case[] => [
    [
      `client_id ${JSON.stringify(bad).slice(0, 40)}`,
      () => bearer(mintAccessToken(key, `client${bad}`, [READ])),
      [401],
    ],
    [
      `token_use ${JSON.stringify(bad).slice(0, 40)}`,
      () => bearer(mintAccessToken(key, 'client-a', [READ], { token_use: bad })),
      [401],
    ],
    [
      `scope ${JSON.stringify(bad).slice(0, 40)}`,
      () => bearer(mintAccessToken(key, 'client-a', [bad])),
      [403],
    ],
    [
      `sub ${JSON.stringify(bad).slice(0, 40)}, otherwise valid`,
      () => bearer(mintAccessToken(key, 'client-a', [READ], { sub: bad })),
      [200],
    ],
  ]),
  [
    'client_id an array',
    () => bearer(mintAccessToken(key, 'client-a', [READ], { client_id: ['client-a', 'x\r\n'] })),
    [401],
  ],
  [
    'client_id an object',
    () => bearer(mintAccessToken(key, 'client-a', [READ], { client_id: { a: 1 } })),
    [401],
  ],
  ['no exp', () => bearer(mintAccessToken(key, 'client-a', [READ], { exp: undefined })), [401]],
  ['exp a string', () => bearer(mintAccessToken(key, 'client-a', [READ], { exp: '9999999999' })), [401]],
  ['kid with CR LF, signed', () => bearer(signJwt(key, { iss: 'x' }, { kid: 'k\r\n1' })), [401]],
  [
    'a megabyte-sized claim',
    () => bearer(mintAccessToken(key, 'client-a', [READ], { pad: 'x'.repeat(1_000_000) })),
    [431, RESET],
  ],
];

const ALL: Case[] = [...HEADER_CASES, ...TOKEN_CASES, ...SIGNED_CASES];

test(`the server survives ${ALL.length} hostile requests, answering each with valid headers`, async () => {
  const statuses: string[] = [];
  for (const [what, headers, allowed] of ALL) {
    const target = what === 'a hostile path' ? '/items/%1b%5b2J%0d%0a?x=%00' : '/items';
    const response = await get(headers(), target).catch((error: Error) => {
      throw new Error(`${what}: ${error.message}`);
    });

    // The process is still there, and said nothing went wrong.
    expect({ what, exitCode: server.exitCode, signal: server.signalCode }).toEqual({
      what,
      exitCode: null,
      signal: null,
    });
    expect(`${what}: ${response.status}`).toMatch(new RegExp(`: (?:${allowed.join('|')})$`));
    for (const line of response.headerLines)
      expect({ what, line }).toEqual({ what, line: expect.stringMatching(HEADER_LINE) });
    const challenge = response.header('www-authenticate');
    if ([401, 403].includes(response.status) || challenge !== undefined) {
      expect({ what, challenge }).toEqual({ what, challenge: expect.stringMatching(CHALLENGE) });
    }
    statuses.push(`${response.status}`);
  }

  expect(statuses).not.toContain('500');
  expect(serverStderr).not.toMatch(/error/);
  // And it still answers correctly.
  const good = await get(bearer(mintAccessToken(key, 'client-a', [READ, WRITE])));
  expect(good.status).toBe(200);
  const readOnly = await get(bearer(mintAccessToken(key, 'client-a', [WRITE])));
  expect(readOnly.status).toBe(403);
});

test('the same requests all at once', async () => {
  const responses = await Promise.all(ALL.map(([, headers]) => get(headers())));

  expect(responses.map((r) => r.status)).not.toContain(500);
  expect({ exitCode: server.exitCode, signal: server.signalCode }).toEqual({ exitCode: null, signal: null });
  expect((await get(bearer(mintAccessToken(key, 'client-a', [READ])))).status).toBe(200);
});

test.each(['abc', '99999', '-1', '1.5'])(
  'PORT=%s stops it with one line naming the setting, exit 2',
  async (value) => {
    const child = spawn(process.execPath, ['-r', 'sucrase/register/ts', 'examples/resource-server.ts'], {
      cwd: PROJECT_ROOT,
      env: { PATH: '/usr/bin:/bin', PORT: value, M2M_USER_POOL_ID: POOL_ID, M2M_CLIENT_ID: 'client-a' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise((resolve) => child.on('close', resolve));

    expect(code).toBe(2);
    expect(stderr).toBe(`error: PORT "${value}" is invalid: give a port number from 0 to 65535\n`);
  },
);
