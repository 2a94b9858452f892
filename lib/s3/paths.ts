import * as path from "node:path";
import { UnsafePathError } from "../errors.js";

/**
 * Where `key` is written under `dir` (the key's full path, as the tutorial's loop does).
 * Keys with `..` or `.` segments, absolute keys, backslashes or NUL bytes are refused with
 * {@link UnsafePathError}, before anything touches the disk.
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
