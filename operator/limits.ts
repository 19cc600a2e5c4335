/**
 * The operator tooling's bounds, in one place: how long it waits, and how much it reads from
 * anything outside it (servers, files, stdin). Each is named in the error that enforces it.
 */
import { InputError } from './errors';

/**
 * The longest wait any option may ask for. Node's timers overflow above 2^31-1 ms (24.8 days) and
 * then fire at once; no token endpoint, JWKS or STS call needs more than minutes.
 */
export const MAX_TIMEOUT_MS = 600_000;

/** Timers count whole milliseconds (AbortSignal.timeout refuses fractions). */
export const MIN_TIMEOUT_MS = 1;

/**
 * `value` if it is a whole number of milliseconds from MIN_TIMEOUT_MS to MAX_TIMEOUT_MS; else an
 * InputError naming the setting, the value and the rule.
 */
export function checkTimeoutMs(setting: string, value: number): number {
  if (!(Number.isInteger(value) && value >= MIN_TIMEOUT_MS && value <= MAX_TIMEOUT_MS)) {
    throw new InputError(
      `${setting} ${String(value)} is out of range: give a whole number of milliseconds from ${MIN_TIMEOUT_MS} to ${MAX_TIMEOUT_MS}`,
    );
  }
  return value;
}

/** Seconds from a command-line option, as the whole milliseconds the timers take. */
export function secondsToMs(seconds: number): number {
  return Math.round(seconds * 1000);
}

/**
 * The longest lifetime a token reply may claim (one year). Cognito issues at most one day; a larger
 * expires_in is a broken or hostile server, and would keep a token cached for ever.
 */
export const MAX_EXPIRES_IN_SECONDS = 31_536_000;

/**
 * The most clock skew a verifier may forgive past a token's exp. Beyond minutes it is no longer
 * skew but accepting expired tokens.
 */
export const MAX_GRACE_SECONDS = 300;

/**
 * The most any reply or input is read into memory: a token reply, a JWKS (file or download), STS's
 * reply, stdin. Each is a few kB when genuine; /dev/zero or an endless reply must not fill memory.
 */
export const MAX_READ_BYTES = 1024 * 1024;

/** The longest access token the verifier parses: Cognito's, even with 100 scopes, are a few kB. */
export const MAX_ACCESS_TOKEN_LENGTH = 64 * 1024;

/**
 * The grace period `m2m rotate-secret finish --grace` may ask for: from a second, up to 90 days, the
 * usual rotation period; a rotation left open longer keeps the secret it is meant to retire.
 */
export const ROTATION_GRACE_MS = { min: 1_000, max: 90 * 86_400_000 } as const;
