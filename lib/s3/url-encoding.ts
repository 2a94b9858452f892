/**
 * A value of a listing answered with `EncodingType=url`, decoded as boto3 does (`unquote_plus`):
 * `+` is a space, `%XX` sequences are UTF-8 bytes, and a `%` not followed by two hex digits is
 * kept as it is. AWS writes a space as `+` and `+` as `%2B`; moto writes `%20`: both decode alike.
 */
export function fromUrlEncoded(text: string): string {
  if (!/[%+]/.test(text)) return text;
  const spaced = text.replace(/\+/g, " ");
  const bytes: number[] = [];
  for (let at = 0; at < spaced.length; ) {
    if (spaced[at] === "%" && /^[0-9A-Fa-f]{2}$/.test(spaced.slice(at + 1, at + 3))) {
      bytes.push(Number.parseInt(spaced.slice(at + 1, at + 3), 16));
      at += 3;
      continue;
    }
    const codePoint = spaced.codePointAt(at)!;
    const char = String.fromCodePoint(codePoint);
    bytes.push(...Buffer.from(char, "utf8"));
    at += char.length;
  }
  return Buffer.from(bytes).toString("utf8");
}

