import type { S3Client } from "@aws-sdk/client-s3";
import type { DataFrame } from "danfojs-node";
import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import { inspect } from "node:util";
import { IntegrityError, InvalidArgumentError, isIntegrityError } from "../errors.js";
import { isNetworkError, isTimeoutError, isUnexpectedContentError } from "../http/errors.js";
import { withRetry, type RetryEvent, type RetryPolicy } from "../core/retry.js";
import { compareKeys, toListingFrame, etagIsMd5, S3Entry, unquote } from "./entries.js";
import { isS3Error, isTransientS3Error, S3Error, toS3Error } from "./errors.js";
import { DownloadOptions, DownloadSummary, downloadKnownObjects, downloadObjects, KnownObject, ObjectGetter, RemoteObject } from "./download.js";
import { responseCheck } from "./response-check.js";
import { fromUrlEncoded } from "./url-encoding.js";
import { assertWritableFolder } from "../files/local-write.js";
import { ManifestEntry, toManifestFrame, fromManifestJson } from "./manifest.js";
import { BucketOptions, toClientConfig, toBucketOptions, toBucketRetryPolicy, S3ServiceInfo } from "./options.js";
import { DEFAULT_TIMEOUT_MS } from "../http/send.js";
import { DEFAULT_IDLE_TIMEOUT_MS, readBody } from "../http/body.js";
import { NodeTransport, transportFor, type ResponseBody } from "../http/transport.js";
import { ObjectReader } from "./object-reader.js";
import { localPathFor } from "./paths.js";
import { mapLimit, Slots } from "../core/pool.js";
import { checkArgument, checkOptions, either, recordList, text, textList } from "../core/validate.js";
import { DOWNLOAD_OPTION_RULES, LIST_OPTION_RULES, WALK_OPTION_RULES } from "./option-rules.js";

/** Options of listings. */
export interface ListOptions {
  /** Roll keys up to common prefixes at this delimiter (e.g. `/`); absent: every key under the prefix. */
  delimiter?: string;
  /** Keys per request (at most 1000, the S3 maximum). */
  pageSize?: number;
  signal?: AbortSignal;
}

/** Options of {@link Bucket.walk}. */
export interface WalkOptions {
  /** Listings in flight at once (default 8). */
  concurrency?: number;
  signal?: AbortSignal;
}

const MANIFEST_KEY = /(^|\/)\.xdlm\/[^/]+\.json$/;

/**
 * A handle on one S3 bucket: listings as DataFrames or async iterators, `.xdlm` manifests, and
 * verified, resumable, parallel downloads. Create it with {@link bucket} or {@link fromServices}.
 */
export class Bucket {
  readonly name: string;
  private readonly client: S3Client;
  private readonly endpoint?: string;
  private readonly timeoutMs: number;
  /** False for anonymous access (unsigned requests). */
  private readonly signed: boolean;
  private readonly idleTimeoutMs: number;
  private readonly totalTimeoutMs?: number;
  private readonly policy: RetryPolicy;
  private readonly onRetry?: (event: RetryEvent) => void;
  private readonly reader: ObjectReader;
  /** The bucket's own keep-alive connections, closed by {@link close}; absent when the user gave a `fetch`. */
  private readonly connections?: NodeTransport;

  constructor(name: string, options: BucketOptions = {}) {
    checkArgument(name, text(true), "bucket name", "s3.bucket()");
    if (!name || name.includes("/")) throw new InvalidArgumentError(`${JSON.stringify(name)} is not a bucket name`, "pass the bucket name alone, e.g. hcp-openaccess");
    quietNodeVersionWarning();
    this.name = name;
    this.endpoint = options.endpoint;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.signed = !options.anonymous;
    this.idleTimeoutMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
    this.totalTimeoutMs = options.totalTimeoutMs;
    this.policy = toBucketRetryPolicy(options);
    this.onRetry = options.onRetry;
    this.connections = options.fetch ? undefined : new NodeTransport();
    const transport = transportFor(options.fetch, this.connections?.send);
    const config = toClientConfig(options, transport);
    this.client = new (sdk().S3Client)(config);
    this.reader = new ObjectReader(this.client, {
      bucket: name,
      region: config.region as string,
      endpoint: config.endpoint as string | undefined,
      forcePathStyle: config.forcePathStyle ?? false,
      timeoutMs: this.timeoutMs,
      idleTimeoutMs: this.idleTimeoutMs,
      totalTimeoutMs: this.totalTimeoutMs,
      transport,
      signed: this.signed,
    });
    this.client.middlewareStack.add(responseCheck(name, this.idleTimeoutMs), { step: "deserialize", priority: "low", name: "neuroportalResponseCheck" });
  }

