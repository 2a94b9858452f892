/** `nontoolbox.xsd`: the XML Schema of `nt:scores`, generated from the instrument definitions. */
import { SCORE_GROUPS } from "./instruments.js";
import { escapeXml } from "./table.js";

const documentation = (indent: string, text: string) =>
  `${indent}<xs:annotation><xs:documentation>${escapeXml(text)}</xs:documentation></xs:annotation>`;

/** The schema document served at `/schemas/nt/nontoolbox.xsd`. */
export function nonToolboxSchema(): string {
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<xs:schema targetNamespace="http://nrg.wustl.edu/nt" xmlns:nt="http://nrg.wustl.edu/nt" xmlns:xnat="http://nrg.wustl.edu/xnat" xmlns:xdat="http://nrg.wustl.edu/xdat" xmlns:xs="http://www.w3.org/2001/XMLSchema" elementFormDefault="qualified" attributeFormDefault="unqualified">',
    '\t<xs:import namespace="http://nrg.wustl.edu/xnat" schemaLocation="../xnat/xnat.xsd"/>',
    '\t<xs:element name="NTScores" type="nt:scores"/>',
    '\t<xs:complexType name="scores">',
    documentation("\t\t", "HCP non-Toolbox behavioral measures"),
    "\t\t<xs:complexContent>",
    '\t\t\t<xs:extension base="xnat:subjectAssessorData">',
    "\t\t\t\t<xs:sequence>",
  ];
  for (const group of SCORE_GROUPS) {
    lines.push(`\t\t\t\t\t<xs:element name="${group.name}" minOccurs="0">`);
    lines.push(documentation("\t\t\t\t\t\t", group.instrument));
    lines.push("\t\t\t\t\t\t<xs:complexType>");
    lines.push("\t\t\t\t\t\t\t<xs:sequence>");
    for (const field of group.fields) {
      const type = field.type === "integer" ? "xs:integer" : "xs:float";
      lines.push(`\t\t\t\t\t\t\t\t<xs:element name="${field.name}" type="${type}" minOccurs="0">`);
      lines.push(documentation("\t\t\t\t\t\t\t\t\t", field.description));
      lines.push("\t\t\t\t\t\t\t\t</xs:element>");
    }
    lines.push("\t\t\t\t\t\t\t</xs:sequence>");
    lines.push("\t\t\t\t\t\t</xs:complexType>");
    lines.push("\t\t\t\t\t</xs:element>");
  }
  lines.push("\t\t\t\t</xs:sequence>", "\t\t\t</xs:extension>", "\t\t</xs:complexContent>", "\t</xs:complexType>", "</xs:schema>");
  return `${lines.join("\n")}\n`;
}
