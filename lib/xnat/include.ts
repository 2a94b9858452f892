import { toGlobRegExp, type GlobContext } from "../core/glob.js";

/** Include patterns are paths below a download's target folder. */
const TARGET_FOLDER: GlobContext = { within: "the target folder", example: "*.nii or scans/2/DICOM/**" };

/**
 * A filter from `include` globs over the paths files get below the target folder, in the
 * library's one glob syntax (`core/glob.ts`: `*` and `?` within a path segment, `**` across
 * segments, `[abc]`, `{a,b}`, `\` to escape); a pattern without `/` is matched against the file
 * name alone (`*.nii` takes every NIfTI file, wherever it lies). No pattern keeps everything;
 * several keep what any of them matches. A malformed pattern raises `InvalidArgumentError`.
 */
export function toIncludeFilter(include: string | readonly string[] | undefined): (key: string) => boolean {
  const patterns = include === undefined ? [] : typeof include === "string" ? [include] : [...include];
  if (patterns.length === 0) return () => true;
  const tests = patterns.map((pattern) => {
    const regex = toGlobRegExp(pattern, TARGET_FOLDER);
    return pattern.includes("/") ? (key: string) => regex.test(key) : (key: string) => regex.test(key.slice(key.lastIndexOf("/") + 1));
  });
  return (key) => tests.some((test) => test(key));
}
