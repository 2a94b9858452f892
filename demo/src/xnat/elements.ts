/** `/data/search/elements[/{type}]`: searchable data types and their fields. */
import { ELEMENT_TYPES, ElementType, findElementType } from "./fields.js";
import type { Catalog } from "./model.js";
import type { Table } from "./table.js";

/** `/data/search/elements`: ELEMENT_NAME, SINGULAR, PLURAL, SECURED, COUNT. */
export function listElements(catalog: Catalog): Table {
  return {
    columns: ["ELEMENT_NAME", "SINGULAR", "PLURAL", "SECURED", "COUNT"],
    rows: ELEMENT_TYPES.map((type) => [type.name, type.singular, type.plural, type.name === "xnat:projectData" ? "false" : "true", String(type.rows(catalog).length)]),
    meta: { title: "Data-Types" },
  };
}

/** The types named in a comma list; undefined names are returned in `unknown`. */
export function resolveTypes(list: string): { types: ElementType[]; unknown: string[] } {
  const types: ElementType[] = [];
  const unknown: string[] = [];
  for (const name of list.split(",").map((item) => item.trim()).filter(Boolean)) {
    const type = findElementType(name);
    if (type) types.push(type);
    else unknown.push(name);
  }
  return { types, unknown };
}

/**
 * `/data/search/elements/{type}`: FIELD_ID, HEADER, SUMMARY, TYPE, REQUIRES_VALUE, DESC,
 * ELEMENT_NAME, SRC, as XNAT's SearchFieldListResource writes them: SUMMARY is the display
 * field's schema element (`nt:scores/NEO/NEOFAC_A`), DESC its description, REQUIRES_VALUE
 * "false" (true only for SQL-query fields, which the demo has none of). Only fields marked
 * searchable are listed (PROJECTS and LABEL of experiments, SUBJECT_ID and SUBJECT_LABEL of
 * subjects are not, though searches accept them). Then one `<project identifier>=<project>` row
 * per readable project (SRC 2: HEADER the project, SUMMARY and DESC "Label within the P project.").
 */
export function listFields(catalog: Catalog, types: ElementType[]): Table {
  const rows: string[][] = [];
  for (const type of types) {
    for (const field of type.fields) {
      if (field.requiresValue || !field.searchable) continue;
      rows.push([field.id, field.header, field.schemaPath, field.type, "false", field.description, type.name, "0"]);
    }
    const labelField = type.fields.find((field) => field.requiresValue);
    if (labelField) {
      for (const project of catalog.projects) {
        const description = `Label within the ${project.id} project.`;
        rows.push([`${labelField.id}=${project.id}`, project.id, description, "string", "false", description, type.name, "2"]);
      }
    }
  }
  return {
    columns: ["FIELD_ID", "HEADER", "SUMMARY", "TYPE", "REQUIRES_VALUE", "DESC", "ELEMENT_NAME", "SRC"],
    rows,
    meta: { title: "Search Fields", element_name: types.map((type) => type.name).join(",") },
  };
}
