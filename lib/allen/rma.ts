import { checkOptions, text, textList } from "../core/validate.js";
import { InvalidArgumentError } from "../errors.js";
import { toServiceBase } from "../http/url.js";
import { ATLAS_VOLUME_PATTERN, DEFAULT_API, REFERENCE_SPACE_ID } from "./constants.js";

/**
 * How page bounds are written into a query URL:
 * - `snake`: `&start_row=N&num_rows=M` (top-level parameters, the documented legacy form);
 * - `camel`: `&startRow=N&numRows=M` (what the 2013 seed script sends);
 * - `rma-options`: `rma::options[start_row$eqN][num_rows$eqM]` inside a normalized query;
 * - `auto`: `rma-options` for normalized (`model::`) queries, `snake` otherwise.
 */
export type PagingStyle = "snake" | "camel" | "rma-options" | "auto";

/** Parts of a legacy single-model query: `api/v2/data/<Model>/query.json?criteria=...`. */
export interface ModelQuery {
  /** Base URL of the API (default the public one). */
  api?: string;
  /** Model name, capitalised and singular: `Structure`, `SectionDataSet`, `ReferenceSpace`. */
  model: string;
  /** Filters, e.g. `[graph_id$eq1]`. */
  criteria?: string;
  /** Associations to include, e.g. `well_known_files[path$li'*atlasVolume.zip']`. */
  include?: string;
  /** Attributes to keep. */
  only?: readonly string[];
  /** Sort order, e.g. `structures.graph_order` or `id$desc`. */
  order?: string;
}

/** Joins a base URL and a path with exactly one slash between them. */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, "")}/${path.replace(/^\/+/, "")}`;
}

/** A base URL with its trailing slash, validated: http(s), no user info, no query, no `#fragment`. */
export function apiBase(api: string = DEFAULT_API): string {
  return toServiceBase(api, "the Allen API base", DEFAULT_API).href;
}

/** Builds `<api>api/v2/data/<Model>/query.json?criteria=...&include=...` (brackets left literal, as the Allen examples write them). */
export function modelQueryUrl(query: ModelQuery): string {
  checkOptions(query, "modelQueryUrl()", { model: text(true), criteria: text(), include: text(), only: textList, order: text(), api: text(true) });
  if (!/^[A-Z][A-Za-z0-9]*$/.test(query.model)) throw new InvalidArgumentError(`${JSON.stringify(query.model)} is not an RMA model name`, "model names are capitalised and singular, e.g. Structure");
  const params: string[] = [];
  if (query.criteria) params.push(`criteria=${query.criteria}`);
  if (query.include) params.push(`include=${query.include}`);
  if (query.only?.length) params.push(`only=${query.only.join(",")}`);
  if (query.order) params.push(`order=${query.order}`);
  const base = joinUrl(apiBase(query.api), `api/v2/data/${query.model}/query.json`);
  return params.length ? `${base}?${params.join("&")}` : base;
}

/** The seed's reference-space query: the space's record with its well-known files matching `pattern`. */
export function referenceSpaceUrl(api: string = DEFAULT_API, referenceSpaceId: number = REFERENCE_SPACE_ID, pattern: string = ATLAS_VOLUME_PATTERN): string {
  return modelQueryUrl({ api, model: "ReferenceSpace", criteria: `[id$eq${referenceSpaceId}]`, include: `well_known_files[path$li'${pattern}']` });
}

/** `<api>grid_data/download/<id>`, optionally `?include=energy,density,intensity`. */
export function gridDataUrl(api: string = DEFAULT_API, dataSetId: number, include?: readonly string[]): string {
  const url = joinUrl(apiBase(api), `grid_data/download/${dataSetId}`);
  return include?.length ? `${url}?include=${include.join(",")}` : url;
}

/** An absolute URL for a `download_link` such as `/api/v2/well_known_file_download/123`. */
export function downloadLinkUrl(api: string = DEFAULT_API, downloadLink: string): string {
  if (/^https?:\/\//i.test(downloadLink)) return downloadLink;
  return joinUrl(apiBase(api), downloadLink);
}

/** True when the URL is a normalized (`model::`) query. */
export function isNormalizedQuery(url: string): boolean {
  return /[?&](criteria|q)=[^&]*model::/i.test(url) || /[?&](criteria|q)=[^&]*model%3A%3A/i.test(url);
}

/**
 * The URL of one page: any paging bounds already in `url` are replaced by `startRow` and
 * `numRows`, written in the given style. Pure; the rest of the URL is kept byte for byte.
 */
export function pageUrl(url: string, startRow: number, numRows: number, style: PagingStyle = "auto"): string {
  url = withoutFragment(url);
  const resolved = style === "auto" ? (isNormalizedQuery(url) ? "rma-options" : "snake") : style;
  if (resolved === "rma-options") {
    if (!isNormalizedQuery(url)) throw new InvalidArgumentError("rma::options paging needs a normalized query (criteria=model::...)", "use paging \"snake\" for Model/query.json URLs");
    return withRmaOptions(stripTopLevelPaging(url), startRow, numRows);
  }
  const base = stripTopLevelPaging(stripRmaPaging(url));
  const bounds = resolved === "camel" ? `startRow=${startRow}&numRows=${numRows}` : `start_row=${startRow}&num_rows=${numRows}`;
  return `${base}${base.includes("?") ? "&" : "?"}${bounds}`;
}

function stripTopLevelPaging(url: string): string {
  const [head, query] = splitQuery(url);
  if (query === undefined) return url;
  const kept = query.split("&").filter((part) => part !== "" && !/^(start_row|num_rows|startRow|numRows)=/.test(part));
  return kept.length ? `${head}?${kept.join("&")}` : head;
}

function stripRmaPaging(url: string): string {
  return url.replace(/\[(start_row|num_rows)\$eq[^\]]*\]/g, "").replace(/,rma::options(?=,|&|$)/g, "");
}

function withRmaOptions(url: string, startRow: number, numRows: number): string {
  const bounds = `[start_row$eq${startRow}][num_rows$eq${numRows}]`;
  const cleaned = url.replace(/\[(start_row|num_rows)\$eq[^\]]*\]/g, "");
  if (/rma::options/.test(cleaned)) return cleaned.replace(/rma::options/, `rma::options${bounds}`);
  const [head, query = ""] = splitQuery(cleaned);
  const parts = query.split("&");
  const index = parts.findIndex((part) => /^(criteria|q)=/.test(part) && /model(::|%3A%3A)/i.test(part));
  parts[index] = `${parts[index]},rma::options${bounds}`;
  return `${head}?${parts.join("&")}`;
}

/** `url` without its `#fragment`, which is never sent to a server (paging must land in the query, not after it). */
export function withoutFragment(url: string): string {
  const at = url.indexOf("#");
  return at < 0 ? url : url.slice(0, at);
}

function splitQuery(url: string): [string, string | undefined] {
  const at = url.indexOf("?");
  return at < 0 ? [url, undefined] : [url.slice(0, at), url.slice(at + 1)];
}
