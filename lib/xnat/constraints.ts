import { ConstraintError, UnknownOperatorError } from "./errors.js";

/** Comparison operators XNAT's search service understands. */
export const OPERATORS = ["=", "!=", "<", "<=", ">", ">=", "LIKE", "NOT LIKE", "IN", "BETWEEN", "IS", "IS NOT", "IS NULL", "IS NOT NULL"] as const;
export type Operator = (typeof OPERATORS)[number];

/** One comparison: `type/FIELD <operator> value`. */
export interface Criterion {
  kind: "criterion";
  /** `type/FIELD`, e.g. `nt:scores/NEO_NEOFAC_A`. */
  field: string;
  operator: Operator;
  value: string;
}

/** Criteria and nested sets joined by AND or OR. */
export interface ConstraintSet {
  kind: "set";
  method: "AND" | "OR";
  items: Constraint[];
}

export type Constraint = Criterion | ConstraintSet;

/**
 * What `where()` accepts: a built {@link Constraint}, pyxnat's nested-list form
 * (`[[field, op, value], ..., [nested...], "AND"]`), or pyxnat's postfix string
 * (`"nt:scores/NEO_NEOFAC_A > 40 nt:scores/PROJECTS LIKE %HCP_Q1% AND"`).
 */
export type ConstraintInput = Constraint | readonly unknown[] | string;

/** The deepest nesting of constraint groups accepted; deeper input (or a list that contains itself) raises {@link ConstraintError}. */
export const MAX_CONSTRAINT_DEPTH = 32;

const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * The first character of `text` that an XML 1.0 document cannot carry, even escaped (control
 * characters other than tab, LF and CR; U+FFFE, U+FFFF; lone surrogates), described as
 * `U+0000 at character 4`; undefined when there is none.
 */
export function nonXmlCharacter(text: string): string | undefined {
  const match = NOT_XML.exec(text);
  if (!match) return undefined;
  return `U+${match[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")} at character ${match.index + 1}`;
}

function checkXmlText(text: string, where: string, what: string): void {
  const bad = nonXmlCharacter(text);
  if (bad) throw new ConstraintError(where, `the ${what} contains ${bad}, which an XML search document cannot carry`, "remove control characters and unpaired surrogates from the value");
}

/** Splits `type/FIELD` at the first slash. */
export function splitField(field: string): { type: string; field: string } {
  const slash = field.indexOf("/");
  return { type: field.slice(0, slash), field: field.slice(slash + 1) };
}

/** Normalises an operator's spelling (case, spaces); raises {@link UnknownOperatorError} for anything else. */
export function toOperator(raw: unknown, where: string): Operator {
  if (typeof raw !== "string") throw new ConstraintError(where, `the operator must be a string, not ${describe(raw)}`);
  const spelled = raw.trim().replace(/\s+/g, " ").toUpperCase();
  const operator = spelled === "==" ? "=" : spelled === "<>" ? "!=" : spelled;
  if (!(OPERATORS as readonly string[]).includes(operator)) throw new UnknownOperatorError(where, raw, OPERATORS);
  return operator as Operator;
}

/** Checks that a field is spelled `type/FIELD` (a data type, a slash, a field id). */
export function checkFieldName(field: unknown, where: string): string {
  if (typeof field !== "string" || field.trim() === "") throw new ConstraintError(where, `the field must be a non-empty string, not ${describe(field)}`);
  const name = field.trim();
  checkXmlText(name, where, "field name");
  const { type, field: id } = splitField(name);
  if (!name.includes("/") || !/^[\w.-]+:[\w.-]+$/.test(type) || id === "") {
    throw new ConstraintError(where, `${JSON.stringify(name)} is not of the form "type/FIELD"`, 'prefix the field with its data type, e.g. "nt:scores/NEO_NEOFAC_A"');
  }
  return name;
}

/** Builds one criterion, validating every part. */
export function toCriterion(field: unknown, operator: unknown, value: unknown, where: string): Criterion {
  const name = checkFieldName(field, `${where}[0]`);
  const op = toOperator(operator, `${where}[1]`);
  if (typeof value === "number" && Number.isFinite(value)) value = String(value);
  if (typeof value !== "string") throw new ConstraintError(`${where}[2]`, `the value must be a string or a finite number, not ${describe(value)}`);
  checkXmlText(value, `${where}[2]`, "value");
  return { kind: "criterion", field: name, operator: op, value };
}

