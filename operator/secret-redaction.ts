/** Keeps client secrets out of anything printed or thrown, whatever a server echoes back, however encoded. */
import { sanitizeForTerminal } from './untrusted-text';

const MASK = '***';

/** Below this length a secret is masked only where it stands alone, lest it garble every word. */
const SHORT_SECRET = 8;

/** application/x-www-form-urlencoded (space as "+"), as the token request and Basic credentials use it. */
export function formUrlEncode(value: string): string {
  return new URLSearchParams({ s: value }).toString().slice(2);
}

/** The value, and the ways a JSON encoder may write it: minimal, "\/" for "/", \uXXXX for non-ASCII. */
function jsonSpellings(value: string): string[] {
  const minimal = JSON.stringify(value).slice(1, -1);
  const asciiOnly = (hex: (code: string) => string) =>
    minimal.replace(/[^\x20-\x7e]/g, (c) => `\\u${hex(c.charCodeAt(0).toString(16).padStart(4, '0'))}`);
  return [
    value,
    minimal,
    minimal.replace(/\//g, '\\/'),
    asciiOnly((code) => code),
    asciiOnly((code) => code.toUpperCase()),
  ];
}

/** The secret as is and as URLs and forms carry it (either hex case), and as a terminal shows it. */
function plainSpellings(secret: string): string[] {
  const percent = encodeURIComponent(secret);
  const form = formUrlEncode(secret);
  const lowerHex = (encoded: string) => encoded.replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase());
  return [
    secret,
    percent,
    lowerHex(percent),
    form,
    lowerHex(form),
    sanitizeForTerminal(secret),
    secret.replace(/\s+/g, ' '),
  ];
}

/** Every spelling under which a secret can show up in text, but base64: plain and JSON-escaped. */
function spellings(secret: string): string[] {
  return [...new Set(plainSpellings(secret).flatMap(jsonSpellings))].filter((s) => s.length > 0);
}

/**
 * What base64 of anything containing the secret, in any of its spellings (the secret alone,
 * "id:secret" in a Basic header, a JSON document), must contain, whatever comes before or after it:
 * for each of the three byte alignments, the 4-character groups that encode secret bytes only. Also
 * in base64url, and with "\/" as JSON may write "/".
 */
function base64Cores(secret: string): string[] {
  const cores = spellings(secret).flatMap((spelling) => {
    const bytes = Buffer.from(spelling);
    return [0, 1, 2].map((offset) => {
      const aligned = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64');
      // The first group mixes in `offset` unknown bytes; a last partial group, unknown ones after.
      const firstGroup = offset === 0 ? 0 : 1;
      const endGroup = Math.floor((offset + bytes.length) / 3);
      return aligned.slice(firstGroup * 4, endGroup * 4);
    });
  });
  return [
    ...new Set(
      cores
        .filter((core) => core.length >= SHORT_SECRET)
        .flatMap((core) => [core, core.replace(/\+/g, '-').replace(/\//g, '_'), core.replace(/\//g, '\\/')]),
    ),
  ];
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Whether text[i] belongs to a base64 or base64url value, "\/" (JSON's "/") included. */
function inBase64Run(text: string, i: number): boolean {
  return /[A-Za-z0-9+/_=-]/.test(text.charAt(i)) || (text[i] === '\\' && text[i + 1] === '/');
}

/** `text` with every base64 value that contains `core` replaced whole by the mask, in linear time. */
function maskBase64Values(text: string, core: string): string {
  let out = '';
  let from = 0;
  for (let at = text.indexOf(core); at !== -1; at = text.indexOf(core, from)) {
    // Each walk stops at the text's ends (outside it, charAt reads '') and never passes `from`: the
    // previous value ended there, before a character that is not base64.
    let start = at;
    while (inBase64Run(text, start - 1)) start--;
    let end = at + core.length;
    while (inBase64Run(text, end)) end++;
    out += text.slice(from, start) + MASK;
    from = end;
  }
  return out + text.slice(from);
}

/**
 * Replaces every occurrence of each secret with "***": in any of its spellings, and any base64 (or
 * base64url) value that encodes it, masked whole.
 */
export function redactSecrets(text: string, secrets: Iterable<string>): string {
  const list = [...secrets].filter(Boolean);
  let out = text;
  for (const core of list.flatMap(base64Cores)) out = maskBase64Values(out, core);
  // Longest first, so a secret that contains another is masked whole.
  const needles = [...new Set(list.flatMap((secret) => [...spellings(secret), ...exactBase64(secret)]))];
  for (const needle of needles.sort((a, b) => b.length - a.length)) {
    out =
      needle.length >= SHORT_SECRET
        ? out.split(needle).join(MASK)
        : out.replace(new RegExp(`(?<![A-Za-z0-9])${escapeRegExp(needle)}(?![A-Za-z0-9])`, 'g'), MASK);
  }
  return out;
}

/** base64 and base64url of the secret alone, for secrets too short to have a core. */
function exactBase64(secret: string): string[] {
  const base64 = Buffer.from(secret).toString('base64');
  return [base64, Buffer.from(secret).toString('base64url')];
}

/** Collects the secrets of one run, and masks them in whatever is about to be written. */
export class SecretRedactor {
  private readonly secrets = new Set<string>();

  /** Remembers a secret; empty values are ignored. */
  add(secret: string | undefined): void {
    if (secret) this.secrets.add(secret);
  }

  /** `text` with every remembered secret masked. */
  redact(text: string): string {
    // Stryker disable next-line ConditionalExpression: a shortcut; redactSecrets with no secret returns the text as it is
    return this.secrets.size === 0 ? text : redactSecrets(text, this.secrets);
  }
}
