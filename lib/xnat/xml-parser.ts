/**
 * A strict, single-pass XML scanner that builds {@link XmlElement}/{@link XmlText} trees
 * directly. It checks well-formedness while it builds (tags, attributes, names, entity and
 * character references, comments, CDATA sections, processing instructions, one root element)
 * and reports the first problem as an {@link XmlFormatError} with line and column, which are
 * computed only when an error is raised. DOCTYPE and entity declarations are refused by the
 * caller (`parseXml`) before scanning; here any `<!` that is not a comment or CDATA is an error.
 */
import { XmlFormatError } from "./errors.js";
import type { XmlDocument, XmlElement, XmlNode } from "./xml.js";

const XML_NAMESPACE = "http://www.w3.org/XML/1998/namespace";

const TAB = 9;
const LF = 10;
const CR = 13;
const SPACE = 32;
const BANG = 33;
const DOUBLE_QUOTE = 34;
const HASH = 35;
const AMPERSAND = 38;
const SINGLE_QUOTE = 39;
const HYPHEN = 45;
const SLASH = 47;
const COLON = 58;
const SEMICOLON = 59;
const LESS_THAN = 60;
const EQUALS = 61;
const GREATER_THAN = 62;
const QUESTION = 63;
const LOWER_X = 120;

/** Elements may nest this deep (XNAT documents use about ten levels); deeper is refused, as libxml2 does past 256 by default. */
export const MAX_XML_DEPTH = 1000;

const NAME_START = 1;
const NAME_CHAR = 2;

/** Name character classes of ASCII code points (the colon is handled separately). */
const ASCII_NAME = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const letter = (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
  const other = (c >= 48 && c <= 57) || c === HYPHEN || c === 46;
  ASCII_NAME[c] = letter ? NAME_START | NAME_CHAR : other ? NAME_CHAR : 0;
}

/** XML 1.0 NameStartChar outside ASCII (BMP; astral characters are checked as surrogate pairs). */
function isWideNameStart(c: number): boolean {
  return (
    (c >= 0xc0 && c <= 0xd6) ||
    (c >= 0xd8 && c <= 0xf6) ||
    (c >= 0xf8 && c <= 0x2ff) ||
    (c >= 0x370 && c <= 0x37d) ||
    (c >= 0x37f && c <= 0x1fff) ||
    c === 0x200c ||
    c === 0x200d ||
    (c >= 0x2070 && c <= 0x218f) ||
    (c >= 0x2c00 && c <= 0x2fef) ||
    (c >= 0x3001 && c <= 0xd7ff) ||
    (c >= 0xf900 && c <= 0xfdcf) ||
    (c >= 0xfdf0 && c <= 0xfffd)
  );
}

function isWideNameChar(c: number): boolean {
  return isWideNameStart(c) || c === 0xb7 || (c >= 0x300 && c <= 0x36f) || c === 0x203f || c === 0x2040;
}

/** XML white space (S): space, tab, line feed, carriage return. */
function isXmlSpace(c: number): boolean {
  return c === SPACE || c === LF || c === TAB || c === CR;
}

