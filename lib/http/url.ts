import { InvalidArgumentError } from "../errors.js";
import { displayUrl } from "../core/redact.js";

const LOOPBACK = new Set(["127.0.0.1", "localhost", "::1", "[::1]"]);

/** True when `url` is https, or http to this machine (credentials may travel to it). */
export function isSafeTransport(url: URL): boolean {
  if (url.protocol === "https:") return true;
  return url.protocol === "http:" && (LOOPBACK.has(url.hostname) || /^127\.\d+\.\d+\.\d+$/.test(url.hostname));
}

/** Refuses a URL that carries `user:password@` before any request (the password stays hidden). */
export function assertNoUserInfo(url: string | URL): void {
  let parsed: URL;
  try {
    parsed = new URL(String(url));
  } catch {
    return;
  }
  if (!parsed.username && !parsed.password) return;
  throw new InvalidArgumentError(
    `the URL ${displayUrl(url)} contains a user name${parsed.password ? " and a password" : ""}`,
    "remove them from the URL and pass credentials as options (e.g. xnat.connect(url, { user, password })), in the environment or in ~/.netrc",
  );
}
