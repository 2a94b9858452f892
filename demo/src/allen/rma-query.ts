/** A parse or evaluation failure that the server answers with HTTP 400 and `success: false`. */
export class RmaRequestError extends Error {
  constructor(message: string, readonly status = 400) {
    super(message);
  }
}

/** One bracket filter: `[attribute$op value]`, optionally on an association (`genes[acronym$eq'x']`). */
export interface Filter {
  association?: string;
  attribute: string;
  /** `eq ne li il gt lt ge le in`, or `exists` for a bare attribute. */
  op: string;
  values: string[];
}

/** An `include` term: an association with optional filters on its members. */
export interface Include {
  association: string;
  filters: Filter[];
}

/** A parsed RMA model query. */
export interface RmaQuery {
  model: string;
  filters: Filter[];
  includes: Include[];
  startRow: number;
  numRows: number | "all";
  order: { attribute: string; descending: boolean }[];
  only?: string[];
}

/** Decodes a raw query string into key → value (percent-decoding without turning `+` into a space). */
export function parseQueryString(search: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of search.replace(/^\?/, "").split("&")) {
    if (!part) continue;
    const at = part.indexOf("=");
    const key = at < 0 ? part : part.slice(0, at);
    const value = at < 0 ? "" : part.slice(at + 1);
    try {
      out.set(decodeURIComponent(key), decodeURIComponent(value));
    } catch {
      throw new RmaRequestError(`the query parameter ${JSON.stringify(key)} is not valid percent-encoding`);
    }
  }
  return out;
}

/** Splits a path expression at top-level commas (not inside brackets, quotes or parentheses). */
export function splitTerms(text: string): string[] {
  const terms: string[] = [];
  let depth = 0;
  let quoted = false;
  let current = "";
  for (const ch of text) {
    if (ch === "'") quoted = !quoted;
    if (!quoted && (ch === "[" || ch === "(")) depth++;
    if (!quoted && (ch === "]" || ch === ")")) depth--;
    if (depth < 0) throw new RmaRequestError(`unbalanced brackets in ${JSON.stringify(text)}`);
    if (ch === "," && depth === 0 && !quoted) {
      terms.push(current);
      current = "";
    } else current += ch;
  }
  if (depth !== 0 || quoted) throw new RmaRequestError(`unbalanced brackets or quotes in ${JSON.stringify(text)}`);
  if (current) terms.push(current);
  return terms.map((t) => t.trim()).filter(Boolean);
}

/** Parses one term: `name[filter][filter]` or `[filter]`. */
export function parseTerm(term: string): { name: string; filters: Filter[] } {
  const match = /^([A-Za-z_][\w.]*(?:::[A-Za-z_]\w*)?)?((?:\[[^\]]*\])*)$/.exec(term.replace(/\[([^\]]*)\]/g, (m) => m.replace(/\n/g, " ")));
  if (!match) {
    if (term.includes("(")) throw new RmaRequestError(`nested association paths such as ${JSON.stringify(term)} are not supported by the demo server`);
    throw new RmaRequestError(`cannot parse ${JSON.stringify(term)}`);
  }
  const filters: Filter[] = [];
  for (const body of match[2].match(/\[[^\]]*\]/g) ?? []) filters.push(parseFilter(body.slice(1, -1)));
  return { name: match[1] ?? "", filters };
}

function parseFilter(body: string): Filter {
  const m = /^([\w.]+)(?:\$(eq|ne|li|il|gt|lt|ge|le|in)(.*))?$/s.exec(body.trim());
  if (!m) throw new RmaRequestError(`cannot parse the filter [${body}]`);
  if (!m[2]) return { attribute: m[1], op: "exists", values: [] };
  const raw = m[3];
  const values = m[2] === "in" ? splitTerms(raw).map(unquote) : [unquote(raw)];
  return { attribute: m[1], op: m[2], values };
}

const unquote = (value: string) => (/^'.*'$/s.test(value) ? value.slice(1, -1) : value);

/** Builds the query from a legacy `Model/query.json` request's parameters. */
export function legacyQuery(model: string, params: Map<string, string>): RmaQuery {
  const query = emptyQuery(model);
  for (const term of splitTerms(params.get("criteria") ?? "")) addCriteria(query, term);
  for (const term of splitTerms(params.get("include") ?? "")) addInclude(query, term);
  applyParams(query, params);
  return query;
}

