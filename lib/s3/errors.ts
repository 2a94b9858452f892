import { NeuroportalError } from "../errors.js";
import { NetworkError, TimeoutError } from "../http/errors.js";
import { parseRetryAfter } from "../core/retry.js";
import { bodyKind, describeKind, type BodyKind } from "../http/body-kind.js";

/** S3 answered with an error (AccessDenied, NoSuchKey, NoSuchBucket, SignatureDoesNotMatch, ...). */
export class S3Error extends NeuroportalError {
  /** The S3 error code, e.g. `AccessDenied`; for an answer without an S3 error document, the status's meaning (`BadGateway`, ...). */
  readonly s3Code: string;
  readonly status?: number;
  readonly bucket: string;
  readonly key?: string;
  /** The server's Retry-After, in milliseconds, when it sent one (503 SlowDown, 429). */
  readonly retryAfterMs?: number;
  /** The bucket's region, when S3 named it (`x-amz-bucket-region`, sent with redirects and most errors). */
  readonly region?: string;
  /** What the error body was when it was not an S3 `<Error>` document (a proxy's HTML page: `"html"`). */
  readonly received?: BodyKind;
  constructor(
    s3Code: string,
    message: string,
    options: { status?: number; bucket: string; key?: string; hint?: string; cause?: unknown; retryAfterMs?: number; region?: string; received?: BodyKind },
  ) {
    super(codeFor(s3Code), message, { hint: options.hint, cause: options.cause });
    this.s3Code = s3Code;
    this.status = options.status;
    this.bucket = options.bucket;
    this.key = options.key;
    this.retryAfterMs = options.retryAfterMs;
    this.region = options.region;
    this.received = options.received;
  }
}

/**
 * An error answer as it came off the wire, before it is typed: the status, the `<Error>`
 * document's code and message when the body was one, the region and Retry-After headers.
 * Listings, HEADs and object GETs all build one ({@link fromErrorResponse}), so the same answer
 * becomes the same {@link S3Error} whichever request met it.
 */
export class S3ErrorAnswer extends Error {
  constructor(
    readonly status: number,
    readonly s3Code: string | undefined,
    readonly detail: string | undefined,
    readonly received: BodyKind,
    readonly region?: string,
    readonly retryAfter?: string,
    /** The server's Date header: a Retry-After date is measured against it. */
    readonly date?: string,
  ) {
    super(s3Code ?? `HTTP ${status}`);
    this.name = "S3ErrorAnswer";
  }
}

/** Reads an error answer (status, a header lookup, the head of its body). */
export function fromErrorResponse(status: number, header: (name: string) => string | null | undefined, text: string): S3ErrorAnswer {
  const document = /<Error[\s>]/.test(text.slice(0, 400)) ? text : "";
  const code = document ? xmlField(document, "Code") : undefined;
  return new S3ErrorAnswer(status, code, document ? xmlField(document, "Message") : undefined, document ? "xml" : bodyKind(text), header("x-amz-bucket-region") ?? undefined, header("retry-after") ?? undefined, header("date") ?? undefined);
}