  /**
   * Streams entries under `prefix` page by page (continuation tokens followed to the end). Keys
   * are asked for url-encoded (`EncodingType=url`, as boto3 does: XML 1.0 cannot carry every
   * character a key may hold) and decoded when the answer says it is encoded, then sorted by
   * the real key, so keys with spaces, `+`, `%`, control characters or non-ASCII come back as stored.
   */
  async *iterate(prefix = "", options: ListOptions = {}): AsyncGenerator<S3Entry> {
    checkArgument(prefix, text(), "prefix", "s3 listing");
    checkOptions(options, "s3 listing", LIST_OPTION_RULES);
    const seen = new Set<string>();
    let token: string | undefined;
    do {
      const request = { Bucket: this.name, Prefix: prefix || undefined, Delimiter: options.delimiter || undefined, ContinuationToken: token, MaxKeys: options.pageSize, EncodingType: "url" as const };
      const page = await this.retrying(() => this.call(() => this.client.send(new (sdk().ListObjectsV2Command)(request), { abortSignal: options.signal }), prefix), isWorthAskingAgain, options.signal);
      const decode = page.EncodingType === "url" ? fromUrlEncoded : (text: string) => text;
      const entries: S3Entry[] = [
        ...(page.Contents ?? []).map((object) => ({ key: decode(object.Key ?? ""), size: Number(object.Size ?? 0), lastModified: object.LastModified, etag: unquote(object.ETag), isPrefix: false })),
        ...(page.CommonPrefixes ?? []).map((common) => ({ key: decode(common.Prefix ?? ""), size: NaN, isPrefix: true })),
      ].sort((a, b) => compareKeys(a.key, b.key));
      for (const entry of entries) yield entry;
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
      if (token !== undefined && seen.has(token)) {
        throw new S3Error("RepeatedContinuationToken", `the listing of s3://${this.name}/${prefix} handed back a continuation token it had already given; paging stopped instead of looping`, {
          bucket: this.name,
          key: prefix,
          hint: "the endpoint does not page listings correctly; report it, or list smaller prefixes",
        });
      }
      if (token !== undefined) seen.add(token);
    } while (token);
  }

  /** All entries under `prefix` as an array. */
  async entries(prefix = "", options: ListOptions = {}): Promise<S3Entry[]> {
    const out: S3Entry[] = [];
    for await (const entry of this.iterate(prefix, options)) out.push(entry);
    return out;
  }

  /**
   * Lists `prefix` as a DataFrame (key, size, lastModified, etag, isPrefix). With
   * `{ delimiter: "/" }` it behaves like boto's `bucket.list(prefix, "/")`: keys directly under
   * the prefix plus one row per "folder".
   */
  async ls(prefix = "", options: ListOptions = {}): Promise<DataFrame> {
    return toListingFrame(await this.entries(prefix, options));
  }

  /**
   * Every object under `prefix`, found by listing each "folder" with a `/` delimiter and
   * fanning out over the common prefixes, at most `concurrency` listings at once. Sorted by key.
   */
  async walkEntries(prefix = "", options: WalkOptions = {}): Promise<S3Entry[]> {
    checkArgument(prefix, text(), "prefix", "walk()");
    checkOptions(options, "walk()", WALK_OPTION_RULES);
    const slots = new Slots(options.concurrency ?? 8);
    const objects: S3Entry[] = [];
    let failed = false;
    const visit = async (folder: string): Promise<void> => {
      const entries = await slots.run(async () => (failed ? [] : this.entries(folder, { delimiter: "/", signal: options.signal })));
      const folders: Promise<void>[] = [];
      for (const entry of entries) {
        if (entry.isPrefix) folders.push(visit(entry.key));
        else objects.push(entry);
      }
      await Promise.all(folders);
    };
    await visit(prefix).catch((error: unknown) => {
      failed = true;
      throw error;
    });
    return objects.sort((a, b) => compareKeys(a.key, b.key));
  }

  /** {@link walkEntries} as a DataFrame. */
  async walk(prefix = "", options: WalkOptions = {}): Promise<DataFrame> {
    return toListingFrame(await this.walkEntries(prefix, options));
  }

