/**
 * Replays the real answers recorded in `test/fixtures/real/` over loopback HTTP, as
 * `index.json` describes them (method, path, query, status, content type, headers), so the
 * client's own code meets the real shapes. Shared by the XNAT, Allen and S3 suites.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import type * as http from "node:http";
import * as path from "node:path";
import { listenLoopback } from "../../demo/src/loopback.js";

/** Folder of the recordings. */
export const REAL_FIXTURES = path.join(__dirname, "..", "fixtures", "real");

/** The request a recording answers (`null` for bodies that were not a wire answer). */
export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
}

/** The answer as recorded. */
export interface RecordedResponse {
  status: number;
  contentType: string;
  headers: Record<string, string>;
}

/** One entry of `index.json`. */
export interface Fixture {
  service: "xnat" | "allen" | "s3";
  /** Path below `test/fixtures/real/`. */
  file: string;
  kind: string;
  provenance: string;
  request: RecordedRequest | null;
  response: RecordedResponse | null;
  sha256: string;
  bytes: number;
  reconstructed: boolean;
  shows?: string;
  note?: string;
}

/** A fact that has no recorded body (e.g. XNAT answers 400 for an unknown data type). */
export interface FixtureFact {
  id: string;
  service: string;
  provenance: string;
  source: string;
  request?: RecordedRequest;
  response?: { status: number; body: string };
}

interface FixtureIndex {
  format: number;
  fixtures: Fixture[];
  facts: FixtureFact[];
}

let index: FixtureIndex | undefined;

function loadIndex(): FixtureIndex {
  index ??= JSON.parse(fs.readFileSync(path.join(REAL_FIXTURES, "index.json"), "utf8")) as FixtureIndex;
  return index;
}

/** Every recording, optionally of one service. */
export function fixtures(service?: Fixture["service"]): Fixture[] {
  return loadIndex().fixtures.filter((f) => service === undefined || f.service === service);
}

/** The recording stored in `file` (e.g. `allen/rma-empty-msg-object.json`); throws when the index does not list it. */
export function fixture(file: string): Fixture {
  const found = loadIndex().fixtures.find((f) => f.file === file);
  if (!found) throw new Error(`test/fixtures/real/index.json lists no ${file}`);
  return found;
}

/** A fact of the index by id (e.g. `xnat-unknown-type-400`). */
export function fact(id: string): FixtureFact {
  const found = loadIndex().facts.find((f) => f.id === id);
  if (!found) throw new Error(`test/fixtures/real/index.json has no fact ${id}`);
  return found;
}

/** The recorded bytes, checked against the index's SHA-256 (a changed recording fails here, not in a confusing assertion). */
export function fixtureBody(entry: Fixture | string): Buffer {
  const f = typeof entry === "string" ? fixture(entry) : entry;
  const body = fs.readFileSync(path.join(REAL_FIXTURES, f.file));
  const digest = createHash("sha256").update(body).digest("hex");
  if (digest !== f.sha256) throw new Error(`${f.file} does not match the SHA-256 in index.json (${digest} != ${f.sha256})`);
  return body;
}

/** The recorded body as text (UTF-8). */
export function fixtureText(entry: Fixture | string): string {
  return fixtureBody(entry).toString("utf8");
}

/** What a request to the replay server looked like, as the route sees it. */
export interface IncomingCall {
  method: string;
  /** The path, percent-decoded. */
  path: string;
  /** The raw path as sent (not decoded), query string excluded. */
  rawPath: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
}

/** A canned answer: status, headers and body. */
export interface Answer {
  status: number;
  headers?: Record<string, string>;
  body: Buffer | string;
}

/** One route: which calls it answers and with what. */
export interface ReplayRoute {
  /** True for the calls this route answers. Routes are tried in order. */
  match(call: IncomingCall): boolean;
  answer(call: IncomingCall): Answer;
}

