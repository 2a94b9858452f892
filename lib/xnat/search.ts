import { UnexpectedContentError } from "../http/errors.js";
import type { RetryPolicy } from "../core/retry.js";
import { criteriaOf, splitField, toConstraintSet, type ConstraintInput, type ConstraintSet, type Criterion } from "./constraints.js";
import { NotFoundError, UnknownDataTypeError, UnknownFieldError, ConstraintError } from "./errors.js";
import { fromFieldListing, suggestFields, toColumnType, type FieldInfo } from "./fields.js";
import { fromListingJson, type Listing } from "./listing.js";
import { searchElementsPath, searchPath } from "./paths.js";
import { toSearchDocument, type SearchColumn } from "./search-document.js";
import { SearchResult, type ResultColumn } from "./search-result.js";
import type { XnatSession } from "./session.js";

/** The searchable fields of a data type (one request per type and session, then cached). */
export function loadFields(session: XnatSession, dataType: string): Promise<FieldInfo[]> {
  return session.memo(`fields:${dataType}`, async () => {
    let text: string;
    try {
      text = await session.send({ path: searchElementsPath(dataType), query: { format: "json" }, expect: "json", what: `data type ${JSON.stringify(dataType)}` });
    } catch (error) {
      if (error instanceof NotFoundError) throw new UnknownDataTypeError(dataType, error.url ?? "");
      throw error;
    }
    const fields = fromFieldListing(fromListingJson(text, searchElementsPath(dataType)), dataType);
    if (fields.length === 0) throw new UnknownDataTypeError(dataType, searchElementsPath(dataType));
    return fields;
  });
}

/** The data types the server can search (`GET /data/search/elements`). */
export function loadDataTypes(session: XnatSession): Promise<Listing> {
  return session.memo("datatypes", async () => {
    const text = await session.send({ path: searchElementsPath(), query: { format: "json" }, expect: "json", what: "the list of data types" });
    return fromListingJson(text, searchElementsPath(), ["ELEMENT_NAME", "SINGULAR", "PLURAL", "SECURED", "COUNT"]);
  });
}

/** `SUBJECT_ID` → `nt:scores/SUBJECT_ID`; a name that already has a type is kept. */
export function qualifyField(name: string, dataType: string): string {
  if (typeof name !== "string" || name.trim() === "") throw new ConstraintError(`fields`, `a field name must be a non-empty string, not ${JSON.stringify(name)}`);
  const trimmed = name.trim();
  return /^[\w.-]+:[\w.-]+\//.test(trimmed) ? trimmed : `${dataType}/${trimmed}`;
}

/**
 * Checks `type/FIELD` names against the catalogs and returns them spelled as the server
 * spells them. A schema path the catalog knows (`nt:scores/NEO/NEOFAC_A`) becomes its display
 * field id; other XML paths are left to the server; parameterised ids (`ID=param`) are checked
 * by their base id.
 */
export function checkFields(names: readonly string[], catalogs: ReadonlyMap<string, readonly FieldInfo[]>): string[] {
  return names.map((name) => {
    const { type, field } = splitField(name);
    const catalog = catalogs.get(type) ?? [];
    const byPath = catalog.find((info) => info.schemaPath !== "" && info.schemaPath === name);
    if (byPath) return `${type}/${byPath.id}`;
    if (field.includes("/")) return name;
    const same = (a: string, b: string) => a.toUpperCase() === b.toUpperCase();
    const exact = catalog.find((info) => info.id === field) ?? catalog.find((info) => same(info.id, field));
    if (exact) return `${type}/${exact.id}`;
    const [base, parameter] = splitParameter(field);
    const baseOf = (id: string) => splitParameter(id)[0];
    const known = catalog.find((info) => same(baseOf(info.id), base) && (parameter === undefined) === !info.id.includes("="));
    if (!known) {
      throw new UnknownFieldError(name, type, suggestFields(catalog, base).map((id) => `${type}/${id}`));
    }
    return `${type}/${baseOf(known.id)}${parameter === undefined ? "" : `=${parameter}`}`;
  });
}

