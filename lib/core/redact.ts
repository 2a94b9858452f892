const secrets = new Set<string>();

/**
 * Registers a value (password, session id, access key) that must never appear in an error
 * message, a log line or a notebook output. Every error raised by neuroportal is passed
 * through {@link redact} before it is constructed.
 */
export function registerSecret(value: string | undefined | null): void {
  if (value && value.length >= 4) secrets.add(value);
}

/** Replaces every registered secret and every URL user-info part in `text` with `***`. */
export function redact(text: string): string {
  let out = text.replace(/(\b[a-z][a-z0-9+.-]*:\/\/)[^/@\s:]+(?::[^/@\s]*)?@/gi, "$1***@");
  out = out.replace(/(JSESSIONID=)[^;\s&"']+/gi, "$1***");
  out = out.replace(/(authorization:\s*)(basic|bearer)\s+[A-Za-z0-9+/=._-]+/gi, "$1$2 ***");
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
    out = out.split(secret).join("***");
  }
  return out;
}

/** A URL as it may be shown to people: no user info, no registered secrets. */
export function displayUrl(url: string | URL): string {
  return redact(String(url));
}