/** The recorded answer of `entry`: its status, content type, headers and bytes. */
export function recordedAnswer(entry: Fixture | string): Answer {
  const f = typeof entry === "string" ? fixture(entry) : entry;
  const response = f.response ?? { status: 200, contentType: "application/octet-stream", headers: {} };
  return { status: response.status, headers: { "content-type": response.contentType, ...withoutFraming(response.headers) }, body: fixtureBody(f) };
}

/** Hop-by-hop framing headers of the recording (Transfer-Encoding) are the replay server's own business. */
function withoutFraming(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !/^(transfer-encoding|content-length|connection)$/i.test(name)));
}

/**
 * A route answering the request the recording names: same method and path, and every recorded
 * query parameter present with the same value (extra parameters, such as the paging a client
 * adds, are allowed). `at` replaces the recorded path (e.g. to mount it under another prefix).
 */
export function recordedRoute(entry: Fixture | string, options: { at?: string; answer?: Answer } = {}): ReplayRoute {
  const f = typeof entry === "string" ? fixture(entry) : entry;
  if (!f.request) throw new Error(`${f.file} answers no recorded request; give the route a path with \`routeAt\``);
  const request = f.request;
  const wantedPath = options.at ?? request.path;
  const answer = options.answer ?? recordedAnswer(f);
  return {
    match: (call) =>
      call.method === request.method.toUpperCase() &&
      (call.path === wantedPath || call.rawPath === wantedPath) &&
      Object.entries(request.query).every(([key, value]) => call.query.get(key) === value),
    answer: () => answer,
  };
}

/** A route for `method path` (decoded path; `query` entries must match too) answering `answer`. */
export function routeAt(method: string, wantedPath: string, answer: Answer | ((call: IncomingCall) => Answer), query: Record<string, string> = {}): ReplayRoute {
  return {
    match: (call) => call.method === method.toUpperCase() && call.path === wantedPath && Object.entries(query).every(([key, value]) => call.query.get(key) === value),
    answer: (call) => (typeof answer === "function" ? answer(call) : answer),
  };
}

/** A JSON answer. */
export function jsonAnswer(status: number, body: unknown): Answer {
  return { status, headers: { "content-type": "application/json" }, body: JSON.stringify(body) };
}

/** A running replay server. */
export interface ReplayServer {
  /** Base URL with a trailing slash. */
  url: string;
  /** Every call received, in order (answered or not). */
  readonly calls: readonly IncomingCall[];
  /** Calls no route matched (answered 599, so a test never mistakes them for a recording). */
  readonly unmatched: readonly IncomingCall[];
  close(): Promise<void>;
}

/**
 * Starts a loopback server answering with the routes, first match wins. A call that no route
 * matches is answered `599` with a plain-text explanation and recorded in `unmatched`.
 */
export async function startReplay(routes: readonly ReplayRoute[]): Promise<ReplayServer> {
  const calls: IncomingCall[] = [];
  const unmatched: IncomingCall[] = [];
  const handler: http.RequestListener = (req, res) => {
    const raw = req.url ?? "/";
    const at = raw.indexOf("?");
    const rawPath = at < 0 ? raw : raw.slice(0, at);
    let decoded = rawPath;
    try {
      decoded = decodeURIComponent(rawPath);
    } catch {
      /* keep the raw path */
    }
    const call: IncomingCall = { method: (req.method ?? "GET").toUpperCase(), path: decoded, rawPath, query: new URLSearchParams(at < 0 ? "" : raw.slice(at + 1)), headers: req.headers };
    calls.push(call);
    req.resume();
    req.on("end", () => {
      const route = routes.find((candidate) => candidate.match(call));
      const answer: Answer = route ? route.answer(call) : { status: 599, headers: { "content-type": "text/plain" }, body: `replay: no recorded answer for ${call.method} ${raw}` };
      if (!route) unmatched.push(call);
      const body = typeof answer.body === "string" ? Buffer.from(answer.body) : answer.body;
      res.writeHead(answer.status, { ...answer.headers, "content-length": body.length });
      res.end(call.method === "HEAD" ? undefined : body);
    });
  };
  const server = await listenLoopback(handler, 0);
  return { url: server.url, calls, unmatched, close: server.close };
}
