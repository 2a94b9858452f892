/**
 * What a response body is, as a value: `json` means it looks like JSON (it starts with `{` or
 * `[`), `malformed-json` that it looked like JSON but did not parse.
 */
export type BodyKind = "html" | "xml" | "json" | "malformed-json" | "empty" | "text";

/** The kind of a body, judged from its first 200 characters (pass the head of a large body). */
export function bodyKind(text: string): BodyKind {
  const head = text.trimStart().slice(0, 200).toLowerCase();
  if (head.length === 0) return "empty";
  if (head.startsWith("<!doctype html") || head.startsWith("<html") || /<(head|body|title)[\s>]/.test(head)) return "html";
  if (head.startsWith("<")) return "xml";
  if (head.startsWith("{") || head.startsWith("[")) return "json";
  return "text";
}

/** The kind of a body that failed to parse as JSON: `malformed-json` when it looked like JSON. */
export function unparsedKind(text: string): BodyKind {
  const kind = bodyKind(text);
  return kind === "json" ? "malformed-json" : kind;
}

const WORDS: Readonly<Record<BodyKind, string>> = {
  html: "an HTML page",
  xml: "XML",
  json: "JSON",
  "malformed-json": "malformed JSON",
  empty: "an empty body",
  text: "text",
};

/** A body kind in words, for messages: `html` → "an HTML page". */
export function describeKind(kind: BodyKind): string {
  return WORDS[kind];
}
