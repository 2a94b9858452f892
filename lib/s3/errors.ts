import { NeuroportalError, NetworkError } from "../http/errors.js";

/** S3 answered with an error (AccessDenied, NoSuchKey, NoSuchBucket, SignatureDoesNotMatch, ...). */
export class S3Error extends NeuroportalError {
  /** The S3 error code, e.g. `AccessDenied`. */
  readonly s3Code: string;
  readonly status?: number;
  readonly bucket: string;
  readonly key?: string;
  constructor(s3Code: string, message: string, options: { status?: number; bucket: string; key?: string; hint?: string; cause?: unknown }) {
    super(codeFor(s3Code), message, { hint: options.hint, cause: options.cause });
    this.s3Code = s3Code;
    this.status = options.status;
    this.bucket = options.bucket;
    this.key = options.key;
  }
}

/** Some files of a download failed; the summary says which and why. */
export class DownloadIncompleteError extends NeuroportalError {
  readonly failures: readonly { key: string; error: Error }[];
  constructor(failures: readonly { key: string; error: Error }[]) {
    const first = failures[0];
    super("E_DOWNLOAD_INCOMPLETE", `${failures.length} file(s) failed to download; first: ${first?.key}: ${first?.error.message}`, {
      hint: "run the same download again: verified files are skipped and partial files resume",
    });
    this.failures = failures;
  }
}

const ACCESS_CODES = new Set(["AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch", "AllAccessDisabled", "ExpiredToken", "InvalidToken", "CredentialsProviderError"]);
const NOT_FOUND_CODES = new Set(["NoSuchKey", "NoSuchBucket", "NotFound"]);

function codeFor(s3Code: string): string {
  if (ACCESS_CODES.has(s3Code)) return "E_S3_ACCESS";
  if (NOT_FOUND_CODES.has(s3Code)) return "E_S3_NOT_FOUND";
  return "E_S3";
}

function hintFor(s3Code: string): string | undefined {
  if (s3Code === "AccessDenied") return "the bucket needs signed requests: pass credentials (HCP issues AWS keys in ConnectomeDB), or check that your keys cover this release";
  if (s3Code === "InvalidAccessKeyId" || s3Code === "SignatureDoesNotMatch") return "check the access key id and secret key (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY or your profile)";
  if (s3Code === "CredentialsProviderError") return "no AWS credentials were found: set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, a profile, or use anonymous access for public buckets";
  if (s3Code === "NoSuchBucket") return "check the bucket name and the endpoint";
  if (s3Code === "NoSuchKey" || s3Code === "NotFound") return "list the prefix to see which keys exist";
  return undefined;
}

const NETWORK_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ECONNABORTED", "ERR_STREAM_PREMATURE_CLOSE"]);

/** Converts an SDK or socket error into a typed neuroportal error (secrets redacted). */
export function toS3Error(error: unknown, where: { bucket: string; key?: string; endpoint?: string }): Error {
  if (error instanceof NeuroportalError) return error;
  const e = error as { name?: string; code?: string; message?: string; $metadata?: { httpStatusCode?: number }; Code?: string };
  const target = `s3://${where.bucket}/${where.key ?? ""}`;
  if (e?.code && NETWORK_CODES.has(e.code)) return new NetworkError(`connection to S3 failed (${e.code}) for ${target}`, where.endpoint ?? target, error);
  const status = e?.$metadata?.httpStatusCode;
  const named = e?.Code ?? e?.name ?? "UnknownError";
  const bodiless = named === "Unknown" || named === "UnknownError" || named === "Forbidden" || named === "403";
  const s3Code = bodiless && status === 403 ? "AccessDenied" : (bodiless || named === "404") && status === 404 ? "NotFound" : named;
  if (status === undefined && s3Code !== "CredentialsProviderError" && !(e?.name && ACCESS_CODES.has(e.name))) {
    if (e?.name === "AbortError") return error as Error;
    return new NetworkError(`request to S3 failed for ${target}: ${e?.message ?? String(error)}`, where.endpoint ?? target, error);
  }
  const statusText = status ? ` (HTTP ${status})` : "";
  const detail = e?.message && e.message !== s3Code && !/^UnknownError$/.test(e.message) ? `: ${e.message}` : "";
  return new S3Error(s3Code, `${s3Code}${statusText} for ${target}${detail}`, { status, bucket: where.bucket, key: where.key, hint: hintFor(s3Code), cause: error });
}

export const isS3Error = (e: unknown): e is S3Error => e instanceof S3Error;
export const isS3AccessError = (e: unknown): e is S3Error => e instanceof S3Error && e.code === "E_S3_ACCESS";
export const isS3NotFoundError = (e: unknown): e is S3Error => e instanceof S3Error && e.code === "E_S3_NOT_FOUND";
export const isDownloadIncompleteError = (e: unknown): e is DownloadIncompleteError => e instanceof DownloadIncompleteError;
