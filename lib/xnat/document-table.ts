import type { DataFrame } from "danfojs-node";
import { fromRecords } from "../frame/from-rows.js";
import type { ColumnTypes } from "../frame/types.js";
import { childElements, isNamespaceAttribute, textOf, type XmlDocument, type XmlElement } from "./xml.js";

/** One field of a document: where it sits, its name, and its value as number and as text. */
export interface DocumentField {
  /** Local names of the enclosing elements below the root, e.g. `ER40` or `sharing/share[2]` ("" at the root). */
  group: string;
  /** Local element name (`ER40_CR`) or `@attribute`. */
  field: string;
  /** The value as a number, NaN when the text is not numeric. */
  value: number;
  /** The value exactly as written. */
  text: string;
  /** An xpath that selects this field, e.g. `nt:ER40/nt:ER40_CR`. */
  path: string;
}

const NUMERIC = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** The number a text spells, or NaN. */
export function toNumber(text: string): number {
  if (text === "") return NaN;
  const trimmed = text.trim();
  return NUMERIC.test(trimmed) ? Number(trimmed) : NaN;
}

/**
 * Flattens a document into tidy rows, one per leaf element and per attribute (namespace
 * bookkeeping left out), in document order. Repeated siblings are numbered (`share[2]`).
 */
export function toDocumentFields(document: XmlDocument): DocumentField[] {
  const rows: DocumentField[] = [];
  visitFields(document.root, "", "", rows);
  return rows;
}

const join = (head: string, tail: string): string => (head === "" ? tail : `${head}/${tail}`);

function pushAttributes(element: XmlElement, group: string, path: string, rows: DocumentField[]): void {
  const attributes = element.attributes;
  for (const name in attributes) {
    if (isNamespaceAttribute(name)) continue;
    const text = attributes[name];
    const field = `@${name}`;
    rows.push({ group, field, value: toNumber(text), text, path: join(path, field) });
  }
}

function hasChildElement(element: XmlElement): boolean {
  for (const child of element.children) if (child.kind === "element") return true;
  return false;
}

function hasAttributes(element: XmlElement): boolean {
  for (const _ in element.attributes) return true;
  return false;
}

function visitFields(element: XmlElement, group: string, path: string, rows: DocumentField[]): void {
  pushAttributes(element, group, path, rows);
  const children = childElements(element);
  let counts: Map<string, number> | undefined;
  for (let i = 1; i < children.length; i++) {
    const name = children[i].name;
    for (let j = 0; j < i; j++) {
      if (children[j].name === name) {
        counts ??= new Map();
        break;
      }
    }
    if (counts) break;
  }
  if (counts) for (const child of children) counts.set(child.name, (counts.get(child.name) ?? 0) + 1);
  const seen = counts ? new Map<string, number>() : undefined;
  for (const child of children) {
    let suffix = "";
    if (counts && seen) {
      const index = (seen.get(child.name) ?? 0) + 1;
      seen.set(child.name, index);
      if ((counts.get(child.name) ?? 0) > 1) suffix = `[${index}]`;
    }
    const childPath = join(path, `${child.name}${suffix}`);
    const childGroup = join(group, `${child.local}${suffix}`);
    if (!hasChildElement(child)) {
      pushAttributes(child, childGroup, childPath, rows);
      const text = textOf(child);
      if (text !== "" || !hasAttributes(child)) {
        rows.push({ group, field: `${child.local}${suffix}`, value: toNumber(text), text, path: childPath });
      }
    } else {
      visitFields(child, childGroup, childPath, rows);
    }
  }
}

const TIDY_COLUMNS = ["group", "field", "value", "text", "path"] as const;
const TIDY_TYPES: ColumnTypes = { group: "string", field: "string", value: "number", text: "string", path: "string" };

/** The tidy table of a document as a DataFrame: group, field, value (number), text, path. */
export function toDocumentFrame(document: XmlDocument): DataFrame {
  return fromRecords(toDocumentFields(document) as unknown as Record<string, unknown>[], TIDY_COLUMNS, TIDY_TYPES);
}

/** The column name of a field in the wide form: `ER40/ER40_CR`, `subject_ID`, `@ID`. */
export const wideColumnOf = (field: Pick<DocumentField, "group" | "field">): string => (field.group ? `${field.group}/${field.field}` : field.field);

/** Rows of the wide form: one per document, keyed by {@link wideColumnOf}, plus the column types. */
export interface WideTable {
  columns: string[];
  types: ColumnTypes;
  rows: Record<string, string>[];
}

/**
 * Pivots the fields of several documents into one row per document. A column is a number
 * when every non-empty value in it is numeric, otherwise text; a field a document lacks is
 * missing (NaN or ""). `leading` columns (e.g. the experiment ID) come first.
 */
export function toWideTable(documents: readonly { leading: Record<string, string>; fields: readonly DocumentField[] }[]): WideTable {
  const columns: string[] = [];
  const known = new Set<string>();
  const add = (column: string) => {
    if (!known.has(column)) {
      known.add(column);
      columns.push(column);
    }
  };
  for (const doc of documents) for (const column of Object.keys(doc.leading)) add(column);
  const leadingColumns = new Set(columns);
  const rows = documents.map((doc) => {
    const row: Record<string, string> = { ...doc.leading };
    for (const field of doc.fields) {
      const column = field.group === "" ? field.field : `${field.group}/${field.field}`;
      if (leadingColumns.has(column)) continue;
      add(column);
      row[column] = field.text;
    }
    return row;
  });
  const types: ColumnTypes = {};
  for (const column of columns) {
    if (leadingColumns.has(column) || IDENTIFIER.test(column)) {
      types[column] = "string";
      continue;
    }
    types[column] = isNumericColumn(rows, column) ? "number" : "string";
  }
  return { columns, types, rows };
}

function isNumericColumn(rows: readonly Record<string, string>[], column: string): boolean {
  let any = false;
  for (const row of rows) {
    const text = row[column];
    if (text === undefined || text === "") continue;
    const trimmed = text.trim();
    if (trimmed === "") continue;
    if (!NUMERIC.test(trimmed)) return false;
    any = true;
  }
  return any;
}

/** Columns that hold identifiers stay text even when they look numeric (subject labels such as 100307). */
const IDENTIFIER = /(^|[_@/])(id|label|project)$/i;

/** The wide table as a DataFrame. */
export function toWideFrame(table: WideTable): DataFrame {
  return fromRecords(table.rows, table.columns, table.types);
}
