import { parseJsonBody } from "../http/request.js";
import { RmaError } from "./errors.js";

/** One RMA answer: `{success, id, start_row, num_rows, total_rows, msg}`. */
export interface RmaPage<Row = Record<string, unknown>> {
  rows: Row[];
  /** `start_row` as the server echoed it (undefined when absent). */
  startRow: number | undefined;
  /**
   * `total_rows` as the server claimed it: a hint only. It over-reports for queries with
   * `include=` (one row back, 9440 claimed) and is absent from some answers (an empty result).
   */
  totalRows: number | undefined;
}

/**
 * Checks and unpacks an RMA JSON envelope. `msg` is the list of rows; an empty object
 * (`"msg": {}`, how the API writes an empty result) is zero rows. Non-JSON bodies (an HTML
 * maintenance page) raise UnexpectedContentError; `success: false` (the API answers it with
 * HTTP 200) and a malformed envelope raise {@link RmaError}; both carry the URL.
 */
export function fromEnvelopeJson<Row = Record<string, unknown>>(text: string, url: string, status = 200): RmaPage<Row> {
  const body = parseJsonBody<unknown>(text, url);
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw new RmaError("the answer is JSON but not an RMA envelope (no success/msg object)", url, status);
  const envelope = body as Record<string, unknown>;
  if (envelope.success === false || envelope.success === "false") {
    const msg = typeof envelope.msg === "string" ? envelope.msg : JSON.stringify(envelope.msg ?? "no message");
    throw new RmaError(msg, url, status);
  }
  if (envelope.success !== true && envelope.success !== "true") throw new RmaError("the envelope has no boolean `success`", url, status);
  const rows = toRows<Row>(envelope.msg, url, status);
  const totalRows = toCount(envelope.total_rows ?? envelope.totalRows, "total_rows", url, status);
  const startRow = toCount(envelope.start_row, "start_row", url, status);
  return { rows, startRow, totalRows };
}

function toRows<Row>(msg: unknown, url: string, status: number): Row[] {
  if (Array.isArray(msg)) return msg as Row[];
  if (msg !== null && typeof msg === "object" && Object.keys(msg).length === 0) return [];
  const what = msg === null ? "null" : typeof msg === "object" ? "an object with keys" : typeof msg;
  throw new RmaError(`\`msg\` is ${what}, not a list of rows`, url, status);
}

function toCount(value: unknown, key: string, url: string, status: number): number | undefined {
  if (value === undefined || value === null) return undefined;
  const n = typeof value === "string" ? Number(value) : value;
  if (typeof n !== "number" || !Number.isSafeInteger(n) || n < 0) throw new RmaError(`\`${key}\` is ${JSON.stringify(value)}, not a row count`, url, status);
  return n;
}