/** Turns any accepted constraint input into a {@link ConstraintSet} (a lone criterion is wrapped in AND). */
export function toConstraintSet(input: ConstraintInput, where = "constraints"): ConstraintSet {
  if (typeof input === "string") return fromPostfix(input, where);
  if (Array.isArray(input)) {
    if (isTuple(input)) return { kind: "set", method: "AND", items: [fromTuple(input, where)] };
    return fromPyxnatList(input, where);
  }
  if (isConstraint(input)) {
    checkConstraint(input, where);
    return input.kind === "set" ? input : { kind: "set", method: "AND", items: [input] };
  }
  throw new ConstraintError(where, `expected a list of [field, operator, value] triples, a built constraint or a postfix string, not ${describe(input)}`);
}

/**
 * Parses pyxnat's nested-list form exactly as pyxnat walks it: a triple is a criterion, a
 * nested list is a sub-group, and "AND" / "OR" sets the method of the list it sits in
 * (AND when absent). `*` in a value becomes the SQL wildcard `%`, as in pyxnat.
 */
export function fromPyxnatList(list: readonly unknown[], where = "constraints", depth = 1): ConstraintSet {
  checkDepth(depth, where);
  const items: Constraint[] = [];
  let method: "AND" | "OR" | undefined;
  list.forEach((item, index) => {
    const at = `${where}[${index}]`;
    if (typeof item === "string") {
      const word = item.trim().toUpperCase();
      if (word !== "AND" && word !== "OR") throw new ConstraintError(at, `${JSON.stringify(item)} is neither "AND" nor "OR"`, "a bare string in a constraint list can only be the joining word AND or OR");
      if (method !== undefined && method !== word) throw new ConstraintError(at, `the list says both ${method} and ${word}`, "nest a list for the part that is joined differently");
      method = word;
    } else if (Array.isArray(item)) {
      if (item.length === 0) throw new ConstraintError(at, "empty list", "remove it, or put criteria in it");
      if (isTuple(item)) items.push(fromTuple(item, at));
      else items.push(fromPyxnatList(item, at, depth + 1));
    } else if (isConstraint(item)) {
      checkConstraint(item, at, depth + 1);
      items.push(item);
    } else {
      throw new ConstraintError(at, `expected a [field, operator, value] triple, a nested list or "AND"/"OR", not ${describe(item)}`);
    }
  });
  if (items.length === 0) throw new ConstraintError(where, "the list holds no criteria", 'add at least one ["type/FIELD", "op", "value"] triple');
  return { kind: "set", method: method ?? "AND", items };
}

/** A list whose first element is a string other than AND/OR is meant as a triple. */
function isTuple(item: readonly unknown[]): boolean {
  const first = item[0];
  return typeof first === "string" && !/^\s*(AND|OR)\s*$/i.test(first);
}

function fromTuple(item: readonly unknown[], where: string): Criterion {
  if (item.length !== 3) {
    throw new ConstraintError(where, `a criterion needs exactly 3 items [field, operator, value], this one has ${item.length}: ${describe(item)}`);
  }
  const criterion = toCriterion(item[0], item[1], item[2], where);
  return { ...criterion, value: criterion.value.replace(/\*/g, "%") };
}

/** Parses pyxnat's postfix form: `field op value` triples and AND/OR words that join the two previous terms (or more). */
export function fromPostfix(text: string, where = "constraints"): ConstraintSet {
  const tokens = text.trim().split(/\s+/).filter(Boolean);
  const stack: Constraint[] = [];
  let i = 0;
  while (i < tokens.length) {
    const word = tokens[i].toUpperCase();
    if (word === "AND" || word === "OR") {
      if (stack.length < 2) throw new ConstraintError(`${where} word ${i + 1}`, `${word} needs two terms before it`);
      const right = stack.pop()!;
      const left = stack.pop()!;
      const group: ConstraintSet = left.kind === "set" && left.method === word ? left : { kind: "set", method: word, items: [left] };
      if (right.kind === "set" && right.method === word) for (const item of right.items) group.items.push(item);
      else group.items.push(right);
      stack.push(group);
      i++;
      continue;
    }
    let opLength = 1;
    if (tokens[i + 1]?.toUpperCase() === "NOT" && tokens[i + 2]?.toUpperCase() === "LIKE") opLength = 2;
    const operator = tokens.slice(i + 1, i + 1 + opLength).join(" ");
    const value = tokens[i + 1 + opLength];
    if (value === undefined) throw new ConstraintError(`${where} word ${i + 1}`, `incomplete criterion ${JSON.stringify(tokens.slice(i).join(" "))}`, "each criterion is three words: type/FIELD operator value");
    const criterion = toCriterion(tokens[i], operator, value, `${where} word ${i + 1}`);
    stack.push({ ...criterion, value: criterion.value.replace(/\*/g, "%") });
    i += 2 + opLength;
  }
  if (stack.length === 0) throw new ConstraintError(where, "the query is empty");
  if (stack.length > 1) throw new ConstraintError(where, `${stack.length} terms are left without AND/OR joining them`, "end the query with AND or OR");
  const top = stack[0];
  const set: ConstraintSet = top.kind === "set" ? top : { kind: "set", method: "AND", items: [top] };
  checkDepth(depthOf(set), where);
  return set;
}

