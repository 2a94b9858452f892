import { GRID_DIMS, REGIONS, RegionName, regionMap, voxelIndex } from "./anatomy.js";
import { seededRandom } from "../prng.js";

const LATERAL: Partial<Record<RegionName, number>> = { HPF: 9, STR: 8, PAL: 5, Isocortex: 14, OLF: 4, CB: 8 };
const MID_Z = (GRID_DIMS[2] - 1) / 2;
let regions: (RegionName | undefined)[] | undefined;
const labels = () => (regions ??= regionMap());

/** Fraction of a region's tissue that can express (few cell bodies in fibre tracts and ventricles). */
const CELL_DENSITY: Record<RegionName, number> = {
  OLF: 1, Isocortex: 1, HPF: 1, STR: 1, PAL: 0.8, TH: 1, HY: 1, MB: 0.9, P: 0.8, MY: 0.8, CB: 1, fiberTracts: 0.3, VS: 0.05,
};

/** How a data set was cut: sagittal sets cover one hemisphere, coronal sets both. */
export type Plane = "sagittal" | "coronal";

/**
 * An expression-energy grid (float32, -1 where there is no data): a smooth sum of blobs
 * centred on a few regions, with amplitudes drawn from a PRNG seeded by the data set id.
 * Sagittal sets hold data in the left hemisphere only (z above the midline in space 10) and
 * miss a couple of sections, as real ones do.
 */
export function energyVolume(dataSetId: number, plane: Plane): Float32Array {
  const random = seededRandom(dataSetId);
  const names = Object.keys(REGIONS) as RegionName[];
  const blobs = names.map((name) => ({
    centre: REGIONS[name].centre,
    lateral: LATERAL[name] ?? 0,
    amplitude: random() < 0.35 ? 2 + random() * 10 : random() * 1.5,
    width: 3 + random() * 5,
  }));
  const baseline = 0.2 + random() * 0.6;
  const [nx, ny, nz] = GRID_DIMS;
  const missing = new Set<number>();
  if (plane === "sagittal") while (missing.size < 2) missing.add(Math.ceil(MID_Z) + 3 + Math.floor(random() * 20));
  const map = labels();
  const out = new Float32Array(nx * ny * nz).fill(-1);
  for (let z = 0; z < nz; z++) {
    if (plane === "sagittal" && (z < MID_Z || missing.has(z))) continue;
    const lr = Math.abs(z - MID_Z);
    for (let y = 0; y < ny; y++) {
      for (let x = 0; x < nx; x++) {
        const i = voxelIndex(x, y, z);
        const region = map[i];
        if (region === undefined) continue;
        let value = baseline;
        for (const blob of blobs) {
          const d2 = (x - blob.centre[0]) ** 2 + (y - blob.centre[1]) ** 2 + (lr - blob.lateral) ** 2;
          value += blob.amplitude * Math.exp(-d2 / (2 * blob.width ** 2));
        }
        out[i] = Math.round(value * CELL_DENSITY[region] * 1e4) / 1e4;
      }
    }
  }
  return out;
}

/** Expression density (0..1) derived from an energy grid, -1 kept. */
export function densityFrom(energy: Float32Array): Float32Array {
  let max = 0;
  for (const v of energy) if (v > max) max = v;
  return energy.map((v) => (v === -1 ? -1 : Math.round((v / (max || 1)) * 1e4) / 1e4));
}

/** Expression intensity derived from an energy grid, -1 kept. */
export function intensityFrom(energy: Float32Array): Float32Array {
  return energy.map((v) => (v === -1 ? -1 : Math.round((40 + v * 12) * 100) / 100));
}

const NISSL: Record<RegionName, number> = {
  OLF: 190, Isocortex: 170, HPF: 210, STR: 140, PAL: 120, TH: 150, HY: 160, MB: 135, P: 125, MY: 130, CB: 220, fiberTracts: 60, VS: 15,
};

/**
 * A Nissl-like atlas volume (uint8; 0 outside the brain) on the grid: stain intensity by region,
 * plus a little deterministic texture. `mirror` flips left and right (reference space 9 vs 10).
 */
export function atlasVolume(mirror = false): Uint8Array {
  const random = seededRandom(10);
  const [nx, ny, nz] = GRID_DIMS;
  const map = labels();
  const out = new Uint8Array(nx * ny * nz);
  for (let z = 0; z < nz; z++) for (let y = 0; y < ny; y++) for (let x = 0; x < nx; x++) {
    const region = map[voxelIndex(x, y, mirror ? nz - 1 - z : z)];
    const texture = Math.round((random() - 0.5) * 16);
    out[voxelIndex(x, y, z)] = region === undefined ? 0 : Math.max(1, Math.min(255, NISSL[region] + texture));
  }
  return out;
}

/** The structure id of every voxel (uint32, 0 outside the brain). */
export function annotationVolume(mirror = false): Uint32Array {
  const [nx, ny, nz] = GRID_DIMS;
  const map = labels();
  const out = new Uint32Array(nx * ny * nz);
  for (let z = 0; z < nz; z++) for (let y = 0; y < ny; y++) for (let x = 0; x < nx; x++) {
    const region = map[voxelIndex(x, y, mirror ? nz - 1 - z : z)];
    out[voxelIndex(x, y, z)] = region === undefined ? 0 : REGIONS[region].id;
  }
  return out;
}
