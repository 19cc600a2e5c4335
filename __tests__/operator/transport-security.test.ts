import { InputError } from '../../operator/errors';
import { isLoopbackHost, parseSecureUrl } from '../../operator/transport-security';

const purpose = {
  name: 'token endpoint',
  risk: 'the secret would travel in clear text',
  expected: 'https://x',
};

// Every form of this machine the WHATWG URL parser accepts, and names and addresses that only look like it.
const ALLOWED_PLAIN_HTTP = [
  'http://127.0.0.1:8080/oauth2/token',
  'http://127.1/oauth2/token', // the parser normalizes short, hex and decimal IPv4 forms
  'http://0x7f.0.0.1/',
  'http://2130706433/',
  'http://127.255.255.254/',
  'http://[::1]:9000/',
  'http://[0:0:0:0:0:0:0:1]/',
  'http://[::ffff:127.0.0.1]/',
  'http://localhost:3000/',
  'http://LOCALHOST/',
];
const REFUSED_PLAIN_HTTP = [
  'http://127.evil.test/oauth2/token',
  'http://127.0.0.1.evil.test/',
  'http://127-0-0-1.example.invalid/',
  'http://localhost.evil.test/',
  'http://localhost./',
  'http://localhost.localdomain/',
  'http://evil.test/127.0.0.1/',
  'http://128.0.0.1/',
  'http://126.255.255.255/',
  'http://0.0.0.0/',
  'http://[::]/',
  'http://[::2]/',
  'http://[::ffff:10.0.0.1]/',
  'http://10.0.0.1/',
  'http://192.168.1.1/',
];

test.each(ALLOWED_PLAIN_HTTP)('plain http to this machine is allowed: %s', (url) => {
  expect(parseSecureUrl(url, purpose).href).toBe(new URL(url).href);
});

test.each(REFUSED_PLAIN_HTTP)('plain http elsewhere is refused, naming the host: %s', (url) => {
  const host = new URL(url).hostname;
  expect(() => parseSecureUrl(url, purpose)).toThrow(InputError);
  expect(() => parseSecureUrl(url, purpose)).toThrow(
    `does not use https and ${host} is not this machine (127.0.0.0/8, ::1 or localhost), so the secret would travel in clear text: expected https://x`,
  );
});

test.each(['https://127.evil.test/oauth2/token', 'https://localhost/', 'https://[::1]/'])(
  'https is allowed anywhere: %s',
  (url) => {
    expect(parseSecureUrl(url, purpose).protocol).toBe('https:');
  },
);

test.each(['ftp://127.0.0.1/', 'file:///etc/passwd', 'ws://localhost/', 'javascript:alert(1)'])(
  'other schemes are refused: %s',
  (url) => {
    expect(() => parseSecureUrl(url, purpose)).toThrow(/does not use https: expected https:\/\/x$/);
  },
);

test('credentials in the URL are refused without repeating them', () => {
  const attempt = () => parseSecureUrl('https://id:pa55word@auth.example.test/oauth2/token', purpose);
  expect(attempt).toThrow('token endpoint https://auth.example.test/oauth2/token has credentials in it');
  expect(attempt).toThrow(expect.objectContaining({ message: expect.not.stringContaining('pa55word') }));
});

test.each([
  ['a user name alone', 'https://token-0123@auth.example.test/oauth2/token', 'token-0123'],
  ['a password alone', 'https://:pa55word@auth.example.test/oauth2/token', 'pa55word'],
])('credentials in the URL are refused, even %s', (_, url, secret) => {
  const attempt = () => parseSecureUrl(url, purpose);
  expect(attempt).toThrow('token endpoint https://auth.example.test/oauth2/token has credentials in it');
  expect(attempt).toThrow(expect.objectContaining({ message: expect.not.stringContaining(secret) }));
});

test('not a URL', () => {
  expect(() => parseSecureUrl('127.0.0.1:8080/token', purpose)).toThrow(
    'token endpoint "127.0.0.1:8080/token" is not a URL: expected https://x',
  );
});

test('isLoopbackHost takes only IP literals and exactly localhost', () => {
  expect(['127.0.0.1', '127.9.8.7', '[::1]', '::1', 'localhost'].map(isLoopbackHost)).toEqual([
    true,
    true,
    true,
    true,
    true,
  ]);
  expect(
    ['127.evil.test', '127.1', 'localhost.', 'Localhost', '', '[127.0.0.1]', 'x[::1]', '[::1]x', '[::2]'].map(
      isLoopbackHost,
    ),
  ).toEqual([false, false, false, false, false, false, false, false, false]);
});
