import { parseJsonBody } from "../http/request.js";
import { RmaError } from "./errors.js";

/** One RMA answer: `{success, id, start_row, num_rows, total_rows, msg}`. */
export interface RmaPage<Row = Record<string, unknown>> {
  rows: Row[];
  startRow: number;
  totalRows: number;
}

/**
 * Checks and unpacks an RMA JSON envelope. Non-JSON bodies (an HTML maintenance page) raise
 * UnexpectedContentError; `success: false` or a malformed envelope raise {@link RmaError};
 * both carry the URL.
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
  if (!Array.isArray(envelope.msg)) throw new RmaError(`\`msg\` is ${typeof envelope.msg}, not a list of rows`, url, status);
  const rows = envelope.msg as Row[];
  const totalRows = toCount(envelope.total_rows ?? envelope.totalRows, rows.length, "total_rows", url, status);
  const startRow = toCount(envelope.start_row, 0, "start_row", url, status);
  return { rows, startRow, totalRows };
}

function toCount(value: unknown, fallback: number, key: string, url: string, status: number): number {
  if (value === undefined || value === null) return fallback;
  const n = typeof value === "string" ? Number(value) : value;
  if (typeof n !== "number" || !Number.isInteger(n) || n < 0) throw new RmaError(`\`${key}\` is ${JSON.stringify(value)}, not a row count`, url, status);
  return n;
}
