/** The display document of `nt:scores` (`nt_scores_display.xml`): search ids mapped to schema paths, with descriptions. */
import { ElementType, findElementType } from "./fields.js";
import { escapeXml } from "./table.js";

/** Renders the display document of `type` (default `nt:scores`) in the layout the tutorial shows. */
export function displayDocument(typeName = "nt:scores"): string | undefined {
  const type: ElementType | undefined = findElementType(typeName);
  if (!type || !type.subjectAssessor || type.name === "xnat:subjectData") return undefined;
  const description = type.singular;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<Displays xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:noNamespaceSchemaLocation="../../xdat/display.xsd" schema-element="${type.name}" full-description="${escapeXml(description)}" brief-description="${escapeXml(description)}">`,
    '\t<Arc name="PARTICIPANT_EXPERIMENT">',
    '\t\t<CommonField id="PART_ID" local-field="SUBJECT_ID"/>',
    '\t\t<CommonField id="DATE" local-field="DATE"/>',
    '\t\t<CommonField id="EXPT_ID" local-field="EXPT_ID"/>',
    "\t</Arc>",
  ];
  for (const field of type.fields) {
    if (field.requiresValue) continue;
    const searchable = field.searchable ? ' searchable="true"' : "";
    lines.push(`\t<DisplayField id="${field.id}" header="${escapeXml(field.header)}" visible="true"${searchable} data-type="${field.type}">`);
    lines.push(`\t\t<DisplayFieldElement name="Field1" schema-element="${escapeXml(field.schemaPath)}"/>`);
    if (field.id === "SUBJECT_ID" || field.id === "EXPT_ID") {
      const target = field.id === "SUBJECT_ID" ? "xnat:subjectData" : type.name;
      lines.push("\t\t<HTML-Link>");
      lines.push('\t\t\t<Property name="HREF" value="none"/>');
      lines.push(`\t\t\t<Property name="ONCLICK" value="return rpt('@Field1','${target}','${target}.ID');">`);
      lines.push(`\t\t\t\t<InsertValue id="Field1" field="${field.id}"/>`);
      lines.push("\t\t\t</Property>");
      lines.push("\t\t</HTML-Link>");
    }
    lines.push(`\t\t<description>${escapeXml(field.description)}</description>`);
    lines.push("\t</DisplayField>");
  }
  lines.push(`\t<DisplayVersion versionName="listing" default-order-by="EXPT_ID" brief-description="${escapeXml(description)}" dark-color="DEDEDE" light-color="FFFFFF">`);
  for (const id of ["EXPT_ID", "SUBJECT_ID", "PROJECT", "LABEL"]) lines.push(`\t\t<DisplayFieldRef id="${id}"/>`);
  lines.push("\t</DisplayVersion>");
  lines.push("</Displays>");
  return `${lines.join("\n")}\n`;
}
