import type { DataFrame } from "danfojs-node";
import { HttpError } from "../http/errors.js";
import { request, type HttpOptions } from "../http/request.js";
import type { FetchLike } from "../http/transport.js";
import { fromRecords } from "../frame/from-rows.js";
import type { ColumnTypes } from "../frame/types.js";
import { DEFAULT_PAGE_ROWS } from "./constants.js";
import { fromEnvelopeJson, RmaPage } from "./envelope.js";
import { RmaError } from "./errors.js";
import { pageUrl, PagingStyle } from "./rma.js";
import { checkQuery } from "./option-rules.js";
import { checkArgument, record, textList } from "../core/validate.js";

/** One RMA row as the API sends it. */
export type RmaRow = Record<string, unknown>;

/** What {@link rows} reports after each page it uses (discarded look-ahead pages are not reported). */
export interface PageInfo {
  url: string;
  startRow: number;
  /** Rows this page brought. */
  rows: number;
  /** `total_rows` as this page claimed it: a hint, undefined when the answer had none. */
  totalRows: number | undefined;
}

/** Why paging ended. */
export type PagingStop = "short-page" | "empty-page" | "claimed-total-reached" | "start-row-mismatch";

/** What one paged query did; the return value of the {@link rows} generator. */
export interface PagingSummary {
  /** Rows yielded. */
  rows: number;
  /** Page requests sent, discarded look-ahead pages included. */
  requests: number;
  /** The last `total_rows` the server claimed (undefined when it never said). */
  claimedTotal: number | undefined;
  stop: PagingStop;
}

/**
 * Something paging noticed that did not cost any row: the rows that arrived are all returned.
 * - `total-rows-unmet`: the answers claimed more rows than they delivered (the Allen API
 *   over-counts `total_rows` for queries with `include=`);
 * - `start-row-mismatch`: a page came back for another `start_row` than asked (the server
 *   ignores the paging parameters), so paging stopped instead of repeating rows.
 */
export interface PagingWarning {
  kind: "total-rows-unmet" | "start-row-mismatch";
  message: string;
  /** The query URL (without paging). */
  url: string;
  /** Rows received when paging stopped. */
  received: number;
  claimedTotal: number | undefined;
}

/** Options of {@link rows}, {@link query} and {@link queryFrame}. */
export interface QueryOptions {
  /** Rows asked for per page (default 2000, as the seed script). */
  numRows?: number;
  /** How page bounds are written into the URL (default `auto`). */
  paging?: PagingStyle;
  /**
   * Most pages in flight at once (default 8; 1 = strictly sequential). The first page is always
   * asked for alone; further pages are asked for ahead only as far as its `total_rows` hint reaches.
   */
  concurrency?: number;
  /** Called with each page's URL before it is requested (the seed prints it). */
  onRequest?: (url: string) => void;
  /** Called after each page arrived, in page order. */
  onPage?: (info: PageInfo) => void;
  /** Called when paging ends short of `total_rows` or on a page that is not the one asked for (see {@link PagingWarning}). */
  onWarning?: (warning: PagingWarning) => void;
  /** Timeouts, retries and abort signal for each page request. */
  http?: HttpOptions;
  /** The `fetch` to send with instead of the default keep-alive transport. */
  fetch?: FetchLike;
}

/** Default pages in flight: enough that a 20,000-row query of 2000-row pages takes three round trips, few enough to be polite. */
export const DEFAULT_PAGE_CONCURRENCY = 8;
/** Most pages a query may ask to have in flight. */
export const MAX_PAGE_CONCURRENCY = 32;

const ERROR_STATUSES = [400, 404, 422];

/** Fetches and checks one page. */
export async function fetchPage(url: string, http: HttpOptions = {}, fetch?: FetchLike): Promise<RmaPage<RmaRow>> {
  const response = await request(url, { ...http, fetch, headers: { accept: "application/json", ...http.headers }, acceptStatus: ERROR_STATUSES, retryHtml: true, expected: "an RMA answer (JSON)" });
  const text = response.body.toString("utf8");
  if (response.status >= 400 && !text.trimStart().startsWith("{")) {
    throw new HttpError(response.status, "GET", url, text.slice(0, 300), "check the model name, criteria and ids in the URL");
  }
  const page = fromEnvelopeJson<RmaRow>(text, url, response.status);
  if (response.status >= 400) throw new RmaError(`HTTP ${response.status} although the envelope says success`, url, response.status);
  return page;
}

interface Pending {
  startRow: number;
  /** Rows a full page holds in the regime it was asked in (`numRows`, or the server's cap once confirmed). */
  full: number;
  controller: AbortController;
  page: Promise<RmaPage<RmaRow>>;
}

