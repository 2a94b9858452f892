import * as path from "node:path";
import { UnsafePathError } from "../errors.js";

/** C0 control characters and DEL: legal in S3 keys, a trap in file names (terminals, scripts, tools). */
const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * Where `key` (a `/`-separated relative name: an S3 key, an XNAT file path) is written under
 * `dir`. The mapping never sends two keys to one file and never leaves `dir`: keys with an empty
 * segment (`a//b`, which would land on `a/b`), a `.` or `..` segment, a leading `/`, a
 * backslash, a drive letter or a control character are refused with {@link UnsafePathError}
 * naming the key and why, before anything touches the disk. A trailing `/` (a folder marker)
 * names the folder.
 */
export function localPathFor(dir: string, key: string): string {
  const root = path.resolve(dir);
  const segments = key.split("/");
  if (segments.length > 1 && segments[segments.length - 1] === "") segments.pop();
  const reason = unsafeReason(key, segments);
  if (reason) throw new UnsafePathError(key, root, reason);
  const target = path.resolve(root, ...segments);
  if (!target.startsWith(root + path.sep)) throw new UnsafePathError(key, root);
  return target;
}

function unsafeReason(key: string, segments: readonly string[]): string | undefined {
  if (key.length === 0) return "an empty key names no file";
  if (key.startsWith("/") || /^[A-Za-z]:/.test(key) || key.includes("\\")) return "an absolute path or a backslash could land anywhere";
  if (segments.some((segment) => segment === "." || segment === "..")) return "a `.` or `..` segment could land outside the folder or on another key's file";
  if (segments.some((segment) => segment === "")) return "an empty segment (`//`) would land on the file of the key without it";
  if (CONTROL.test(key)) return "a control character has no safe file name";
  return undefined;
}
