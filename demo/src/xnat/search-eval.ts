/** Runs a parsed search over the catalog the way XNAT's display search does (SQL semantics). */
import { DisplayField, ElementType, findElementType, resolveField, SearchRow } from "./fields.js";
import { likeToRegExp } from "./listings.js";
import type { Catalog, ExperimentRecord } from "./model.js";
import type { CriteriaSetSpec, CriterionSpec, SearchSpec } from "./search-document.js";
import type { Table } from "./table.js";

/** The search cannot run (unknown type, field or operator, bad value): answered with 500 like XNAT's SQL failures. */
export class SearchEvaluationError extends Error {}

const NUMERIC = new Set(["integer", "float"]);
/** Field types whose SQL values XNAT's CSV writes unquoted. */
const BARE_TYPES = new Set(["integer", "float", "date"]);
const OPERATORS = new Set(["=", "!=", "<>", "<", "<=", ">", ">=", "IN", "BETWEEN", "IS", "IS NOT", "IS NULL", "IS NOT NULL"]);

/** A field bound to the row it reads from (root type, joined subject, or joined sibling assessor). */
interface BoundField {
  type: ElementType;
  field: DisplayField;
  parameter?: string;
  read(row: SearchRow): string | null;
}

type Predicate = (row: SearchRow) => boolean;

/**
 * Evaluates `spec`; the table has the lower-cased field ids as columns plus `quarantine_status`.
 * A requested column XNAT cannot resolve (unknown type or field) is left out of the result, as
 * XNAT's `DisplaySearch.addDisplayField` logs and skips it; an unknown field in the criteria
 * fails the whole search (500), as XNAT's criteria builder does.
 */
export function runSearch(catalog: Catalog, spec: SearchSpec): Table {
  const root = findElementType(spec.rootElement);
  if (!root) throw new SearchEvaluationError(`Unknown data type ${spec.rootElement}: no such element; see /data/search/elements for the searchable types`);
  const join = joiner(catalog, root);

  const columns: string[] = [];
  const readers: BoundField[] = [];
  const properties: Array<Record<string, string>> = [];
  for (const requested of spec.fields) {
    const reference = requested.parameter ? `${requested.fieldId}=${requested.parameter}` : requested.fieldId;
    const type = findElementType(requested.elementName);
    if (!type || !resolveField(type, reference)) continue;
    const bound = bindField(root, requested.elementName, reference, join);
    const key = columnKey(root, bound, columns.length);
    if (columns.includes(key)) continue;
    columns.push(key);
    readers.push(bound);
    const id = bound.parameter ? `${bound.field.id}=${bound.parameter}` : bound.field.id;
    properties.push({
      key,
      element_name: bound.type.name,
      id,
      xPATH: `${bound.type.name}.${id}`,
      header: requested.header ? requested.header : " ",
      type: requested.type ?? bound.field.type,
    });
  }
  if (readers.length === 0) throw new SearchEvaluationError(`none of the search fields of ${root.name} exists; see /data/search/elements/${root.name}`);
  columns.push("quarantine_status");
  properties.push({ key: "quarantine_status" });

  const predicate = spec.where ? compileSet(spec.where, root, join) : () => true;
  const rows = root
    .rows(catalog)
    .filter(predicate)
    .map((row) => [...readers.map((reader) => reader.read(row) ?? ""), "active"]);
  const columnKinds = [...readers.map((reader) => (BARE_TYPES.has(reader.field.type) ? "bare" : "text") as "bare" | "text"), "text" as const];
  return { columns, rows, columnProperties: properties, columnKinds, meta: { totalRecords: rows.length, rootElementName: root.name } };
}

type Joiner = (type: ElementType) => ((row: SearchRow) => SearchRow | undefined) | undefined;

