import { createZip, ZipInput } from "../zip.js";
import { GRID_DIMS, GRID_SPACING } from "./anatomy.js";
import { DATA_SETS, DataSetSpec, specimenIdOf, WELL_KNOWN_FILES } from "./catalog.js";
import { littleEndianBytes, metaImageHeader } from "./metaimage.js";
import { seededRandom } from "../prng.js";
import { annotationVolume, atlasVolume, densityFrom, energyVolume, intensityFrom } from "./volumes.js";

/** Grid volumes the grid_data service can put into its zip. */
export const GRID_VOLUMES = ["energy", "density", "intensity"] as const;
export type GridVolume = (typeof GRID_VOLUMES)[number];

/** Builds (once, then from the cache) the zips the demo serves. Deterministic. */
export class ArchiveCache {
  private readonly zips = new Map<string, Buffer>();

  /** The grid zip of a data set: `data_set.xml` plus energy (default) or the requested volumes; undefined for unknown ids. */
  grid(dataSetId: number, include?: readonly GridVolume[]): Buffer | undefined {
    const set = DATA_SETS.find((s) => s.id === dataSetId);
    if (!set) return undefined;
    const volumes = include?.length ? [...new Set(include)] : (["energy"] as GridVolume[]);
    return this.cached(`grid:${dataSetId}:${include?.length ? volumes.join(",") : "default"}`, () => {
      const energy = energyVolume(set.id, set.plane);
      const data: Record<GridVolume, () => Float32Array> = { energy: () => energy, density: () => densityFrom(energy), intensity: () => intensityFrom(energy) };
      const entries: ZipInput[] = include?.length ? [] : [{ name: "data_set.xml", data: Buffer.from(dataSetXml(set)) }];
      // Each volume's .raw before its .mhd, the order of the recorded real zip (data_set.xml, energy.raw, energy.mhd).
      for (const volume of volumes) {
        entries.push({ name: `${volume}.raw`, data: littleEndianBytes(data[volume]()) });
        entries.push({ name: `${volume}.mhd`, data: Buffer.from(metaImageHeader({ dims: GRID_DIMS, spacing: GRID_SPACING, elementType: "MET_FLOAT", dataFile: `${volume}.raw` })) });
      }
      return createZip(entries);
    });
  }

  /** The zip behind a well-known file id (atlasVolume or gridAnnotation); undefined for unknown ids. */
  wellKnownFile(id: number): { fileName: string; zip: Buffer } | undefined {
    const spec = WELL_KNOWN_FILES.find((f) => f.id === id);
    if (!spec) return undefined;
    const mirror = spec.referenceSpaceId === 9;
    const zip = this.cached(`wkf:${id}`, () => {
      const folder = spec.kind;
      const [type, values] = spec.kind === "atlasVolume" ? ["MET_UCHAR", atlasVolume(mirror)] as const : ["MET_UINT", annotationVolume(mirror)] as const;
      return createZip([
        { name: `${folder}/${folder}.mhd`, data: Buffer.from(metaImageHeader({ dims: GRID_DIMS, spacing: GRID_SPACING, elementType: type, dataFile: `${folder}.raw` })) },
        { name: `${folder}/${folder}.raw`, data: littleEndianBytes(values) },
      ]);
    });
    return { fileName: spec.fileName, zip };
  }

  private cached(key: string, build: () => Buffer): Buffer {
    let zip = this.zips.get(key);
    if (!zip) {
      zip = build();
      this.zips.set(key, zip);
    }
    return zip;
  }
}

/** The data set's metadata in the layout of the real `data_set.xml` (hyphenated names). */
export function dataSetXml(set: DataSetSpec): string {
  const random = seededRandom(set.id + 1);
  const numbers = (n: number) => Array.from({ length: n }, () => (random() * 2 - 1).toFixed(6)).join(" ");
  const sections = Array.from({ length: set.plane === "sagittal" ? 20 : 56 }, (_, i) => {
    const id = set.id + 1000 + i;
    return [
      "    <section-image>",
      `      <id type="integer">${id}</id>`,
      `      <section-number type="integer">${1 + i * (set.plane === "sagittal" ? 8 : 4)}</section-number>`,
      `      <width type="integer">${13000 + Math.floor(random() * 3000)}</width>`,
      `      <height type="integer">${8000 + Math.floor(random() * 2000)}</height>`,
      "      <resolution type=\"float\">1.049</resolution>",
      `      <alignment2d><tvs>${numbers(6)}</tvs><tsv>${numbers(6)}</tsv></alignment2d>`,
      "    </section-image>",
    ].join("\n");
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    "<section-data-set>",
    `  <id type="integer">${set.id}</id>`,
    '  <failed type="boolean">false</failed>',
    '  <expression type="boolean">true</expression>',
    `  <reference-space-id type="integer">${set.referenceSpaceId}</reference-space-id>`,
    '  <section-thickness type="float">25.0</section-thickness>',
    `  <specimen-id type="integer">${specimenIdOf(set)}</specimen-id>`,
    '  <qc-date type="datetime">2009-03-12T00:00:00Z</qc-date>',
    "  <products type=\"array\">",
    '    <product><id type="integer">1</id><name>Mouse Brain</name><abbreviation>Mouse</abbreviation></product>',
    "  </products>",
    "  <specimen>",
    '    <donor><strain>C57BL/6J</strain><sex>M</sex><age-id type="integer">15</age-id><transgenic-mouse nil="true"/></donor>',
    "  </specimen>",
    `  <alignment3d><trv>${numbers(12)}</trv><tvr>${numbers(12)}</tvr></alignment3d>`,
    '  <section-images type="array">',
    ...sections,
    "  </section-images>",
    "</section-data-set>",
    "",
  ].join("\n");
}
