import type { S3ClientConfig } from "@aws-sdk/client-s3";
import { InvalidArgumentError } from "../errors.js";
import { registerSecret } from "../core/redact.js";
import { DEFAULT_RETRY, type RetryEvent, type RetryPolicy } from "../core/retry.js";
import { isSafeTransport, toServiceBase } from "../http/url.js";
import { abortSignal, callback, checkOptions, flag, integer, milliseconds, record, text, type Rule } from "../core/validate.js";
import { checkRetrySettings } from "../core/retry.js";
import { transportFor, type FetchLike, type Transport } from "../http/transport.js";
import { seamRequestHandler } from "./request-handler.js";
import { DEFAULT_TIMEOUT_MS } from "../http/send.js";

/** Explicit AWS keys. */
export interface S3Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** How to reach a bucket; the demo and the real buckets differ only in these settings. */
export interface BucketOptions {
  /** A custom endpoint (e.g. the demo's `http://127.0.0.1:PORT/`); absent for AWS itself. */
  endpoint?: string;
  /** Default `us-east-1`, where the HCP buckets live. */
  region?: string;
  /** Explicit keys; absent: the standard AWS credential chain (env, profile, SSO, instance role). */
  credentials?: S3Credentials;
  /** Send unsigned requests (public buckets); never combined with `credentials`. */
  anonymous?: boolean;
  /** A named profile from ~/.aws (e.g. `hcp`), used through the standard chain. */
  profile?: string;
  /** Path-style addressing; default true with a custom endpoint (required for dotted names like `hcp.aws.amazon.com`). */
  forcePathStyle?: boolean;
  /** Attempts per listing, HEAD or small read (default 4), dropped, throttled, failed or damaged ones included. */
  maxAttempts?: number;
  /** Milliseconds to wait for a connection and for the response headers (default 30 s); then `TimeoutError`, retried. */
  timeoutMs?: number;
  /** Milliseconds without body data before a transfer is given up as stalled (default 60 s); then `TimeoutError`, resumed. */
  idleTimeoutMs?: number;
  /**
   * Milliseconds one request may take in all, headers and body; then `TimeoutError` (a file
   * resumes). Default 5 min, plus the file's size at 64 KiB/s for object downloads.
   */
  totalTimeoutMs?: number;
  /** Backoff between the retries of listings and small reads (default lib/http's policy, bounded by `maxAttempts`). */
  retry?: Partial<Pick<RetryPolicy, "baseDelayMs" | "maxDelayMs" | "random">>;
  /** Called before each retry of a listing, a small read or a downloaded file, for logging. */
  onRetry?: (event: RetryEvent) => void;
  /** Allow signed requests over plain http to a host other than this machine (default false: refused). */
  allowInsecure?: boolean;
  /**
   * The `fetch` to send every request of the bucket with (listings, HEAD, object GETs) instead
   * of the default keep-alive transport. It decodes compressed bodies by itself, so objects
   * stored with a Content-Encoding arrive decoded and fail their MD5 check.
   */
  fetch?: FetchLike;
}


const credentialsRule: Rule = {
  describe: "an object with string accessKeyId and secretAccessKey",
  test: (v) => record.test(v) && typeof (v as S3Credentials).accessKeyId === "string" && typeof (v as S3Credentials).secretAccessKey === "string",
};

/** The rules for {@link BucketOptions}. */
export const BUCKET_OPTION_RULES = {
  endpoint: text(true),
  region: text(true),
  credentials: credentialsRule,
  anonymous: flag,
  profile: text(true),
  forcePathStyle: flag,
  maxAttempts: integer(1, 100),
  timeoutMs: milliseconds(),
  idleTimeoutMs: milliseconds(),
  totalTimeoutMs: milliseconds(),
  onRetry: callback,
  allowInsecure: flag,
  fetch: callback,
  signal: abortSignal,
} as const;

/** Checks bucket options at the entry (`bucket()`, `fromServices()`): each set option within its range. */
export function checkBucketOptions(options: BucketOptions | undefined, where = "s3.bucket()"): BucketOptions {
  const checked = checkOptions(options, where, BUCKET_OPTION_RULES);
  checkRetrySettings(checked.retry, where);
  return checked;
}

