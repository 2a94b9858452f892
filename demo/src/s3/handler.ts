import { createHash } from "node:crypto";
import * as http from "node:http";
import { authorize, DemoKeys } from "./auth.js";
import type { DemoObject } from "./layout.js";
import { compareKeys, errorXml, listPage, listParamsFrom, listResultXml, ListedObject, parseListResult } from "./listing.js";

/** Where the front handler forwards to, and what it enforces. */
export interface S3FrontOptions {
  upstreamPort: number;
  keys: DemoKeys;
  /** When true (the default), unsigned requests get 403 AccessDenied, like `hcp-openaccess`. */
  requireCredentials: boolean;
  /** Objects the front serves itself, per bucket: keys s3rver's file store cannot hold (`a//b`, `.` and `..` segments). Read-only. */
  memory?: ReadonlyMap<string, readonly DemoObject[]>;
}

const LIST_SUBRESOURCES = ["acl", "cors", "location", "logging", "policy", "tagging", "uploads", "versioning", "versions", "website", "lifecycle", "notification", "delete"];

/** One request, split as S3 reads it: the bucket, the key exactly as written (empty segments and `.`/`..` kept), the query. */
interface Target {
  bucket: string;
  key: string;
  query: URLSearchParams;
}

/**
 * The demo bucket's single request handler, in front of s3rver. It checks signatures (the real
 * bucket's access rule); answers every bucket listing itself from the full key list, as AWS
 * does (s3rver omits prefixes of folders that hold only folders, writes `'` as `&#x27;`, ignores
 * `EncodingType=url` and writes control characters into XML); honours `If-Match` (412
 * PreconditionFailed, which s3rver lacks); serves the keys s3rver cannot store from memory; and
 * forwards everything else unchanged.
 */
export function createS3FrontHandler(options: S3FrontOptions): http.RequestListener {
  const memory = new MemoryObjects(options.memory);
  const keyLists = new KeyListCache(options.upstreamPort, memory);
  return (req, res) => {
    const decision = authorize({ method: req.method ?? "GET", url: req.url ?? "/", headers: req.headers }, options.keys, !options.requireCredentials);
    if (!decision.ok) {
      req.resume();
      sendXml(res, decision.status, errorXml(decision.code, decision.message, pathOf(req)));
      return;
    }
    const target = targetOf(req);
    const method = req.method ?? "GET";
    const fail = (error: Error) => {
      if (!res.headersSent) sendXml(res, 500, errorXml("InternalError", error.message, pathOf(req)));
      else res.destroy(error);
    };
    if (target && target.key === "" && method === "GET" && !LIST_SUBRESOURCES.some((name) => target.query.has(name))) {
      req.resume();
      answerListing(keyLists, target, res).catch(fail);
      return;
    }
    const held = target && memory.get(target.bucket, target.key);
    if (held && target) {
      req.resume();
      if (method === "GET" || method === "HEAD") serveObject(held, req, res, target);
      else sendXml(res, 405, errorXml("MethodNotAllowed", "The demo serves this key read-only.", pathOf(req), { Method: method, ResourceType: "OBJECT" }));
      return;
    }
    if (target && (method === "GET" || method === "HEAD") && req.headers["if-match"] !== undefined) {
      checkIfMatch(options.upstreamPort, req)
        .then((failed) => {
          if (!failed) return forward(options.upstreamPort, req, res);
          req.resume();
          sendXml(res, 412, preconditionFailed(pathOf(req)), method === "HEAD");
        })
        .catch(fail);
      return;
    }
    if (method !== "GET" && method !== "HEAD" && target) {
      keyLists.invalidate(target.bucket);
      res.on("finish", () => keyLists.invalidate(target.bucket));
    }
    forward(options.upstreamPort, req, res);
  };
}

