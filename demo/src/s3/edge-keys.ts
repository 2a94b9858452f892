import type { DemoObject } from "./layout.js";

/** Where the edge-case keys live: beside `q1/` in the 2013 bucket, outside every listing the tutorial shows. */
export const EDGE_PREFIX = "edge-cases/";

const EDGE_DATE = Date.UTC(2016, 5, 1, 12, 0, 0);

/**
 * Keys real buckets may hold and a client must survive: characters XML 1.0 cannot carry (U+0001,
 * and a tab), characters s3rver escapes as numeric references (`'`, `` ` ``), characters url
 * encoding must round-trip (space, `+`, `%`, `&`, `<`, `>`), non-ASCII (one outside the BMP, which
 * sorts differently in UTF-16 and UTF-8), and keys that no local file may stand for: an empty
 * segment beside its twin without it (`odd//x` and `odd/x`), `.` and `..` segments. The same set
 * is seeded into moto by the dual-server tests.
 */
export const EDGE_KEYS: readonly string[] = [
  "a b+c.txt",
  "it's.txt",
  "back`tick.txt",
  "amp&lt<gt>.txt",
  "100% sure.txt",
  "ünïcödé.txt",
  "\u{1F600}-emoji.txt",
  "\uFF5Ewide-tilde.txt",
  "ctl\u0001char.txt",
  "tab\there.txt",
  "odd/double-slash.txt",
  "odd//double-slash.txt",
  "odd/./dot-segment.txt",
  "odd/../dotdot-segment.txt",
].map((name) => EDGE_PREFIX + name);

/** The edge-case objects: each body names its key, so a fetch of the wrong key shows. */
export function edgeCaseObjects(): DemoObject[] {
  return EDGE_KEYS.map((key, index) => ({ key, body: Buffer.from(`edge case ${index}: ${JSON.stringify(key)}\n`, "utf8"), lastModified: new Date(EDGE_DATE + index * 1000) }));
}

/** True when s3rver's file store can hold `key` (one file per key); false for empty, `.` and `..` segments. */
export function fileStoreCanHold(key: string): boolean {
  return key.split("/").every((segment, index, all) => (segment !== "" || index === all.length - 1) && segment !== "." && segment !== "..");
}
