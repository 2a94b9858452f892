import { NeuroportalError } from "../errors.js";
import { NetworkError, TimeoutError } from "../http/errors.js";
import { parseRetryAfter } from "../core/retry.js";

/** S3 answered with an error (AccessDenied, NoSuchKey, NoSuchBucket, SignatureDoesNotMatch, ...). */
export class S3Error extends NeuroportalError {
  /** The S3 error code, e.g. `AccessDenied`. */
  readonly s3Code: string;
  readonly status?: number;
  readonly bucket: string;
  readonly key?: string;
  /** The server's Retry-After, in milliseconds, when it sent one (503 SlowDown, 429). */
  readonly retryAfterMs?: number;
  constructor(s3Code: string, message: string, options: { status?: number; bucket: string; key?: string; hint?: string; cause?: unknown; retryAfterMs?: number }) {
    super(codeFor(s3Code), message, { hint: options.hint, cause: options.cause });
    this.s3Code = s3Code;
    this.status = options.status;
    this.bucket = options.bucket;
    this.key = options.key;
    this.retryAfterMs = options.retryAfterMs;
  }
}

const ACCESS_CODES = new Set(["AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch", "AllAccessDisabled", "ExpiredToken", "InvalidToken", "CredentialsProviderError"]);
const NOT_FOUND_CODES = new Set(["NoSuchKey", "NoSuchBucket", "NotFound", "NoSuchPrefix"]);

function codeFor(s3Code: string): string {
  if (ACCESS_CODES.has(s3Code)) return "E_S3_ACCESS";
  if (NOT_FOUND_CODES.has(s3Code)) return "E_S3_NOT_FOUND";
  return "E_S3";
}

/** What a status says when S3 (or a proxy before it) sent no S3 error document. */
const STATUS_MEANINGS: Readonly<Record<number, { code: string; hint: string }>> = {
  500: { code: "InternalError", hint: "the S3 service failed (the request was retried); try again later" },
  502: { code: "BadGateway", hint: "a gateway or proxy before S3 failed (the request was retried); try again later" },
  503: { code: "ServiceUnavailable", hint: "the S3 service is unavailable or overloaded (the request was retried); try again later, or lower the concurrency" },
  504: { code: "GatewayTimeout", hint: "a gateway before S3 timed out (the request was retried); try again later" },
  429: { code: "TooManyRequests", hint: "too many requests: lower the concurrency and try again later" },
  400: { code: "BadRequest", hint: "the server refused the request; check the endpoint, region and key" },
  405: { code: "MethodNotAllowed", hint: "the endpoint does not look like an S3 service; check the endpoint" },
};

function hintFor(s3Code: string, status?: number): string | undefined {
  if (s3Code === "SlowDown" || s3Code === "ServiceUnavailable") return STATUS_MEANINGS[503].hint;
  if (s3Code === "InternalError") return STATUS_MEANINGS[500].hint;
  if (s3Code === "RequestTimeout") return "the transfer was too slow for S3; try again, or lower the concurrency";
  if (status !== undefined && STATUS_MEANINGS[status] && !ACCESS_CODES.has(s3Code) && !NOT_FOUND_CODES.has(s3Code)) return STATUS_MEANINGS[status].hint;
  if (s3Code === "AccessDenied") return "the bucket needs signed requests: pass credentials (HCP issues AWS keys in ConnectomeDB), or check that your keys cover this release";
  if (s3Code === "InvalidAccessKeyId" || s3Code === "SignatureDoesNotMatch") return "check the access key id and secret key (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY or your profile)";
  if (s3Code === "CredentialsProviderError") return "no AWS credentials were found: set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, a profile, or use anonymous access for public buckets";
  if (s3Code === "PermanentRedirect" || s3Code === "AuthorizationHeaderMalformed" || s3Code === "IllegalLocationConstraintException") return "the bucket lives in another region: pass that region (named in the message when S3 says it), e.g. region: \"eu-west-1\"";
  if (s3Code === "NoSuchBucket") return "check the bucket name and the endpoint";
  if (s3Code === "NoSuchKey" || s3Code === "NotFound") return "list the prefix to see which keys exist";
  if (status !== undefined && status >= 500) return "the S3 service failed (the request was retried); try again later";
  return undefined;
}

const NETWORK_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ECONNABORTED", "ERR_STREAM_PREMATURE_CLOSE"]);

/** Converts an SDK or socket error into a typed neuroportal error (secrets redacted). */
export function toS3Error(error: unknown, where: { bucket: string; key?: string; endpoint?: string; timeoutMs?: number }): Error {
  if (error instanceof NeuroportalError) return error;
  const e = error as { name?: string; code?: string; message?: string; $metadata?: { httpStatusCode?: number }; Code?: string; retryAfter?: string | null; $response?: { headers?: Record<string, string> } };
  const target = `s3://${where.bucket}/${where.key ?? ""}`;
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
  const retryAfterMs = parseRetryAfter(e?.retryAfter ?? e?.$response?.headers?.["retry-after"]);
  return new S3Error(named5xx, `${named5xx}${statusText} for ${target}${detail}`, { status, bucket: where.bucket, key: where.key, hint: hintFor(named5xx, status), cause: error, retryAfterMs });
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