  /** Size, ETag and date of one key. */
  async head(key: string, signal?: AbortSignal): Promise<S3Entry> {
    checkArgument(key, text(true), "key", "head()");
    this.assertAddressable(key);
    const head = await this.retrying(() => this.call(() => this.client.send(new (sdk().HeadObjectCommand)({ Bucket: this.name, Key: key }), { abortSignal: signal }), key), isWorthAskingAgain, signal);
    return { key, size: Number(head.ContentLength ?? 0), lastModified: head.LastModified, etag: unquote(head.ETag), isPrefix: false };
  }

  /**
   * A small object's content as text (for manifests, EV files, release notes). The body is
   * checked against Content-Length and, for single-part objects, against the ETag's MD5; a
   * dropped, stalled, cut or damaged read is fetched again (bounded, with backoff), then raised
   * as `NetworkError`, `TimeoutError` or `IntegrityError` naming the key.
   */
  async getText(key: string, signal?: AbortSignal): Promise<string> {
    checkArgument(key, text(true), "key", "getText()");
    return this.readSmall(key, (text) => text, signal);
  }

  /** The files listed in the `.xdlm/*.json` manifests of a subject folder (e.g. `q1/100307/`). */
  async manifestEntries(subjectPrefix: string, signal?: AbortSignal): Promise<ManifestEntry[]> {
    checkArgument(subjectPrefix, text(true), "subject prefix", "manifest()");
    const folder = `${subjectPrefix.replace(/\/?$/, "/")}.xdlm/`;
    const keys = (await this.entries(folder, { signal })).map((entry) => entry.key).filter((key) => MANIFEST_KEY.test(key));
    return this.readManifests(keys, signal);
  }

  /** The subject's manifests as a DataFrame: name, uri, size, checksum, key, package. */
  async manifest(subjectPrefix: string, signal?: AbortSignal): Promise<DataFrame> {
    return toManifestFrame(await this.manifestEntries(subjectPrefix, signal));
  }

  /**
   * Downloads every object under a prefix (or the given keys) to `<dir>/<key>`. See
   * {@link downloadObjects} for the guarantees. MD5s come from the `.xdlm` manifests of the
   * subject folders involved when there are any; otherwise from single-part ETags, else sizes.
   * Keys that would land outside `dir` are refused (UnsafePathError) and reported as failed.
   */
  async download(what: string | readonly string[], dir: string, options: DownloadOptions = {}): Promise<DownloadSummary> {
    checkArgument(what, either(text(), textList), "prefix or list of keys", "download()");
    checkArgument(dir, text(true), "target folder", "download()");
    checkOptions(options, "download()", DOWNLOAD_OPTION_RULES);
    if (typeof what !== "string") for (const key of what) localPathFor(dir, key);
    assertWritableFolder(dir);
    const objects = typeof what === "string" ? await this.objectsUnder(what, options.signal) : await this.objectsFor(what, options.signal);
    if (typeof what === "string" && objects.length === 0 && !options.allowEmpty) {
      throw new S3Error("NoSuchPrefix", `no object under s3://${this.name}/${what}`, {
        bucket: this.name,
        key: what,
        hint: "check the prefix (list its parent with ls(parent, { delimiter: \"/\" })); pass allowEmpty: true to accept an empty folder",
      });
    }
    const checksums = options.verify === false ? new Map<string, string>() : await this.checksumsFor(typeof what === "string" ? [what] : what, objects, options.signal);
    return downloadObjects(objects, dir, this.getter(), checksums, { idleTimeoutMs: this.idleTimeoutMs, totalTimeoutMs: this.totalTimeoutMs, onRetry: this.onRetry, ...options, retryPolicy: this.policy, bucket: this.name });
  }

  /**
   * Downloads files whose sizes and MD5s are already known (a download plan's) to `<dir>/<key>`
   * through the download engine, with no listing, HEAD or manifest read: each file is verified
   * against the MD5 given, and a part file is resumed only for the same MD5.
   */
  async downloadKnown(files: readonly KnownObject[], dir: string, options: DownloadOptions = {}): Promise<DownloadSummary> {
    checkArgument(files, recordList, "list of files", "downloadKnown()");
    checkArgument(dir, text(true), "target folder", "downloadKnown()");
    checkOptions(options, "downloadKnown()", DOWNLOAD_OPTION_RULES);
    for (const file of files) localPathFor(dir, file.key);
    assertWritableFolder(dir);
    return downloadKnownObjects(files, dir, this.getter(), { idleTimeoutMs: this.idleTimeoutMs, totalTimeoutMs: this.totalTimeoutMs, onRetry: this.onRetry, ...options, retryPolicy: this.policy, bucket: this.name });
  }

