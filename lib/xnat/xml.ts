import { XMLParser, XMLValidator } from "fast-xml-parser";
import { UnsafeXmlError, XmlFormatError } from "./errors.js";

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

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: "",
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: true,
  htmlEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  commentPropName: false,
  cdataPropName: false,
});

/**
 * Parses XML text safely: any DOCTYPE or ENTITY declaration is refused before parsing
 * ({@link UnsafeXmlError}), and a document that is not well-formed raises {@link XmlFormatError}.
 */
export function parseXml(text: string, source = "the server"): XmlDocument {
  const declaration = /<!\s*(DOCTYPE|ENTITY)/i.exec(text);
  if (declaration) throw new UnsafeXmlError(declaration[1].toUpperCase(), source);
  const valid = XMLValidator.validate(text, { allowBooleanAttributes: false });
  if (valid !== true) throw new XmlFormatError(valid.err.msg, source, { line: valid.err.line, column: valid.err.col });
  const nodes = parser.parse(text) as RawNode[];
  const rootNode = nodes.find((node) => elementNameOf(node) !== undefined);
  if (!rootNode) throw new XmlFormatError("there is no root element", source);
  const namespaces: Record<string, string> = {};
  const root = toElement(rootNode, undefined, { xml: "http://www.w3.org/XML/1998/namespace" }, namespaces);
  return { root, namespaces };
}

type RawNode = Record<string, unknown>;

function elementNameOf(node: RawNode): string | undefined {
  for (const key in node) if (key !== ":@" && key !== "#text") return key;
  return undefined;
}

function toElement(node: RawNode, parent: XmlElement | undefined, scope: Record<string, string>, declared: Record<string, string>): XmlElement {
  const name = elementNameOf(node)!;
  const attributes: Record<string, string> = {};
  const raw = node[":@"] as Record<string, unknown> | undefined;
  let inScope = scope;
  if (raw !== undefined) {
    for (const key in raw) {
      const value = String(raw[key]);
      attributes[key] = value;
      if (key === "xmlns" || key.startsWith("xmlns:")) {
        if (inScope === scope) inScope = { ...scope };
        const prefix = key === "xmlns" ? "" : key.slice(6);
        inScope[prefix] = value === "" && prefix !== "" ? `prefix:${prefix}` : value;
        if (!(prefix in declared)) declared[prefix] = inScope[prefix];
      }
    }
  }
  const colon = name.indexOf(":");
  const prefix = colon >= 0 ? name.slice(0, colon) : "";
  const local = colon >= 0 ? name.slice(colon + 1) : name;
  const namespace = inScope[prefix] ?? (prefix ? `prefix:${prefix}` : "");
  const children: XmlNode[] = [];
  const element: XmlElement = { kind: "element", name, prefix, local, namespace, attributes, children, parent };
  const rawChildren = node[name] as RawNode[] | undefined;
  if (rawChildren !== undefined) {
    for (const child of rawChildren) {
      const text = child["#text"];
      if (text !== undefined) {
        const value = String(text);
        if (value !== "") children.push({ kind: "text", text: value, parent: element });
      } else if (elementNameOf(child) !== undefined) {
        children.push(toElement(child, element, inScope, declared));
      }
    }
  }
  return element;
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
