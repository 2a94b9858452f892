/** Parses posted `xdat:bundle` (stored_search) documents into a search specification. */
import { XMLParser } from "fast-xml-parser";

export const SECURITY_NAMESPACE = "http://nrg.wustl.edu/security";

/** The posted document is not a usable search (answered with 422). */
export class SearchDocumentError extends Error {}

export interface SearchFieldSpec {
  elementName: string;
  fieldId: string;
  sequence: number;
  /** As sent; echoed in the `Columns` properties. */
  type?: string;
  header?: string;
  /** Parameter of a parameterised display field (`xdat:value`). */
  parameter?: string;
}

export interface CriterionSpec {
  schemaField: string;
  comparison: string;
  value: string;
  overrideValueFormatting: boolean;
}

export interface CriteriaSetSpec {
  method: "AND" | "OR";
  criteria: CriterionSpec[];
  children: CriteriaSetSpec[];
}

export interface SearchSpec {
  /** `brief-description` (the saved search's name in pyxnat). */
  briefDescription: string;
  description: string;
  /** Logins of `xdat:allowed_user` entries. */
  allowedUsers: string[];
  rootElement: string;
  fields: SearchFieldSpec[];
  where?: CriteriaSetSpec;
}

type Node = Record<string, unknown>;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@_",
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: true,
  isArray: (name) => /(^|:)(search_field|criteria|child_set|allowed_user)$/.test(name),
});

/** Parses `xml`; rejects DOCTYPE/ENTITY declarations, other roots and missing parts. */
export function parseSearchDocument(xml: string): SearchSpec {
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) {
    throw new SearchDocumentError("search documents must not contain DOCTYPE or ENTITY declarations");
  }
  if (!xml.trim()) throw new SearchDocumentError("the request body is empty; POST an xdat:bundle search document");
  let parsed: Node;
  try {
    parsed = parser.parse(xml, true) as Node;
  } catch (error) {
    throw new SearchDocumentError(`the search document is not well-formed XML: ${(error as Error).message}`);
  }
  const rootKey = Object.keys(parsed).find((key) => !key.startsWith("?") && !key.startsWith("#"));
  if (!rootKey) throw new SearchDocumentError("the search document has no root element");
  const [prefix, local] = rootKey.includes(":") ? rootKey.split(":", 2) : ["", rootKey];
  const root = asNode(parsed[rootKey]);
  const namespace = root[prefix ? `@_xmlns:${prefix}` : "@_xmlns"];
  if ((local !== "bundle" && local !== "stored_search") || namespace !== SECURITY_NAMESPACE) {
    throw new SearchDocumentError(
      `the root element must be xdat:bundle in namespace ${SECURITY_NAMESPACE}, not ${rootKey}${namespace ? ` (${String(namespace)})` : ""}`,
    );
  }
  const rootElement = textOf(child(root, "root_element_name"));
  if (!rootElement) throw new SearchDocumentError("the search document has no xdat:root_element_name");
  const fields = children(root, "search_field").map((node, index) => {
    const field = asNode(node);
    const elementName = textOf(child(field, "element_name"));
    const fieldId = textOf(child(field, "field_ID"));
    if (!elementName || !fieldId) throw new SearchDocumentError(`search_field #${index + 1} needs xdat:element_name and xdat:field_ID`);
    const sequenceText = textOf(child(field, "sequence"));
    const sequence = sequenceText && /^-?\d+$/.test(sequenceText) ? Number(sequenceText) : index;
    return {
      elementName,
      fieldId,
      sequence,
      type: textOf(child(field, "type")) || undefined,
      header: textOf(child(field, "header")),
      parameter: textOf(child(field, "value")) || undefined,
    };
  });
  if (fields.length === 0) throw new SearchDocumentError("the search document has no xdat:search_field");
  fields.sort((a, b) => a.sequence - b.sequence);
  const whereNode = child(root, "search_where");
  const where = whereNode === undefined ? undefined : criteriaSet(asNode(Array.isArray(whereNode) ? whereNode[0] : whereNode), "search_where");
  const allowedUsers = children(root, "allowed_user")
    .map((node) => textOf(child(asNode(node), "login")))
    .filter(Boolean);
  return {
    briefDescription: String(root["@_brief-description"] ?? ""),
    description: String(root["@_description"] ?? ""),
    allowedUsers,
    rootElement,
    fields,
    where,
  };
}

function criteriaSet(node: Node, path: string): CriteriaSetSpec {
  const methodText = String(node["@_method"] ?? "AND").trim().toUpperCase();
  if (methodText !== "AND" && methodText !== "OR") {
    throw new SearchDocumentError(`${path} has method ${JSON.stringify(methodText)}; use AND or OR`);
  }
  const criteria = children(node, "criteria").map((item, index) => {
    const criterion = asNode(item);
    const schemaField = textOf(child(criterion, "schema_field"));
    const comparison = textOf(child(criterion, "comparison_type"));
    if (!schemaField || !comparison) {
      throw new SearchDocumentError(`${path}/criteria #${index + 1} needs xdat:schema_field and xdat:comparison_type`);
    }
    return {
      schemaField,
      comparison,
      value: textOf(child(criterion, "value")),
      overrideValueFormatting: String(criterion["@_override_value_formatting"] ?? "0") === "1",
    };
  });
  const nested = children(node, "child_set").map((item, index) => criteriaSet(asNode(item), `${path}/child_set #${index + 1}`));
  return { method: methodText, criteria, children: nested };
}

function asNode(value: unknown): Node {
  return value && typeof value === "object" && !Array.isArray(value) ? (value as Node) : { "#text": value === undefined ? "" : String(value) };
}

function localName(key: string): string {
  const colon = key.indexOf(":");
  return colon >= 0 ? key.slice(colon + 1) : key;
}

function child(node: Node, name: string): unknown {
  const key = Object.keys(node).find((candidate) => !candidate.startsWith("@_") && localName(candidate) === name);
  return key === undefined ? undefined : node[key];
}

function children(node: Node, name: string): unknown[] {
  const value = child(node, name);
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

function textOf(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (Array.isArray(value)) return textOf(value[0]);
  if (typeof value === "object") return String((value as Node)["#text"] ?? "");
  return String(value);
}
