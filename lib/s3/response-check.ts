import type { ServiceInputTypes, ServiceOutputTypes } from "@aws-sdk/client-s3";
import type { DeserializeMiddleware, HandlerExecutionContext } from "@smithy/types";
import { Readable } from "node:stream";
import { UnexpectedContentError } from "../http/errors.js";
import { bodyKind } from "../http/body-kind.js";
import { readBody } from "../http/body.js";
import { fromErrorResponse } from "./errors.js";

const LISTING_COMMAND = "ListObjectsV2Command";
const LISTING_ROOT = /^\uFEFF?\s*(<\?xml[^>]*\?>\s*)?<ListBucketResult[\s>]/;
const ERROR_BODY_LIMIT = 64 * 1024;

/**
 * An SDK middleware that looks at each raw answer before the SDK parses it:
 * - an error status (3xx–5xx) becomes an {@link S3ErrorAnswer} read from the status, the
 *   `x-amz-bucket-region` and Retry-After headers and the body, exactly as the object reader
 *   reads its own, so an S3 `<Error>` document, a proxy's HTML 502 or an empty HEAD answer give
 *   the same typed error on a listing as on a GET (the SDK's XML parser never sees a non-XML page);
 * - a successful listing whose body is not a `ListBucketResult` document (a maintenance page
 *   served with 200, a captive portal, a cut document) raises {@link UnexpectedContentError}
 *   instead of being read as an empty listing (marked transient: the bucket asks again).
 * Bodies are buffered (listings and error documents are small) with the idle timeout; a good
 * listing is handed on unchanged.
 */
export function responseCheck(bucket: string, idleTimeoutMs: number): DeserializeMiddleware<ServiceInputTypes, ServiceOutputTypes> {
  return (next, context: HandlerExecutionContext) => async (args) => {
    const result = await next(args);
    const response = result.response as { statusCode?: number; headers?: Record<string, string>; body?: unknown };
    if (!response) return result;
    const input = (args as { input?: { Prefix?: string; Key?: string } }).input;
    const location = `s3://${bucket}/${input?.Key ?? input?.Prefix ?? ""}`;
    const status = response.statusCode ?? 200;
    if (status >= 300) {
      const text = response.body instanceof Readable ? (await readBody(response.body, { location, idleTimeoutMs }).catch(() => Buffer.alloc(0))).subarray(0, ERROR_BODY_LIMIT).toString("utf8") : "";
      const headers = response.headers ?? {};
      throw fromErrorResponse(status, (name) => headers[name] ?? headers[name.toLowerCase()], text);
    }
    if (context.commandName !== LISTING_COMMAND || !(response.body instanceof Readable)) return result;
    const body = await readBody(response.body, { location, idleTimeoutMs });
    const head = body.subarray(0, 400).toString("utf8");
    if (!LISTING_ROOT.test(head)) {
      throw new UnexpectedContentError("an S3 listing (ListBucketResult XML)", bodyKind(head), location, head.slice(0, 120), "the endpoint answered with something else (a maintenance or proxy page?); it was retried — try again later or check the endpoint", { transient: true });
    }
    response.body = Readable.from([body]);
    return result;
  };
}
