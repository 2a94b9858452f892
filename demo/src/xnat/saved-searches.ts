/** Stored searches (`/data/search/saved[/{id}[/results]]`): pyxnat's `manage.search` save/saved/get/delete. */
import { ELEMENT_TYPES, findElementType } from "./fields.js";
import type { SearchSpec } from "./search-document.js";
import { escapeXml, Table } from "./table.js";

interface StoredSearch {
  id: string;
  xml: string;
  spec: SearchSpec;
  owner: string;
}

/** The stored searches of the demo site, in creation order. */
export class SavedSearches {
  private readonly searches = new Map<string, StoredSearch>();

  /** Creates or replaces search `id`; the stored bundle's ID attribute becomes `id`, as XNAT forces it. */
  put(id: string, xml: string, spec: SearchSpec, owner: string): void {
    this.searches.set(id, { id, xml: withBundleId(xml, id), spec, owner });
  }

  get(id: string): StoredSearch | undefined {
    return this.searches.get(id);
  }

  delete(id: string): boolean {
    return this.searches.delete(id);
  }

  /** `GET /data/search/saved`: id, brief_description, description, root_element_name, secure, users. */
  list(): Table {
    return {
      columns: ["id", "brief_description", "description", "root_element_name", "secure", "users"],
      rows: [...this.searches.values()].map((search) => [
        search.id,
        search.spec.briefDescription,
        search.spec.description,
        search.spec.rootElement,
        "0",
        search.spec.allowedUsers.join(","),
      ]),
      meta: { title: "Stored Searches", totalRecords: this.searches.size },
    };
  }
}

/** Sets the `ID` attribute of the document's root element. */
function withBundleId(xml: string, id: string): string {
  return xml.replace(/<((?:[\w.-]+:)?(?:bundle|stored_search))\b([^>]*?)(\/?)>/, (_, name: string, attributes: string, close: string) => {
    const rest = attributes.replace(/\sID\s*=\s*("[^"]*"|'[^']*')/, "");
    return `<${name} ID="${escapeXml(id)}"${rest}${close}>`;
  });
}

/** The default listing search XNAT synthesises for `@<type>` ids: the type's first display fields, no criteria. */
export function defaultSearchXml(typeName: string): string | undefined {
  const type = findElementType(typeName) ?? ELEMENT_TYPES.find((candidate) => candidate.name === typeName);
  if (!type) return undefined;
  const fields = type.fields.filter((field) => !field.requiresValue).slice(0, 6);
  const searchFields = fields
    .map(
      (field, index) =>
        `<xdat:search_field><xdat:element_name>${type.name}</xdat:element_name><xdat:field_ID>${field.id}</xdat:field_ID>` +
        `<xdat:sequence>${index}</xdat:sequence><xdat:type>${field.type}</xdat:type><xdat:header>${escapeXml(field.header)}</xdat:header></xdat:search_field>`,
    )
    .join("");
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<xdat:bundle ID="@${type.name}" brief-description="${escapeXml(type.plural)}" description="" ` +
    `allow-diff-columns="0" secure="false" xmlns:xdat="http://nrg.wustl.edu/security" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">` +
    `<xdat:root_element_name>${type.name}</xdat:root_element_name>${searchFields}</xdat:bundle>\n`
  );
}
