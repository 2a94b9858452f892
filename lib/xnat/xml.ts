import { checkArgument, text as textRule } from "../core/validate.js";
import { UnsafeXmlError } from "./errors.js";
import { MAX_XML_DEPTH, scanXmlDocument } from "./xml-parser.js";

/** An element of a parsed document with its namespace resolved from in-scope declarations. */
export interface XmlElement {
  kind: "element";
  /** Qualified name as written, e.g. `nt:ER40_CR`. */
  name: string;
  prefix: string;
  local: string;
  /** Namespace URI (or `prefix:<p>` when a prefix is bound to an empty URI, as in pasted excerpts). */
  namespace: string;
  /** Attributes as written (qualified names), namespace declarations included. */
  attributes: Record<string, string>;
  children: XmlNode[];
  parent?: XmlElement;
}

/** A text node (character data and CDATA, trimmed). */
export interface XmlText {
  kind: "text";
  text: string;
  parent: XmlElement;
}

export type XmlNode = XmlElement | XmlText;

/** A parsed document: the root element plus every namespace prefix the document declares. */
export interface XmlDocument {
  root: XmlElement;
  /** prefix → namespace, first declaration wins ("" is the default namespace). */
  namespaces: Record<string, string>;
}

/**
 * Parses XML text safely and strictly in a single pass (see {@link scanXmlDocument}).
 *
 * Any DOCTYPE or ENTITY declaration is refused before parsing ({@link UnsafeXmlError}); a
 * document that is not well-formed raises {@link XmlFormatError} with the line and column of
 * the first problem (elements nested deeper than {@link MAX_XML_DEPTH} levels included). Text
 * nodes are trimmed and blank ones dropped; text split only by comments
 * stays one node, CDATA sections become text nodes of their own (untrimmed); comments,
 * processing instructions and the XML declaration are left out; the predefined entities and
 * character references are decoded. `source` names the document's origin in error messages.
 */
export function parseXml(text: string, source = "the server"): XmlDocument {
  checkArgument(text, textRule(), "XML text", "parseXml()");
  const declaration = unsafeDeclarationIn(text);
  if (declaration !== undefined) throw new UnsafeXmlError(declaration, source);
  return scanXmlDocument(text, source);
}

const DECLARATION_AFTER_BANG = /\s*(DOCTYPE|ENTITY)/iy;

/** `DOCTYPE` or `ENTITY` when the text contains `<!DOCTYPE` / `<!ENTITY` anywhere (any case, white space allowed after `<!`). */
function unsafeDeclarationIn(text: string): string | undefined {
  for (let bang = text.indexOf("<!"); bang >= 0; bang = text.indexOf("<!", bang + 2)) {
    DECLARATION_AFTER_BANG.lastIndex = bang + 2;
    const match = DECLARATION_AFTER_BANG.exec(text);
    if (match !== null) return match[1].toUpperCase();
  }
  return undefined;
}

/** The concatenated text of an element and its descendants. */
export function textOf(node: XmlNode): string {
  if (node.kind === "text") return node.text;
  const children = node.children;
  if (children.length === 0) return "";
  if (children.length === 1) return textOf(children[0]);
  let text = "";
  for (const child of children) text += textOf(child);
  return text;
}

/** The namespace of a qualified attribute name on `element` ("" for unprefixed attributes). */
export function attributeNamespace(element: XmlElement, qualified: string): string {
  const colon = qualified.indexOf(":");
  if (colon < 0) return "";
  const prefix = qualified.slice(0, colon);
  for (let e: XmlElement | undefined = element; e; e = e.parent) {
    const declared = e.attributes[`xmlns:${prefix}`];
    if (declared !== undefined) return declared === "" ? `prefix:${prefix}` : declared;
  }
  return prefix === "xml" ? "http://www.w3.org/XML/1998/namespace" : `prefix:${prefix}`;
}

/** True for `xmlns`, `xmlns:*` and `xsi:*` bookkeeping attributes. */
export function isNamespaceAttribute(name: string): boolean {
  return name === "xmlns" || name.startsWith("xmlns:") || name.startsWith("xsi:");
}

/** The child elements of an element. */
export function childElements(element: XmlElement): XmlElement[] {
  return element.children.filter((child): child is XmlElement => child.kind === "element");
}
