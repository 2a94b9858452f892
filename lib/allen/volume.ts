import { InvalidArgumentError } from "../errors.js";
import type { Volume } from "./mhd.js";
import { checkArgument, checkOptions, type Rule } from "../core/validate.js";

const hasVoxels = (v: unknown) => typeof v === "object" && v !== null && ArrayBuffer.isView((v as Volume).data);
/** A volume as `readVolume` returns it: three positive dims and a typed array of their product's length. */
const volumeRule: Rule = {
  describe: "a volume from readVolume() (dims and data)",
  test: (v) => {
    if (!hasVoxels(v)) return false;
    const dims = (v as Volume).dims;
    return Array.isArray(dims) && dims.length === 3 && dims.every((d) => Number.isSafeInteger(d) && d > 0) && dims[0] * dims[1] * dims[2] === (v as Volume).data.length;
  },
};
const voxelsRule: Rule = { describe: "a volume from readVolume() (with its data)", test: hasVoxels };
const noDataRule: Rule = { describe: 'null or "keep"', test: (v) => v === null || v === "keep" };
/** The value Allen grid files use for voxels without data. */
export const NO_DATA = -1;

/**
 * Axis to cut across: `x`/`coronal` (fixes the anterior-posterior index; rows y, columns z),
 * `y`/`horizontal` (rows z, columns x), `z`/`sagittal` (rows y, columns x).
 */
export type SliceAxis = "x" | "y" | "z" | "coronal" | "horizontal" | "sagittal";

/** Options of {@link slice}. */
export interface SliceOptions {
  /** Value used for no-data voxels (`-1`): `null` (the default; plotly leaves them blank), or keep them with `"keep"`. */
  noData?: null | "keep";
}

/** Summary of the voxels that hold data. */
export interface ValueRange {
  min: number;
  max: number;
  /** Voxels that hold data. */
  count: number;
  /** Voxels equal to -1. */
  noDataCount: number;
}

/**
 * A 2-D cut through a volume as rows of numbers (`slice[row][column]`), ready for a heatmap.
 * No-data voxels (`-1`) become `null` unless `noData: "keep"`.
 */
export function slice(volume: Pick<Volume, "dims" | "data">, axis: SliceAxis, index: number, options: SliceOptions = {}): (number | null)[][] {
  checkArgument(volume, volumeRule, "volume", "slice()");
  checkOptions(options, "slice()", { noData: noDataRule });
  const [nx, ny, nz] = volume.dims;
  const a = axisLetter(axis);
  const size = a === "x" ? nx : a === "y" ? ny : nz;
  if (!Number.isInteger(index) || index < 0 || index >= size) throw new InvalidArgumentError(`slice index ${index} is outside 0..${size - 1} along ${a}`);
  const keep = options.noData === "keep";
  const at = (x: number, y: number, z: number) => {
    const v = volume.data[x + nx * (y + ny * z)];
    return !keep && v === NO_DATA ? null : v;
  };
  const out: (number | null)[][] = [];
  if (a === "x") for (let y = 0; y < ny; y++) out.push(Array.from({ length: nz }, (_, z) => at(index, y, z)));
  else if (a === "y") for (let z = 0; z < nz; z++) out.push(Array.from({ length: nx }, (_, x) => at(x, index, z)));
  else for (let y = 0; y < ny; y++) out.push(Array.from({ length: nx }, (_, x) => at(x, y, index)));
  return out;
}

/** Minimum and maximum over the voxels that hold data (ignoring `-1`), with counts. */
export function valueRange(volume: Pick<Volume, "data">): ValueRange {
  checkArgument(volume, voxelsRule, "volume", "valueRange()");
  let min = Infinity;
  let max = -Infinity;
  let count = 0;
  let noDataCount = 0;
  for (const v of volume.data) {
    if (v === NO_DATA) {
      noDataCount++;
      continue;
    }
    if (v < min) min = v;
    if (v > max) max = v;
    count++;
  }
  return count === 0 ? { min: NaN, max: NaN, count, noDataCount } : { min, max, count, noDataCount };
}

/** A float copy of the voxels with `-1` replaced by NaN, so sums and means skip them. */
export function maskNoData(volume: Pick<Volume, "data">): Float64Array {
  checkArgument(volume, voxelsRule, "volume", "maskNoData()");
  const out = new Float64Array(volume.data.length);
  for (let i = 0; i < out.length; i++) out[i] = volume.data[i] === NO_DATA ? NaN : volume.data[i];
  return out;
}

/** True for each voxel that holds data (not `-1`). */
export function hasData(volume: Pick<Volume, "data">): Uint8Array {
  const out = new Uint8Array(volume.data.length);
  for (let i = 0; i < out.length; i++) out[i] = volume.data[i] === NO_DATA ? 0 : 1;
  return out;
}

function axisLetter(axis: SliceAxis): "x" | "y" | "z" {
  switch (axis) {
    case "x":
    case "coronal":
      return "x";
    case "y":
    case "horizontal":
      return "y";
    case "z":
    case "sagittal":
      return "z";
    default:
      throw new InvalidArgumentError(`unknown slice axis ${JSON.stringify(axis)}`, "use x/coronal, y/horizontal or z/sagittal");
  }
}

/** Expression summarised over the voxels of one structure label. */
export interface StructureSummary {
  structureId: number;
  /** Voxels carrying this label. */
  voxels: number;
  /** Of those, voxels holding data (not -1). */
  voxelsWithData: number;
  /** Sum and mean of the values over the voxels with data (mean NaN when none). */
  sum: number;
  mean: number;
}

/**
 * Summarises a grid (e.g. expression energy) per structure of an annotation volume of the same
 * dims (each voxel holds the id of the finest structure it belongs to; 0 is outside the brain).
 * Voxels at -1 are left out of sums and means, as the Allen unionization does. Sorted by
 * structure id.
 */
export function unionize(values: Pick<Volume, "dims" | "data">, annotation: Pick<Volume, "dims" | "data">): StructureSummary[] {
  checkArgument(values, volumeRule, "volume", "unionize()");
  checkArgument(annotation, volumeRule, "annotation", "unionize()");
  if (values.dims.join("x") !== annotation.dims.join("x")) {
    throw new InvalidArgumentError(`the volume (${values.dims.join(" x ")}) and the annotation (${annotation.dims.join(" x ")}) differ in size`, "use the annotation of the same grid (gridAnnotation for 200 µm expression grids)");
  }
  const byId = new Map<number, StructureSummary>();
  for (let i = 0; i < annotation.data.length; i++) {
    const id = annotation.data[i];
    if (id === 0) continue;
    let summary = byId.get(id);
    if (!summary) byId.set(id, (summary = { structureId: id, voxels: 0, voxelsWithData: 0, sum: 0, mean: NaN }));
    summary.voxels++;
    const v = values.data[i];
    if (v === NO_DATA) continue;
    summary.voxelsWithData++;
    summary.sum += v;
  }
  const out = [...byId.values()].sort((a, b) => a.structureId - b.structureId);
  for (const s of out) s.mean = s.voxelsWithData ? s.sum / s.voxelsWithData : NaN;
  return out;
}
