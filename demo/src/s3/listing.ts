import { XMLParser } from "fast-xml-parser";

/** One object as a bucket listing reports it. */
export interface ListedObject {
  key: string;
  size: number;
  /** Quoted, as S3 sends it. */
  etag: string;
  lastModified: string;
}

/** The parameters of a ListObjects (v1) or ListObjectsV2 request. */
export interface ListParams {
  version: 1 | 2;
  prefix: string;
  delimiter: string;
  maxKeys: number;
  /** v1 `marker`, or v2 `start-after` / decoded `continuation-token`: list strictly after this. */
  after: string;
  marker: string;
  startAfter: string;
  continuationToken: string;
  encodeUrl: boolean;
  fetchOwner: boolean;
}

/** One page of a delimiter listing. */
export interface ListPage {
  contents: ListedObject[];
  prefixes: string[];
  truncated: boolean;
  /** The last key or prefix returned: the next page starts after it. */
  last?: string;
}

const DEFAULT_MAX_KEYS = 1000;
const OWNER = { id: "75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a", name: "hcp-demo" };

/** Reads listing parameters from a query string; an unreadable continuation token lists from the start of the prefix. */
export function listParamsFrom(query: URLSearchParams): ListParams {
  const version = query.get("list-type") === "2" ? 2 : 1;
  const maxKeysText = query.get("max-keys");
  const maxKeys = maxKeysText === null ? DEFAULT_MAX_KEYS : Math.min(DEFAULT_MAX_KEYS, Math.max(0, Number.parseInt(maxKeysText, 10) || 0));
  const marker = query.get("marker") ?? "";
  const startAfter = query.get("start-after") ?? "";
  const continuationToken = query.get("continuation-token") ?? "";
  const fromToken = continuationToken ? Buffer.from(continuationToken, "base64url").toString("utf8") : "";
  return {
    version,
    prefix: query.get("prefix") ?? "",
    delimiter: query.get("delimiter") ?? "",
    maxKeys,
    after: version === 1 ? marker : fromToken || startAfter,
    marker,
    startAfter,
    continuationToken,
    encodeUrl: query.get("encoding-type") === "url",
    fetchOwner: query.get("fetch-owner") === "true",
  };
}

/**
 * Computes one page the way S3 does: objects under the prefix, keys that contain the delimiter
 * after the prefix rolled up into common prefixes, MaxKeys counting keys and prefixes together.
 * `objects` must be sorted by key and hold every key under the prefix.
 */
export function listPage(objects: readonly ListedObject[], params: ListParams): ListPage {
  const contents: ListedObject[] = [];
  const prefixes: string[] = [];
  let last: string | undefined;
  const after = (key: string) => params.after === "" || compareKeys(key, params.after) > 0;
  for (const object of objects) {
    if (!object.key.startsWith(params.prefix) || !after(object.key)) continue;
    const rest = object.key.slice(params.prefix.length);
    const cut = params.delimiter ? rest.indexOf(params.delimiter) : -1;
    const entry = cut >= 0 ? params.prefix + rest.slice(0, cut + params.delimiter.length) : object.key;
    if (cut >= 0 && (entry === last || !after(entry) || params.after.startsWith(entry))) continue;
    if (contents.length + prefixes.length >= params.maxKeys) return { contents, prefixes, truncated: true, last };
    if (cut >= 0) prefixes.push(entry);
    else contents.push(object);
    last = entry;
  }
  return { contents, prefixes, truncated: false, last };
}

/** S3's key order: UTF-8 bytes (differs from JavaScript's UTF-16 order above the BMP). */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

/**
 * A value as `EncodingType=url` writes it: every byte but RFC 3986's unreserved characters as
 * `%XX` (moto writes `'` as `%27` and a space as `%20`), `/` kept as AWS and moto keep it.
 */
