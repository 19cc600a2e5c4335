import { redactSecrets, SecretRedactor } from '../../operator';
import { formUrlEncode } from '../../operator/secret-redaction';
import { oneLine } from '../../operator/untrusted-text';

// Characters each encoding treats differently: space, "+", "/", ":", "%", '"', "\", non-ASCII.
const SECRET = 'abc def+ghi/jkl:m%n"o\\pé€q';
// A Cognito secret: 51 lowercase letters and digits.
const COGNITO_SECRET = '1a2b3c4d5e6f7g8h9i0j1k2l3m4n5o6p7q8r9s0t1u2v3w4x5y6';

const b64 = (text: string) => Buffer.from(text).toString('base64');
const b64url = (text: string) => Buffer.from(text).toString('base64url');
const json = (text: string) => JSON.stringify(text).slice(1, -1);
const pythonJson = (text: string) =>
  json(text).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
const lowerHex = (text: string) => text.replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase());
const basic = (id: string, secret: string) => `Basic ${b64(`${formUrlEncode(id)}:${formUrlEncode(secret)}`)}`;

// [what, how the secret shows up]
const ENCODED: readonly (readonly [string, (secret: string) => string])[] = [
  ['as is', (s) => s],
  ['percent-encoded', (s) => encodeURIComponent(s)],
  ['percent-encoded, lowercase hex', (s) => lowerHex(encodeURIComponent(s))],
  ['form-urlencoded', (s) => formUrlEncode(s)],
  ['form-urlencoded, lowercase hex', (s) => lowerHex(formUrlEncode(s))],
  ['JSON-escaped', (s) => json(s)],
  ['JSON-escaped with \\/', (s) => json(s).replace(/\//g, '\\/')],
  ['JSON-escaped ASCII-only (Python)', (s) => pythonJson(s)],
  [
    'JSON-escaped ASCII-only, uppercase hex',
    (s) => pythonJson(s).replace(/\\u(....)/g, (_m, h: string) => `\\u${h.toUpperCase()}`),
  ],
  ['base64 of the secret alone', (s) => b64(s)],
  ['base64 without padding', (s) => b64(s).replace(/=+$/, '')],
  ['base64url of the secret alone', (s) => b64url(s)],
  ['base64 of id:secret (RFC 6749 Basic), id of 1 character', (s) => basic('a', s)],
  ['base64 of id:secret, id of 2 characters', (s) => basic('ab', s)],
  ['base64 of id:secret, id of 3 characters', (s) => basic('abc', s)],
  ['base64 of id:secret, a Cognito client ID', (s) => basic('1example23456789abcdefghij', s)],
  ['base64 of id:secret without form-encoding', (s) => `Basic ${b64(`client-a:${s}`)}`],
  ['base64 of id:secret, JSON-escaped with \\/', (s) => basic('ab', s).replace(/\//g, '\\/')],
  ['base64url of id:secret', (s) => b64url(`client:${s}`)],
  ['base64 of a JSON document holding it', (s) => b64(JSON.stringify({ client_secret: s }))],
  [
    'base64 of the form body holding it',
    (s) => b64(`grant_type=client_credentials&client_secret=${formUrlEncode(s)}`),
  ],
  ['percent-encoded inside JSON', (s) => json(encodeURIComponent(s))],
];

describe.each([
  ['a secret with every special character', SECRET],
  ['a Cognito secret', COGNITO_SECRET],
])('%s', (_name, secret) => {
  test.each(ENCODED)('masked %s, and the rest of the text kept', (_what, encode) => {
    const encoded = encode(secret);
    const text = `before ${encoded} after, {"echo":"${encoded}"}`;
    const masked = redactSecrets(text, [secret]);

    expect(masked).toMatch(/^before .*\*\*\* after, \{"echo":".*\*\*\*"\}$/);
    expect(masked).not.toContain(secret);
    // Nothing of the encoded form is left but what the format put around the secret.
    for (const piece of encoded.match(/[A-Za-z0-9+/]{8,}/g) ?? []) {
      if (!/^(?:Basic|before|after)$/.test(piece)) expect(masked).not.toContain(piece);
    }
  });
});

test('a base64 value that encodes the secret is masked whole, not just around it', () => {
  const text = `authorization: ${basic('client-a', COGNITO_SECRET)}; next`;
  expect(redactSecrets(text, [COGNITO_SECRET])).toBe('authorization: Basic ***; next');
  // Only a backslash joins a "/" to the value: a space before one ends it.
  const logged = `POST ${basic('client-a', COGNITO_SECRET)} /oauth2/token`;
  expect(redactSecrets(logged, [COGNITO_SECRET])).toBe('POST Basic *** /oauth2/token');
});

test('a base64 value JSON-escaped with "\\/" is masked whole, its escaped slashes included', () => {
  // "???" is "Pz8/" in base64: the escaped "/" stands in the value's first group, outside the secret.
  const escaped = `Basic ${b64(`???:${COGNITO_SECRET}`)}`.replace(/\//g, '\\/');
  expect(escaped).toMatch(/^Basic Pz8\\\//);
  expect(redactSecrets(`{"authorization":"${escaped}"}`, [COGNITO_SECRET])).toBe(
    '{"authorization":"Basic ***"}',
  );
});

test('a base64 value with "/" inside the secret part, JSON-escaped as "\\/", is masked whole', () => {
  // After "ab:", "???" of the secret is the group "Pz8/": only a secret with "?", DEL or raw non-ASCII
  // has "/" in its base64 (a Cognito secret never does).
  const secret = 'abc???defghijkl';
  const escaped = `Basic ${b64(`ab:${secret}`)}`.replace(/\//g, '\\/');
  expect(escaped).toContain('Pz8\\/');
  expect(redactSecrets(`{"authorization":"${escaped}"}`, [secret])).toBe('{"authorization":"Basic ***"}');
});

test('near misses are left alone: other base64, other secrets, a prefix of the secret', () => {
  const text = `${b64('client-a:another-secret-entirely')} ${COGNITO_SECRET.slice(0, 7)} ${b64(COGNITO_SECRET.slice(0, 5))}`;
  expect(redactSecrets(text, [COGNITO_SECRET])).toBe(text);
});

test('a short secret is masked where it stands alone, not inside other words', () => {
  expect(redactSecrets('host s not found: s3 "s"', ['s'])).toBe('host *** not found: s3 "***"');
});

test('a secret with control characters is masked as a terminal would be shown it too', () => {
  const secret = 'abc\u202Edef\u0007ghi';
  expect(redactSecrets('x abc\uFFFDdef\uFFFDghi y', [secret])).toBe('x *** y');
});

test('masking is linear: a megabyte of base64 and of near misses', () => {
  const big = `${'A'.repeat(1 << 20)} ${COGNITO_SECRET.slice(0, 40).repeat(20_000)}`;
  expect(redactSecrets(big, [COGNITO_SECRET])).toBe(big);
});

test('a redactor masks every secret it was given and ignores empty ones', () => {
  const redactor = new SecretRedactor();
  redactor.add('first-secret-1');
  redactor.add('');
  redactor.add(undefined);
  redactor.add('second-secret-2');

  expect(redactor.redact('a first-secret-1 b second-secret-2 c')).toBe('a *** b *** c');
});

test('a secret with a run of whitespace is masked as a one-line message shows it, collapsed', () => {
  const secret = 'abc\n\t  def';
  expect(redactSecrets(`failed: ${oneLine(secret)}.`, [secret])).toBe('failed: ***.');
});

test('a secret that a terminal shows as nothing masks nothing else', () => {
  // Its sanitized spelling is empty: masking that would put the mask between every two characters.
  expect(redactSecrets('the rest stays, as it was.', ['\u001b[2J'])).toBe('the rest stays, as it was.');
});

test('a six-character secret, three-byte aligned inside base64, is still found by its one whole group', () => {
  // Aligned so, its 6 bytes are two whole base64 groups: the only piece of 8 characters to look for.
  const header = `Basic ${Buffer.from('ab:q7Zr4X').toString('base64')}`;
  expect(redactSecrets(header, ['q7Zr4X'])).toBe('Basic ***');
});

test('a secret whose base64 has "+" and "/" is found in base64url, where they are "-" and "_"', () => {
  const secret = 'x>>>???>>>???y';
  for (const prefix of ['', 'i', 'id', 'id:']) {
    const encoded = Buffer.from(`${prefix}${secret}`).toString('base64url');
    expect(encoded).toMatch(/-.*_|_.*-/);
    expect(redactSecrets(`token: ${encoded}.`, [secret])).toBe('token: ***.');
  }
});

test('a secret that contains another is masked whole, whichever of the two is given first', () => {
  expect(redactSecrets('token abcdefgh12 end', ['abcdefgh', 'abcdefgh12'])).toBe('token *** end');
  expect(redactSecrets('token abcdefgh12 end', ['abcdefgh12', 'abcdefgh'])).toBe('token *** end');
});

test('an eight-character secret is long enough to be masked inside a word; a seven-character one is not', () => {
  expect(redactSecrets('prefixabcdefgh', ['abcdefgh'])).toBe('prefix***');
  expect(redactSecrets('prefixabcdefg', ['abcdefg'])).toBe('prefixabcdefg');
});

test('the base64 and base64url of a short secret are masked where they stand alone', () => {
  // "?>?" is "Pz4/" in base64, "Pz4_" in base64url: too short to have a core, so found whole.
  expect(redactSecrets('a Pz4/ b Pz4_ c Pz4/x', ['?>?'])).toBe('a *** b *** c Pz4/x');
});

test('a short secret with characters a regular expression reads is masked as written, not as a pattern', () => {
  expect(redactSecrets('abc a.c a+ a+', ['a.c', 'a+'])).toBe('abc *** *** ***');
});

test('an empty secret masks nothing', () => {
  expect(redactSecrets('a b, c.', ['', 'abcdefgh'])).toBe('a b, c.');
});

test('a backslash not before "/" ends a base64 value: a JSON escape just before it is kept', () => {
  const text = `"a\\n${b64(COGNITO_SECRET)}"`;
  expect(redactSecrets(text, [COGNITO_SECRET])).toBe('"a\\***"');
});
