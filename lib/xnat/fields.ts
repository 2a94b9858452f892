import type { DataFrame } from "danfojs-node";
import { fromRecords } from "../frame/from-rows.js";
import type { ColumnType, ColumnTypes } from "../frame/types.js";
import type { Listing } from "./listing.js";

/** One searchable field of a data type, as `GET /data/search/elements/{type}` describes it. */
export interface FieldInfo {
  /** Display field id used in searches, e.g. `NEO_NEOFAC_A`. */
  id: string;
  header: string;
  description: string;
  /** The field's data type as the server reports it (`string`, `integer`, `float`, ...). */
  type: string;
  /** Path of the field in the schema, e.g. `nt:scores/NEO/NEOFAC_A` ("" when the server does not say). */
  schemaPath: string;
  /** Data type the field belongs to, e.g. `nt:scores`. */
  dataType: string;
  /** REQUIRES_VALUE as the server sends it (true for SQL-query fields; the `ID=param` project-label rows say false, their id carries the `=`). */
  requiresValue: boolean;
}

/** SUMMARY when it is a schema path: XNAT writes the display field's schema element there (its SQL for computed fields). */
function schemaPathOf(row: Record<string, string>): string {
  const summary = (row.SUMMARY ?? "").trim();
  return /^[\w.-]+:[\w.-]+[/.][\w./=-]+$/.test(summary) ? summary : "";
}

/** Reads the rows of a search-fields listing (FIELD_ID, HEADER, SUMMARY, TYPE, REQUIRES_VALUE, DESC, ELEMENT_NAME, SRC). */
export function fromFieldListing(listing: Listing, dataType: string): FieldInfo[] {
  return listing.rows
    .filter((row) => (row.FIELD_ID ?? "") !== "")
    .map((row) => ({
      id: row.FIELD_ID,
      header: row.HEADER ?? "",
      description: row.DESC ?? "",
      type: row.TYPE ?? "",
      schemaPath: schemaPathOf(row),
      dataType: row.ELEMENT_NAME || dataType,
      requiresValue: /^(true|1)$/i.test(row.REQUIRES_VALUE ?? ""),
    }));
}

/** The column type neuroportal gives a field type reported by XNAT. */
export function toColumnType(xnatType: string): ColumnType {
  const type = xnatType.trim().toLowerCase();
  if (/^(int|integer|long|short|byte|unsignedint|unsignedlong|nonnegativeinteger|positiveinteger)$/.test(type)) return "integer";
  if (/^(float|double|decimal|number|numeric|real)$/.test(type)) return "number";
  if (type === "boolean") return "boolean";
  return "string";
}

/**
 * Keeps the fields whose id, header, description or schema path contain every word
 * (case-insensitive): `matchFields(fields, "agreeableness")`.
 */
export function matchFields(fields: readonly FieldInfo[], words: string): FieldInfo[] {
  const wanted = words.toLowerCase().split(/\s+/).filter(Boolean);
  if (wanted.length === 0) return [...fields];
  return fields.filter((info) => {
    const haystack = `${info.id} ${info.header} ${info.description} ${info.schemaPath}`.toLowerCase();
    return wanted.every((word) => haystack.includes(word));
  });
}

/** Field ids close to a misspelled one (shared prefix/words or small edit distance), best first. */
export function suggestFields(fields: readonly FieldInfo[], wrong: string, limit = 3): string[] {
  const target = wrong.toUpperCase();
  return fields
    .map((info) => ({ id: info.id, score: distance(info.id.toUpperCase(), target) }))
    .filter((entry) => entry.score <= Math.max(2, Math.floor(target.length / 3)))
    .sort((a, b) => a.score - b.score || a.id.localeCompare(b.id))
    .slice(0, limit)
    .map((entry) => entry.id);
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length];
}

const FIELD_COLUMNS = ["id", "header", "description", "type", "schema_path", "data_type"] as const;
const FIELD_TYPES: ColumnTypes = Object.fromEntries(FIELD_COLUMNS.map((c) => [c, "string"]));

/** Fields as a DataFrame: id, header, description, type, schema_path, data_type. */
export function toFieldFrame(fields: readonly FieldInfo[]): DataFrame {
  return fromRecords(
    fields.map((f) => ({ id: f.id, header: f.header, description: f.description, type: f.type, schema_path: f.schemaPath, data_type: f.dataType })),
    FIELD_COLUMNS,
    FIELD_TYPES,
  );
}
