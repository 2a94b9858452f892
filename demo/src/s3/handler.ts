import * as http from "node:http";
import { authorize, DemoKeys } from "./auth.js";
import { errorXml, listPage, listParamsFrom, listResultXml, ListedObject, parseListResult } from "./listing.js";

/** Where the front handler forwards to, and what it enforces. */
export interface S3FrontOptions {
  upstreamPort: number;
  keys: DemoKeys;
  /** When true (the default), unsigned requests get 403 AccessDenied, like `hcp-openaccess`. */
  requireCredentials: boolean;
}

const LIST_SUBRESOURCES = ["acl", "cors", "location", "logging", "policy", "tagging", "uploads", "versioning", "versions", "website", "lifecycle", "notification", "delete"];

/**
 * The demo bucket's single request handler, in front of s3rver: checks signatures (the real
 * bucket's access rule), answers delimiter listings from the full key list (s3rver omits
 * prefixes of folders that hold only folders), and forwards everything else unchanged.
 */
export function createS3FrontHandler(options: S3FrontOptions): http.RequestListener {
  const keyLists = new KeyListCache(options.upstreamPort);
  return (req, res) => {
    const decision = authorize({ method: req.method ?? "GET", url: req.url ?? "/", headers: req.headers }, options.keys, !options.requireCredentials);
    if (!decision.ok) {
      req.resume();
      sendXml(res, decision.status, errorXml(decision.code, decision.message, pathOf(req)));
      return;
    }
    const listing = delimiterListing(req);
    if (listing) {
      req.resume();
      answerListing(keyLists, listing.bucket, listing.query, res).catch((error: Error) => {
        if (!res.headersSent) sendXml(res, 500, errorXml("InternalError", error.message, pathOf(req)));
        else res.destroy(error);
      });
      return;
    }
    if (req.method !== "GET" && req.method !== "HEAD") {
      const bucket = bucketOf(req);
      keyLists.invalidate(bucket);
      res.on("finish", () => keyLists.invalidate(bucket));
    }
    forward(options.upstreamPort, req, res);
  };
}

/**
 * Each bucket's full key list, read once from s3rver and kept until a write request for the
 * bucket passes through (every write does: s3rver's own port is private to the demo).
 */
class KeyListCache {
  private readonly lists = new Map<string, Promise<{ objects: ListedObject[] } | { status: number; error: string }>>();
  constructor(private readonly upstreamPort: number) {}
  get(bucket: string) {
    let list = this.lists.get(bucket);
    if (!list) {
      list = listAll(this.upstreamPort, bucket, "");
      this.lists.set(bucket, list);
      list.then((result) => "error" in result && this.lists.delete(bucket), () => this.lists.delete(bucket));
    }
    return list;
  }
  invalidate(bucket: string) {
    this.lists.delete(bucket);
  }
}

const bucketOf = (req: http.IncomingMessage) => decodeURIComponent(pathOf(req).split("/")[1] ?? "");

function delimiterListing(req: http.IncomingMessage): { bucket: string; query: URLSearchParams } | undefined {
  if (req.method !== "GET") return undefined;
  const url = new URL(req.url ?? "/", "http://demo");
  const match = /^\/([^/]+)\/?$/.exec(url.pathname);
  if (!match || !url.searchParams.get("delimiter")) return undefined;
  if (LIST_SUBRESOURCES.some((name) => url.searchParams.has(name))) return undefined;
  return { bucket: decodeURIComponent(match[1]), query: url.searchParams };
}

async function answerListing(keyLists: KeyListCache, bucket: string, query: URLSearchParams, res: http.ServerResponse): Promise<void> {
  const params = listParamsFrom(query);
  const listed = await keyLists.get(bucket);
  if ("error" in listed) {
    res.writeHead(listed.status, { "content-type": "application/xml" });
    res.end(listed.error);
    return;
  }
  sendXml(res, 200, listResultXml(bucket, params, listPage(listed.objects, params)));
}

/** Every object under `prefix`, read from s3rver with plain (non-delimiter) v1 pages. */
async function listAll(upstreamPort: number, bucket: string, prefix: string): Promise<{ objects: ListedObject[] } | { status: number; error: string }> {
  const objects: ListedObject[] = [];
  let marker = "";
  for (;;) {
    const path = `/${encodeURIComponent(bucket)}?prefix=${encodeURIComponent(prefix)}&max-keys=1000${marker ? `&marker=${encodeURIComponent(marker)}` : ""}`;
    const { status, body } = await upstreamGet(upstreamPort, path);
    if (status !== 200) return { status, error: body };
    const page = parseListResult(body);
    objects.push(...page.objects);
    if (!page.truncated || page.objects.length === 0) return { objects };
    marker = page.objects[page.objects.length - 1].key;
  }
}

function upstreamGet(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.get({ host: "127.0.0.1", port, path }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 500, body: Buffer.concat(chunks).toString("utf8") }));
      response.on("error", reject);
    });
    request.on("error", reject);
  });
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
  const upstream = http.request({ host: "127.0.0.1", port, method: req.method, path, headers }, (response) => {
    res.writeHead(response.statusCode ?? 502, response.headers);
    response.pipe(res);
    response.on("error", (error) => res.destroy(error));
  });
  upstream.on("error", (error) => {
    if (!res.headersSent) sendXml(res, 502, errorXml("InternalError", `s3rver did not answer: ${error.message}`, pathOf(req)));
    else res.destroy(error);
  });
  res.on("close", () => {
    if (!res.writableFinished) upstream.destroy();
  });
  req.pipe(upstream);
}

function sendXml(res: http.ServerResponse, status: number, xml: string): void {
  const body = Buffer.from(xml, "utf8");
  res.writeHead(status, { "content-type": "application/xml", "content-length": body.length, "x-amz-request-id": "neuroportal-demo" });
  res.end(body);
}

const pathOf = (req: http.IncomingMessage) => (req.url ?? "/").split("?")[0];
