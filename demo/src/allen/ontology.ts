import { seededRandom } from "../prng.js";

/** A Structure row as the RMA answers it (graph 1, the adult mouse ontology). */
export interface StructureRecord {
  id: number;
  acronym: string;
  name: string;
  safe_name: string;
  graph_id: number;
  graph_order: number;
  ontology_id: number;
  parent_structure_id: number | null;
  structure_id_path: string;
  color_hex_triplet: string;
  depth: number;
  st_level: number | null;
  hemisphere_id: number;
  [key: string]: unknown;
}

interface Node {
  id: number;
  acronym: string;
  name: string;
  children: Node[];
}

/** The real top of the Allen mouse ontology (ids and acronyms as published). */
const SKELETON: [number, string, string, number | null][] = [
  [997, "root", "root", null],
  [8, "grey", "Basic cell groups and regions", 997],
  [567, "CH", "Cerebrum", 8],
  [688, "CTX", "Cerebral cortex", 567],
  [695, "CTXpl", "Cortical plate", 688],
  [315, "Isocortex", "Isocortex", 695],
  [698, "OLF", "Olfactory areas", 695],
  [1089, "HPF", "Hippocampal formation", 695],
  [703, "CTXsp", "Cortical subplate", 688],
  [623, "CNU", "Cerebral nuclei", 567],
  [477, "STR", "Striatum", 623],
  [803, "PAL", "Pallidum", 623],
  [343, "BS", "Brain stem", 8],
  [1129, "IB", "Interbrain", 343],
  [549, "TH", "Thalamus", 1129],
  [1097, "HY", "Hypothalamus", 1129],
  [313, "MB", "Midbrain", 343],
  [1065, "HB", "Hindbrain", 343],
  [771, "P", "Pons", 1065],
  [354, "MY", "Medulla", 1065],
  [512, "CB", "Cerebellum", 8],
  [528, "CBX", "Cerebellar cortex", 512],
  [519, "CBN", "Cerebellar nuclei", 512],
  [1009, "fiber tracts", "fiber tracts", 997],
  [73, "VS", "ventricular systems", 997],
  [1024, "grv", "grooves", 997],
];

/** Regions that get synthetic subdivisions (areas, then layers or parts). */
const EXPANDED = [315, 698, 1089, 703, 477, 803, 549, 1097, 313, 771, 354, 528, 519, 1009, 73];
const LAYERS = ["1", "2/3", "4", "5", "6a", "6b"];

/**
 * A deterministic ontology of a few thousand structures: the real top levels of the Allen
 * mouse ontology, with synthetic subdivisions below them (named "<parent> area N" and layers),
 * so that paging a Structure query takes several pages.
 */
export function buildOntology(target = 2600): StructureRecord[] {
  const random = seededRandom(1);
  const used = new Set<number>(SKELETON.map(([id]) => id));
  const freshId = () => {
    for (;;) {
      const id = 1000 + Math.floor(random() * 600_000_000);
      if (!used.has(id)) {
        used.add(id);
        return id;
      }
    }
  };
  const nodes = new Map<number, Node>();
  for (const [id, acronym, name, parent] of SKELETON) {
    const node: Node = { id, acronym, name, children: [] };
    nodes.set(id, node);
    if (parent !== null) nodes.get(parent)!.children.push(node);
  }
  let count = SKELETON.length;
  const perRegion = Math.floor((target - count) / EXPANDED.length);
  for (const regionId of EXPANDED) {
    const region = nodes.get(regionId)!;
    const layered = regionId === 315 || regionId === 698 || regionId === 1089 || regionId === 528;
    let made = 0;
    for (let area = 1; made < perRegion; area++) {
      const child: Node = { id: freshId(), acronym: `${region.acronym.replace(/\s+/g, "")}${area}`, name: `${region.name} area ${area}`, children: [] };
      region.children.push(child);
      made++;
      const parts = layered ? LAYERS.map((l) => ({ suffix: l, label: `layer ${l}` })) : ["d", "v", "m", "l"].slice(0, 1 + Math.floor(random() * 4)).map((p) => ({ suffix: p, label: { d: "dorsal part", v: "ventral part", m: "medial part", l: "lateral part" }[p]! }));
      for (const part of parts) {
        if (made >= perRegion) break;
        child.children.push({ id: freshId(), acronym: `${child.acronym}${part.suffix}`, name: `${child.name}, ${part.label}`, children: [] });
        made++;
      }
    }
    count += made;
  }
  const out: StructureRecord[] = [];
  const colour = seededRandom(2);
  const visit = (node: Node, parent: number | null, pathIds: number[]) => {
    const ids = [...pathIds, node.id];
    const rgb = [0, 0, 0].map(() => Math.floor(40 + colour() * 200));
    out.push({
      id: node.id,
      acronym: node.acronym,
      name: node.name,
      safe_name: node.name,
      graph_id: 1,
      graph_order: out.length,
      ontology_id: 1,
      parent_structure_id: parent,
      structure_id_path: `/${ids.join("/")}/`,
      color_hex_triplet: rgb.map((c) => c.toString(16).padStart(2, "0").toUpperCase()).join(""),
      depth: ids.length - 1,
      st_level: null,
      hemisphere_id: 3,
    });
    for (const child of node.children) visit(child, node.id, ids);
  };
  visit(nodes.get(997)!, null, []);
  return out;
}