/** How deeply groups nest in `constraint` (a lone criterion: 0), without recursion. */
function depthOf(constraint: Constraint): number {
  let deepest = 0;
  const pending: [Constraint, number][] = [[constraint, constraint.kind === "set" ? 1 : 0]];
  while (pending.length) {
    const [node, depth] = pending.pop()!;
    deepest = Math.max(deepest, depth);
    if (node.kind === "set" && depth <= MAX_CONSTRAINT_DEPTH) for (const item of node.items) if (item?.kind === "set") pending.push([item, depth + 1]);
  }
  return deepest;
}

function checkDepth(depth: number, where: string): void {
  if (depth > MAX_CONSTRAINT_DEPTH) {
    throw new ConstraintError(where, `the groups nest more than ${MAX_CONSTRAINT_DEPTH} levels deep`, "flatten the constraints: a list of criteria joined by one AND or OR needs no nesting");
  }
}

function isConstraint(value: unknown): value is Constraint {
  return !!value && typeof value === "object" && !Array.isArray(value) && ((value as Constraint).kind === "criterion" || (value as Constraint).kind === "set");
}

/** Re-validates a constraint tree built by hand (or by {@link where}). */
export function checkConstraint(constraint: Constraint, where: string, depth = 1): void {
  if (constraint.kind === "criterion") {
    toCriterion(constraint.field, constraint.operator, constraint.value, where);
    return;
  }
  checkDepth(depth, where);
  if (constraint.method !== "AND" && constraint.method !== "OR") throw new ConstraintError(where, `method must be "AND" or "OR", not ${describe(constraint.method)}`);
  if (!Array.isArray(constraint.items) || constraint.items.length === 0) throw new ConstraintError(where, "the group holds no criteria");
  constraint.items.forEach((item, i) => {
    if (!isConstraint(item)) throw new ConstraintError(`${where}.items[${i}]`, `not a constraint: ${describe(item)}`);
    checkConstraint(item, `${where}.items[${i}]`, depth + 1);
  });
}

/** Every criterion of a tree, depth first. */
export function criteriaOf(constraint: Constraint): Criterion[] {
  return constraint.kind === "criterion" ? [constraint] : constraint.items.flatMap(criteriaOf);
}

/** Joins constraints with AND, flattening nothing (each keeps its own grouping). */
export function andAll(...constraints: Constraint[]): ConstraintSet {
  return { kind: "set", method: "AND", items: constraints };
}

/** A short description of an unexpected value, for error messages. */
export function describe(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  try {
    const json = JSON.stringify(value);
    return json.length > 80 ? `${json.slice(0, 80)}…` : json;
  } catch {
    return typeof value;
  }
}

/** Renders a constraint as readable text, e.g. `(nt:scores/PROJECTS LIKE '%HCP_Q1%' AND ...)`. */
export function toConstraintText(constraint: Constraint): string {
  if (!isConstraint(constraint)) throw new ConstraintError("toConstraintText()", `expected a built constraint (from where/field or toConstraintSet), not ${describe(constraint)}`);
  checkConstraint(constraint, "toConstraintText()");
  if (constraint.kind === "criterion") return `${constraint.field} ${constraint.operator} '${constraint.value}'`;
  return `(${constraint.items.map(toConstraintText).join(` ${constraint.method} `)})`;
}
