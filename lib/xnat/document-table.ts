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
  const trimmed = text.trim();
  return NUMERIC.test(trimmed) ? Number(trimmed) : NaN;
}

/**
 * Flattens a document into tidy rows, one per leaf element and per attribute (namespace
 * bookkeeping left out), in document order. Repeated siblings are numbered (`share[2]`).
 */
export function toDocumentFields(document: XmlDocument): DocumentField[] {
  const rows: DocumentField[] = [];
  const visit = (element: XmlElement, groups: string[], paths: string[]) => {
    for (const [name, text] of Object.entries(element.attributes)) {
      if (isNamespaceAttribute(name)) continue;
      rows.push({ group: groups.join("/"), field: `@${name}`, value: toNumber(text), text, path: [...paths, `@${name}`].join("/") });
    }
    const children = childElements(element);
    const counts = new Map<string, number>();
    for (const child of children) counts.set(child.name, (counts.get(child.name) ?? 0) + 1);
    const seen = new Map<string, number>();
    for (const child of children) {
      const index = (seen.get(child.name) ?? 0) + 1;
      seen.set(child.name, index);
      const suffix = (counts.get(child.name) ?? 0) > 1 ? `[${index}]` : "";
      const childPaths = [...paths, `${child.name}${suffix}`];
      if (childElements(child).length === 0) {
        for (const [name, text] of Object.entries(child.attributes)) {
          if (isNamespaceAttribute(name)) continue;
          rows.push({ group: [...groups, `${child.local}${suffix}`].join("/"), field: `@${name}`, value: toNumber(text), text, path: [...childPaths, `@${name}`].join("/") });
        }
        const text = textOf(child);
        if (text !== "" || Object.keys(child.attributes).length === 0) {
          rows.push({ group: groups.join("/"), field: `${child.local}${suffix}`, value: toNumber(text), text, path: childPaths.join("/") });
        }
      } else {
        visit(child, [...groups, `${child.local}${suffix}`], childPaths);
      }
    }
  };
  visit(document.root, [], []);
  return rows;
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
      const column = wideColumnOf(field);
      if (leadingColumns.has(column)) continue;
      add(column);
      row[column] = field.text;
    }
    return row;
  });
  const types: ColumnTypes = {};
  for (const column of columns) {
    if (leadingColumns.has(column)) {
      types[column] = "string";
      continue;
    }
    const values = rows.map((row) => row[column] ?? "").filter((text) => text.trim() !== "");
    if (IDENTIFIER.test(column)) {
      types[column] = "string";
      continue;
    }
    types[column] = values.length > 0 && values.every((text) => !Number.isNaN(toNumber(text))) ? "number" : "string";
  }
  return { columns, types, rows };
}

/** Columns that hold identifiers stay text even when they look numeric (subject labels such as 100307). */
const IDENTIFIER = /(^|[_@/])(id|label|project)$/i;

/** The wide table as a DataFrame. */
export function toWideFrame(table: WideTable): DataFrame {
  return fromRecords(table.rows, table.columns, table.types);
}
