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
      answerListing(options.upstreamPort, listing.bucket, listing.query, res).catch((error: Error) => {
        if (!res.headersSent) sendXml(res, 500, errorXml("InternalError", error.message, pathOf(req)));
        else res.destroy(error);
      });
      return;
    }
    forward(options.upstreamPort, req, res);
  };
}

function delimiterListing(req: http.IncomingMessage): { bucket: string; query: URLSearchParams } | undefined {
  if (req.method !== "GET") return undefined;
  const url = new URL(req.url ?? "/", "http://demo");
  const match = /^\/([^/]+)\/?$/.exec(url.pathname);
  if (!match || !url.searchParams.get("delimiter")) return undefined;
  if (LIST_SUBRESOURCES.some((name) => url.searchParams.has(name))) return undefined;
  return { bucket: decodeURIComponent(match[1]), query: url.searchParams };
}

async function answerListing(upstreamPort: number, bucket: string, query: URLSearchParams, res: http.ServerResponse): Promise<void> {
  const params = listParamsFrom(query);
  const listed = await listAll(upstreamPort, bucket, params.prefix);
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

function forward(port: number, req: http.IncomingMessage, res: http.ServerResponse): void {
  const upstream = http.request({ host: "127.0.0.1", port, method: req.method, path: req.url, headers: req.headers }, (response) => {
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
