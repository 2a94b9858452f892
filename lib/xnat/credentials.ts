import { readFileSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { isSafeTransport } from "../http/url.js";
import { InsecureConnectionError, MissingCredentialsError, NetrcPermissionError } from "./errors.js";

/** A user name and password for one XNAT server. */
export interface Credentials {
  user: string;
  password: string;
}

/** One `machine` (or `default`) entry of a netrc file. */
export interface NetrcEntry {
  /** Host name (optionally `host:port`), or undefined for the `default` entry. */
  machine?: string;
  login?: string;
  password?: string;
}

/** Parses netrc text (tokens separated by white space; `macdef` bodies skipped) into entries. */
export function fromNetrcText(text: string): NetrcEntry[] {
  const entries: NetrcEntry[] = [];
  const lines = text.split(/\r?\n/);
  const tokens: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (/^\s*#/.test(line)) continue;
    const words = line.trim().split(/\s+/).filter(Boolean);
    const macro = words.indexOf("macdef");
    if (macro >= 0) {
      tokens.push(...words.slice(0, macro));
      while (i + 1 < lines.length && lines[i + 1].trim() !== "") i++;
      continue;
    }
    tokens.push(...words);
  }
  let current: NetrcEntry | undefined;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (token === "machine") {
      current = { machine: tokens[++i] };
      entries.push(current);
    } else if (token === "default") {
      current = {};
      entries.push(current);
    } else if (current && (token === "login" || token === "password" || token === "account")) {
      const value = tokens[++i];
      if (token === "login") current.login = value;
      if (token === "password") current.password = value;
    }
  }
  return entries;
}

/** The netrc entry for `url`: `host:port` first, then `host`, then `default`. */
export function netrcEntryFor(entries: readonly NetrcEntry[], url: URL): NetrcEntry | undefined {
  const host = url.hostname.replace(/^\[|\]$/g, "");
  return (
    (url.port ? entries.find((e) => e.machine === `${host}:${url.port}`) : undefined) ??
    entries.find((e) => e.machine === host) ??
    entries.find((e) => e.machine === undefined)
  );
}

/** Where credentials are looked up when they are not passed explicitly. */
export interface CredentialSources {
  env?: NodeJS.ProcessEnv;
  /** Path of the netrc file (default: the `NETRC` variable, else `~/.netrc`). */
  netrcFile?: string;
}

/**
 * Resolves credentials for `url`: explicit values, else `NEUROPORTAL_XNAT_USER` /
 * `NEUROPORTAL_XNAT_PASSWORD`, else the netrc entry of the host (the file named by
 * `netrcFile`, else `NETRC`, else `~/.netrc`). A netrc file that holds a password and that
 * other users can read or write (or that belongs to someone else) is refused with
 * {@link NetrcPermissionError}, as Python's netrc module does. Never prompts.
 */
export function resolveCredentials(url: URL, given: Partial<Credentials>, sources: CredentialSources = {}): Credentials {
  const env = sources.env ?? process.env;
  let user = given.user || env.NEUROPORTAL_XNAT_USER || "";
  let password = given.password || env.NEUROPORTAL_XNAT_PASSWORD || "";
  if (!user || !password) {
    const entry = netrcEntryFor(readNetrcEntries(env, sources.netrcFile), url);
    if (entry && (!user || entry.login === user)) {
      user ||= entry.login ?? "";
      password ||= entry.password ?? "";
    }
  }
  if (!user || !password) throw new MissingCredentialsError(url.host);
  return { user, password };
}

/**
 * The entries of the netrc file: `netrcFile`, else the `NETRC` variable of `env`, else
 * `~/.netrc` (none when it does not exist). A file holding a password that other users can
 * read or change, or that belongs to someone else, raises {@link NetrcPermissionError}.
 */
export function readNetrcEntries(env: NodeJS.ProcessEnv = process.env, netrcFile?: string): NetrcEntry[] {
  const file = netrcFile ?? (env.NETRC || join(homedir(), ".netrc"));
  const entries = fromNetrcText(readNetrc(file));
  if (entries.some((entry) => entry.password !== undefined)) assertPrivateFile(file);
  return entries;
}

function readNetrc(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return "";
  }
}

/** Refuses a file holding passwords that others may read or change (POSIX permissions; not checked on Windows). */
function assertPrivateFile(file: string): void {
  if (process.platform === "win32") return;
  const stat = statSync(file, { throwIfNoEntry: false });
  if (!stat) return;
  const uid = process.getuid?.();
  const foreign = uid !== undefined && stat.uid !== uid;
  if ((stat.mode & 0o077) !== 0 || foreign) throw new NetrcPermissionError(file, stat.mode & 0o777, foreign);
}

export { isSafeTransport };

/** Raises {@link InsecureConnectionError} unless credentials may travel to `url`. */
export function assertSafeTransport(url: URL, allowInsecure = false): void {
  if (!allowInsecure && !isSafeTransport(url)) throw new InsecureConnectionError(url.href);
}
