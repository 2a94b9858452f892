import { checkArgument, checkOptions, integer, list, text } from "../core/validate.js";

/** Options of `formatList`. */
export interface ListFormatOptions {
  /** Longest line, in characters (default 80, as Python's pprint). Lines break only between items. */
  width?: number;
  /** Written before each quoted item, e.g. "u" for Python 2's unicode strings (`u'q1/'`). */
  stringPrefix?: string;
}

/** Python's repr of a str: single quotes unless the text holds one and no double quote. */
function quote(item: string, prefix: string): string {
  const useDouble = item.includes("'") && !item.includes('"');
  const q = useDouble ? '"' : "'";
  const body = item.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/\t/g, "\\t").replace(new RegExp(q, "g"), `\\${q}`);
  return `${prefix}${q}${body}${q}`;
}

/**
 * A list of strings as a Python list literal (`['100307', '103515', ...]`, how the tutorials
 * print them), wrapped between items so that no line is longer than `width` unless one item is:
 * front ends wrap long output lines anywhere, even inside an item. Continuation lines are
 * indented by one space, as pprint does, so joining the lines with a space gives the one-line form.
 */
export function formatList(items: readonly string[], options: ListFormatOptions = {}): string {
  checkArgument(items, list, "items", "formatList()");
  checkOptions(options, "formatList()", { width: integer(8), stringPrefix: text() });
  const width = options.width ?? 80;
  const quoted = items.map((item) => quote(String(item), options.stringPrefix ?? ""));
  if (quoted.length === 0) return "[]";
  const lines: string[] = [];
  let line = "[";
  quoted.forEach((item, i) => {
    const piece = item + (i === quoted.length - 1 ? "]" : ",");
    const candidate = line === "[" || line === " " ? line + piece : `${line} ${piece}`;
    if (candidate.length <= width || line === "[" || line === " ") {
      line = candidate;
    } else {
      lines.push(line);
      line = ` ${piece}`;
    }
  });
  lines.push(line);
  return lines.join("\n");
}
