import type { ColumnType } from "./types.js";

/** Converts one raw cell to its typed value: "" and unparsable numbers become NaN, never 0. */
export function parseCell(raw: unknown, type: ColumnType): string | number | boolean {
  if (type === "string") return raw === null || raw === undefined ? "" : String(raw);
  if (type === "boolean") {
    if (typeof raw === "boolean") return raw;
    const text = String(raw ?? "").trim().toLowerCase();
    return text === "true" || text === "1" || text === "yes";
  }
  if (type === "date") {
    if (raw === null || raw === undefined || raw === "") return "";
    const date = new Date(String(raw));
    return Number.isNaN(date.getTime()) ? String(raw) : date.toISOString();
  }
  if (typeof raw === "number") return raw;
  const text = String(raw ?? "").trim();
  if (text === "") return NaN;
  const value = Number(text);
  return Number.isFinite(value) ? value : NaN;
}

/** The danfo dtype that holds values of a neuroportal column type. */
export function danfoDtype(type: ColumnType): "string" | "float32" | "int32" | "boolean" {
  if (type === "number") return "float32";
  if (type === "integer") return "int32";
  if (type === "boolean") return "boolean";
  return "string";
}
