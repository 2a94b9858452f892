import type { DataFrame } from "danfojs-node";
import { UnexpectedContentError } from "../http/errors.js";
import { unparsedKind } from "../http/body-kind.js";
import { fromRecords } from "../frame/from-rows.js";
import type { ColumnTypes } from "../frame/types.js";

/** Column metadata XNAT sends with search results (`ResultSet.Columns`). */
export interface ListingColumn {
  key: string;
  element_name?: string;
  id?: string;
  header?: string;
  type?: string;
  xPATH?: string;
  visible?: string;
  [property: string]: unknown;
}

/** A parsed XNAT table: ordered column names, string cells, and the envelope's metadata. */
export interface Listing {
  columns: string[];
  rows: Record<string, string>[];
  /** `ResultSet.Columns` when the server sent it (search results). */
  columnInfo: ListingColumn[];
  /** Every other scalar of the envelope (`totalRecords`, `title`, ...), as strings. */
  meta: Record<string, string>;
}

/**
 * Parses the JSON envelope `{"ResultSet": {"Result": [...], "Columns"?: [...], ...}}` of XNAT
 * listings and searches. Columns follow `preferred` first (JSON key order is not guaranteed),
 * then `Columns` metadata, then first-seen order. Every cell becomes a string ("" for null).
 */
export function fromListingJson(text: string, source: string, preferred: readonly string[] = []): Listing {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new UnexpectedContentError("an XNAT JSON listing", unparsedKind(text), source, text.slice(0, 120));
  }
  const resultSet = (parsed as { ResultSet?: Record<string, unknown> } | null)?.ResultSet;
  if (!resultSet || typeof resultSet !== "object" || !Array.isArray(resultSet.Result)) {
    throw new UnexpectedContentError("an XNAT listing ({\"ResultSet\": {\"Result\": [...]}})", "json", source, `another shape: ${text.slice(0, 120)}`);
  }
  const notRow = (resultSet.Result as unknown[]).findIndex((row) => typeof row !== "object" || row === null || Array.isArray(row));
  if (notRow >= 0) {
    throw new UnexpectedContentError("an XNAT listing whose rows are objects", "json", source, `row ${notRow + 1} is ${JSON.stringify((resultSet.Result as unknown[])[notRow])?.slice(0, 40)}`, "the server's answer is damaged; try again, and report it if it persists");
  }
  const columnInfo = Array.isArray(resultSet.Columns) ? (resultSet.Columns as ListingColumn[]).filter((c) => c && typeof c.key === "string") : [];
  const rows = (resultSet.Result as unknown[]).map((row) => toStringRecord(row));
  const seen = new Set<string>();
  const columns: string[] = [];
  const add = (key: string) => {
    if (!seen.has(key)) {
      seen.add(key);
      columns.push(key);
    }
  };
  const present = new Set(rows.flatMap((row) => Object.keys(row)));
  for (const key of preferred) if (present.has(key) || rows.length === 0) add(key);
  for (const column of columnInfo) add(column.key);
  for (const row of rows) for (const key of Object.keys(row)) add(key);
  const meta: Record<string, string> = {};
  for (const [key, value] of Object.entries(resultSet)) {
    if (key !== "Result" && key !== "Columns" && (typeof value === "string" || typeof value === "number" || typeof value === "boolean")) meta[key] = String(value);
  }
  return { columns, rows, columnInfo, meta };
}

function toStringRecord(row: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!row || typeof row !== "object") return out;
  for (const [key, value] of Object.entries(row as Record<string, unknown>)) {
    out[key] = value === null || value === undefined ? "" : typeof value === "object" ? JSON.stringify(value) : String(value);
  }
  return out;
}

/** A listing as a DataFrame; every column is a string unless `types` says otherwise. */
export function toListingFrame(listing: Listing, types: ColumnTypes = {}): DataFrame {
  return fromRecords(listing.rows, listing.columns, types);
}
