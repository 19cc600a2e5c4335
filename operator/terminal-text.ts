/**
 * Text from outside (a Terraform state, a server's reply) on its way to a terminal: control
 * characters could move the cursor, recolour or clear the screen, or reorder what is shown, so they
 * are written as escapes instead.
 */

// C0 and C1 controls, DEL, and the characters that change the direction or lines of what follows.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** `text` with every control character as a \u escape; a line break becomes "\u000a" too. */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A value from outside, quoted and shortened for a one-line message: "dev-pool", ["a","b"]. */
export function quoted(value: unknown, max = 80): string {
  const text = JSON.stringify(value) ?? String(value);
  return printable(text.length > max ? `${text.slice(0, max - 3)}...` : text);
}