/** The retry policy for listings and small reads under `options`. */
export function toBucketRetryPolicy(options: BucketOptions): RetryPolicy {
  return { ...DEFAULT_RETRY, ...options.retry, retries: Math.max(0, (options.maxAttempts ?? 4) - 1) };
}

/** What `services().s3` holds. */
export interface S3ServiceInfo {
  endpoint?: string;
  region?: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  buckets?: string[];
}

/** Bucket options for the S3 service that `services()` resolved (demo keys, or the standard chain when none). */
export function toBucketOptions(service: S3ServiceInfo | undefined): BucketOptions {
  if (!service) throw new InvalidArgumentError("no S3 service configured", "call services() first, or pass endpoint and credentials explicitly");
  const options: BucketOptions = { region: service.region || "us-east-1" };
  if (service.endpoint) options.endpoint = service.endpoint;
  if (service.accessKeyId && service.secretAccessKey) options.credentials = { accessKeyId: service.accessKeyId, secretAccessKey: service.secretAccessKey };
  return options;
}

/**
 * The SDK configuration for `options`: checksums only when required (third-party servers such
 * as s3rver store aws-chunked framing otherwise), path style for custom endpoints, a no-op
 * signer for anonymous access, and requests sent through the library's seam over `transport`
 * (default: `options.fetch`, else the shared keep-alive one) without the SDK's own retries.
 */
export function toClientConfig(options: BucketOptions, transport: Transport = transportFor(options.fetch)): S3ClientConfig {
  checkBucketOptions(options);
  if (options.anonymous && options.credentials) throw new InvalidArgumentError("anonymous access and explicit credentials exclude each other", "pass one of them");
  registerSecret(options.credentials?.secretAccessKey);
  registerSecret(options.credentials?.sessionToken);
  const endpoint = options.endpoint ? validEndpoint(options.endpoint) : undefined;
  if (endpoint && !options.anonymous && !options.allowInsecure && !isSafeTransport(new URL(endpoint))) {
    throw new InvalidArgumentError(
      `refusing to send signed S3 requests over plain http to ${new URL(endpoint).host}: the key id and replayable signed requests would travel unencrypted`,
      "use an https endpoint, or pass allowInsecure: true if this network is trusted (anonymous access sends no keys)",
    );
  }
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const config: S3ClientConfig = {
    region: options.region || "us-east-1",
    forcePathStyle: options.forcePathStyle ?? Boolean(endpoint),
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
    maxAttempts: 1,
    requestHandler: seamRequestHandler(transport, timeoutMs, options.totalTimeoutMs),
  };
  if (endpoint) config.endpoint = endpoint;
  if (options.anonymous) {
    config.credentials = { accessKeyId: "", secretAccessKey: "" };
    config.signer = { sign: async (request) => request };
  } else if (options.credentials) {
    config.credentials = { ...options.credentials };
  } else if (options.profile) {
    config.profile = options.profile;
  }
  return config;
}

/** The endpoint as the SDK takes it: checked as every service address (no user info, query or fragment), without a trailing slash. */
function validEndpoint(endpoint: string): string {
  return toServiceBase(endpoint, "the S3 endpoint", "https://s3.amazonaws.com or http://127.0.0.1:4568/").href.replace(/\/+$/, "");
}

/** A bucket and key prefix, from `s3://bucket/prefix` or a bare prefix plus a default bucket. */
export function parseS3Location(location: string, defaultBucket?: string): { bucket: string; prefix: string } {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(location);
  if (match) return { bucket: match[1], prefix: match[2] };
  if (location.includes("://")) throw new InvalidArgumentError(`${JSON.stringify(location)} is not an s3:// location`, "write s3://bucket/prefix or a bare prefix with --bucket");
  if (!defaultBucket) throw new InvalidArgumentError(`no bucket given for prefix ${JSON.stringify(location)}`, "write s3://bucket/prefix or pass --bucket");
  return { bucket: defaultBucket, prefix: location };
}