function xmlField(xml: string, name: string): string | undefined {
  const match = new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml);
  if (!match) return undefined;
  return match[1]
    .replace(/&#x([0-9a-f]+);/gi, (_, hex: string) => String.fromCodePoint(Number.parseInt(hex, 16)))
    .replace(/&#(\d+);/g, (_, dec: string) => String.fromCodePoint(Number(dec)))
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ")
    .trim();
}

const ACCESS_CODES = new Set(["AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch", "AllAccessDisabled", "ExpiredToken", "InvalidToken", "CredentialsProviderError"]);
const NOT_FOUND_CODES = new Set(["NoSuchKey", "NoSuchBucket", "NotFound", "NoSuchPrefix"]);
const REGION_CODES = new Set(["PermanentRedirect", "AuthorizationHeaderMalformed", "IllegalLocationConstraintException"]);

function codeFor(s3Code: string): string {
  if (ACCESS_CODES.has(s3Code)) return "E_S3_ACCESS";
  if (NOT_FOUND_CODES.has(s3Code)) return "E_S3_NOT_FOUND";
  return "E_S3";
}

/** What a status says when S3 (or a proxy before it) sent no S3 error document. */
const STATUS_MEANINGS: Readonly<Record<number, { code: string; hint?: string }>> = {
  500: { code: "InternalError", hint: "the S3 service failed (the request was retried); try again later" },
  502: { code: "BadGateway", hint: "a gateway or proxy before S3 failed (the request was retried); try again later" },
  503: { code: "ServiceUnavailable", hint: "the S3 service is unavailable or overloaded (the request was retried); try again later, or lower the concurrency" },
  504: { code: "GatewayTimeout", hint: "a gateway before S3 timed out (the request was retried); try again later" },
  429: { code: "TooManyRequests", hint: "too many requests: lower the concurrency and try again later" },
  400: { code: "BadRequest", hint: "the server refused the request; check the endpoint, region and key" },
  405: { code: "MethodNotAllowed", hint: "the endpoint does not look like an S3 service; check the endpoint" },
  301: { code: "PermanentRedirect" },
  307: { code: "TemporaryRedirect" },
  403: { code: "AccessDenied" },
  404: { code: "NotFound" },
  412: { code: "PreconditionFailed" },
};

/** The HCP buckets (2013's and today's): signed requests with keys HCP issues, never anonymous access. */
export function isHcpBucket(bucket: string): boolean {
  return bucket === "hcp.aws.amazon.com" || bucket.startsWith("hcp-openaccess");
}

const HCP_KEYS =
  "HCP issues AWS keys in ConnectomeDB (log in, accept the Open Access Data Use Terms of the release, then \"Amazon S3 Access\"); set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or a profile (e.g. profile: \"hcp\")";

/** What the request was, for the hint: the bucket, and whether it carried a signature. */
interface HintContext {
  bucket: string;
  /** False for anonymous (unsigned) access. */
  signed: boolean;
  region?: string;
}

function hintFor(s3Code: string, status: number | undefined, context: HintContext): string | undefined {
  const hcp = isHcpBucket(context.bucket);
  if (s3Code === "SlowDown" || s3Code === "ServiceUnavailable") return STATUS_MEANINGS[503].hint;
  if (s3Code === "InternalError") return STATUS_MEANINGS[500].hint;
  if (s3Code === "RequestTimeout") return "the transfer was too slow for S3; try again, or lower the concurrency";
  if (status !== undefined && STATUS_MEANINGS[status]?.hint && !ACCESS_CODES.has(s3Code) && !NOT_FOUND_CODES.has(s3Code)) return STATUS_MEANINGS[status].hint;
  if (s3Code === "AccessDenied") {
    if (!context.signed) return hcp ? `the HCP bucket refuses unsigned requests: ${HCP_KEYS}` : "the bucket refuses unsigned requests: pass credentials (keys or a profile)";
    return hcp
      ? "the HCP bucket refused these keys for this object: HCP keys cover only the releases whose data use terms you accepted in ConnectomeDB; check the key pair and the release folder"
      : "the bucket refused these keys for this object: check that the keys (or the profile) may read it";
  }
  if (s3Code === "InvalidAccessKeyId" || s3Code === "SignatureDoesNotMatch") {
    const which = "check the access key id and secret key (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY or your profile)";
    return hcp ? `${which}; HCP keys come from ConnectomeDB ("Amazon S3 Access"), and creating a new pair there retires the old one` : which;
  }
  if (s3Code === "CredentialsProviderError") {
    return hcp ? `no AWS credentials were found, and the HCP bucket only answers signed requests: ${HCP_KEYS}` : "no AWS credentials were found: set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or a profile, or pass anonymous: true for a public bucket";
  }
  if (REGION_CODES.has(s3Code)) {
    return context.region
      ? `the bucket lives in region ${context.region}: pass region: ${JSON.stringify(context.region)}`
      : "the bucket lives in another region: pass that region (S3 names it in the x-amz-bucket-region header; aws s3api head-bucket shows it), e.g. region: \"eu-west-1\"";
  }
  if (s3Code === "TemporaryRedirect") return "S3 is still routing this bucket's name (a new or moved bucket); pass the bucket's region, or try again later";
  if (s3Code === "PreconditionFailed") return "the object changed since it was listed; list it again (a download starts such a file over)";
  if (s3Code === "NoSuchBucket") return "check the bucket name and the endpoint";
  if (s3Code === "NoSuchKey" || s3Code === "NotFound") return "list the prefix to see which keys exist";
  if (status !== undefined && status >= 500) return "the S3 service failed (the request was retried); try again later";
  return undefined;
}

const NETWORK_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ECONNABORTED", "ERR_STREAM_PREMATURE_CLOSE"]);

/** Where a failed request went: the bucket and key, the endpoint, the timeout, whether it was signed. */
export interface S3ErrorContext {
  bucket: string;
  key?: string;
  endpoint?: string;
  timeoutMs?: number;
  /** False for anonymous (unsigned) access; default true. */
  signed?: boolean;
}

/** Converts an error answer, an SDK error or a socket error into a typed neuroportal error (secrets redacted). */
export function toS3Error(error: unknown, where: S3ErrorContext): Error {
  if (error instanceof NeuroportalError) return error;
  const target = `s3://${where.bucket}/${where.key ?? ""}`;
  const context = { bucket: where.bucket, signed: where.signed ?? true };
  if (error instanceof S3ErrorAnswer) {
    const s3Code = error.s3Code ?? STATUS_MEANINGS[error.status]?.code ?? "UnknownError";
    const notS3 = error.received === "xml" ? "" : ` (the answer was ${describeKind(error.received)}, not an S3 error document)`;
    const region = error.region && (REGION_CODES.has(s3Code) || error.status === 301 || error.status === 307) ? `the bucket is in region ${error.region}` : undefined;
    const detail = [error.detail, region].filter(Boolean).join("; ");
    return new S3Error(s3Code, `${s3Code} (HTTP ${error.status}) for ${target}${notS3}${detail ? `: ${detail}` : ""}`, {
      status: error.status,
      bucket: where.bucket,
      key: where.key,
      hint: hintFor(s3Code, error.status, { ...context, region: error.region }),
      retryAfterMs: parseRetryAfter(error.retryAfter, error.date),
      region: error.region,
      received: error.received === "xml" ? undefined : error.received,
    });
  }
  const e = error as { name?: string; code?: string; message?: string; $metadata?: { httpStatusCode?: number }; Code?: string; retryAfter?: string | null; $response?: { headers?: Record<string, string> } };
  if ((e?.name === "TimeoutError" || e?.code === "ETIMEDOUT") && e?.$metadata?.httpStatusCode === undefined) {
    return new TimeoutError(target, where.timeoutMs ?? 0, "connect");
  }
  if (isDroppedConnection(error)) return droppedConnectionError(target, error);
  if (e?.code && NETWORK_CODES.has(e.code)) return new NetworkError(`connection to S3 failed (${e.code}) for ${target}`, where.endpoint ?? target, error);
  const status = e?.$metadata?.httpStatusCode;
  const named = e?.Code ?? e?.name ?? "UnknownError";
  const bodiless = named === "Unknown" || named === "UnknownError" || named === "Forbidden" || named === "403";
  const s3Code = bodiless && status === 403 ? "AccessDenied" : (bodiless || named === "404") && status === 404 ? "NotFound" : named;
  if (status === undefined && s3Code !== "CredentialsProviderError" && !(e?.name && ACCESS_CODES.has(e.name))) {
    if (e?.name === "AbortError") return error as Error;
    return new NetworkError(`request to S3 failed for ${target}: ${e?.message ?? String(error)}`, where.endpoint ?? target, error);
  }
  const named5xx = bodiless && status !== undefined && STATUS_MEANINGS[status] && s3Code === named ? STATUS_MEANINGS[status].code : s3Code;
  const statusText = status ? ` (HTTP ${status})` : "";
  const detail = e?.message && e.message !== s3Code && !/^(UnknownError|Unknown)$/.test(e.message) ? `: ${e.message}` : "";
  const region = e?.$response?.headers?.["x-amz-bucket-region"];
  const retryAfterMs = parseRetryAfter(e?.retryAfter ?? e?.$response?.headers?.["retry-after"], e?.$response?.headers?.date);
  return new S3Error(named5xx, `${named5xx}${statusText} for ${target}${detail}`, { status, bucket: where.bucket, key: where.key, hint: hintFor(named5xx, status, { ...context, region }), cause: error, retryAfterMs, region });
}

/** True for a connection reset or cut while a response was arriving (Node's `Error: aborted`). */
export function isDroppedConnection(error: unknown): boolean {
  if (error instanceof NeuroportalError) return false;
  const e = error as { code?: string; message?: string; name?: string };
  return e?.message === "aborted" || e?.code === "ECONNRESET" || e?.code === "ERR_STREAM_PREMATURE_CLOSE" || e?.code === "EPIPE" || e?.code === "ECONNABORTED";
}

/** A dropped or cut connection while reading `target`, as a {@link NetworkError} naming it. */
export function droppedConnectionError(target: string, cause?: unknown): NetworkError {
  return new NetworkError(`the connection dropped while reading ${target}`, target, cause, "the network or the server cut the transfer (it was retried); run the same call again — downloads resume where they stopped");
}

export const isS3Error = (e: unknown): e is S3Error => e instanceof S3Error;
/** Codes the AWS SDKs retry whatever the status: throttling, request timeouts and a skewed clock (the SDK corrects its offset from the answer). */
const TRANSIENT_CODES = new Set(["SlowDown", "RequestTimeout", "RequestTimeoutException", "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottled", "RequestThrottledException", "TooManyRequestsException", "RequestLimitExceeded", "BandwidthLimitExceeded", "PriorRequestNotComplete", "RequestTimeTooSkewed"]);

/** An S3 answer worth asking again after a pause: a server failure (5xx), throttling (429, `SlowDown`, ...) or a request timeout. */
export const isTransientS3Error = (e: unknown): e is S3Error => e instanceof S3Error && ((e.status !== undefined && (e.status >= 500 || e.status === 429)) || TRANSIENT_CODES.has(e.s3Code));
export const isS3AccessError = (e: unknown): e is S3Error => e instanceof S3Error && e.code === "E_S3_ACCESS";
export const isS3NotFoundError = (e: unknown): e is S3Error => e instanceof S3Error && e.code === "E_S3_NOT_FOUND";
