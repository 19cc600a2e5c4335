/** Keeps client secrets out of anything printed or thrown, whatever a server echoes back. */

const MASK = '***';

/**
 * Every spelling under which a secret can show up in text: as is, percent-encoded (URLs, JSON
 * echoes of a form body) and form-encoded (space as "+").
 */
function spellings(secret: string): string[] {
  const percent = encodeURIComponent(secret);
  const form = new URLSearchParams({ s: secret }).toString().slice(2);
  return [...new Set([secret, percent, form])].filter((s) => s.length > 0);
}

/** Below this length a secret is masked only where it stands alone, lest it garble every word. */
const SHORT_SECRET = 8;

/** Replaces every occurrence of each secret (in any of its encodings) with "***". */
export function redactSecrets(text: string, secrets: Iterable<string>): string {
  // Longest first, so a secret that contains another is masked whole.
  const needles = [...secrets].flatMap(spellings).sort((a, b) => b.length - a.length);
  return needles.reduce((out, needle) => {
    if (needle.length >= SHORT_SECRET) return out.split(needle).join(MASK);
    const escaped = needle.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    return out.replace(new RegExp(`(?<![A-Za-z0-9])${escaped}(?![A-Za-z0-9])`, 'g'), MASK);
  }, text);
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
    return this.secrets.size === 0 ? text : redactSecrets(text, this.secrets);
  }
}