/** The objects served from memory, by bucket and key, with their ETags. */
class MemoryObjects {
  private readonly byBucket = new Map<string, Map<string, DemoObject & { etag: string }>>();
  constructor(objects: ReadonlyMap<string, readonly DemoObject[]> | undefined) {
    for (const [bucket, list] of objects ?? []) {
      this.byBucket.set(bucket, new Map(list.map((object) => [object.key, { ...object, etag: `"${createHash("md5").update(object.body).digest("hex")}"` }])));
    }
  }
  get(bucket: string, key: string) {
    return this.byBucket.get(bucket)?.get(key);
  }
  listed(bucket: string): ListedObject[] {
    return [...(this.byBucket.get(bucket)?.values() ?? [])].map((object) => ({ key: object.key, size: object.body.length, etag: object.etag, lastModified: object.lastModified.toISOString() }));
  }
}

/**
 * Each bucket's full key list (s3rver's plus the memory objects, in S3's byte order), read once
 * from s3rver and kept until a write request for the bucket passes through (every write does:
 * s3rver's own port is private to the demo).
 */
class KeyListCache {
  private readonly lists = new Map<string, Promise<{ objects: ListedObject[] } | { status: number; error: string }>>();
  constructor(
    private readonly upstreamPort: number,
    private readonly memory: MemoryObjects,
  ) {}
  get(bucket: string) {
    let list = this.lists.get(bucket);
    if (!list) {
      list = listAll(this.upstreamPort, bucket).then((result) => ("error" in result ? result : { objects: [...result.objects, ...this.memory.listed(bucket)].sort((a, b) => compareKeys(a.key, b.key)) }));
      this.lists.set(bucket, list);
      list.then((result) => "error" in result && this.lists.delete(bucket), () => this.lists.delete(bucket));
    }
    return list;
  }
  invalidate(bucket: string) {
    this.lists.delete(bucket);
  }
}

/** The bucket and key of a path-style request, read from the raw path (no URL normalisation: `a//b` and `a/./b` are keys of their own). */
function targetOf(req: http.IncomingMessage): Target | undefined {
  const raw = req.url ?? "/";
  const at = raw.indexOf("?");
  const pathPart = at < 0 ? raw : raw.slice(0, at);
  const match = /^\/([^/]+)(?:\/(.*))?$/.exec(pathPart);
  if (!match) return undefined;
  try {
    return { bucket: decodeURIComponent(match[1]), key: (match[2] ?? "").split("/").map(decodeURIComponent).join("/"), query: new URLSearchParams(at < 0 ? "" : raw.slice(at + 1)) };
  } catch {
    return undefined;
  }
}

async function answerListing(keyLists: KeyListCache, target: Target, res: http.ServerResponse): Promise<void> {
  const params = listParamsFrom(target.query);
  const listed = await keyLists.get(target.bucket);
  if ("error" in listed) {
    res.writeHead(listed.status, { "content-type": "application/xml" });
    res.end(listed.error);
    return;
  }
  sendXml(res, 200, listResultXml(target.bucket, params, listPage(listed.objects, params)));
}

/** Every object of the bucket, read from s3rver with plain (non-delimiter) v1 pages. */
async function listAll(upstreamPort: number, bucket: string): Promise<{ objects: ListedObject[] } | { status: number; error: string }> {
  const objects: ListedObject[] = [];
  let marker = "";
  for (;;) {
    const path = `/${encodeURIComponent(bucket)}?max-keys=1000${marker ? `&marker=${encodeURIComponent(marker)}` : ""}`;
    const { status, body } = await upstream(upstreamPort, "GET", path);
    if (status !== 200) return { status, error: body };
    const page = parseListResult(body);
    objects.push(...page.objects);
    if (!page.truncated || page.objects.length === 0) return { objects };
    marker = page.objects[page.objects.length - 1].key;
  }
}

function upstream(port: number, method: string, path: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request({ host: "127.0.0.1", port, path, method }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 500, headers: response.headers, body: Buffer.concat(chunks).toString("utf8") }));
      response.on("error", reject);
    });
    request.on("error", reject);
    request.end();
  });
}

/** True when the request's `If-Match` names none of the object's current ETag (`*` matches any existing object). */
async function checkIfMatch(port: number, req: http.IncomingMessage): Promise<boolean> {
  const head = await upstream(port, "HEAD", withoutCredentials(req).path);
  if (head.status !== 200) return false;
  return !etagMatches(String(req.headers["if-match"]), String(head.headers.etag ?? ""));
}