  /** Stops the underlying HTTP connections. */
  close(): void {
    this.connections?.close();
    this.client.destroy();
  }

  /** Bucket and endpoint only: the SDK client and its credentials stay out of every representation. */
  toJSON(): object {
    return { bucket: this.name, endpoint: this.endpoint ?? "" };
  }

  [inspect.custom](): string {
    return `<Bucket s3://${this.name}/${this.endpoint ? ` at ${this.endpoint}` : ""}>`;
  }

  private async objectsUnder(prefix: string, signal?: AbortSignal): Promise<RemoteObject[]> {
    const objects: RemoteObject[] = [];
    for await (const entry of this.iterate(prefix, { signal })) objects.push({ key: entry.key, size: entry.size, etag: entry.etag });
    return objects;
  }

  private async objectsFor(keys: readonly string[], signal?: AbortSignal): Promise<RemoteObject[]> {
    for (const key of keys) localPathFor(".", key);
    return mapLimit(keys, 8, async (key) => {
      const head = await this.head(key, signal);
      return { key, size: head.size, etag: head.etag };
    });
  }

  private async checksumsFor(starts: readonly string[], objects: readonly RemoteObject[], signal?: AbortSignal): Promise<Map<string, string>> {
    const folders = new Set<string>();
    for (const start of starts) {
      const parts = start.split("/");
      for (let i = 1; i < parts.length; i++) folders.add(`${parts.slice(0, i).join("/")}/.xdlm/`);
    }
    const listed = objects.map((object) => object.key).filter((key) => MANIFEST_KEY.test(key));
    const found = await mapLimit([...folders], 8, async (folder) => (await this.entries(folder, { signal })).map((entry) => entry.key).filter((key) => MANIFEST_KEY.test(key)));
    const manifestKeys = [...new Set([...listed, ...found.flat()])];
    const entries = await this.readManifests(manifestKeys, signal);
    return new Map(entries.map((entry) => [entry.key, entry.checksum]));
  }

  private async readManifests(keys: readonly string[], signal?: AbortSignal): Promise<ManifestEntry[]> {
    const parsed = await mapLimit([...keys].sort(compareKeys), 8, (key) => this.readSmall(key, (text) => fromManifestJson(text, key), signal));
    return parsed.flat();
  }

  /** GETs a small object whole and parses it, fetching it again while the read or the content is damaged. */
  private async readSmall<T>(key: string, parse: (text: string) => T, signal?: AbortSignal): Promise<T> {
    return this.retrying(async () => {
      const object = await this.getObject(key, { signal });
      const location = object.location;
      const body = await readBody(object.body, { location, idleTimeoutMs: this.idleTimeoutMs, signal, maxBytes: object.contentLength, maxBytesName: "its Content-Length" });
      const declared = object.contentLength;
      if (declared !== undefined && body.length !== declared) throw new IntegrityError(`${location} arrived with ${body.length} of ${declared} bytes`, location);
      const etag = unquote(object.etag);
      if (etagIsMd5(etag) && !object.contentEncoding && !object.contentRange) {
        const md5 = createHash("md5").update(body).digest("hex");
        if (md5 !== etag.toLowerCase()) throw new IntegrityError(`${location} arrived damaged: MD5 ${md5}, its ETag says ${etag.toLowerCase()}`, location);
      }
      return parse(body.toString("utf8"));
    }, isWorthReadingAgain, signal);
  }

  /** Runs `attempt` again after failures `isRetryable` accepts, with the bucket's backoff and bound. */
  private retrying<T>(attempt: () => Promise<T>, isRetryable: (error: unknown) => boolean, signal?: AbortSignal): Promise<T> {
    return withRetry(attempt, { policy: this.policy, isRetryable, signal, onRetry: this.onRetry });
  }

  private getter(): ObjectGetter {
    return async (key, options) => {
      const { status, body, location } = await this.getObject(key, options);
      return { status, body, location };
    };
  }

