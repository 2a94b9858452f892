import { InvalidArgumentError } from "../errors.js";
import { displayUrl } from "../core/redact.js";
import { describeValue } from "../core/validate.js";

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

/**
 * The one check of a service address (XNAT server, Allen API base, S3 endpoint) given by the
 * caller: a string or URL, http(s), without user info (credentials go in options, never in an
 * address that gets logged), without a query or `#fragment` (paths and queries are built onto
 * it, never appended after a fragment). Returns it ending in `/`. `what` names it in errors.
 */
export function toServiceBase(address: unknown, what: string, example: string): URL {
  if (typeof address !== "string" && !(address instanceof URL)) throw new InvalidArgumentError(`${what} must be a URL string, not ${describeValue(address)}`, `write it like ${example}`);
  let base: URL;
  try {
    base = new URL(String(address));
  } catch {
    throw new InvalidArgumentError(`${what} ${JSON.stringify(displayUrl(String(address)).slice(0, 200))} is not a URL`, `write it like ${example}`);
  }
  if (base.protocol !== "http:" && base.protocol !== "https:") throw new InvalidArgumentError(`${what} must be an http or https URL, not ${base.protocol}`, `write it like ${example}`);
  assertNoUserInfo(base);
  if (base.search || base.hash || String(address).includes("#")) {
    throw new InvalidArgumentError(`${what} ${displayUrl(base)} has a ${base.hash || String(address).includes("#") ? "#fragment" : "query"}; it must be the bare address`, `write it like ${example}`);
  }
  if (!base.pathname.endsWith("/")) base.pathname += "/";
  return base;
}
