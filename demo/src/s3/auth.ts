import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";

/** The key pair the demo bucket accepts. */
export interface DemoKeys {
  accessKeyId: string;
  secretAccessKey: string;
}

/** What the gate decided about a request. */
export type AuthDecision = { ok: true; signed: boolean } | { ok: false; status: number; code: string; message: string };

/** The parts of a request that signatures cover. */
export interface SignedRequest {
  method: string;
  /** Path and query exactly as received. */
  url: string;
  headers: IncomingHttpHeaders;
}

const V2_SUBRESOURCES = new Set([
  "acl", "cors", "delete", "lifecycle", "location", "logging", "notification", "partNumber", "policy", "requestPayment",
  "tagging", "torrent", "uploadId", "uploads", "versionId", "versioning", "versions", "website",
  "response-cache-control", "response-content-disposition", "response-content-encoding", "response-content-language",
  "response-content-type", "response-expires",
]);

/**
 * Checks a request the way the real bucket does: Signature V4 (header or presigned) and V2
 * (`AWS key:signature`, as boto 2 sends) are verified against the demo key pair; requests without
 * any signature pass only when anonymous access is allowed.
 */
export function authorize(request: SignedRequest, keys: DemoKeys, allowAnonymous: boolean): AuthDecision {
  const authorization = header(request.headers, "authorization");
  const query = new URL(request.url, "http://demo").searchParams;
  if (authorization?.startsWith("AWS4-HMAC-SHA256 ")) return checkV4(request, keys, parseV4Header(authorization));
  if (authorization?.startsWith("AWS ")) return checkV2Header(request, keys, authorization);
  if (query.get("X-Amz-Algorithm") === "AWS4-HMAC-SHA256") return checkV4(request, keys, parseV4Query(query));
  if (query.has("Signature") && query.has("AWSAccessKeyId")) return checkV2Query(request, keys, query);
  if (authorization) return deny(400, "InvalidArgument", "Unsupported Authorization Type");
  if (allowAnonymous) return { ok: true, signed: false };
  return deny(403, "AccessDenied", "Access Denied");
}

interface V4Parts {
  accessKeyId: string;
  scope: string;
  signedHeaders: string[];
  signature: string;
  amzDate: string;
  presigned: boolean;
}

function parseV4Header(value: string): V4Parts | undefined {
  const fields = Object.fromEntries(
    value
      .slice("AWS4-HMAC-SHA256 ".length)
      .split(",")
      .map((part) => part.trim().split("=") as [string, string]),
  );
  if (!fields.Credential || !fields.SignedHeaders || !fields.Signature) return undefined;
  const [accessKeyId, ...scope] = fields.Credential.split("/");
  return { accessKeyId, scope: scope.join("/"), signedHeaders: fields.SignedHeaders.split(";"), signature: fields.Signature, amzDate: "", presigned: false };
}

function parseV4Query(query: URLSearchParams): V4Parts | undefined {
  const credential = query.get("X-Amz-Credential");
  const signature = query.get("X-Amz-Signature");
  const signedHeaders = query.get("X-Amz-SignedHeaders");
  if (!credential || !signature || !signedHeaders) return undefined;
  const [accessKeyId, ...scope] = credential.split("/");
  return { accessKeyId, scope: scope.join("/"), signedHeaders: signedHeaders.split(";"), signature, amzDate: query.get("X-Amz-Date") ?? "", presigned: true };
}

