import { nonXmlCharacter, type Constraint, type ConstraintSet } from "./constraints.js";
import { InvalidArgumentError } from "../errors.js";

/** Namespace of the `xdat` search vocabulary (security.xsd). */
export const XDAT_NAMESPACE = "http://nrg.wustl.edu/security";

/** A column requested from a search. */
export interface SearchColumn {
  /** Data type of the field, e.g. `nt:scores`. */
  elementName: string;
  /** Display field id, e.g. `NEO_NEOFAC_A`. */
  fieldId: string;
  /** Field type sent as `xdat:type`; left out when undefined, so the server reports the field's own type in `Columns`. */
  type?: string;
  /** Column header (default `elementName/fieldId`). */
  header?: string;
}

/** Everything an `xdat:bundle` search document holds. */
export interface SearchSpec {
  /** Row type, e.g. `nt:scores`. */
  rootElement: string;
  columns: readonly SearchColumn[];
  where: ConstraintSet;
  description?: string;
}

/**
 * Escapes text for XML character data and attribute values (`& < > " '`). Characters XML
 * cannot carry at all (see `nonXmlCharacter`) raise {@link InvalidArgumentError}: the document
 * would not be XML.
 */
export function escapeXml(text: string): string {
  const bad = nonXmlCharacter(text);
  if (bad) throw new InvalidArgumentError(`${JSON.stringify(text.slice(0, 60))} contains ${bad}, which an XML document cannot carry`);
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" })[c]!);
}

/**
 * Builds the `xdat:bundle` document that `POST /data/search` expects, in the shape pyxnat
 * sends (search fields in order, then `xdat:search_where` with nested `xdat:child_set`s).
 * Every value is escaped, so no input can change the document's structure. Pure.
 */
export function toSearchDocument(spec: SearchSpec): string {
  const e = escapeXml;
  const lines: string[] = [];
  lines.push(
    `<xdat:bundle xmlns:xdat="${XDAT_NAMESPACE}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ID="@${e(spec.rootElement)}" brief-description="${e(spec.description ?? "")}" description="${e(spec.description ?? "")}" allow-diff-columns="0" secure="false">`,
  );
  lines.push(`  <xdat:root_element_name>${e(spec.rootElement)}</xdat:root_element_name>`);
  spec.columns.forEach((column, index) => {
    lines.push("  <xdat:search_field>");
    lines.push(`    <xdat:element_name>${e(column.elementName)}</xdat:element_name>`);
    lines.push(`    <xdat:field_ID>${e(column.fieldId)}</xdat:field_ID>`);
    lines.push(`    <xdat:sequence>${index}</xdat:sequence>`);
    if (column.type !== undefined) lines.push(`    <xdat:type>${e(column.type)}</xdat:type>`);
    lines.push(`    <xdat:header>${e(column.header ?? `${column.elementName}/${column.fieldId}`)}</xdat:header>`);
    lines.push("  </xdat:search_field>");
  });
  lines.push(...setLines("xdat:search_where", spec.where, "  "));
  lines.push("</xdat:bundle>");
  return lines.join("\n");
}

function setLines(tag: string, set: ConstraintSet, indent: string): string[] {
  const lines = [`${indent}<${tag} method="${set.method}">`];
  const criteria = set.items.filter((item) => item.kind === "criterion");
  const children = set.items.filter((item): item is ConstraintSet => item.kind === "set");
  for (const item of criteria as Extract<Constraint, { kind: "criterion" }>[]) {
    lines.push(`${indent}  <xdat:criteria override_value_formatting="0">`);
    lines.push(`${indent}    <xdat:schema_field>${escapeXml(item.field)}</xdat:schema_field>`);
    lines.push(`${indent}    <xdat:comparison_type>${escapeXml(item.operator)}</xdat:comparison_type>`);
    lines.push(`${indent}    <xdat:value>${escapeXml(item.value)}</xdat:value>`);
    lines.push(`${indent}  </xdat:criteria>`);
  }
  for (const child of children) lines.push(...setLines("xdat:child_set", child, `${indent}  `));
  lines.push(`${indent}</${tag}>`);
  return lines;
}