const splitParameter = (field: string): [string, string | undefined] => {
  const eq = field.indexOf("=");
  return eq < 0 ? [field, undefined] : [field.slice(0, eq), field.slice(eq + 1)];
};

/** The key a requested column gets in the results when the server sends no column metadata. */
export function expectedKey(column: SearchColumn, rootElement: string): string {
  const id = column.fieldId.replace(/,/g, "_com_").replace(/:/g, "_col_").replace(/=/g, "_");
  if (column.elementName === rootElement) return id.toLowerCase();
  return `${column.elementName.replace(/:/g, "_")}_${id}`.toLowerCase();
}

/**
 * Matches the requested columns to the result's keys (by the `Columns` metadata when present,
 * else by XNAT's naming rule) and orders them as the server does; extra columns such as
 * `quarantine_status` are left out, as pyxnat does.
 */
export function toResultColumns(requested: readonly SearchColumn[], rootElement: string, listing: Listing, types: ReadonlyMap<string, string>): ResultColumn[] {
  const found = requested.map((column) => {
    const info = listing.columnInfo.find(
      (c) => c.element_name === column.elementName && typeof c.id === "string" && c.id.toUpperCase() === column.fieldId.toUpperCase(),
    );
    const key = info?.key ?? expectedKey(column, rootElement);
    const field = `${column.elementName}/${column.fieldId}`;
    if (!info && listing.rows.length > 0 && !listing.columns.includes(key)) {
      throw new UnexpectedContentError(`a column for ${field}`, "json", searchPath(), `columns ${listing.columns.join(", ")}`, "the server named its result columns differently; report this server's version");
    }
    return { key, field, type: toColumnType(types.get(field) ?? column.type ?? "string") } satisfies ResultColumn;
  });
  const unique = found.filter((column, i) => found.findIndex((c) => c.key === column.key) === i);
  const order = (key: string) => {
    const at = listing.columns.indexOf(key);
    return at < 0 ? Number.MAX_SAFE_INTEGER : at;
  };
  return unique.map((column, i) => ({ column, i })).sort((a, b) => order(a.column.key) - order(b.column.key) || a.i - b.i).map((x) => x.column);
}

/** Raises ConstraintError unless `name` is spelled like a data type (`prefix:name`). */
export function checkDataTypeName(name: unknown): string {
  if (typeof name !== "string" || !/^[\w.-]+:[\w.-]+$/.test(name)) {
    throw new ConstraintError("select(type)", `${JSON.stringify(name)} is not a data type such as "nt:scores"`);
  }
  return name;
}

/** Searches are retried on overload and gateway errors only: a 500 is XNAT's answer to a bad query. */
const SEARCH_RETRY: Partial<RetryPolicy> = Object.freeze({ statuses: Object.freeze([408, 429, 502, 503, 504]) });

const COMPARISONS = new Set(["=", "!=", "<", "<=", ">", ">="]);

/**
 * Numeric fields are compared as numbers by XNAT (the value is inlined into SQL), so a
 * non-numeric value there is an SQL error on the server; it is refused here instead.
 */
export function checkValueTypes(criteria: readonly Criterion[], types: ReadonlyMap<string, string>): void {
  for (const criterion of criteria) {
    const columnType = toColumnType(types.get(criterion.field) ?? "string");
    if (columnType !== "integer" && columnType !== "number") continue;
    const value = criterion.value.trim();
    if (!COMPARISONS.has(criterion.operator) || value === "" || value === "*") continue;
    if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(value)) {
      throw new ConstraintError(
        `${criterion.field} ${criterion.operator} ${JSON.stringify(criterion.value)}`,
        `${JSON.stringify(criterion.value)} is not a number, but ${criterion.field} is a ${types.get(criterion.field)} field`,
        "compare numeric fields with numbers, e.g. [\"nt:scores/NEO_NEOFAC_A\", \">\", \"40\"]",
      );
    }
  }
}

