import { HttpError, UnexpectedContentError } from "../http/errors.js";
import type { RetryPolicy } from "../core/retry.js";
import { criteriaOf, splitField, toConstraintSet, type ConstraintInput, type ConstraintSet, type Criterion } from "./constraints.js";
import { NotFoundError, UnknownDataTypeError, UnknownFieldError, ConstraintError } from "./errors.js";
import { fromFieldListing, suggestFields, toColumnType, type FieldInfo } from "./fields.js";
import { fromListingJson, type Listing, type ListingColumn } from "./listing.js";
import { searchElementsPath, searchPath } from "./paths.js";
import { toSearchDocument, type SearchColumn } from "./search-document.js";
import { SearchResult, type ResultColumn } from "./search-result.js";
import type { XnatSession } from "./session.js";
import { checkArgument } from "../core/validate.js";
import { fieldList } from "./option-rules.js";

/**
 * The fields `GET /data/search/elements/{type}` lists for a data type (one request per type and
 * session, then cached). XNAT lists only the fields its display document marks searchable, so
 * fields such as PROJECTS and LABEL of experiments are missing although searches accept them.
 * An unknown type is {@link UnknownDataTypeError}, whether the server says 400 (real XNAT) or 404.
 */
export function loadFields(session: XnatSession, dataType: string): Promise<FieldInfo[]> {
  return session.memo(`fields:${dataType}`, async () => {
    let text: string;
    try {
      text = await session.send({ path: searchElementsPath(dataType), query: { format: "json" }, expect: "json", what: `data type ${JSON.stringify(dataType)}` });
    } catch (error) {
      if (error instanceof NotFoundError) throw new UnknownDataTypeError(dataType, error.url ?? "", 404, error);
      if (error instanceof HttpError && error.status === 400) throw new UnknownDataTypeError(dataType, error.url ?? "", 400, error);
      throw error;
    }
    return fromFieldListing(fromListingJson(text, searchElementsPath(dataType)), dataType);
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

/** A field a search uses that the server's field list does not list. */
export interface UnlistedField {
  /** `type/FIELD` as sent. */
  name: string;
  dataType: string;
  /** Listed fields close to it, `type/FIELD`, best first. */
  suggestions: string[];
}

/**
 * Spells `type/FIELD` names as the server lists them (case, a schema path the catalog knows
 * such as `nt:scores/NEO/NEOFAC_A` → its display field id, parameterised ids `ID=param` by
 * their base id). A name the catalog does not list is sent as written and reported in
 * `unlisted`: XNAT lists only fields marked searchable, yet accepts the others (PROJECTS,
 * LABEL, SUBJECT_ID, ...), so only the server can say whether it knows a field.
 */
export function checkFields(names: readonly string[], catalogs: ReadonlyMap<string, readonly FieldInfo[]>): { names: string[]; unlisted: UnlistedField[] } {
  const unlisted: UnlistedField[] = [];
  const spelled = names.map((name) => {
    const { type, field } = splitField(name);
    const catalog = catalogs.get(type) ?? [];
    const byPath = catalog.find((info) => info.schemaPath !== "" && info.schemaPath === name);
    if (byPath) return `${type}/${byPath.id}`;
    const same = (a: string, b: string) => a.toUpperCase() === b.toUpperCase();
    const exact = catalog.find((info) => info.id === field) ?? catalog.find((info) => same(info.id, field));
    if (exact) return `${type}/${exact.id}`;
    const [base, parameter] = splitParameter(field);
    const baseOf = (id: string) => splitParameter(id)[0];
    const known = field.includes("/") ? undefined : catalog.find((info) => same(baseOf(info.id), base) && (parameter === undefined) === !info.id.includes("="));
    if (known) return `${type}/${baseOf(known.id)}${parameter === undefined ? "" : `=${parameter}`}`;
    if (!unlisted.some((u) => u.name === name)) unlisted.push({ name, dataType: type, suggestions: suggestFields(catalog, base).map((id) => `${type}/${id}`) });
    return name;
  });
  return { names: spelled, unlisted };
}

/** True for a field given by its XML path (`NEO/NEOFAC_A`, `sharing/share/project`, `subject_ID.label`) rather than a display field id. */
const isXmlPath = (field: string): boolean => /[/.]/.test(field.split("=")[0]);

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
 * `quarantine_status` are left out, as pyxnat does. A column named by an XML path (which the
 * server turns into its display field) takes the next unclaimed `Columns` entry of its type.
 * A requested column the server left out is {@link UnknownFieldError} when the field list does
 * not list it either (XNAT drops columns it does not know), else UnexpectedContentError. Column
 * types come from the field list, else from the `Columns` metadata, else string.
 */
export function toResultColumns(requested: readonly SearchColumn[], rootElement: string, listing: Listing, types: ReadonlyMap<string, string>, unlisted: readonly UnlistedField[] = []): ResultColumn[] {
  const claimed = new Set<ListingColumn>();
  const sameId = (c: ListingColumn, column: SearchColumn) => c.element_name === column.elementName && typeof c.id === "string" && c.id.toUpperCase() === column.fieldId.toUpperCase();
  const byId = requested.map((column) => {
    const info = listing.columnInfo.find((c) => !claimed.has(c) && sameId(c, column));
    if (info) claimed.add(info);
    return info;
  });
  const infos = requested.map((column, i) => {
    if (byId[i] || !isXmlPath(column.fieldId)) return byId[i];
    const info = listing.columnInfo.find((c) => !claimed.has(c) && c.element_name === column.elementName && !requested.some((r) => sameId(c, r)));
    if (info) claimed.add(info);
    return info;
  });
  const found = requested.map((column, i) => {
    const info = infos[i];
    const key = info?.key ?? expectedKey(column, rootElement);
    const field = `${column.elementName}/${column.fieldId}`;
    const missing = info === undefined && (listing.columnInfo.length > 0 ? true : listing.rows.length > 0 && !listing.columns.includes(key));
    if (missing) {
      const unknown = unlisted.find((u) => u.name === field);
      if (unknown) throw new UnknownFieldError(field, unknown.dataType, unknown.suggestions, "dropped-column", { url: searchPath() });
      throw new UnexpectedContentError(`a column for ${field}`, "json", searchPath(), `columns ${listing.columns.join(", ")}`, "the server named its result columns differently; report this server's version");
    }
    const serverType = typeof info?.type === "string" ? info.type : undefined;
    return { key, field, type: toColumnType(types.get(field) ?? serverType ?? column.type ?? "string") } satisfies ResultColumn;
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
    if (fields !== undefined) checkArgument(fields, fieldList, "field list", "select()");
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

  /**
   * Runs the search with pyxnat-style constraints (nested lists, AND/OR) or built ones. Fields
   * the server's field list leaves out are sent as written (see {@link checkFields}); the
   * result names them in `unlistedFields`. A field the server turns out not to know is
   * {@link UnknownFieldError} with suggestions from the field list.
   */
  async where(constraints: ConstraintInput): Promise<SearchResult> {
    const set = toConstraintSet(constraints);
    const prepared = await this.#prepare(set);
    let text: string;
    try {
      text = await this.#post(prepared.document);
    } catch (error) {
      throw await this.#explainRefusal(error, prepared.unlistedCriteria);
    }
    const listing = fromListingJson(text, searchPath());
    const columns = toResultColumns(prepared.columns, this.rootElement, listing, prepared.types, prepared.unlisted);
    return new SearchResult(this.rootElement, columns, listing.rows, prepared.unlisted.map((u) => u.name));
  }

  /** Every row of the type (pyxnat's `all()`): `ID LIKE '%'`. */
  all(): Promise<SearchResult> {
    return this.where([[`${this.rootElement}/ID`, "LIKE", "%"], "AND"]);
  }

  /** The `xdat:bundle` document {@link where} would send, after the same checks. */
  async document(constraints: ConstraintInput): Promise<string> {
    return (await this.#prepare(toConstraintSet(constraints))).document;
  }

  #post(document: string): Promise<string> {
    return this.#session.send({
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
  }

  /**
   * XNAT fails a whole search (500) when a criterion names a field it does not know, and for
   * other reasons too. When the criteria used fields the field list leaves out, one probe
   * search asks the server which of them it knows: those fields as columns (plus one listed
   * field, so the probe has a column either way) and a criterion matching nothing; XNAT leaves
   * the columns it does not know out. An unknown one turns the failure into
   * {@link UnknownFieldError}; otherwise, or when the probe fails too, the original error stands.
   * XML paths are not probed: XNAT may accept one as a criterion without a display field for it.
   */
  async #explainRefusal(error: unknown, unlisted: readonly UnlistedField[]): Promise<unknown> {
    const candidates = unlisted.filter((u) => !isXmlPath(splitField(u.name).field));
    if (!(error instanceof HttpError) || error.status !== 500 || candidates.length === 0) return error;
    const anchor = (await loadFields(this.#session, this.rootElement)).find((info) => !info.requiresValue && !info.id.includes("="));
    const probed: SearchColumn[] = candidates.map((u) => ({ elementName: u.dataType, fieldId: splitField(u.name).field, header: u.name }));
    const columns = anchor ? [{ elementName: this.rootElement, fieldId: anchor.id, type: anchor.type }, ...probed] : probed;
    const nothing = toConstraintSet([[`${this.rootElement}/ID`, "=", "neuroportal-probe-matches-nothing"]]);
    let known: ListingColumn[];
    try {
      known = fromListingJson(await this.#post(toSearchDocument({ rootElement: this.rootElement, columns, where: nothing })), searchPath()).columnInfo;
    } catch (probeError) {
      // Without a listed field to anchor it, a probe of one field fails exactly when the server drops that field.
      if (anchor || candidates.length !== 1 || !(probeError instanceof HttpError) || probeError.status !== 500) return error;
      known = [];
    }
    const unknown = candidates.find((u, i) => !known.some((c) => c.element_name === u.dataType && typeof c.id === "string" && c.id.toUpperCase() === probed[i].fieldId.toUpperCase()));
    return unknown ? new UnknownFieldError(unknown.name, unknown.dataType, unknown.suggestions, "refused-criterion", { url: error.url, cause: error }) : error;
  }

  async #prepare(set: ConstraintSet): Promise<PreparedSearch> {
    const requested = await this.fields();
    const criteria = criteriaOf(set);
    const dataTypes = new Set([this.rootElement, ...requested.map((f) => splitField(f).type), ...criteria.map((c) => splitField(c.field).type)]);
    const catalogs = new Map<string, FieldInfo[]>();
    await Promise.all([...dataTypes].map(async (type) => catalogs.set(type, await loadFields(this.#session, type))));
    const fields = checkFields(requested, catalogs);
    const criterionFields = checkFields(criteria.map((c) => c.field), catalogs);
    const renamed = new Map(criteria.map((c, i) => [c, criterionFields.names[i]] as [Criterion, string]));
    const where = renameFields(set, renamed);
    const types = new Map<string, string>();
    for (const [type, list] of catalogs) for (const info of list) types.set(`${type}/${info.id}`, info.type);
    checkValueTypes(criteriaOf(where), types);
    const columns: SearchColumn[] = fields.names.map((name) => {
      const { type, field } = splitField(name);
      // An unlisted field is sent without xdat:type, so the server's Columns metadata gives its own type.
      return { elementName: type, fieldId: field, type: types.get(name), header: name };
    });
    const unlisted = [...fields.unlisted, ...criterionFields.unlisted.filter((u) => !fields.unlisted.some((f) => f.name === u.name))];
    return { document: toSearchDocument({ rootElement: this.rootElement, columns, where }), columns, types, unlisted, unlistedCriteria: criterionFields.unlisted };
  }
}

interface PreparedSearch {
  document: string;
  columns: SearchColumn[];
  types: Map<string, string>;
  /** Every field used that the field list does not list (columns and criteria). */
  unlisted: UnlistedField[];
  unlistedCriteria: UnlistedField[];
}

function renameFields(set: ConstraintSet, names: ReadonlyMap<Criterion, string>): ConstraintSet {
  return {
    kind: "set",
    method: set.method,
    items: set.items.map((item) => (item.kind === "set" ? renameFields(item, names) : { ...item, field: names.get(item) ?? item.field })),
  };
}
