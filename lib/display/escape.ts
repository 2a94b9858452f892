/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] as string);
}

/**
 * JSON for embedding inside a `<script>` element: `<` is escaped so that neither
 * `</script` nor `<!--` can end or confuse the script, and U+2028/U+2029 are escaped for old parsers.
 * Non-finite numbers become null (what JSON.stringify does), which plotly treats as a gap.
 */
export function toScriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}

/** Script source made safe to inline in a `<script>` element (no premature `</script`). */
export function toInlineScript(source: string): string {
  return source.replace(/<\/(script)/gi, "<\\/$1").replace(/<!--/g, "<\\!--");
}
