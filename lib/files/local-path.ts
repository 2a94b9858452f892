import * as path from "node:path";
import { UnsafePathError } from "../errors.js";

/**
 * Where `key` (a `/`-separated relative name: an S3 key, an XNAT file path) is written under
 * `dir`. Keys with `..` or `.` segments, absolute keys, backslashes, drive letters or NUL bytes
 * are refused with {@link UnsafePathError}, before anything touches the disk.
 */
export function localPathFor(dir: string, key: string): string {
  const segments = key.split("/");
  const unsafe =
    key.length === 0 ||
    key.startsWith("/") ||
    key.includes("\\") ||
    key.includes("\0") ||
    /^[A-Za-z]:/.test(key) ||
    segments.some((segment) => segment === ".." || segment === ".");
  const root = path.resolve(dir);
  const target = path.resolve(root, ...segments.filter(Boolean));
  if (unsafe || !target.startsWith(root + path.sep)) throw new UnsafePathError(key, root);
  return target;
}
