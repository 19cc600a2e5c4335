/**
 * Text from outside (a server's reply, a token's claims, an SDK's error) made safe to show. On a
 * terminal, escape sequences can clear the screen, retitle the window, hide text or plant links,
 * and bidi overrides can make text read other than it is; in a one-line message, line breaks and
 * sheer length break the format.
 */

/**
 * ECMA-48 sequences, 7-bit (ESC ...) and 8-bit (C1) forms: CSI with its parameters; OSC, DCS, SOS,
 * PM and APC strings up to their terminator (BEL or ST); any other escape. String bodies stop at
 * every introducer, so an unterminated one costs linear time, and its introducer is then dropped
 * on its own by the last alternative or as a control character.
 */
const ESCAPE_SEQUENCE =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /(?:\x1b\[|\x9b)[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x90\x98\x9b-\x9f]*(?:\x07|\x1b\\|\x9c)|\x1b[\x20-\x2f]*[\x30-\x7e]/g;

/** Control characters (C0, DEL, C1), bidi controls, and the line and paragraph separators. */
const UNSAFE_CHARACTER = /[\p{Cc}\p{Bidi_Control}\p{Zl}\p{Zp}]/gu;

/** What a removed character shows as, so that something visibly was there. */
const REPLACEMENT = '\uFFFD';

/**
 * `text` without escape sequences, with every other control or bidi character shown as U+FFFD.
 * Line breaks (CRLF as LF) and tabs are kept only when `multiline` is set.
 */
export function sanitizeForTerminal(text: string, { multiline = false } = {}): string {
  const stripped = text.replace(ESCAPE_SEQUENCE, '');
  return (multiline ? stripped.replace(/\r\n/g, '\n') : stripped).replace(UNSAFE_CHARACTER, (c) =>
    multiline && (c === '\n' || c === '\t') ? c : REPLACEMENT,
  );
}

/** The longest piece of outside text a message quotes, unless told otherwise. */
export const MAX_QUOTED_LENGTH = 200;

/**
 * `text` as one line for a message: whitespace collapsed, sanitized, masked by `mask` (before the
 * cut, so no part of a secret survives it), and cut to `maxLength` characters (with "..." after the
 * cut), never inside a surrogate pair.
 */
export function oneLine(
  text: string,
  maxLength = MAX_QUOTED_LENGTH,
  mask: (text: string) => string = (unmasked) => unmasked,
): string {
  // Masked after sanitizing, lest removing a sequence join a secret back up; spaces collapsed again
  // where a removed sequence leaves two.
  const line = mask(sanitizeForTerminal(text.replace(/\s/g, ' ')))
    .replace(/ {2,}/g, ' ')
    .trim();
  if (line.length <= maxLength) return line;
  const cut = /[\uD800-\uDBFF]$/.test(line.slice(0, maxLength)) ? maxLength - 1 : maxLength;
  return `${line.slice(0, cut)}...`;
}

/** Characters JSON.stringify leaves raw but a terminal would act on; \n is JSON's own layout. */
const UNSAFE_IN_JSON = /[\p{Cc}\p{Bidi_Control}\p{Zl}\p{Zp}]/gu;

/**
 * JSON of `value` that is safe on a terminal and still parses to the same value: JSON.stringify
 * escapes C0 controls in strings, this escapes the rest (C1, bidi, separators) as \uXXXX too.
 */
export function jsonForTerminal(value: unknown, indent = 2): string {
  return (JSON.stringify(value, null, indent) ?? 'null').replace(UNSAFE_IN_JSON, (c) =>
    c === '\n' ? c : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

// C0 and C1 controls, DEL, and the characters that change the direction or lines of what follows.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * `text` with every control character written as a \u escape, a line break too: for values the user
 * must find and fix (a name in a Terraform state), where seeing exactly what is there matters more
 * than reading it (server text goes through sanitizeForTerminal instead).
 */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A value from outside, quoted and shortened for a one-line message: "dev-pool", ["a","b"]. */
export function quoted(value: unknown, max = 80): string {
  const text = JSON.stringify(value) ?? String(value);
  return printable(text.length > max ? `${text.slice(0, max - 3)}...` : text);
}
