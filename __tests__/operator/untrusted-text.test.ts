import {
  jsonForTerminal,
  oneLine,
  printable,
  quoted,
  sanitizeForTerminal,
} from '../../operator/untrusted-text';
import { HOSTILE, TERMINAL_ACTIVE } from '../helpers/hostile-text';

const { ESC, BEL, R } = { ESC: '\x1b', BEL: '\x07', R: '\uFFFD' };

describe('sanitizeForTerminal', () => {
  test.each(HOSTILE)('%s', (_what, hostile, shown) => {
    const safe = sanitizeForTerminal(hostile);
    expect(safe).toBe(shown);
    expect(safe).not.toMatch(TERMINAL_ACTIVE);
  });

  test('keeps printable text of every script, emoji included', () => {
    const text = 'Grüße, 日本語, مرحبا, 🙂 and "quotes" \\ backslash';
    expect(sanitizeForTerminal(text)).toBe(text);
  });

  test('keeps line breaks and tabs only when multiline', () => {
    expect(sanitizeForTerminal('a\n\tb', { multiline: true })).toBe('a\n\tb');
    expect(sanitizeForTerminal('a\n\tb')).toBe(`a${R}${R}b`);
    expect(sanitizeForTerminal('a\r\nb\rc', { multiline: true })).toBe(`a\nb${R}c`);
  });

  test('a megabyte of unterminated introducers takes linear time (a quadratic scan would time out)', () => {
    for (const introducer of ['\u009d', `${ESC}]`, `${ESC}[`, '\u009b', `${ESC}P`]) {
      const safe = sanitizeForTerminal(introducer.repeat(1 << 19));
      expect(safe).not.toMatch(TERMINAL_ACTIVE);
    }
  });
});

describe('oneLine', () => {
  test.each(HOSTILE)('%s: one line, nothing a terminal acts on', (_what, hostile) => {
    const line = oneLine(`before\n${hostile}\r\n`);
    expect(line).not.toMatch(/\n/);
    expect(line).not.toMatch(TERMINAL_ACTIVE);
    expect(line).toMatch(/^before \S/);
  });

  test('collapses whitespace, also where a removed sequence leaves two spaces', () => {
    expect(oneLine('  a \r\n\t b ')).toBe('a b');
    expect(oneLine(`a ${ESC}[0m b`)).toBe('a b');
  });

  test('masks before it cuts, so no part of a secret is left at the cut', () => {
    const mask = (text: string) => text.split('s3cr3t-value').join('***');
    expect(oneLine('x'.repeat(195) + 's3cr3t-value', 200, mask)).toBe(`${'x'.repeat(195)}***`);
    expect(oneLine(`s3cr3t${ESC}[0m-value`, 200, mask)).toBe('***');
  });

  test('cuts at the limit, with "...", never inside a surrogate pair', () => {
    expect(oneLine('x'.repeat(201))).toBe(`${'x'.repeat(200)}...`);
    expect(oneLine('x'.repeat(200))).toBe('x'.repeat(200));
    expect(oneLine(`ab🙂`, 3)).toBe('ab...');
    // Only a high surrogate at the cut moves it: one earlier in the line does not.
    expect(oneLine(`🙂ab`, 3)).toBe('🙂a...');
    expect(oneLine('a'.repeat(1 << 20), 10)).toBe('aaaaaaaaaa...');
  });
});

describe('quoted', () => {
  test('is the JSON of the value, whole up to the limit and cut to it with "..." beyond', () => {
    expect(quoted('dev-pool')).toBe('"dev-pool"');
    expect(quoted(['a', 'b'])).toBe('["a","b"]');
    expect(quoted(undefined)).toBe('undefined');
    const limit = 'x'.repeat(78); // 80 characters of JSON with its quotes
    expect(quoted(limit)).toBe(`"${limit}"`);
    expect(quoted(`${limit}y`)).toBe(`"${'x'.repeat(76)}...`);
    expect(quoted(`${limit}y`)).toHaveLength(80);
    expect(quoted('abcdefgh', 6)).toBe('"ab...');
  });

  test('shows control and direction characters as \\u escapes', () => {
    expect(quoted('a\u202eb')).toBe('"a\\u202eb"');
    expect(printable('line\u2028break\x1b[2J')).toBe('line\\u2028break\\u001b[2J');
  });
});

describe('jsonForTerminal', () => {
  const hostileValue = {
    ...Object.fromEntries(HOSTILE.map(([what, hostile]) => [what, hostile])),
    [`key${ESC}[2J\u202E`]: ['nested', `\u009b31m${BEL}`, 42, null, true],
  };

  test('escapes everything a terminal acts on, and parses back to the same value', () => {
    const json = jsonForTerminal(hostileValue);
    expect(json.replace(/\n/g, '')).not.toMatch(TERMINAL_ACTIVE);
    expect(JSON.parse(json)).toEqual(hostileValue);
  });

  test('is JSON.stringify where there is nothing to escape', () => {
    const claims = { iss: 'https://cognito-idp.us-east-1.amazonaws.com/x', scope: 'a/b c/d', exp: 1, ü: 'ö' };
    expect(jsonForTerminal(claims)).toBe(JSON.stringify(claims, null, 2));
    expect(jsonForTerminal('\u202E')).toBe('"\\u202e"');
    expect(jsonForTerminal(undefined)).toBe('null');
  });
});