function checkV4(request: SignedRequest, keys: DemoKeys, parts: V4Parts | undefined): AuthDecision {
  if (!parts) return deny(400, "AuthorizationHeaderMalformed", "The authorization header is malformed");
  if (parts.accessKeyId !== keys.accessKeyId) return invalidKey();
  const [pathPart, rawQuery = ""] = request.url.split("?", 2);
  const amzDate = parts.presigned ? parts.amzDate : header(request.headers, "x-amz-date") ?? "";
  const canonicalQuery = rawQuery
    .split("&")
    .filter((pair) => pair !== "")
    .map((pair) => {
      const at = pair.indexOf("=");
      const name = at < 0 ? pair : pair.slice(0, at);
      const value = at < 0 ? "" : pair.slice(at + 1);
      return [rfc3986(safeDecode(name)), rfc3986(safeDecode(value))] as [string, string];
    })
    .filter(([name]) => !(parts.presigned && name === "X-Amz-Signature"))
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join("&");
  const canonicalHeaders = parts.signedHeaders.map((name) => `${name}:${(header(request.headers, name) ?? "").trim().replace(/\s+/g, " ")}\n`).join("");
  const payload = parts.presigned ? "UNSIGNED-PAYLOAD" : header(request.headers, "x-amz-content-sha256") ?? "UNSIGNED-PAYLOAD";
  const canonicalRequest = [request.method, pathPart, canonicalQuery, canonicalHeaders, parts.signedHeaders.join(";"), payload].join("\n");
  const stringToSign = ["AWS4-HMAC-SHA256", amzDate, parts.scope, sha256(canonicalRequest)].join("\n");
  const [date, region, service] = parts.scope.split("/");
  let key: Buffer = hmac(`AWS4${keys.secretAccessKey}`, date);
  for (const part of [region, service, "aws4_request"]) key = hmac(key, part);
  const expected = createHmac("sha256", key).update(stringToSign).digest("hex");
  return sameText(expected, parts.signature) ? { ok: true, signed: true } : signatureMismatch();
}

function checkV2Header(request: SignedRequest, keys: DemoKeys, authorization: string): AuthDecision {
  const [accessKeyId, signature = ""] = authorization.slice(4).split(":");
  if (accessKeyId !== keys.accessKeyId) return invalidKey();
  const date = header(request.headers, "x-amz-date") ? "" : header(request.headers, "date") ?? "";
  return verifyV2(request, keys, signature, date);
}

function checkV2Query(request: SignedRequest, keys: DemoKeys, query: URLSearchParams): AuthDecision {
  if (query.get("AWSAccessKeyId") !== keys.accessKeyId) return invalidKey();
  return verifyV2(request, keys, query.get("Signature") ?? "", query.get("Expires") ?? "");
}

function verifyV2(request: SignedRequest, keys: DemoKeys, signature: string, date: string): AuthDecision {
  const [pathPart, rawQuery = ""] = request.url.split("?", 2);
  const subresources = rawQuery
    .split("&")
    .filter(Boolean)
    .map((pair) => {
      const at = pair.indexOf("=");
      return at < 0 ? [safeDecode(pair), undefined] : [safeDecode(pair.slice(0, at)), safeDecode(pair.slice(at + 1))];
    })
    .filter(([name]) => V2_SUBRESOURCES.has(name!))
    .sort(([a], [b]) => (a! < b! ? -1 : 1))
    .map(([name, value]) => (value === undefined ? name : `${name}=${value}`));
  const resource = subresources.length ? `${pathPart}?${subresources.join("&")}` : pathPart;
  const amzHeaders = Object.keys(request.headers)
    .filter((name) => name.startsWith("x-amz-"))
    .sort()
    .map((name) => `${name}:${(header(request.headers, name) ?? "").trim()}\n`)
    .join("");
  const stringToSign = `${request.method}\n${header(request.headers, "content-md5") ?? ""}\n${header(request.headers, "content-type") ?? ""}\n${date}\n${amzHeaders}${resource}`;
  const expected = createHmac("sha1", keys.secretAccessKey).update(stringToSign).digest("base64");
  return sameText(expected, signature) ? { ok: true, signed: true } : signatureMismatch();
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(",") : value;
}

const deny = (status: number, code: string, message: string): AuthDecision => ({ ok: false, status, code, message });
const invalidKey = () => deny(403, "InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.");
const signatureMismatch = () => deny(403, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided. Check your key and signing method.");

const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");
const hmac = (key: string | Buffer, data: string) => createHmac("sha256", key).update(data, "utf8").digest();
const rfc3986 = (text: string) => encodeURIComponent(text).replace(/[!'()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
