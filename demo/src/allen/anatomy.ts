/**
 * A brain-shaped synthetic anatomy on the 200 micron expression grid (67 x 41 x 58; x anterior
 * to posterior, y superior to inferior, z across the hemispheres), labelled with real Allen
 * structure ids of the major regions.
 */
export const GRID_DIMS: readonly [number, number, number] = [67, 41, 58];
export const GRID_SPACING = 200;
const MID_Z = (GRID_DIMS[2] - 1) / 2;

/** Major regions used in the volumes: id, acronym, a centre (grid units) for smooth patterns. */
export const REGIONS = {
  OLF: { id: 698, centre: [8, 22, MID_Z] },
  Isocortex: { id: 315, centre: [26, 8, MID_Z] },
  HPF: { id: 1089, centre: [36, 13, MID_Z] },
  STR: { id: 477, centre: [21, 20, MID_Z] },
  PAL: { id: 803, centre: [25, 26, MID_Z] },
  TH: { id: 549, centre: [34, 21, MID_Z] },
  HY: { id: 1097, centre: [31, 30, MID_Z] },
  MB: { id: 313, centre: [42, 21, MID_Z] },
  P: { id: 771, centre: [47, 29, MID_Z] },
  MY: { id: 354, centre: [55, 28, MID_Z] },
  CB: { id: 512, centre: [53, 15, MID_Z] },
  fiberTracts: { id: 1009, centre: [28, 16, MID_Z] },
  VS: { id: 73, centre: [28, 18, MID_Z] },
} as const;

export type RegionName = keyof typeof REGIONS;

const inside = (x: number, y: number, z: number, c: readonly number[], r: readonly number[]) =>
  ((x - c[0]) / r[0]) ** 2 + ((y - c[1]) / r[1]) ** 2 + ((z - c[2]) / r[2]) ** 2 <= 1;

/** The region at a voxel, or undefined outside the brain. */
export function regionAt(x: number, y: number, z: number): RegionName | undefined {
  const lr = Math.abs(z - MID_Z);
  const cerebrum = inside(x, y, z, [29, 17, MID_Z], [21, 14, 24]);
  const bulb = inside(x, y, lr, [7, 21, 4.5], [7, 6, 4.5]);
  const cerebellum = inside(x, y, z, [53, 16, MID_Z], [9, 11, 19]);
  const stem = inside(x, y, z, [48, 28, MID_Z], [16, 8, 9]);
  if (!cerebrum && !bulb && !cerebellum && !stem) return undefined;
  if (bulb && !cerebrum) return "OLF";
  if (cerebellum && !stem && x > 45) return "CB";
  if (!cerebrum) return x > 51 ? "MY" : x > 43 ? "P" : "MB";
  if (lr < 2.2 && inside(x, y, lr, [28, 18, 0], [3, 3, 2.2])) return "VS";
  const shell = ((x - 29) / 21) ** 2 + ((y - 17) / 14) ** 2 + ((z - MID_Z) / 24) ** 2;
  if (shell > 0.62 && y < 24) return x < 12 ? "OLF" : "Isocortex";
  if (shell > 0.52 && y < 22) return "fiberTracts";
  if (inside(x, y, lr, [36, 13, 9], [7, 4, 7])) return "HPF";
  if (inside(x, y, lr, [21, 20, 8], [7, 6, 7])) return "STR";
  if (inside(x, y, lr, [25, 26, 5], [4, 3, 5])) return "PAL";
  if (inside(x, y, lr, [31, 30, 0], [5, 4, 4])) return "HY";
  if (inside(x, y, lr, [34, 21, 0], [6, 5, 7])) return "TH";
  if (x > 39) return "MB";
  return y > 24 ? "HY" : x < 26 ? "STR" : "TH";
}

/** Linear index of a voxel: x fastest, as in the .raw files. */
export const voxelIndex = (x: number, y: number, z: number): number => x + GRID_DIMS[0] * (y + GRID_DIMS[1] * z);

/** The region label of every voxel (undefined outside the brain), computed once. */
export function regionMap(): (RegionName | undefined)[] {
  const [nx, ny, nz] = GRID_DIMS;
  const out: (RegionName | undefined)[] = new Array(nx * ny * nz);
  for (let z = 0; z < nz; z++) for (let y = 0; y < ny; y++) for (let x = 0; x < nx; x++) out[voxelIndex(x, y, z)] = regionAt(x, y, z);
  return out;
}