export function toUrlEncoded(text: string): string {
  return encodeURIComponent(text)
    .replace(/[!'()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%2F/g, "/");
}

/** The ListBucketResult document for a page. */
export function listResultXml(bucket: string, params: ListParams, page: ListPage): string {
  const enc = (text: string) => escapeXml(params.encodeUrl ? toUrlEncoded(text) : text);
  const tag = (name: string, value: string | number | boolean) => `<${name}>${value}</${name}>`;
  const parts = [tag("Name", escapeXml(bucket)), tag("Prefix", enc(params.prefix))];
  if (params.version === 1) {
    parts.push(tag("Marker", enc(params.marker)));
    if (page.truncated && params.delimiter && page.last) parts.push(tag("NextMarker", enc(page.last)));
  } else {
    if (params.continuationToken) parts.push(tag("ContinuationToken", escapeXml(params.continuationToken)));
    if (page.truncated && page.last) parts.push(tag("NextContinuationToken", Buffer.from(page.last, "utf8").toString("base64url")));
    if (params.startAfter) parts.push(tag("StartAfter", enc(params.startAfter)));
    parts.push(tag("KeyCount", page.contents.length + page.prefixes.length));
  }
  parts.push(tag("MaxKeys", params.maxKeys));
  if (params.delimiter) parts.push(tag("Delimiter", enc(params.delimiter)));
  if (params.encodeUrl) parts.push(tag("EncodingType", "url"));
  parts.push(tag("IsTruncated", page.truncated));
  const withOwner = params.version === 1 || params.fetchOwner;
  for (const object of page.contents) {
    parts.push(
      `<Contents>${tag("Key", enc(object.key))}${tag("LastModified", object.lastModified)}${tag("ETag", escapeXml(object.etag))}${tag("Size", object.size)}` +
        (withOwner ? `<Owner>${tag("ID", OWNER.id)}${tag("DisplayName", OWNER.name)}</Owner>` : "") +
        `${tag("StorageClass", "STANDARD")}</Contents>`,
    );
  }
  for (const prefix of page.prefixes) parts.push(`<CommonPrefixes>${tag("Prefix", enc(prefix))}</CommonPrefixes>`);
  return `<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${parts.join("")}</ListBucketResult>`;
}

/**
 * Reads one page of a (non-delimiter) v1 listing from the upstream store. s3rver escapes text
 * with `he`, which writes `'` and `` ` `` as numeric references (`&#x27;`): every reference is
 * decoded here, once, so keys come out as stored.
 */
export function parseListResult(xml: string): { objects: ListedObject[]; truncated: boolean } {
  const parser = new XMLParser({ parseTagValue: false, processEntities: false, trimValues: false, isArray: (name) => name === "Contents" || name === "CommonPrefixes" });
  const doc = parser.parse(xml) as { ListBucketResult?: { Contents?: Record<string, string>[]; IsTruncated?: string } };
  const result = doc.ListBucketResult;
  if (!result) throw new Error(`unexpected listing document: ${xml.slice(0, 200)}`);
  const objects = (result.Contents ?? []).map((c) => ({ key: fromXmlText(String(c.Key)), size: Number(c.Size), etag: fromXmlText(String(c.ETag)), lastModified: String(c.LastModified) }));
  return { objects, truncated: String(result.IsTruncated) === "true" };
}

const NAMED_ENTITIES: Readonly<Record<string, string>> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

/** XML character data with its references decoded in one pass (`&amp;#x27;` stays `&#x27;`). */
export function fromXmlText(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|amp|lt|gt|quot|apos);/g, (whole, name: string) => {
    if (name.startsWith("#x")) return String.fromCodePoint(Number.parseInt(name.slice(2), 16));
    if (name.startsWith("#")) return String.fromCodePoint(Number(name.slice(1)));
    return NAMED_ENTITIES[name] ?? whole;
  });
}

/** An S3 error document, with AWS's extra fields (`Key`, `BucketName`, `Condition`, ...) when given. */
export function errorXml(code: string, message: string, resource = "", extra: Readonly<Record<string, string>> = {}): string {
  const fields = Object.entries(extra).map(([name, value]) => `<${name}>${escapeXml(value)}</${name}>`).join("");
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message>${fields}<Resource>${escapeXml(resource)}</Resource><RequestId>neuroportal-demo</RequestId></Error>`;
}

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" })[ch]!);
}
