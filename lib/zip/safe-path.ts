import * as path from "node:path";
import { UnsafePathError } from "../errors.js";

/**
 * Where a member named `name` may be written below `outDir`. Absolute names, drive letters,
 * backslash tricks and `..` segments that leave `outDir` raise {@link UnsafePathError}.
 */
export function resolveInside(outDir: string, name: string): string {
  const root = path.resolve(outDir);
  const normalised = name.replace(/\\/g, "/");
  if (normalised.startsWith("/") || /^[A-Za-z]:/.test(normalised) || normalised.includes("\0")) throw new UnsafePathError(name, root);
  const target = path.resolve(root, ...normalised.split("/").filter((part) => part !== "" && part !== "."));
  const relative = path.relative(root, target);
  if (relative === "" || relative === ".." || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative)) throw new UnsafePathError(name, root);
  return target;
}
