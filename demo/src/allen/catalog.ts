import { buildOntology } from "./ontology.js";
import type { Plane } from "./volumes.js";

/** A record of one model, with its associations kept apart until `include` asks for them. */
export interface CatalogRecord {
  fields: Record<string, unknown>;
  associations: Record<string, Record<string, unknown>[]>;
}

/** What a well-known file id serves. */
export interface WellKnownFileSpec {
  id: number;
  kind: "atlasVolume" | "gridAnnotation";
  referenceSpaceId: number;
  fileName: string;
}

/** A SectionDataSet the demo knows, with the plane used to shape its grid. */
export interface DataSetSpec {
  id: number;
  plane: Plane;
  referenceSpaceId: number;
  gene: { id: number; acronym: string; name: string };
}

/**
 * The data sets served. 69855739 is the seed's default; its gene and plane are not in public
 * material, so the gene here is a labelled placeholder and the plane is the sagittal one that
 * reference space 10 implies. The others are synthetic.
 */
export const DATA_SETS: readonly DataSetSpec[] = [
  { id: 69855739, plane: "sagittal", referenceSpaceId: 10, gene: { id: 900001, acronym: "Placeholder1", name: "placeholder gene (the real gene of data set 69855739 is not documented publicly)" } },
  { id: 70813257, plane: "sagittal", referenceSpaceId: 10, gene: { id: 900002, acronym: "Placeholder2", name: "placeholder gene (synthetic demo data)" } },
  { id: 100000101, plane: "coronal", referenceSpaceId: 9, gene: { id: 900003, acronym: "Demo3", name: "synthetic demo gene 3" } },
  { id: 100000102, plane: "coronal", referenceSpaceId: 9, gene: { id: 900004, acronym: "Demo4", name: "synthetic demo gene 4" } },
];

/** Well-known files of reference spaces 9 and 10 (ids invented for the demo). */
export const WELL_KNOWN_FILES: readonly WellKnownFileSpec[] = [
  { id: 1_010_001, kind: "atlasVolume", referenceSpaceId: 10, fileName: "atlasVolume.zip" },
  { id: 1_010_002, kind: "gridAnnotation", referenceSpaceId: 10, fileName: "gridAnnotation.zip" },
  { id: 1_009_001, kind: "atlasVolume", referenceSpaceId: 9, fileName: "atlasVolume.zip" },
  { id: 1_009_002, kind: "gridAnnotation", referenceSpaceId: 9, fileName: "gridAnnotation.zip" },
];

/** The (synthetic) specimen id of a data set, the same in the RMA record and in data_set.xml. */
export const specimenIdOf = (set: DataSetSpec): number => set.id - 1234;

const PLANES = { coronal: { id: 1, name: "coronal" }, sagittal: { id: 2, name: "sagittal" } };

/** All records by model name, built once. */
export function buildCatalog(): Map<string, CatalogRecord[]> {
  const wellKnown = (spaceId: number) =>
    WELL_KNOWN_FILES.filter((f) => f.referenceSpaceId === spaceId).map((f) => ({
      id: f.id,
      path: `/external/mouse/reference_space_${spaceId}/${f.fileName}`,
      download_link: `/api/v2/well_known_file_download/${f.id}`,
      attachable_id: spaceId,
      attachable_type: "ReferenceSpace",
      well_known_file_type_id: f.kind === "atlasVolume" ? 1 : 2,
    }));
  const catalog = new Map<string, CatalogRecord[]>();
  catalog.set("ReferenceSpace", [
    { fields: { id: 9, name: "P56 Brain", age_id: 15, organism_id: 2 }, associations: { well_known_files: wellKnown(9) } },
    { fields: { id: 10, name: "P56 Brain, L/R Flipped", age_id: 15, organism_id: 2 }, associations: { well_known_files: wellKnown(10) } },
  ]);
  catalog.set(
    "WellKnownFile",
    [...wellKnown(9), ...wellKnown(10)].map((fields) => ({ fields, associations: {} })),
  );
  catalog.set(
    "SectionDataSet",
    DATA_SETS.map((set) => ({
      fields: {
        id: set.id,
        failed: false,
        expression: true,
        reference_space_id: set.referenceSpaceId,
        plane_of_section_id: PLANES[set.plane].id,
        section_thickness: 25.0,
        specimen_id: specimenIdOf(set),
        qc_date: "2009-03-12T00:00:00Z",
      },
      associations: {
        genes: [{ id: set.gene.id, acronym: set.gene.acronym, name: set.gene.name, organism_id: 2 }],
        plane_of_section: [PLANES[set.plane]],
        products: [{ id: 1, name: "Mouse Brain", abbreviation: "Mouse" }],
      },
    })),
  );
  catalog.set("Gene", DATA_SETS.map((set) => ({ fields: { ...set.gene, organism_id: 2 }, associations: {} })));
  catalog.set("Structure", buildOntology().map((fields) => ({ fields, associations: {} })));
  return catalog;
}
