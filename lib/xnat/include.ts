import { InvalidArgumentError } from "../errors.js";

/**
 * A filter from `include` globs over the paths files get below the target folder: `*` and `?`
 * stay within one path segment, `**` spans segments, `{a,b}` picks either; a pattern without
 * `/` is matched against the file name alone (`*.nii` takes every NIfTI file, wherever it
 * lies). No pattern keeps everything; several keep what any of them matches.
 */
export function toIncludeFilter(include: string | readonly string[] | undefined): (key: string) => boolean {
  const patterns = include === undefined ? [] : typeof include === "string" ? [include] : [...include];
  if (patterns.length === 0) return () => true;
  const tests = patterns.map((pattern) => {
    if (typeof pattern !== "string" || pattern.trim() === "") throw new InvalidArgumentError(`include patterns must be non-empty strings, not ${JSON.stringify(pattern)}`, "e.g. include: \"*.nii\" or \"DICOM/**\"");
    const regex = globToRegExp(pattern);
    return pattern.includes("/") ? (key: string) => regex.test(key) : (key: string) => regex.test(key.slice(key.lastIndexOf("/") + 1));
  });
  return (key) => tests.some((test) => test(key));
}

/** The regular expression a glob stands for (anchored at both ends). */
export function globToRegExp(glob: string): RegExp {
  let out = "";
  let braces = 0;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === "*" && glob[i + 1] === "*") {
      const slash = glob[i + 2] === "/";
      out += slash ? "(?:.*/)?" : ".*";
      i += slash ? 2 : 1;
    } else if (c === "*") out += "[^/]*";
    else if (c === "?") out += "[^/]";
    else if (c === "{") {
      braces++;
      out += "(?:";
    } else if (c === "}" && braces > 0) {
      braces--;
      out += ")";
    } else if (c === "," && braces > 0) out += "|";
    else out += c.replace(/[.+^$()|[\]\\]/g, "\\$&");
  }
  if (braces > 0) throw new InvalidArgumentError(`the include pattern ${JSON.stringify(glob)} has an unclosed {`);
  return new RegExp(`^${out}$`);
}