/** Builds the query from a normalized `query.json?criteria=model::X,rma::criteria,...` request. */
export function normalizedQuery(params: Map<string, string>): RmaQuery {
  const text = params.get("criteria") ?? params.get("q");
  if (!text) throw new RmaRequestError("a model-less query needs criteria=model::<Model>,... (or q=)");
  let query: RmaQuery | undefined;
  let stage: "criteria" | "include" | "none" = "none";
  for (const term of splitTerms(text)) {
    const axis = /^(\w+)::(\w+)/.exec(term);
    if (axis && axis[1] === "model") {
      const { name, filters } = parseTerm(term);
      query = emptyQuery(name.slice("model::".length));
      query.filters.push(...filters);
      stage = "criteria";
      continue;
    }
    if (!query) throw new RmaRequestError("the query must start with model::<Model>");
    if (axis && axis[1] === "rma") {
      const { filters } = parseTerm(term.replace(/^rma::\w+/, ""));
      if (axis[2] === "criteria") stage = "criteria";
      else if (axis[2] === "include") stage = "include";
      else if (axis[2] === "options") applyOptions(query, filters);
      else throw new RmaRequestError(`unknown stage rma::${axis[2]}`);
      if (axis[2] !== "options") for (const f of filters) query.filters.push(f);
      continue;
    }
    if (axis) throw new RmaRequestError(`${axis[1]}:: stages are not supported by the demo server`);
    if (stage === "include") addInclude(query, term);
    else addCriteria(query, term);
  }
  if (!query) throw new RmaRequestError("the query names no model::<Model>");
  applyParams(query, params);
  return query;
}

function emptyQuery(model: string): RmaQuery {
  return { model, filters: [], includes: [], startRow: 0, numRows: 50, order: [] };
}

function addCriteria(query: RmaQuery, term: string): void {
  const { name, filters } = parseTerm(term);
  for (const f of filters) query.filters.push(name ? { ...f, association: name } : f);
}

function addInclude(query: RmaQuery, term: string): void {
  const { name, filters } = parseTerm(term);
  if (!name) throw new RmaRequestError(`include term ${JSON.stringify(term)} names no association`);
  query.includes.push({ association: name, filters });
}

function applyOptions(query: RmaQuery, options: Filter[]): void {
  for (const option of options) {
    const value = option.values[0] ?? "";
    if (option.attribute === "start_row") query.startRow = toRow(value, "start_row");
    else if (option.attribute === "num_rows") query.numRows = value === "all" ? "all" : toRow(value, "num_rows");
    else if (option.attribute === "order") query.order = parseOrder(option.values.join(","));
    else if (option.attribute === "only") query.only = option.values.join(",").split(",").map((s) => s.trim()).filter(Boolean);
    else if (!["count", "debug", "tabular", "except"].includes(option.attribute)) throw new RmaRequestError(`unknown option ${option.attribute}`);
  }
}

/** Top-level paging parameters in every spelling the Allen examples use. */
function applyParams(query: RmaQuery, params: Map<string, string>): void {
  const start = params.get("start_row") ?? params.get("startRow");
  const rows = params.get("num_rows") ?? params.get("numRows");
  if (start !== undefined) query.startRow = toRow(start, "start_row");
  if (rows !== undefined) query.numRows = rows === "all" ? "all" : toRow(rows, "num_rows");
  if (params.has("order")) query.order = parseOrder(params.get("order")!);
  if (params.has("only")) query.only = params.get("only")!.split(",").map((s) => s.trim()).filter(Boolean);
}

function toRow(value: string, name: string): number {
  const n = Number(unquote(value));
  if (!/^\s*\d+\s*$/.test(unquote(value)) || !Number.isSafeInteger(n)) throw new RmaRequestError(`${name} must be a whole number, not ${JSON.stringify(value)}`);
  return n;
}

function parseOrder(text: string): { attribute: string; descending: boolean }[] {
  return unquote(text)
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const m = /^([\w.]+)(?:[$+\s](asc|desc))?$/.exec(part);
      if (!m) throw new RmaRequestError(`cannot parse the order ${JSON.stringify(part)}`);
      return { attribute: m[1], descending: m[2] === "desc" };
    });
}
