import { checkFieldName, toOperator, type Constraint, type ConstraintSet, type Criterion, type Operator } from "./constraints.js";
import { ConstraintError } from "./errors.js";

/** A search field on which comparisons are built: `field("nt:scores/NEO_NEOFAC_A").gt(40)`. */
export interface FieldRef {
  readonly name: string;
  eq(value: string | number): Criterion;
  ne(value: string | number): Criterion;
  lt(value: string | number): Criterion;
  le(value: string | number): Criterion;
  gt(value: string | number): Criterion;
  ge(value: string | number): Criterion;
  /** SQL LIKE, case-insensitive in XNAT: `%` any run of characters, `_` any one character. */
  like(pattern: string): Criterion;
  notLike(pattern: string): Criterion;
  in(values: readonly (string | number)[]): Criterion;
  between(low: string | number, high: string | number): Criterion;
  isNull(): Criterion;
  isNotNull(): Criterion;
  /** Any operator by name. */
  op(operator: Operator | string, value: string | number): Criterion;
}

/** Starts a typed criterion on `type/FIELD`. */
export function field(name: string): FieldRef {
  const checked = checkFieldName(name, `field(${JSON.stringify(name)})`);
  const make = (operator: string, value: string | number): Criterion => {
    const where = `field(${JSON.stringify(checked)}).${operator}`;
    if (typeof value === "number" && !Number.isFinite(value)) throw new ConstraintError(where, `the value must be a finite number, not ${value}`);
    if (typeof value !== "number" && typeof value !== "string") throw new ConstraintError(where, "the value must be a string or a number");
    return { kind: "criterion", field: checked, operator: toOperator(operator, where), value: String(value) };
  };
  return {
    name: checked,
    eq: (v) => make("=", v),
    ne: (v) => make("!=", v),
    lt: (v) => make("<", v),
    le: (v) => make("<=", v),
    gt: (v) => make(">", v),
    ge: (v) => make(">=", v),
    like: (p) => make("LIKE", p),
    notLike: (p) => make("NOT LIKE", p),
    in: (values) => {
      if (!Array.isArray(values) || values.length === 0) throw new ConstraintError(`field(${JSON.stringify(checked)}).in`, "give at least one value");
      return make("IN", values.map(String).join(","));
    },
    between: (low, high) => make("BETWEEN", `${low} AND ${high}`),
    isNull: () => make("IS NULL", ""),
    isNotNull: () => make("IS NOT NULL", ""),
    op: (operator, value) => make(operator, value),
  };
}

function group(method: "AND" | "OR", items: Constraint[]): ConstraintSet {
  if (items.length === 0) throw new ConstraintError(`where.${method.toLowerCase()}()`, "give at least one criterion");
  items.forEach((item, i) => {
    if (!item || typeof item !== "object" || (item.kind !== "criterion" && item.kind !== "set")) {
      throw new ConstraintError(`where.${method.toLowerCase()}(…)[${i}]`, "not a criterion: build one with field(\"type/FIELD\").gt(…) or nest where.and/where.or");
    }
  });
  return { kind: "set", method, items };
}

/** Groups criteria: `where.and(a, where.or(b, c))`. */
export const where = Object.freeze({
  and: (...items: Constraint[]): ConstraintSet => group("AND", items),
  or: (...items: Constraint[]): ConstraintSet => group("OR", items),
});