/** How a row of `root` reaches rows of another type: subjects via subject_ID, sibling assessors via the subject. */
function joiner(catalog: Catalog, root: ElementType): Joiner {
  let bySubject: Map<string, ExperimentRecord[]> | undefined;
  return (type) => {
    if (type === root) return (row) => row;
    if (!root.subjectAssessor || !type.subjectAssessor) return undefined;
    if (type.name === "xnat:subjectData") return (row) => (row.subject ? { subject: row.subject } : undefined);
    return (row) => {
      if (!row.subject) return undefined;
      if (!bySubject) {
        bySubject = new Map();
        for (const experiment of catalog.experiments) {
          const list = bySubject.get(experiment.subjectId) ?? [];
          list.push(experiment);
          bySubject.set(experiment.subjectId, list);
        }
      }
      const experiment = bySubject.get(row.subject.id)?.find((candidate) => candidate.xsiType === type.name);
      return experiment ? { experiment, subject: row.subject } : undefined;
    };
  };
}

function bindField(root: ElementType, elementName: string, reference: string, join: Joiner): BoundField {
  const type = findElementType(elementName);
  if (!type) throw new SearchEvaluationError(`Unknown data type ${elementName} in ${elementName}/${reference}`);
  const resolved = resolveField(type, reference);
  if (!resolved) {
    throw new SearchEvaluationError(
      `Unknown search field ${type.name}/${reference}: no display field or schema path of that name; see /data/search/elements/${type.name}`,
    );
  }
  if (resolved.field.requiresValue && !resolved.parameter) {
    throw new SearchEvaluationError(`Search field ${type.name}/${resolved.field.id} needs a parameter (${resolved.field.id}=<project>)`);
  }
  const route = join(type);
  if (!route) throw new SearchEvaluationError(`Cannot join ${type.name} to ${root.name} in a search rooted at ${root.name}`);
  return {
    type,
    field: resolved.field,
    parameter: resolved.parameter,
    read: (row) => {
      const target = route(row);
      return target ? resolved.field.value(target, resolved.parameter) : null;
    },
  };
}

/** Result column name: the lower-cased field id, prefixed with the type's SQL name for joined types. */
function columnKey(root: ElementType, bound: BoundField, index: number): string {
  let key = bound.field.id;
  if (bound.parameter) key += `_${bound.parameter.replace(/,/g, "_com_").replace(/:/g, "_col_")}`;
  if (bound.type !== root) key = `${bound.type.sqlName}_${key}`;
  key = key.toLowerCase();
  return key.length > 63 ? `df_alias_${index}` : key;
}

/** Splits `type/FIELD` or `type.FIELD`. */
function splitSchemaField(schemaField: string): [string, string] {
  const match = /^([^/.]+)[/.](.+)$/.exec(schemaField.trim());
  if (!match) throw new SearchEvaluationError(`criteria schema_field ${JSON.stringify(schemaField)} must look like <type>/<FIELD>, e.g. nt:scores/NEO_NEOFAC_A`);
  return [match[1], match[2]];
}

function compileSet(set: CriteriaSetSpec, root: ElementType, join: Joiner): Predicate {
  const parts = [...set.criteria.map((criterion) => compileCriterion(criterion, root, join)), ...set.children.map((child) => compileSet(child, root, join))];
  if (parts.length === 0) return () => true;
  return set.method === "OR" ? (row) => parts.some((part) => part(row)) : (row) => parts.every((part) => part(row));
}

