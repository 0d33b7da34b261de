/** What every secret is replaced with in console lines, log lines and error texts. */
export const REDACTED = "[redacted]";

/**
 * Replaces registered secrets in text. A safety net only: code should never put a secret
 * in a message in the first place, but an error from a library can echo one back.
 */
export class Redactor {
  private readonly secrets = new Set<string>();
  private pattern: RegExp | undefined;

  constructor(secrets: Iterable<string | undefined> = []) {
    for (const secret of secrets) this.add(secret);
  }

  /** Adds a secret; empty and undefined values are ignored. */
  add(secret: string | undefined): void {
    if (!secret || this.secrets.has(secret)) return;
    this.secrets.add(secret);
    this.pattern = undefined;
    // A URL such as SMTP_URL carries its password inside: redact that too, as written
    // in the URL and decoded, since an error message may quote either.
    for (const part of urlPassword(secret)) this.add(part);
  }

  /** The text with every registered secret replaced by `[redacted]`. */
  redact(text: string): string {
    if (this.secrets.size === 0) return text;
    this.pattern ??= buildPattern(this.secrets);
    return text.replace(this.pattern, REDACTED);
  }
}

// Longest first, so a secret that contains another is replaced whole. Hex keys match in
// either case because Buffer and people print hex differently.
function buildPattern(secrets: Set<string>): RegExp {
  const sorted = [...secrets].sort((a, b) => b.length - a.length);
  const parts = sorted.map((secret) =>
    /^[0-9a-f]+$/i.test(secret) ? caseless(secret) : escapeRegExp(secret),
  );
  return new RegExp(parts.join("|"), "g");
}

function urlPassword(text: string): string[] {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) return [];
  try {
    const { password } = new URL(text);
    return password ? [password, decodeURIComponent(password)] : [];
  } catch {
    return [];
  }
}

function caseless(hex: string): string {
  return [...hex]
    .map((c) => (/[a-f]/i.test(c) ? `[${c.toLowerCase()}${c.toUpperCase()}]` : c))
    .join("");
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