/** The white space `String.prototype.trim` removes, so text is trimmed as it always was. */
export function isTrimmedSpace(c: number): boolean {
  if (c <= SPACE) return c === SPACE || (c >= TAB && c <= CR);
  if (c < 0xa0) return false;
  return (
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

/** True when a character reference may name this code point (XML 1.0 Char). */
function isXmlChar(c: number): boolean {
  return c === TAB || c === LF || c === CR || (c >= 0x20 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd) || (c >= 0x10000 && c <= 0x10ffff);
}

/** Line (1-based) and column (1-based, in UTF-16 code units, a leading BOM not counted) of an offset. */
export function positionAt(text: string, offset: number): { line: number; column: number } {
  const end = Math.min(Math.max(offset, 0), text.length);
  let line = 1;
  let lineStart = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (let i = text.indexOf("\n"); i >= 0 && i < end; i = text.indexOf("\n", i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: end - lineStart + 1 };
}

/** A short, printable excerpt of a name or reference for error messages. */
function shown(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

/**
 * Parses a whole document. `text` must already be free of DOCTYPE/ENTITY declarations.
 * Line ends are normalised (`\r\n` and `\r` become `\n`) as XML requires.
 */
export function scanXmlDocument(text: string, source: string): XmlDocument {
  const normalised = text.indexOf("\r") >= 0 ? text.replace(/\r\n?/g, "\n") : text;
  return new XmlScanner(normalised, source).document();
}

/** A qualified name split into prefix and local part (shared by every element that uses it). */
interface QualifiedName {
  readonly name: string;
  readonly prefix: string;
  readonly local: string;
  readonly hash: number;
}

const NAME_SLOTS = 1 << 12;

/**
 * Interned qualified names, shared across documents: names are not re-allocated per element,
 * and code that keys maps by them hashes each once. Emptied when half full, so memory stays bounded.
 */
class NameTable {
  #slots: (QualifiedName | undefined)[] = new Array<QualifiedName | undefined>(NAME_SLOTS).fill(undefined);
  #count = 0;

  /** The name `text[start, end)` with the given hash; `colon` is the offset of its colon or -1. */
  intern(text: string, start: number, end: number, hash: number, colon: number): QualifiedName {
    const length = end - start;
    const mask = NAME_SLOTS - 1;
    let slot = (hash ^ length) & mask;
    for (let entry = this.#slots[slot]; entry !== undefined; entry = this.#slots[slot]) {
      if (entry.hash === hash && entry.name.length === length && text.startsWith(entry.name, start)) return entry;
      slot = (slot + 1) & mask;
    }
    if (this.#count >= NAME_SLOTS / 2) {
      this.#slots = new Array<QualifiedName | undefined>(NAME_SLOTS).fill(undefined);
      this.#count = 0;
      slot = (hash ^ length) & mask;
    }
    const name = detached(text.slice(start, end));
    const entry: QualifiedName = colon < 0 ? { name, prefix: "", local: name, hash } : { name, prefix: name.slice(0, colon - start), local: name.slice(colon - start + 1), hash };
    this.#slots[slot] = entry;
    this.#count++;
    return entry;
  }
}

const NAMES = new NameTable();

/**
 * A copy of `slice` that does not keep the string it was cut from alive: V8 may represent a
 * slice as a view into the whole document, and interned names outlive their documents.
 */
function detached(slice: string): string {
  return (" " + slice).slice(1);
}

/** The in-scope namespace bindings of an element: prefix → namespace ("" is the default namespace). */
type Scope = Map<string, string>;

const BASE_SCOPE: Scope = new Map([["xml", XML_NAMESPACE]]);

class XmlScanner {
  readonly #text: string;
  readonly #source: string;
  /** Offset of the next `&` at or after the last position asked about (text length when none). */
  #nextAmpersand = -1;
  /** Raw text pending in the current element, joined across comments (which do not split text). */
  #pendingStart = -1;
  #pendingEnd = -1;
  #pendingJoined: string | undefined;
  /** End offset of the name {@link #scanQName} read last. */
  #nameEnd = 0;

  constructor(text: string, source: string) {
    this.#text = text;
    this.#source = source;
  }

  document(): XmlDocument {
    const text = this.#text;
    const length = text.length;
    let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;
    if (text.startsWith("<?xml", pos) && (isXmlSpace(text.charCodeAt(pos + 5)) || text.charCodeAt(pos + 5) === QUESTION)) {
      const end = text.indexOf("?>", pos + 5);
      if (end < 0) this.#fail("the XML declaration <?xml … is not closed with ?>", pos);
      pos = end + 2;
    }
    const namespaces: Record<string, string> = {};
    const open: XmlElement[] = [];
    const openedAt: number[] = [];
    const scopes: Scope[] = [];
    let current: XmlElement | undefined;
    let scope = BASE_SCOPE;
    let root: XmlElement | undefined;
    let nextLessThan = text.indexOf("<", pos);

    for (;;) {
      const lt = nextLessThan;
      const textEnd = lt < 0 ? length : lt;
      if (textEnd > pos) {
        if (current !== undefined) this.#addText(pos, textEnd);
        else this.#requireSpaceOutsideRoot(pos, textEnd, root);
      }
      if (lt < 0) break;
      const next = text.charCodeAt(lt + 1);

      if (next === SLASH) {
        if (current === undefined) this.#failStrayClosingTag(lt, root);
        this.#flushText(current);
        const name = current.name;
        let p = lt + 2;
        if (!text.startsWith(name, p)) this.#failMismatch(lt, current, openedAt[open.length - 1]);
        p += name.length;
        let c = text.charCodeAt(p);
        if (c !== GREATER_THAN) {
          if (!isXmlSpace(c)) {
            if (p >= length) this.#fail(`the closing tag </${name} is not closed with >`, lt);
            if (c === COLON || c >= 128 || (ASCII_NAME[c] & NAME_CHAR) !== 0) this.#failMismatch(lt, current, openedAt[open.length - 1]);
            this.#fail(`unexpected ${this.#describeChar(p)} in the closing tag </${name}>`, p);
          }
          do c = text.charCodeAt(++p);
          while (isXmlSpace(c));
          if (c !== GREATER_THAN) this.#fail(p >= length ? `the closing tag </${name} is not closed with >` : `unexpected ${this.#describeChar(p)} in the closing tag </${name}>`, p);
        }
        pos = p + 1;
        open.pop();
        openedAt.pop();
        scopes.pop();
        current = current.parent;
        scope = scopes.length > 0 ? scopes[scopes.length - 1] : BASE_SCOPE;
        nextLessThan = text.indexOf("<", pos);
        continue;
      }

      if (next === BANG) {
        if (text.startsWith("--", lt + 2)) {
          const end = text.indexOf("-->", lt + 4);
          if (end < 0) this.#fail("the comment <!-- is not closed with -->", lt);
          const doubleHyphen = text.indexOf("--", lt + 4);
          if (doubleHyphen < end) this.#fail("'--' inside a comment (comments end at the first -- and must not end with -)", doubleHyphen);
          pos = end + 3;
        } else if (text.startsWith("[CDATA[", lt + 2)) {
          if (current === undefined) this.#fail("a CDATA section outside the root element", lt);
          const end = text.indexOf("]]>", lt + 9);
          if (end < 0) this.#fail("the CDATA section <![CDATA[ is not closed with ]]>", lt);
          this.#flushText(current);
          if (end > lt + 9) current.children.push({ kind: "text", text: text.slice(lt + 9, end), parent: current });
          pos = end + 3;
        } else {
          this.#fail("unexpected '<!': only comments <!-- … --> and CDATA sections <![CDATA[ … ]]> may start with '<!'", lt);
        }
        nextLessThan = text.indexOf("<", pos);
        continue;
      }

      if (next === QUESTION) {
        const targetEnd = this.#scanName(lt + 2, "processing instruction target");
        const target = text.slice(lt + 2, targetEnd);
        if (target.toLowerCase() === "xml") this.#fail("an XML declaration <?xml … ?> is only allowed at the very start of the document", lt);
        const c = text.charCodeAt(targetEnd);
        if (!isXmlSpace(c) && !(c === QUESTION && text.charCodeAt(targetEnd + 1) === GREATER_THAN)) {
          this.#fail(targetEnd >= length ? `the processing instruction <?${shown(target)} is not closed with ?>` : `unexpected ${this.#describeChar(targetEnd)} after the processing instruction target ${shown(target)}`, targetEnd);
        }
        const end = text.indexOf("?>", targetEnd);
        if (end < 0) this.#fail(`the processing instruction <?${shown(target)} is not closed with ?>`, lt);
        if (current !== undefined) this.#flushText(current);
        pos = end + 2;
        nextLessThan = text.indexOf("<", pos);
        continue;
      }

      // A start tag.
      if (current === undefined && root !== undefined) {
        this.#fail(`a second root element <${shown(this.#looseNameAt(lt + 1))}> after </${root.name}> (a document has exactly one root element)`, lt);
      }
      if (current !== undefined) this.#flushText(current);
      const qualified = this.#scanQName(lt + 1);
      const name = qualified.name;
      const nameEnd = this.#nameEnd;
      const tagLessThan = text.indexOf("<", nameEnd);
      const attributes: Record<string, string> = {};
      let elementScope = scope;
      let selfClosing = false;
      let p = nameEnd;
      for (;;) {
        let c = text.charCodeAt(p);
        if (c === GREATER_THAN) {
          p++;
          break;
        }
        if (c === SLASH) {
          if (text.charCodeAt(p + 1) !== GREATER_THAN) this.#fail(`expected '>' after '/' in the start tag <${name}>`, p + 1);
          p += 2;
          selfClosing = true;
          break;
        }
        if (!isXmlSpace(c)) this.#failInTag(p, name, "expected white space, '>' or '/>'");
        do c = text.charCodeAt(++p);
        while (isXmlSpace(c));
        if (c === GREATER_THAN || c === SLASH) continue;
        if (p >= length) this.#failInTag(p, name, "");
        const attributeStart = p;
        const attribute = this.#scanQName(p, name).name;
        p = this.#nameEnd;
        c = text.charCodeAt(p);
        while (isXmlSpace(c)) c = text.charCodeAt(++p);
        if (c !== EQUALS) this.#failInTag(p, name, `attribute ${attribute} has no value (expected ${attribute}="…")`);
        do c = text.charCodeAt(++p);
        while (isXmlSpace(c));
        if (c !== DOUBLE_QUOTE && c !== SINGLE_QUOTE) this.#failInTag(p, name, `the value of attribute ${attribute} is not quoted (expected ${attribute}="…")`);
        const valueStart = p + 1;
        const valueEnd = text.indexOf(c === DOUBLE_QUOTE ? '"' : "'", valueStart);
        if (valueEnd < 0) this.#fail(`the value of attribute ${attribute} in <${name}> has no closing quote`, p);
        if (tagLessThan >= 0 && tagLessThan < valueEnd) {
          this.#fail(`'<' in the value of attribute ${attribute} of <${name}> (write &lt;, or close the quote opened at the value's start)`, tagLessThan);
        }
        if (typeof attributes[attribute] === "string") this.#fail(`attribute ${attribute} appears twice in <${name}>`, attributeStart);
        const value = this.#value(valueStart, valueEnd, true);
        setOwn(attributes, attribute, value);
        if (text.charCodeAt(attributeStart) === LOWER_X && text.startsWith("xmlns", attributeStart) && (attribute.length === 5 || attribute.charCodeAt(5) === COLON)) {
          const prefix = attribute.length === 5 ? "" : attribute.slice(6);
          const uri = value === "" && prefix !== "" ? `prefix:${prefix}` : value;
          if (elementScope === scope) elementScope = new Map(scope);
          elementScope.set(prefix, uri);
          if (!Object.prototype.hasOwnProperty.call(namespaces, prefix)) setOwn(namespaces, prefix, uri);
        }
        p = valueEnd + 1;
      }

      const prefix = qualified.prefix;
      const namespace = elementScope.get(prefix) ?? (prefix === "" ? "" : `prefix:${prefix}`);
      const children: XmlNode[] = [];
      const element: XmlElement = { kind: "element", name, prefix, local: qualified.local, namespace, attributes, children, parent: current };
      if (current === undefined) root = element;
      else current.children.push(element);
      if (!selfClosing) {
        if (open.length >= MAX_XML_DEPTH) this.#fail(`elements nest deeper than ${MAX_XML_DEPTH} levels at <${name}>; that is not an experiment document (refused so that nothing recurses without bound)`, lt);
        open.push(element);
        openedAt.push(lt);
        scopes.push(elementScope);
        current = element;
        scope = elementScope;
      }
      pos = p;
      nextLessThan = tagLessThan >= p || tagLessThan < 0 ? tagLessThan : text.indexOf("<", p);
    }

    if (current !== undefined) {
      const { line, column } = positionAt(text, openedAt[open.length - 1]);
      this.#fail(`the document ends before </${current.name}> closes <${current.name}> opened at line ${line}, column ${column}`, length);
    }
    if (root === undefined) {
      const start = text.charCodeAt(0) === 0xfeff ? 1 : 0;
      let blank = true;
      for (let i = start; i < length && blank; i++) blank = isXmlSpace(text.charCodeAt(i));
      this.#fail(blank ? "the document is empty" : "there is no root element", length);
    }
    return { root, namespaces };
  }

  /** Adds raw character data [start, end) to the text pending in the current element. */
  #addText(start: number, end: number): void {
    if (this.#pendingStart < 0) {
      this.#pendingStart = start;
      this.#pendingEnd = end;
      return;
    }
    this.#value(start, end, false);
    if (this.#pendingJoined === undefined) {
      this.#value(this.#pendingStart, this.#pendingEnd, false);
      this.#pendingJoined = this.#text.slice(this.#pendingStart, this.#pendingEnd);
    }
    this.#pendingJoined += this.#text.slice(start, end);
  }

  /** Turns the pending text into a trimmed text node of `element` (none when it is blank). */
  #flushText(element: XmlElement): void {
    const start = this.#pendingStart;
    if (start < 0) return;
    this.#pendingStart = -1;
    let value: string;
    if (this.#pendingJoined !== undefined) {
      const joined = this.#pendingJoined.trim();
      this.#pendingJoined = undefined;
      if (joined === "") return;
      value = decodeReferences(joined, 0, joined.length, (message) => this.#fail(message, start));
    } else {
      value = this.#value(start, this.#pendingEnd, true);
      if (value === "") return;
    }
    element.children.push({ kind: "text", text: value, parent: element });
  }

  /** The trimmed text of [start, end) with references decoded; checks references even when `build` is false. */
  #value(start: number, end: number, build: boolean): string {
    const text = this.#text;
    while (start < end && isTrimmedSpace(text.charCodeAt(start))) start++;
    while (end > start && isTrimmedSpace(text.charCodeAt(end - 1))) end--;
    if (start === end) return "";
    let ampersand = this.#nextAmpersand;
    if (ampersand < start) {
      ampersand = text.indexOf("&", start);
      if (ampersand < 0) ampersand = text.length;
      this.#nextAmpersand = ampersand;
    }
    if (ampersand >= end) return build ? text.slice(start, end) : "";
    return decodeReferences(text, start, end, (message, at) => this.#fail(message, at));
  }

  #requireSpaceOutsideRoot(start: number, end: number, root: XmlElement | undefined): void {
    const text = this.#text;
    for (let i = start; i < end; i++) {
      const c = text.charCodeAt(i);
      if (isXmlSpace(c) || (i === 0 && c === 0xfeff)) continue;
      this.#fail(root === undefined ? "text before the root element" : `text after the root element </${root.name}>`, i);
    }
  }

  /** End of the XML Name starting at `start`; fails when there is none. */
  #scanName(start: number, what: string): number {
    const text = this.#text;
    let p = start;
    let c = text.charCodeAt(p);
    if (c < 128 ? (ASCII_NAME[c] & NAME_START) === 0 && c !== COLON : !this.#isWideStart(p)) this.#failName(start, what);
    p += c >= 0xd800 && c <= 0xdbff ? 2 : 1;
    for (;;) {
      c = text.charCodeAt(p);
      if (c < 128) {
        if ((ASCII_NAME[c] & NAME_CHAR) === 0 && c !== COLON) return p;
        p++;
      } else if (c >= 0xd800 && c <= 0xdbff) {
        if (!this.#isWideStart(p)) return p;
        p += 2;
      } else {
        if (!isWideNameChar(c)) return p;
        p++;
      }
    }
  }

  /**
   * The interned qualified name (`local` or `prefix:local`) starting at `start`; its end is left
   * in {@link #nameEnd}. `owner` is the element an attribute name belongs to (for messages).
   */
  #scanQName(start: number, owner?: string): QualifiedName {
    const text = this.#text;
    let p = start;
    let c = text.charCodeAt(p);
    if (c < 128 && (ASCII_NAME[c] & NAME_START) !== 0) {
      let hash = c;
      let colon = -1;
      for (;;) {
        c = text.charCodeAt(++p);
        if (c < 128) {
          if ((ASCII_NAME[c] & NAME_CHAR) !== 0) {
            hash = (Math.imul(hash, 31) + c) | 0;
            continue;
          }
          if (c === COLON && colon < 0) {
            const next = text.charCodeAt(p + 1);
            if (next < 128 && (ASCII_NAME[next] & NAME_START) !== 0) {
              colon = p;
              hash = (Math.imul(hash, 31) + c) | 0;
              continue;
            }
          }
        }
        break;
      }
      if (!(c >= 128) && c !== COLON) {
        this.#nameEnd = p;
        return NAMES.intern(text, start, p, hash, colon);
      }
    }
    const end = this.#scanName(start, owner === undefined ? "element name" : "attribute name");
    const name = text.slice(start, end);
    const colon = name.indexOf(":");
    const second = name.indexOf(":", colon + 1);
    if (colon >= 0 && (colon === 0 || colon === name.length - 1 || second >= 0 || (!this.#isWideStart(start + colon + 1) && (ASCII_NAME[name.charCodeAt(colon + 1)] & NAME_START) === 0))) {
      const what = owner === undefined ? "element name" : `attribute name in <${owner}>`;
      this.#fail(`invalid ${what}: ${shown(name)} (a qualified name is a name or prefix:name, each part starting with a letter or _)`, start);
    }
    let hash = 0;
    for (let i = 0; i < name.length; i++) hash = (Math.imul(hash, 31) + name.charCodeAt(i)) | 0;
    this.#nameEnd = end;
    return NAMES.intern(text, start, end, hash, colon < 0 ? -1 : start + colon);
  }

  #isWideStart(p: number): boolean {
    const c = this.#text.charCodeAt(p);
    if (c >= 0xd800 && c <= 0xdb7f) {
      const low = this.#text.charCodeAt(p + 1);
      return low >= 0xdc00 && low <= 0xdfff;
    }
    return isWideNameStart(c);
  }

  #failName(at: number, what: string): never {
    if (at >= this.#text.length) this.#fail(`the document ends where ${what === "element name" ? "an element name" : `a ${what}`} was expected`, at);
    if (what === "element name") this.#fail(`'<' is not followed by an element name (${this.#describeChar(at)} cannot start a name; write a literal < as &lt;)`, at - 1);
    this.#fail(`invalid ${what}: ${this.#describeChar(at)} cannot start a name`, at);
  }

  #failInTag(at: number, name: string, expected: string): never {
    const text = this.#text;
    if (at >= text.length) this.#fail(`the start tag <${name} is not closed with > or />`, at);
    if (text.charCodeAt(at) === LESS_THAN) this.#fail(`the start tag <${name} is not closed with > or /> before the next '<'`, at);
    this.#fail(`unexpected ${this.#describeChar(at)} in the start tag <${name}>${expected ? `: ${expected}` : ""}`, at);
  }

  #failMismatch(lt: number, open: XmlElement, openedAt: number): never {
    const { line, column } = positionAt(this.#text, openedAt);
    if (this.#looseNameAt(lt + 2) === "") this.#fail(`'</' is not followed by the name of the element it closes (expected </${open.name}>)`, lt);
    this.#fail(`closing tag </${shown(this.#looseNameAt(lt + 2))}> does not match <${open.name}> opened at line ${line}, column ${column}`, lt);
  }

  #failStrayClosingTag(lt: number, root: XmlElement | undefined): never {
    const name = shown(this.#looseNameAt(lt + 2));
    this.#fail(root === undefined ? `closing tag </${name}> before any start tag` : `closing tag </${name}> after the root element </${root.name}> was closed`, lt);
  }

  /** The characters at `start` up to white space or markup, for messages about broken names. */
  #looseNameAt(start: number): string {
    const text = this.#text;
    let p = start;
    while (p < text.length) {
      const c = text.charCodeAt(p);
      if (isXmlSpace(c) || c === GREATER_THAN || c === LESS_THAN || c === SLASH) break;
      p++;
    }
    return text.slice(start, p);
  }

  #describeChar(at: number): string {
    const c = this.#text.codePointAt(at);
    if (c === undefined) return "end of document";
    return c > SPACE && c < 0x7f ? `'${String.fromCharCode(c)}'` : `character U+${c.toString(16).toUpperCase().padStart(4, "0")}`;
  }

  #fail(message: string, at: number): never {
    throw new XmlFormatError(message, this.#source, positionAt(this.#text, at));
  }
}

/** Sets `record[key]` as an own property, `__proto__` included (plain assignment would change the prototype instead). */
function setOwn(record: Record<string, string>, key: string, value: string): void {
  if (key === "__proto__") Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
  else record[key] = value;
}

const PREDEFINED: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };

