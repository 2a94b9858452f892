import type { ServiceInputTypes, ServiceOutputTypes } from "@aws-sdk/client-s3";
import type { DeserializeMiddleware, HandlerExecutionContext } from "@smithy/types";
import { Readable } from "node:stream";
import { UnexpectedContentError } from "../http/errors.js";
import { bodyKind } from "../http/body-kind.js";
import { readBody } from "../http/body.js";

const LISTING_COMMAND = "ListObjectsV2Command";
const LISTING_ROOT = /^\uFEFF?\s*(<\?xml[^>]*\?>\s*)?<ListBucketResult[\s>]/;

/**
 * An SDK middleware that looks at the raw body of each successful listing before the SDK
 * parses it: anything but a `ListBucketResult` document (a maintenance page served with 200, a
 * captive portal, a cut document) raises {@link UnexpectedContentError} instead of being read as
 * an empty listing (marked transient: the bucket asks again). The body is buffered (listings
 * are small) with the idle timeout and handed on unchanged.
 */
export function listingCheck(bucket: string, idleTimeoutMs: number): DeserializeMiddleware<ServiceInputTypes, ServiceOutputTypes> {
  return (next, context: HandlerExecutionContext) => async (args) => {
    const result = await next(args);
    if (context.commandName !== LISTING_COMMAND) return result;
    const response = result.response as { statusCode?: number; body?: unknown };
    if (!response || (response.statusCode ?? 200) >= 300 || !(response.body instanceof Readable)) return result;
    const prefix = (args as { input?: { Prefix?: string } }).input?.Prefix ?? "";
    const location = `s3://${bucket}/${prefix}`;
    const body = await readBody(response.body, { location, idleTimeoutMs });
    const head = body.subarray(0, 400).toString("utf8");
    if (!LISTING_ROOT.test(head)) {
      throw new UnexpectedContentError("an S3 listing (ListBucketResult XML)", bodyKind(head), location, head.slice(0, 120), "the endpoint answered with something else (a maintenance or proxy page?); it was retried — try again later or check the endpoint", { transient: true });
    }
    response.body = Readable.from([body]);
    return result;
  };
}
