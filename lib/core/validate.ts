import { InvalidArgumentError } from "../errors.js";

/**
 * The one check of caller-given values at the public entries: each option has a rule, and a
 * value outside it raises {@link InvalidArgumentError} naming the option, the allowed range
 * and what was given, before any request or file is touched.
 */

/** A rule checks one value; `describe` says in words what it allows (for messages). */
export interface Rule {
  readonly describe: string;
  test(value: unknown): boolean;
}

/** Rules per option name; absent (undefined) options are not checked. */
export type OptionRules = Readonly<Record<string, Rule>>;

const rule = (describe: string, test: (value: unknown) => boolean): Rule => ({ describe, test });

/** A whole number from `min` to `max` (both included). */
export const integer = (min: number, max = Number.MAX_SAFE_INTEGER): Rule =>
  rule(max === Number.MAX_SAFE_INTEGER ? `a whole number of at least ${min}` : `a whole number from ${min} to ${max}`, (v) => Number.isSafeInteger(v) && (v as number) >= min && (v as number) <= max);

/** Milliseconds: a finite number from `min` (default 1) up to `max` (default 24 hours). */
export const milliseconds = (min = 1, max = 86_400_000): Rule =>
  rule(`a number of milliseconds from ${min} to ${max}`, (v) => typeof v === "number" && Number.isFinite(v) && v >= min && v <= max);

/** A size in bytes, a whole number from `min` (default 1). */
export const bytes = (min = 1): Rule => rule(`a whole number of bytes of at least ${min}`, (v) => Number.isSafeInteger(v) && (v as number) >= min);

/** One of the listed strings. */
export const oneOf = (...values: readonly string[]): Rule => rule(`one of ${values.map((v) => JSON.stringify(v)).join(", ")}`, (v) => typeof v === "string" && values.includes(v));

/** A string; `nonEmpty` refuses "". */
export const text = (nonEmpty = false): Rule => rule(nonEmpty ? "a non-empty string" : "a string", (v) => typeof v === "string" && (!nonEmpty || v !== ""));

export const flag: Rule = rule("true or false", (v) => typeof v === "boolean");
export const callback: Rule = rule("a function", (v) => typeof v === "function");
export const abortSignal: Rule = rule("an AbortSignal", (v) => v instanceof AbortSignal);
/** A plain object (settings, headers). */
export const record: Rule = rule("an object", (v) => typeof v === "object" && v !== null && !Array.isArray(v));
/** A list of strings. */
export const textList: Rule = rule("a list of strings", (v) => Array.isArray(v) && v.every((item) => typeof item === "string"));

/** Either rule. */
export const either = (a: Rule, b: Rule): Rule => rule(`${a.describe} or ${b.describe}`, (v) => a.test(v) || b.test(v));

/** A short, redaction-safe description of a given value for messages (strings are not shown: they may be secrets). */
export function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return String(value);
  if (typeof value === "string") return value.length <= 40 && /^[\w .:/+-]*$/.test(value) ? JSON.stringify(value) : `a string of ${value.length} characters`;
  if (value instanceof Date) return "a Date";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

/** Raises {@link InvalidArgumentError} unless `value` passes `check`: "`where`: `name` must be ..., not ...". */
export function checkValue(value: unknown, check: Rule, name: string, where: string): void {
  if (!check.test(value)) throw new InvalidArgumentError(`${where}: ${name} must be ${check.describe}, not ${describeValue(value)}`);
}

/**
 * Checks an options object at a public entry: it must be an object (or undefined), and each
 * option that is set must pass its rule. Returns the options (an empty object for undefined).
 */
export function checkOptions<T extends object>(options: T | undefined, where: string, rules: OptionRules): T {
  if (options === undefined || options === null) return {} as T;
  if (typeof options !== "object" || Array.isArray(options)) throw new InvalidArgumentError(`${where}: the options must be an object, not ${describeValue(options)}`);
  for (const [name, check] of Object.entries(rules)) {
    const value = (options as Record<string, unknown>)[name];
    if (value !== undefined) checkValue(value, check, `option \`${name}\``, where);
  }
  return options;
}

/** Checks a positional argument: "`where`: the `name` must be ..., not ...". */
export function checkArgument(value: unknown, check: Rule, name: string, where: string): void {
  checkValue(value, check, `the ${name}`, where);
}

/** A list (any array). */
export const list: Rule = rule("a list", (v) => Array.isArray(v));
/** A list of plain objects (records). */
export const recordList: Rule = rule("a list of objects", (v) => Array.isArray(v) && v.every((item) => typeof item === "object" && item !== null && !Array.isArray(item)));
/** A list of lists (rows). */
export const rowList: Rule = rule("a list of rows (lists)", (v) => Array.isArray(v) && v.every((item) => Array.isArray(item)));
/** A danfo DataFrame (columns and row values). */
export const dataFrame: Rule = rule("a DataFrame", (v) => typeof v === "object" && v !== null && Array.isArray((v as { columns?: unknown }).columns) && Array.isArray((v as { values?: unknown }).values));
