/**
 * A minimal S3 endpoint for one bucket on loopback (path style: listings with ListObjectsV2,
 * HEAD, ranged GET), answering from an in-memory map, with hooks that let a scenario answer
 * one key or one listing its own (hostile) way. Signatures are not checked: the library's own
 * signing is exercised elsewhere against s3rver and moto.
 */
import type * as http from "node:http";
import { hostileServer, md5, type HostileServer } from "./hostile.js";

export const FAKE_BUCKET = "hostile";

/** What a hook gets to answer one request its own way; it returns true when it answered. */
export type ObjectHook = (key: string, req: http.IncomingMessage, res: http.ServerResponse, stored: Buffer | undefined) => boolean;
export type ListHook = (query: URLSearchParams, req: http.IncomingMessage, res: http.ServerResponse) => boolean;

export interface FakeS3 extends HostileServer {
  objects: Map<string, Buffer>;
  /** Bucket options that reach it (fake keys, http to loopback). */
  options: { endpoint: string; region: string; credentials: { accessKeyId: string; secretAccessKey: string } };
  /** GETs of objects (not listings), with their Range headers. */
  objectGets(): { key: string; range?: string }[];
}

const xmlEscape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The ListBucketResult document for `keys` (with sizes and ETags from `objects`). */
export function listingXml(objects: ReadonlyMap<string, Buffer>, prefix: string, delimiter: string | null, extra = ""): string {
  const contents: string[] = [];
  const prefixes = new Set<string>();
  for (const key of [...objects.keys()].sort()) {
    if (!key.startsWith(prefix)) continue;
    const rest = key.slice(prefix.length);
    const cut = delimiter ? rest.indexOf(delimiter) : -1;
    if (cut >= 0) {
      prefixes.add(prefix + rest.slice(0, cut + 1));
      continue;
    }
    const body = objects.get(key)!;
    contents.push(`<Contents><Key>${xmlEscape(key)}</Key><LastModified>2020-01-01T00:00:00.000Z</LastModified><ETag>"${md5(body)}"</ETag><Size>${body.length}</Size><StorageClass>STANDARD</StorageClass></Contents>`);
  }
  const common = [...prefixes].map((p) => `<CommonPrefixes><Prefix>${xmlEscape(p)}</Prefix></CommonPrefixes>`);
  return `<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>${FAKE_BUCKET}</Name><Prefix>${xmlEscape(prefix)}</Prefix><KeyCount>${contents.length + common.length}</KeyCount><MaxKeys>1000</MaxKeys>${extra || "<IsTruncated>false</IsTruncated>"}${contents.join("")}${common.join("")}</ListBucketResult>`;
}

/** Starts a fake endpoint serving `objects` in bucket {@link FAKE_BUCKET}. */
export async function fakeS3(objects: Record<string, Buffer | string>, hooks: { object?: ObjectHook; list?: ListHook } = {}): Promise<FakeS3> {
  const stored = new Map(Object.entries(objects).map(([key, value]) => [key, Buffer.isBuffer(value) ? value : Buffer.from(value)]));
  const server = await hostileServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    const parts = url.pathname.split("/").slice(1);
    if (parts[0] !== FAKE_BUCKET) {
      res.writeHead(404, { "content-type": "application/xml" });
      return void res.end("<Error><Code>NoSuchBucket</Code><Message>no such bucket</Message></Error>");
    }
    const key = decodeURIComponent(parts.slice(1).join("/"));
    if (key === "") {
      if (hooks.list?.(url.searchParams, req, res)) return;
      res.writeHead(200, { "content-type": "application/xml" });
      return void res.end(listingXml(stored, url.searchParams.get("prefix") ?? "", url.searchParams.get("delimiter")));
    }
    const body = stored.get(key);
    if (hooks.object?.(key, req, res, body)) return;
    if (!body) {
      res.writeHead(404, { "content-type": "application/xml" });
      return void res.end(`<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message><Key>${xmlEscape(key)}</Key></Error>`);
    }
    const etag = `"${md5(body)}"`;
    const range = /^bytes=(\d+)-$/.exec(String(req.headers.range ?? ""));
    const start = range ? Number(range[1]) : 0;
    if (start >= body.length && body.length > 0) {
      res.writeHead(416, { "content-type": "application/xml" });
      return void res.end("<Error><Code>InvalidRange</Code><Message>The requested range is not satisfiable</Message></Error>");
    }
    const slice = body.subarray(start);
    const headers: http.OutgoingHttpHeaders = { etag, "content-length": String(slice.length), "last-modified": "Wed, 01 Jan 2020 00:00:00 GMT", "accept-ranges": "bytes" };
    if (range) headers["content-range"] = `bytes ${start}-${body.length - 1}/${body.length}`;
    res.writeHead(range ? 206 : 200, headers);
    res.end(req.method === "HEAD" ? undefined : slice);
  });
  return Object.assign(server, {
    objects: stored,
    options: { endpoint: server.url, region: "us-east-1", credentials: { accessKeyId: "AKIAHOSTILETEST0000", secretAccessKey: "hostile-secret-key-never-shown-0000" } },
    objectGets: () =>
      server.hits
        .filter((hit) => hit.method === "GET" && new URL(hit.url, "http://x").pathname.split("/").slice(2).join("/") !== "")
        .map((hit) => ({ key: decodeURIComponent(new URL(hit.url, "http://x").pathname.split("/").slice(2).join("/")), range: hit.headers.range as string | undefined })),
  });
}