  /**
   * GETs one object (from byte `start` on, only while its ETag is `ifMatch`) through the lean
   * {@link ObjectReader}; endpoints that need more than plain SigV4 go through the SDK.
   */
  private async getObject(key: string, { start, ifMatch, signal, totalTimeoutMs }: { start?: number; ifMatch?: string; signal?: AbortSignal; totalTimeoutMs?: number }): Promise<FetchedObject> {
    this.assertAddressable(key);
    const endpoint = await this.reader.resolve();
    if (endpoint) {
      const { status, headers, body, location } = await this.reader.get(endpoint, key, { start, ifMatch, signal, totalTimeoutMs });
      const header = (name: string) => headers.get(name) ?? undefined;
      const length = header("content-length");
      return { status, body, location, contentLength: length === undefined ? undefined : Number(length), etag: header("etag"), contentEncoding: header("content-encoding"), contentRange: header("content-range") };
    }
    const object = await this.call(
      () => this.client.send(new (sdk().GetObjectCommand)({ Bucket: this.name, Key: key, Range: start ? `bytes=${start}-` : undefined, IfMatch: ifMatch ? `"${ifMatch}"` : undefined }), { abortSignal: signal }),
      key,
    );
    return {
      status: object.$metadata.httpStatusCode ?? 200,
      body: object.Body as Readable,
      location: `s3://${this.name}/${key}`,
      contentLength: object.ContentLength,
      etag: object.ETag,
      contentEncoding: object.ContentEncoding,
      contentRange: object.ContentRange,
    };
  }

  /**
   * A `fetch` normalises URLs, so a key with a `.` or `..` segment would be asked for as another
   * key (`a/./b` as `a/b`); with the user's `fetch` such keys are refused instead. The default
   * transport sends them as written.
   */
  private assertAddressable(key: string): void {
    if (this.connections || !key.split("/").some((segment) => segment === "." || segment === "..")) return;
    throw new InvalidArgumentError(
      `cannot read ${JSON.stringify(key)} through a fetch: fetch rewrites its "." and ".." segments and would ask for another key`,
      "read it without the fetch option (the default transport keeps the key as written)",
    );
  }

  /** Runs one SDK call, its failure typed (the SDK does not retry; callers do). */
  private async call<T>(run: () => Promise<T>, key: string): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw toS3Error(error, { bucket: this.name, key, endpoint: this.endpoint, timeoutMs: this.timeoutMs, signed: this.signed });
    }
  }
}

/** One object GET whose headers have arrived. */
interface FetchedObject {
  status: number;
  body: ResponseBody;
  location: string;
  contentLength?: number;
  etag?: string;
  contentEncoding?: string;
  contentRange?: string;
}

/** A request worth repeating: dropped or stalled, answered by a maintenance page, or refused by an overloaded or failing server. */
function isWorthAskingAgain(error: unknown): boolean {
  if (isS3Error(error)) return isTransientS3Error(error);
  return isNetworkError(error) || isTimeoutError(error) || (isUnexpectedContentError(error) && error.transient);
}

/** A small read worth repeating: as {@link isWorthAskingAgain}, or cut or damaged in transit (size, MD5 or content). */
function isWorthReadingAgain(error: unknown): boolean {
  return isWorthAskingAgain(error) || isIntegrityError(error) || isUnexpectedContentError(error);
}

/** A handle on bucket `name`; see {@link BucketOptions} for endpoint, region and credentials. */
export function bucket(name: string, options: BucketOptions = {}): Bucket {
  return new Bucket(name, options);
}

/**
 * A handle on a bucket of the S3 service `services()` found (its first bucket unless named),
 * with its endpoint, region and keys; `options` adds or overrides settings (timeouts, retries, `fetch`).
 */
export function fromServices(services: { s3?: S3ServiceInfo }, name?: string, options: BucketOptions = {}): Bucket {
  const chosen = name ?? services.s3?.buckets?.[0];
  if (!chosen) throw new InvalidArgumentError("the S3 service lists no bucket", "pass the bucket name, e.g. fromServices(svc, \"hcp-openaccess\")");
  return new Bucket(chosen, { ...toBucketOptions(services.s3), ...options });
}

type Sdk = typeof import("@aws-sdk/client-s3");
let loadedSdk: Sdk | undefined;

/** The AWS SDK, loaded on first use (it costs ~200 ms, which notebooks without S3 need not pay). */
function sdk(): Sdk {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  loadedSdk ??= require("@aws-sdk/client-s3") as Sdk;
  return loadedSdk;
}

/**
 * The SDK warns on Node 20 that releases after January 2027 need Node 22; that notice would
 * show as a red stream in every notebook, so it is switched off unless the user set it.
 */
function quietNodeVersionWarning(): void {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
}
