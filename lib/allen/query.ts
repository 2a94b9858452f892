import type { DataFrame } from "danfojs-node";
import { InvalidArgumentError } from "../errors.js";
import { HttpError } from "../http/errors.js";
import { request, type HttpOptions } from "../http/request.js";
import type { FetchLike } from "../http/transport.js";
import { fromRecords } from "../frame/from-rows.js";
import type { ColumnTypes } from "../frame/types.js";
import { DEFAULT_PAGE_ROWS } from "./constants.js";
import { fromEnvelopeJson, RmaPage } from "./envelope.js";
import { IncompletePagingError, RmaError } from "./errors.js";
import { pageUrl, PagingStyle } from "./rma.js";
import { Slots } from "../core/pool.js";

/** One RMA row as the API sends it. */
export type RmaRow = Record<string, unknown>;

/** What {@link rows} reports after each page. */
export interface PageInfo {
  url: string;
  startRow: number;
  rows: number;
  totalRows: number;
}

/** Options of {@link rows}, {@link query} and {@link queryFrame}. */
export interface QueryOptions {
  /** Rows asked for per page (default 2000, as the seed script). */
  numRows?: number;
  /** How page bounds are written into the URL (default `auto`). */
  paging?: PagingStyle;
  /** Pages fetched at once after the first page revealed `total_rows` (default 4; 1 = strictly sequential). */
  concurrency?: number;
  /** What an empty page before `total_rows` does: raise {@link IncompletePagingError} (default) or stop quietly. */
  incomplete?: "error" | "stop";
  /** Called with each page's URL before it is requested (the seed prints it). */
  onRequest?: (url: string) => void;
  /** Called after each page arrived. */
  onPage?: (info: PageInfo) => void;
  /** Timeouts, retries and abort signal for each page request. */
  http?: HttpOptions;
  /** The `fetch` to send with instead of the default keep-alive transport. */
  fetch?: FetchLike;
}

const ERROR_STATUSES = [400, 404, 422];

/** Fetches and checks one page. */
export async function fetchPage(url: string, http: HttpOptions = {}, fetch?: FetchLike): Promise<RmaPage<RmaRow>> {
  const response = await request(url, { ...http, fetch, headers: { accept: "application/json", ...http.headers }, acceptStatus: ERROR_STATUSES });
  const text = response.body.toString("utf8");
  if (response.status >= 400 && !text.trimStart().startsWith("{")) {
    throw new HttpError(response.status, "GET", url, text.slice(0, 300), "check the model name, criteria and ids in the URL");
  }
  const page = fromEnvelopeJson<RmaRow>(text, url, response.status);
  if (response.status >= 400) throw new RmaError(`HTTP ${response.status} although the envelope says success`, url, response.status);
  return page;
}

/**
 * Yields every row of an RMA query, page by page, in order. The first page tells
 * `total_rows`; the remaining pages are then fetched up to `concurrency` at a time. A page
 * that is shorter than asked is topped up from where it ended; an empty page before
 * `total_rows` ends with {@link IncompletePagingError} (never an endless loop).
 */
export async function* rows(url: string, options: QueryOptions = {}): AsyncGenerator<RmaRow, void, undefined> {
  const numRows = options.numRows ?? DEFAULT_PAGE_ROWS;
  if (!Number.isInteger(numRows) || numRows <= 0) throw new InvalidArgumentError(`numRows must be a positive whole number, not ${numRows}`);
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? 4));
  const style = options.paging ?? "auto";
  const controller = new AbortController();
  const outer = options.http?.signal;
  const onAbort = () => controller.abort(outer?.reason);
  outer?.addEventListener("abort", onAbort, { once: true });
  const http: HttpOptions = { ...options.http, signal: controller.signal };

  const load = async (startRow: number, count: number): Promise<RmaPage<RmaRow>> => {
    const target = pageUrl(url, startRow, count, style);
    options.onRequest?.(target);
    const page = await fetchPage(target, http, options.fetch);
    options.onPage?.({ url: target, startRow, rows: page.rows.length, totalRows: page.totalRows });
    return page;
  };

  try {
    const first = await load(0, numRows);
    const totalRows = first.totalRows;
    yield* first.rows;
    let received = first.rows.length;
    if (received >= totalRows) return;
    if (received === 0) {
      if (options.incomplete === "stop") return;
      throw new IncompletePagingError(0, totalRows, url);
    }
    const pageSize = Math.min(numRows, first.rows.length);
    const planned: { startRow: number; count: number }[] = [];
    for (let start = received; start < totalRows; start += pageSize) planned.push({ startRow: start, count: Math.min(pageSize, totalRows - start) });

    // A page holds its slot from its request until it is yielded: at most `concurrency` pages are requested ahead of the reader.
    const slots = new Slots(concurrency);
    const releases: (() => void)[] = [];
    const pages = planned.map(({ startRow, count }, index) => {
      const page = slots.acquire().then((release) => {
        releases[index] = release;
        return load(startRow, count);
      });
      page.catch(() => undefined);
      return page;
    });
    for (let index = 0; index < planned.length; index++) {
      const page = await pages[index];
      releases[index]();
      const expected = planned[index];
      let got = page.rows;
      yield* got;
      received += got.length;
      let filled = got.length;
      while (filled < expected.count) {
        if (got.length === 0) {
          if (options.incomplete === "stop") return;
          throw new IncompletePagingError(received, totalRows, url);
        }
        const topUp = await load(expected.startRow + filled, expected.count - filled);
        got = topUp.rows;
        yield* got;
        received += got.length;
        filled += got.length;
      }
    }
  } finally {
    outer?.removeEventListener("abort", onAbort);
    controller.abort();
  }
}

/** Collects every row of an RMA query (all pages). */
export async function query(url: string, options: QueryOptions = {}): Promise<RmaRow[]> {
  const out: RmaRow[] = [];
  for await (const row of rows(url, options)) out.push(row);
  return out;
}

/**
 * Collects every row of an RMA query into a DataFrame with explicit column types: `columns`
 * picks and orders the attributes, `types` gives each one's type (unnamed columns are strings;
 * nested objects become JSON text).
 */
export async function queryFrame(url: string, columns: readonly string[], types: ColumnTypes = {}, options: QueryOptions = {}): Promise<DataFrame> {
  const records = await query(url, options);
  const flat = records.map((record) => Object.fromEntries(columns.map((column) => [column, flatten(record[column])])));
  return fromRecords(flat, columns, types);
}

function flatten(value: unknown): unknown {
  return value !== null && typeof value === "object" ? JSON.stringify(value) : value;
}
