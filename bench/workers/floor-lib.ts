/**
 * The floor probes' shared parts: a GET signed with the AWS SDK's own Signature V4 signer over a
 * keep-alive `node:http` agent, and one object streamed to `<file>.part` with MD5 fed chunk by
 * chunk, compared, and renamed. Nothing else: no retries, resume, error typing or progress.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as http from "node:http";
import { pipeline } from "node:stream/promises";

/** Where the probe sends its requests. */
export interface FloorTarget {
  endpoint: string;
  region: string;
}

/** An object to fetch and the MD5 it must have. */
export interface Listed {
  key: string;
  /** The expected MD5 (a single-part ETag). */
  etag: string;
}

/** Signs a GET with the AWS SDK's own Signature V4 signer and sends it over `agent`. */
export type SignedGet = (pathname: string, query?: Record<string, string>) => Promise<http.IncomingMessage>;

export function makeSignedGet(t: FloorTarget, agent: http.Agent): SignedGet {
  const { S3Client } = require("@aws-sdk/client-s3") as typeof import("@aws-sdk/client-s3");
  const endpoint = new URL(t.endpoint);
  const credentials = { accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? "", secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY ?? "" };
  const client = new S3Client({ endpoint: t.endpoint, region: t.region, forcePathStyle: true, credentials, requestChecksumCalculation: "WHEN_REQUIRED", responseChecksumValidation: "WHEN_REQUIRED" });
  const signer = client.config.signer();
  return async (pathname, query = {}) => {
    const signed = await (await signer).sign({
      method: "GET",
      protocol: endpoint.protocol,
      hostname: endpoint.hostname,
      port: Number(endpoint.port),
      path: pathname,
      query,
      headers: { host: endpoint.host, "x-amz-content-sha256": "UNSIGNED-PAYLOAD" },
    });
    const search = Object.entries(query).map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`).join("&");
    const response = await new Promise<http.IncomingMessage>((resolve, reject) => {
      http.get({ hostname: endpoint.hostname, port: endpoint.port, path: search ? `${pathname}?${search}` : pathname, headers: signed.headers, agent }, resolve).on("error", reject);
    });
    if (response.statusCode !== 200) {
      let body = "";
      for await (const chunk of response) body += chunk;
      throw new Error(`GET ${pathname} answered ${response.statusCode}: ${body.slice(0, 300)}`);
    }
    return response;
  };
}

/** Streams one object to `<file>.part` hashing each chunk, checks the MD5, renames; returns the bytes received and whether the MD5 matched. */
export async function fetchVerified(get: SignedGet, bucket: string, object: Listed, file: string): Promise<{ bytes: number; matched: boolean }> {
  const response = await get(`/${encodeURIComponent(bucket)}/${object.key.split("/").map(encodeURIComponent).join("/")}`);
  const hash = createHash("md5");
  let bytes = 0;
  response.on("data", (chunk: Buffer) => {
    hash.update(chunk);
    bytes += chunk.length;
  });
  await pipeline(response, fs.createWriteStream(`${file}.part`));
  if (hash.digest("hex") !== object.etag) return { bytes, matched: false };
  await fs.promises.rename(`${file}.part`, file);
  return { bytes, matched: true };
}