function etagMatches(condition: string, etag: string): boolean {
  const bare = (text: string) => text.trim().replace(/^W\//, "").replace(/^"|"$/g, "");
  return condition.split(",").some((item) => item.trim() === "*" || bare(item) === bare(etag));
}

function preconditionFailed(resource: string): string {
  return errorXml("PreconditionFailed", "At least one of the pre-conditions you specified did not hold", resource, { Condition: "If-Match" });
}

/** A memory object answered as S3 answers a GET or HEAD: If-Match, a `bytes=a-b` / `bytes=a-` range, ETag and Last-Modified. */
function serveObject(object: DemoObject & { etag: string }, req: http.IncomingMessage, res: http.ServerResponse, target: Target): void {
  const head = req.method === "HEAD";
  const condition = req.headers["if-match"];
  if (condition !== undefined && !etagMatches(String(condition), object.etag)) return sendXml(res, 412, preconditionFailed(pathOf(req)), head);
  const size = object.body.length;
  const headers: http.OutgoingHttpHeaders = { etag: object.etag, "last-modified": object.lastModified.toUTCString(), "content-type": "text/plain", "accept-ranges": "bytes", "x-amz-request-id": "neuroportal-demo" };
  const range = /^bytes=(\d+)-(\d*)$/.exec(String(req.headers.range ?? ""));
  if (range) {
    const start = Number(range[1]);
    const end = Math.min(range[2] ? Number(range[2]) : size - 1, size - 1);
    if (start >= size) return sendXml(res, 416, errorXml("InvalidRange", "The requested range is not satisfiable", target.key, { RangeRequested: String(req.headers.range), ActualObjectSize: String(size) }), head);
    const part = object.body.subarray(start, end + 1);
    res.writeHead(206, { ...headers, "content-length": part.length, "content-range": `bytes ${start}-${end}/${size}` });
    res.end(head ? undefined : part);
    return;
  }
  res.writeHead(200, { ...headers, "content-length": size });
  res.end(head ? undefined : object.body);
}

const AUTH_QUERY = new Set(["signature", "awsaccesskeyid", "expires", "x-amz-algorithm", "x-amz-credential", "x-amz-date", "x-amz-expires", "x-amz-signedheaders", "x-amz-signature", "x-amz-security-token"]);

/**
 * The request as s3rver should see it: the gate has already checked the signature, and
 * s3rver's own V2 check disagrees with real S3 on bucket-level paths (`/bucket/`), so the
 * credentials are removed before forwarding.
 */
function withoutCredentials(req: http.IncomingMessage): { path: string; headers: http.OutgoingHttpHeaders } {
  const headers: http.OutgoingHttpHeaders = { ...req.headers };
  delete headers.authorization;
  const [pathPart, query] = (req.url ?? "/").split("?", 2);
  if (query === undefined) return { path: pathPart, headers };
  const kept = query.split("&").filter((pair) => pair && !AUTH_QUERY.has(pair.split("=")[0].toLowerCase()));
  return { path: kept.length ? `${pathPart}?${kept.join("&")}` : pathPart, headers };
}

function forward(port: number, req: http.IncomingMessage, res: http.ServerResponse): void {
  const { path, headers } = withoutCredentials(req);
  delete headers["if-match"];
  const upstreamRequest = http.request({ host: "127.0.0.1", port, method: req.method, path, headers }, (response) => {
    res.writeHead(response.statusCode ?? 502, response.headers);
    response.pipe(res);
    response.on("error", (error) => res.destroy(error));
  });
  upstreamRequest.on("error", (error) => {
    if (!res.headersSent) sendXml(res, 502, errorXml("InternalError", `s3rver did not answer: ${error.message}`, pathOf(req)));
    else res.destroy(error);
  });
  res.on("close", () => {
    if (!res.writableFinished) upstreamRequest.destroy();
  });
  req.pipe(upstreamRequest);
}

function sendXml(res: http.ServerResponse, status: number, xml: string, headOnly = false): void {
  const body = Buffer.from(xml, "utf8");
  res.writeHead(status, { "content-type": "application/xml", "content-length": body.length, "x-amz-request-id": "neuroportal-demo" });
  res.end(headOnly ? undefined : body);
}

const pathOf = (req: http.IncomingMessage) => (req.url ?? "/").split("?")[0];