/** `text[start, end)` with the predefined entities and character references decoded. */
function decodeReferences(text: string, start: number, end: number, fail: (message: string, at: number) => never): string {
  let out = "";
  let copied = start;
  for (let ampersand = text.indexOf("&", start); ampersand >= 0 && ampersand < end; ampersand = text.indexOf("&", copied)) {
    let semicolon = ampersand + 1;
    while (semicolon < end && semicolon - ampersand <= 32 && text.charCodeAt(semicolon) !== SEMICOLON && text.charCodeAt(semicolon) !== AMPERSAND) semicolon++;
    if (semicolon >= end || text.charCodeAt(semicolon) !== SEMICOLON) {
      fail(`'&' that does not start an entity or character reference such as &amp; or &#38; (write a literal & as &amp;)`, ampersand);
    }
    const reference = text.slice(ampersand + 1, semicolon);
    let decoded: string | undefined;
    if (reference.charCodeAt(0) === HASH) {
      decoded = decodeCharacterReference(reference);
      if (decoded === undefined) fail(`malformed or disallowed character reference &${shown(reference)}; (expected &#decimal; or &#xhex; naming an XML character)`, ampersand);
    } else {
      decoded = Object.prototype.hasOwnProperty.call(PREDEFINED, reference) ? PREDEFINED[reference] : undefined;
      if (decoded === undefined) {
        fail(`unknown entity &${shown(reference)}; (only &lt; &gt; &amp; &quot; &apos; and character references are defined)`, ampersand);
      }
    }
    out += text.slice(copied, ampersand) + decoded;
    copied = semicolon + 1;
  }
  return out + text.slice(copied, end);
}

/** The character a `#…` reference names, or undefined when it is malformed or not an XML character. */
function decodeCharacterReference(reference: string): string | undefined {
  const hex = reference.charCodeAt(1) === LOWER_X;
  const digits = reference.slice(hex ? 2 : 1);
  if (digits === "" || !(hex ? /^[0-9a-fA-F]+$/ : /^[0-9]+$/).test(digits)) return undefined;
  const code = parseInt(digits, hex ? 16 : 10);
  return isXmlChar(code) ? String.fromCodePoint(code) : undefined;
}