/** The pages of a query, in order, each as the rows it brought (see {@link rows}, which this drives). */
async function* pages(url: string, options: QueryOptions = {}): AsyncGenerator<RmaRow[], PagingSummary, undefined> {
  checkQuery(url, options, "allen query");
  const numRows = options.numRows ?? DEFAULT_PAGE_ROWS;
  const concurrency = options.concurrency ?? DEFAULT_PAGE_CONCURRENCY;
  const style = options.paging ?? "auto";
  const outer = options.http?.signal;
  outer?.throwIfAborted();

  const inFlight: Pending[] = [];
  let requests = 0;
  let received = 0;
  let claimed: number | undefined;
  let full = numRows;
  let nextStart = 0;
  /** A short page left the claim unmet: one confirming request runs alone before paging goes on. */
  let confirming = false;

  const launch = (startRow: number): void => {
    const controller = new AbortController();
    const onAbort = () => controller.abort(outer?.reason);
    outer?.addEventListener("abort", onAbort, { once: true });
    const target = pageUrl(url, startRow, numRows, style);
    requests++;
    options.onRequest?.(target);
    const page = fetchPage(target, { ...options.http, signal: controller.signal }, options.fetch).finally(() => outer?.removeEventListener("abort", onAbort));
    page.catch(() => undefined);
    inFlight.push({ startRow, full, controller, page });
    nextStart = startRow + full;
  };
  const discard = (): void => {
    for (const pending of inFlight.splice(0)) pending.controller.abort();
  };
  const fill = (): void => {
    const window = confirming || claimed === undefined ? 1 : concurrency;
    while (inFlight.length < window && (inFlight.length === 0 || (claimed !== undefined && nextStart < claimed))) launch(nextStart);
  };
  const finish = (stop: PagingStop): PagingSummary => {
    discard();
    if (stop !== "start-row-mismatch" && claimed !== undefined && received < claimed) {
      options.onWarning?.({
        kind: "total-rows-unmet",
        message: `the server claimed total_rows ${claimed} but paging ended after ${received} rows (${stop === "empty-page" ? "an empty page" : "a short page"}); every row that arrived is kept`,
        url,
        received,
        claimedTotal: claimed,
      });
    }
    return { rows: received, requests, claimedTotal: claimed, stop };
  };

  try {
    launch(0);
    for (;;) {
      const pending = inFlight.shift()!;
      const page = await pending.page;
      if (page.rows.length > 0 && page.startRow !== undefined && page.startRow !== pending.startRow) {
        const summary = finish("start-row-mismatch");
        options.onWarning?.({ kind: "start-row-mismatch", message: `asked for rows from ${pending.startRow} but the answer starts at ${page.startRow}; paging stopped so rows are not repeated`, url, received, claimedTotal: claimed });
        return summary;
      }
      if (page.totalRows !== undefined) claimed = page.totalRows;
      options.onPage?.({ url: pageUrl(url, pending.startRow, numRows, style), startRow: pending.startRow, rows: page.rows.length, totalRows: page.totalRows });
      received += page.rows.length;
      const count = page.rows.length;
      if (count === 0) {
        yield page.rows;
        return finish("empty-page");
      }
      if (count < pending.full) {
        discard();
        yield page.rows;
        if (confirming || claimed === undefined || received >= claimed) return finish("short-page");
        confirming = true;
        full = count;
        launch(received);
        continue;
      }
      confirming = false;
      if (count > pending.full) {
        // More rows than a full page held so far (a confirmed cap that was not one): page on at this size.
        discard();
        full = count;
        nextStart = received;
      }
      if (claimed !== undefined && received >= claimed) {
        yield page.rows;
        return finish("claimed-total-reached");
      }
      fill();
      yield page.rows;
    }
  } finally {
    discard();
  }
}

/**
 * Yields every row of an RMA query, page by page, in order, lazily. Paging ends at the first
 * page shorter than a full page or empty (AllenSDK's rule), or once as many rows arrived as
 * `total_rows` claimed; `total_rows` is only a hint, because the API over-counts it for
 * queries with `include=`: it decides how many pages may be asked for ahead of the reader (at
 * most `concurrency`, never past the claim), never how many pages there are. Pages asked for
 * ahead of a short page are discarded (their requests aborted). A short page that leaves the
 * claim unmet is confirmed by one more request at the next row: if that brings rows, the
 * server caps pages at the short page's length and paging goes on at that size. Rows that
 * arrived are never thrown away; a shortfall is reported to `onWarning` and in the
 * generator's return value ({@link PagingSummary}).
 */
export async function* rows(url: string, options: QueryOptions = {}): AsyncGenerator<RmaRow, PagingSummary, undefined> {
  const paged = pages(url, options);
  try {
    for (;;) {
      const next = await paged.next();
      if (next.done) return next.value;
      yield* next.value;
    }
  } finally {
    // A reader that stops early ends the pages too, which aborts the pages still in flight.
    await paged.return({ rows: 0, requests: 0, claimedTotal: undefined, stop: "short-page" });
  }
}

/** Collects every row of an RMA query (all pages), page by page. */
export async function query(url: string, options: QueryOptions = {}): Promise<RmaRow[]> {
  const out: RmaRow[] = [];
  for await (const page of pages(url, options)) for (const row of page) out.push(row);
  return out;
}

/**
 * Collects every row of an RMA query into a DataFrame with explicit column types: `columns`
 * picks and orders the attributes, `types` gives each one's type (unnamed columns are strings;
 * nested objects become JSON text).
 */
export async function queryFrame(url: string, columns: readonly string[], types: ColumnTypes = {}, options: QueryOptions = {}): Promise<DataFrame> {
  checkArgument(columns, textList, "column list", "queryFrame()");
  checkArgument(types, record, "column types", "queryFrame()");
  const records = await query(url, options);
  const flat = records.map((record) => Object.fromEntries(columns.map((column) => [column, flatten(record[column])])));
  return fromRecords(flat, columns, types);
}

function flatten(value: unknown): unknown {
  return value !== null && typeof value === "object" ? JSON.stringify(value) : value;
}
