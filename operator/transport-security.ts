/**
 * The one rule for when a URL may use plain HTTP: only to this machine, where nothing crosses a
 * network. Every URL the operator tooling sends a secret to or trusts keys from is checked here.
 */
import { BlockList, isIP } from 'node:net';
import { InputError } from './errors';

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/**
 * Whether a parsed URL's hostname is this machine: an IP literal in 127.0.0.0/8, ::1 (IPv4-mapped
 * forms included), or exactly "localhost". A name such as 127.example.test is not: DNS decides
 * where it goes.
 */
export function isLoopbackHost(hostname: string): boolean {
  if (hostname === 'localhost') return true;
  // URLs write IPv6 addresses in brackets, and only those.
  const bracketed = /^\[(.*)\]$/.exec(hostname);
  const address = bracketed?.[1] ?? hostname;
  const version = isIP(address);
  if (version === 4 && !bracketed) return LOOPBACK.check(address, 'ipv4');
  // Stryker disable next-line ConditionalExpression: equivalent, BlockList.check finds no IPv6 match in
  // anything else; the test says what is meant.
  return version === 6 && LOOPBACK.check(address, 'ipv6');
}

/** What a URL is for, to word the errors: e.g. "token endpoint", with why https matters to it. */
export interface UrlPurpose {
  /** e.g. "token endpoint". */
  readonly name: string;
  /** What plain HTTP would expose, e.g. "the client secret would travel in clear text". */
  readonly risk: string;
  /** The expected form, e.g. "https://<domain>.auth.<region>.amazoncognito.com/oauth2/token". */
  readonly expected: string;
}

/**
 * Parses `value` and checks it is https, or http to a loopback host, without credentials in it.
 * Throws InputError naming the URL, the rule and the expected form.
 */
export function parseSecureUrl(value: string, purpose: UrlPurpose): URL {
  const expected = `expected ${purpose.expected}`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InputError(`${purpose.name} "${value}" is not a URL: ${expected}`);
  }
  if (url.username || url.password) {
    // The URL shows up in messages; say where without repeating what.
    throw new InputError(
      `${purpose.name} ${url.protocol}//${url.host}${url.pathname} has credentials in it: remove them, ${expected}`,
    );
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    throw new InputError(
      `${purpose.name} ${url.href} does not use https and ${url.hostname} is not this machine (127.0.0.0/8, ::1 or localhost), so ${purpose.risk}: ${expected}`,
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new InputError(`${purpose.name} ${url.href} does not use https: ${expected}`);
  }
  return url;
}