/** A prepared search: a row type and the fields to return; run it with {@link SearchQuery.where}. */
export class SearchQuery {
  readonly #session: XnatSession;
  readonly rootElement: string;
  readonly #fields?: readonly string[];

  constructor(session: XnatSession, rootElement: string, fields?: readonly string[]) {
    checkDataTypeName(rootElement);
    this.#session = session;
    this.rootElement = rootElement;
    this.#fields = fields?.map((f) => qualifyField(f, rootElement));
  }

  /** The fields this search returns (`type/FIELD`); all fields of the type when none were named. */
  async fields(): Promise<string[]> {
    if (this.#fields && this.#fields.length > 0) return [...this.#fields];
    const all = await loadFields(this.#session, this.rootElement);
    return all.filter((info) => !info.requiresValue && !info.id.includes("=")).map((info) => `${this.rootElement}/${info.id}`);
  }

  /** Runs the search with pyxnat-style constraints (nested lists, AND/OR) or built ones. */
  async where(constraints: ConstraintInput): Promise<SearchResult> {
    const set = toConstraintSet(constraints);
    const { document, columns, types } = await this.#prepare(set);
    const text = await this.#session.send({
      path: searchPath(),
      method: "POST",
      query: { format: "json" },
      body: document,
      headers: { "content-type": "text/xml" },
      expect: "json",
      idempotent: true,
      retry: SEARCH_RETRY,
      what: `the search over ${this.rootElement}`,
    });
    const listing = fromListingJson(text, searchPath());
    return new SearchResult(this.rootElement, toResultColumns(columns, this.rootElement, listing, types), listing.rows);
  }

  /** Every row of the type (pyxnat's `all()`): `ID LIKE '%'`. */
  all(): Promise<SearchResult> {
    return this.where([[`${this.rootElement}/ID`, "LIKE", "%"], "AND"]);
  }

  /** The `xdat:bundle` document {@link where} would send, after the same checks. */
  async document(constraints: ConstraintInput): Promise<string> {
    return (await this.#prepare(toConstraintSet(constraints))).document;
  }

  async #prepare(set: ConstraintSet): Promise<{ document: string; columns: SearchColumn[]; types: Map<string, string> }> {
    const requested = await this.fields();
    const criteria = criteriaOf(set);
    const dataTypes = new Set([this.rootElement, ...requested.map((f) => splitField(f).type), ...criteria.map((c) => splitField(c.field).type)]);
    const catalogs = new Map<string, FieldInfo[]>();
    await Promise.all([...dataTypes].map(async (type) => catalogs.set(type, await loadFields(this.#session, type))));
    const fieldNames = checkFields(requested, catalogs);
    const criterionNames = checkFields(criteria.map((c) => c.field), catalogs);
    const renamed = new Map(criteria.map((c, i) => [c, criterionNames[i]] as [Criterion, string]));
    const where = renameFields(set, renamed);
    const types = new Map<string, string>();
    for (const [type, fields] of catalogs) for (const info of fields) types.set(`${type}/${info.id}`, info.type);
    checkValueTypes(criteriaOf(where), types);
    const columns: SearchColumn[] = fieldNames.map((name) => {
      const { type, field } = splitField(name);
      return { elementName: type, fieldId: field, type: types.get(name) || "string", header: name };
    });
    return { document: toSearchDocument({ rootElement: this.rootElement, columns, where }), columns, types };
  }
}

function renameFields(set: ConstraintSet, names: ReadonlyMap<Criterion, string>): ConstraintSet {
  return {
    kind: "set",
    method: set.method,
    items: set.items.map((item) => (item.kind === "set" ? renameFields(item, names) : { ...item, field: names.get(item) ?? item.field })),
  };
}
