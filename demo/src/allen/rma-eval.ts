import type { CatalogRecord } from "./catalog.js";
import { Filter, RmaQuery, RmaRequestError } from "./rma-query.js";

/** Associations that are one object (belongs_to) rather than a list. */
const SINGULAR = new Set(["plane_of_section"]);

/** The demo's page-size rules: default 50 rows, at most 2000 per answer (also for `all`). */
export const PAGE_CAP = 2000;

/** One page of an evaluated query. */
export interface QueryResult {
  rows: Record<string, unknown>[];
  startRow: number;
  /** Rows of the join (over-counted when the query includes associations). */
  totalRows: number;
}

const matchCache = new WeakMap<readonly CatalogRecord[], Map<string, { sorted: CatalogRecord[]; totalRows: number }>>();

/**
 * Filters, orders, pages and shapes the records of one model. The filtered, ordered list is
 * cached per query (without its page bounds), so paging through a result does the work once.
 */
export function evaluate(records: readonly CatalogRecord[], query: RmaQuery): QueryResult {
  let cache = matchCache.get(records);
  if (!cache) matchCache.set(records, (cache = new Map()));
  const key = JSON.stringify([query.filters, query.includes, query.order]);
  let matched = cache.get(key);
  if (!matched) {
    const sorted = filterAndSort(records, query);
    matched = { sorted, totalRows: countRows(sorted, query) };
    if (cache.size >= 64) cache.delete(cache.keys().next().value!);
    cache.set(key, matched);
  }
  return pageOf(matched, query);
}

/**
 * `total_rows` as the real API reports it: the rows of the query's join before the included
 * associations are folded into each record, so a query with `include=` over-counts (the
 * recorded NeuronalModel query returns 1 row and claims 9440). Without includes it is exact.
 */
function countRows(sorted: readonly CatalogRecord[], query: RmaQuery): number {
  if (query.includes.length === 0) return sorted.length;
  let joined = 0;
  for (const record of sorted) {
    let rows = 1;
    for (const include of query.includes) rows *= Math.max(1, includedItems(record, include).length);
    joined += rows;
  }
  return joined;
}

function includedItems(record: CatalogRecord, include: RmaQuery["includes"][number]): Record<string, unknown>[] {
  return (record.associations[include.association] ?? []).filter((item) => include.filters.every((f) => matches(item, f)));
}

function filterAndSort(records: readonly CatalogRecord[], query: RmaQuery): CatalogRecord[] {
  const associationNames = new Set(records.flatMap((r) => Object.keys(r.associations)));
  for (const include of query.includes) {
    if (records.length && !associationNames.has(include.association)) throw new RmaRequestError(`${query.model} has no association ${include.association}`);
  }
  const matching = records.filter((record) =>
    query.filters.every((filter) => {
      if (!filter.association) return matches(record.fields, filter);
      const related = record.associations[filter.association];
      if (!related) throw new RmaRequestError(`${query.model} has no association ${filter.association}`);
      return related.some((item) => matches(item, filter));
    }),
  );
  const sorted = [...matching];
  const order = query.order.length ? query.order : [{ attribute: "id", descending: false }];
  sorted.sort((a, b) => {
    for (const { attribute, descending } of order) {
      const c = compare(a.fields[attributeName(attribute)], b.fields[attributeName(attribute)]);
      if (c !== 0) return descending ? -c : c;
    }
    return 0;
  });
  return sorted;
}

function pageOf({ sorted, totalRows }: { sorted: readonly CatalogRecord[]; totalRows: number }, query: RmaQuery): QueryResult {
  const size = query.numRows === "all" ? PAGE_CAP : Math.min(query.numRows, PAGE_CAP);
  const window = sorted.slice(query.startRow, query.startRow + size);
  const rows = window.map((record) => {
    const row: Record<string, unknown> = query.only ? Object.fromEntries(query.only.map((k) => [attributeName(k), record.fields[attributeName(k)]])) : { ...record.fields };
    for (const include of query.includes) {
      const items = includedItems(record, include);
      row[include.association] = SINGULAR.has(include.association) ? items[0] ?? null : items;
    }
    return row;
  });
  return { rows, startRow: query.startRow, totalRows };
}

function attributeName(attribute: string): string {
  const at = attribute.lastIndexOf(".");
  return at < 0 ? attribute : attribute.slice(at + 1);
}

function matches(item: Record<string, unknown>, filter: Filter): boolean {
  const value = item[attributeName(filter.attribute)];
  if (filter.op === "exists") return value !== undefined && value !== null;
  if (value === undefined && !(attributeName(filter.attribute) in item)) throw new RmaRequestError(`unknown attribute ${filter.attribute}`);
  const text = value === null || value === undefined ? "" : String(value);
  const [wanted] = filter.values;
  switch (filter.op) {
    case "eq":
      return text === wanted;
    case "ne":
      return text !== wanted;
    case "li":
      return like(wanted, false).test(text);
    case "il":
      return like(wanted, true).test(text);
    case "in":
      return filter.values.includes(text);
    default: {
      const c = compare(value, numericOrText(wanted));
      return filter.op === "gt" ? c > 0 : filter.op === "lt" ? c < 0 : filter.op === "ge" ? c >= 0 : c <= 0;
    }
  }
}

function like(pattern: string, insensitive: boolean): RegExp {
  const body = pattern.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\%]/g, "\\$&")).join(".*");
  return new RegExp(`^${body}$`, insensitive ? "is" : "s");
}

const numericOrText = (v: string): number | string => (v !== "" && Number.isFinite(Number(v)) ? Number(v) : v);

function compare(a: unknown, b: unknown): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (a === b) return 0;
  if (a === undefined || a === null) return -1;
  if (b === undefined || b === null) return 1;
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}