function compileCriterion(criterion: CriterionSpec, root: ElementType, join: Joiner): Predicate {
  const [elementName, reference] = splitSchemaField(criterion.schemaField);
  const bound = bindField(root, elementName, reference, join);
  const where = `${bound.type.name}/${bound.field.id}`;
  const numeric = NUMERIC.has(bound.field.type);
  const operator = criterion.comparison.trim().replace(/\s+/g, " ").toUpperCase();
  const value = criterion.value;
  checkInjection(value, where);

  if (operator.includes("LIKE")) {
    const negate = operator.startsWith("NOT");
    const pattern = likeToRegExp(value.replace(/\*/g, "%"));
    return (row) => {
      const cell = bound.read(row);
      if (cell === null) return false;
      return pattern.test(cell) !== negate;
    };
  }
  if (!OPERATORS.has(operator)) {
    throw new SearchEvaluationError(`Unsupported comparison_type ${JSON.stringify(criterion.comparison)} for ${where}; use =, !=, <, <=, >, >=, LIKE, NOT LIKE, IN, BETWEEN, IS NULL or IS NOT NULL`);
  }
  const isNull = (cell: string | null) => cell === null || (!numeric && cell === "");
  if (operator === "IS NULL" || (operator === "IS" && /^NULL$/i.test(value.trim()))) return (row) => isNull(bound.read(row));
  if (operator === "IS NOT NULL" || (operator === "IS" && /^NOT NULL$/i.test(value.trim())) || (operator === "IS NOT" && /^NULL$/i.test(value.trim()))) {
    return (row) => !isNull(bound.read(row));
  }
  if (operator === "IS" || operator === "IS NOT") {
    throw new SearchEvaluationError(`${operator} needs NULL or NOT NULL as value for ${where}, not ${JSON.stringify(value)}`);
  }
  if (value.trim() === "*") return (row) => !isNull(bound.read(row));

  const convert = (text: string): number | string => {
    if (numeric) {
      const trimmed = text.trim();
      if (trimmed === "" || Number.isNaN(Number(trimmed))) {
        throw new SearchEvaluationError(`invalid input syntax for type numeric: ${JSON.stringify(text)} (${where} is a ${bound.field.type} field)`);
      }
      return Number(trimmed);
    }
    return bound.field.type === "date" ? normaliseDate(text) : text;
  };
  const cellValue = (cell: string): number | string => (numeric ? Number(cell) : cell);
  const compare = (a: number | string, b: number | string) => (a < b ? -1 : a > b ? 1 : 0);

  if (operator === "IN") {
    const wanted = value.split(",").map((item) => convert(item.trim()));
    return (row) => {
      const cell = bound.read(row);
      return cell !== null && cell !== "" && wanted.some((item) => compare(cellValue(cell), item) === 0);
    };
  }
  if (operator === "BETWEEN") {
    const bounds = value.split(/\s+AND\s+/i);
    if (bounds.length !== 2) throw new SearchEvaluationError(`BETWEEN needs a value like "a AND b" for ${where}, not ${JSON.stringify(value)}`);
    const [low, high] = bounds.map(convert);
    return (row) => {
      const cell = bound.read(row);
      return cell !== null && cell !== "" && compare(cellValue(cell), low) >= 0 && compare(cellValue(cell), high) <= 0;
    };
  }
  if (operator === "=" && value === "") return (row) => isNull(bound.read(row));
  const target = convert(value);
  const test: Record<string, (order: number) => boolean> = {
    "=": (order) => order === 0,
    "!=": (order) => order !== 0,
    "<>": (order) => order !== 0,
    "<": (order) => order < 0,
    "<=": (order) => order <= 0,
    ">": (order) => order > 0,
    ">=": (order) => order >= 0,
  };
  const accepts = test[operator];
  const nullsMatch = operator === "!=" || operator === "<>";
  return (row) => {
    const cell = bound.read(row);
    if (cell === null || cell === "") return nullsMatch;
    return accepts(compare(cellValue(cell), target));
  };
}

/** XNAT refuses values that look like SQL injection. */
function checkInjection(value: string, where: string): void {
  if (/;|--|\/\*/.test(value)) {
    throw new SearchEvaluationError(`the value for ${where} was rejected as a possible SQL injection (it contains ; -- or /*)`);
  }
}

/** Dates may come as `MM/DD/YYYY` (xnatpy) or ISO. */
function normaliseDate(text: string): string {
  const us = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(text.trim());
  return us ? `${us[3]}-${us[1].padStart(2, "0")}-${us[2].padStart(2, "0")}` : text.trim();
}
