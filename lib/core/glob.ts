import { InvalidArgumentError } from "../errors.js";

/** What a glob's errors tell the user: the folder patterns are relative to, and an example pattern. */
export interface GlobContext {
  /** e.g. `the subject folder`. */
  within: string;
  /** e.g. `MNINonLinear/Results/tfMRI_MOTOR_*\/Movement_Regressors.txt`. */
  example: string;
}

const ANY_FOLDER: GlobContext = { within: "the folder", example: "data/*.txt" };

/**
 * The one glob syntax of the library (cohort plans, XNAT download includes), as in a shell or
 * `.gitignore`: `*` is any run of characters within one path segment, `?` one character other
 * than `/`, `**` as a whole segment any number of segments (none included), `[abc]` / `[a-z]` /
 * `[!abc]` one character of (or not of) a set, `{LR,RL}` one of several alternatives, and `\`
 * makes the next character literal. A pattern matches the whole path, never a part of it.
 * Malformed or absolute patterns raise `InvalidArgumentError` naming the pattern.
 */
export function toGlobRegExp(pattern: string, context: GlobContext = ANY_FOLDER): RegExp {
  if (typeof pattern !== "string" || pattern.trim() === "") throw new InvalidArgumentError(`${JSON.stringify(pattern)} is not a glob pattern`, `give a path pattern inside ${context.within}, e.g. ${context.example}`);
  if (pattern.startsWith("/")) throw new InvalidArgumentError(`glob ${JSON.stringify(pattern)} starts with /`, `patterns are relative to ${context.within}: drop the leading /, e.g. ${context.example}`);
  const source = `^${translate(pattern, pattern)}$`;
  try {
    return new RegExp(source, "u");
  } catch (error) {
    throw malformed(pattern, `cannot be read (${(error as Error).message})`);
  }
}

/** One test for several patterns: true when any matches. */
export function toGlobMatcher(patterns: readonly string[], context: GlobContext = ANY_FOLDER): (path: string) => boolean {
  if (!Array.isArray(patterns) || patterns.length === 0) throw new InvalidArgumentError("no glob pattern given", `give at least one pattern, e.g. ${context.example}`);
  const expressions = patterns.map((pattern) => toGlobRegExp(pattern, context));
  return (path) => expressions.some((expression) => expression.test(path));
}

function translate(pattern: string, whole: string): string {
  let out = "";
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i];
    if (char === "\\") {
      if (i + 1 >= pattern.length) throw malformed(whole, "ends with a lone \\");
      out += escape(pattern[++i]);
    } else if (char === "*") {
      if (pattern[i + 1] === "*") {
        const atStart = i === 0 || pattern[i - 1] === "/";
        const atEnd = i + 2 === pattern.length || pattern[i + 2] === "/";
        if (!atStart || !atEnd) throw malformed(whole, "** must be a whole path segment (a/**/b, **/b, a/**)");
        if (i + 2 === pattern.length) out += ".*";
        else {
          out += "(?:[^/]*/)*";
          i++;
        }
        i++;
      } else out += "[^/]*";
    } else if (char === "?") out += "[^/]";
    else if (char === "[") {
      const end = closingBracket(pattern, i);
      if (end < 0) throw malformed(whole, "has a [ without ]");
      let body = pattern.slice(i + 1, end);
      const negated = body.startsWith("!") || body.startsWith("^");
      if (negated) body = body.slice(1);
      out += `[${negated ? "^/" : ""}${body.replace(/[\\\]^]/g, (c) => `\\${c}`)}]`;
      i = end;
    } else if (char === "{") {
      const end = closingBrace(pattern, i);
      if (end < 0) throw malformed(whole, "has a { without }");
      out += `(?:${splitAlternatives(pattern.slice(i + 1, end)).map((alternative) => translate(alternative, whole)).join("|")})`;
      i = end;
    } else if (char === "]" || char === "}") throw malformed(whole, `has a ${char} without its opening bracket`);
    else out += escape(char);
  }
  return out;
}

function closingBracket(pattern: string, open: number): number {
  let i = open + 1;
  if (pattern[i] === "!" || pattern[i] === "^") i++;
  if (pattern[i] === "]") i++;
  for (; i < pattern.length; i++) if (pattern[i] === "]") return i;
  return -1;
}

function closingBrace(pattern: string, open: number): number {
  let depth = 0;
  for (let i = open; i < pattern.length; i++) {
    if (pattern[i] === "\\") i++;
    else if (pattern[i] === "{") depth++;
    else if (pattern[i] === "}" && --depth === 0) return i;
  }
  return -1;
}

function splitAlternatives(body: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < body.length; i++) {
    if (body[i] === "\\") i++;
    else if (body[i] === "{") depth++;
    else if (body[i] === "}") depth--;
    else if (body[i] === "," && depth === 0) {
      parts.push(body.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(body.slice(start));
  return parts;
}

const escape = (char: string) => char.replace(/[.*+?^${}()|[\]\\/]/g, (c) => `\\${c}`);

const malformed = (pattern: string, problem: string) => new InvalidArgumentError(`glob ${JSON.stringify(pattern)} ${problem}`, "see the pattern syntax: * ? ** [abc] {a,b} and \\ to escape");
