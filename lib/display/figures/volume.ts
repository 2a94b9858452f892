import { InvalidArgumentError } from "../../errors.js";
import { compact, type Figure, type Layout, type Trace } from "./figure.js";
import { round } from "./statistics.js";

/**
 * A 3-D volume as the library reads it from MetaImage files: `dims` voxels per axis, `spacing`
 * per axis (e.g. microns) and the voxel values with x fastest (`i = x + nx·(y + ny·z)`).
 * In the Allen CCF grids x runs anterior→posterior, y superior→inferior, z left→right.
 */
export interface VolumeLike {
  dims: readonly [number, number, number] | number[];
  spacing: readonly [number, number, number] | number[];
  data: ArrayLike<number>;
}

/** Volume axis: 0/"x", 1/"y" or 2/"z". */
export type VolumeAxis = 0 | 1 | 2 | "x" | "y" | "z";

/** Options of `volumeSlice`. */
export interface VolumeSliceOptions {
  title?: string;
  /** The value that marks voxels without data, drawn as gaps (default -1; null keeps all values). */
  noData?: number | null;
  colorscale?: string | [number, string][];
  zmin?: number;
  zmax?: number;
  colorbarTitle?: string;
  /** Unit of `spacing`, used in axis titles (default "µm"). */
  unit?: string;
  /** Axis names used in titles (default x, y, z). */
  axisNames?: [string, string, string];
}

/** Options of `threeView`. */
export interface ThreeViewOptions extends VolumeSliceOptions {
  /** Names of the planes that fix x, y and z (default Allen CCF: coronal, axial, sagittal). */
  planeNames?: [string, string, string];
  /** Figure height in pixels (default 420). */
  height?: number;
}

const AXIS_LETTERS = ["x", "y", "z"] as const;

function axisNumber(axis: VolumeAxis): 0 | 1 | 2 {
  if (axis === 0 || axis === 1 || axis === 2) return axis;
  const position = AXIS_LETTERS.indexOf(axis as "x");
  if (position < 0) throw new InvalidArgumentError(`unknown volume axis ${JSON.stringify(axis)}`, 'use 0, 1, 2 or "x", "y", "z"');
  return position as 0 | 1 | 2;
}

function checkVolume(volume: VolumeLike): void {
  if (typeof volume !== "object" || volume === null || !Array.isArray(volume.dims) || !Array.isArray(volume.spacing) || typeof volume.data?.length !== "number") {
    throw new InvalidArgumentError("expected a volume (dims, spacing and data), as readVolume() returns it");
  }
  const { dims, spacing, data } = volume;
  if (dims.length !== 3 || dims.some((d) => !Number.isInteger(d) || d < 1)) throw new InvalidArgumentError(`volume dims must be three positive integers (got ${JSON.stringify(dims)})`);
  if (spacing.length !== 3 || spacing.some((s) => !(s > 0))) throw new InvalidArgumentError(`volume spacing must be three positive numbers (got ${JSON.stringify(spacing)})`);
  const expected = dims[0] * dims[1] * dims[2];
  if (data.length !== expected) {
    throw new InvalidArgumentError(`volume data holds ${data.length} values but dims ${dims.join(" × ")} need ${expected}`, "read the volume with its own .mhd header so dims and data match");
  }
}

/** Which volume axes run across (columns) and down (rows) a slice that fixes `axis`. */
function planeAxes(axis: 0 | 1 | 2): { across: 0 | 1 | 2; down: 0 | 1 | 2 } {
  if (axis === 0) return { across: 2, down: 1 };
  if (axis === 2) return { across: 0, down: 1 };
  return { across: 0, down: 2 };
}

interface Slice {
  z: (number | null)[][];
  across: number[];
  down: number[];
  acrossAxis: 0 | 1 | 2;
  downAxis: 0 | 1 | 2;
}

function extractSlice(volume: VolumeLike, axis: 0 | 1 | 2, index: number, noData: number | null): Slice {
  const { dims, spacing, data } = volume;
  if (!Number.isInteger(index) || index < 0 || index >= dims[axis]) {
    throw new InvalidArgumentError(`slice index ${index} is outside the volume's ${AXIS_LETTERS[axis]} axis (0..${dims[axis] - 1})`);
  }
  const { across, down } = planeAxes(axis);
  const stride = [1, dims[0], dims[0] * dims[1]];
  const z: (number | null)[][] = [];
  for (let r = 0; r < dims[down]; r++) {
    const row: (number | null)[] = [];
    for (let c = 0; c < dims[across]; c++) {
      const v = data[index * stride[axis] + r * stride[down] + c * stride[across]];
      row.push(!Number.isFinite(v) || (noData !== null && v === noData) ? null : v);
    }
    z.push(row);
  }
  const positions = (a: 0 | 1 | 2) => Array.from({ length: dims[a] }, (_, i) => round(i * spacing[a], 6));
  return { z, across: positions(across), down: positions(down), acrossAxis: across, downAxis: down };
}

function valueRange(volume: VolumeLike, noData: number | null): [number, number] {
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < volume.data.length; i++) {
    const v = volume.data[i];
    if (!Number.isFinite(v) || (noData !== null && v === noData)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo <= hi ? [lo, hi] : [0, 1];
}

/**
 * A heatmap of one slice through a volume, in physical units with the true aspect ratio
 * (from `spacing`), rows drawn top-down, and no-data voxels (-1 by default) as gaps.
 * Slicing x gives a coronal image (columns z, rows y), z a sagittal one (columns x, rows y),
 * y an axial one (columns x, rows z).
 */
export function volumeSlice(volume: VolumeLike, axis: VolumeAxis, index: number, options: VolumeSliceOptions = {}): Figure {
  checkVolume(volume);
  const fixed = axisNumber(axis);
  const noData = options.noData === undefined ? -1 : options.noData;
  const slice = extractSlice(volume, fixed, index, noData);
  const names = options.axisNames ?? ["x", "y", "z"];
  const unit = options.unit ?? "µm";
  return {
    data: [sliceTrace(slice, options, true)],
    layout: {
      title: { text: options.title ?? `${names[fixed]} = ${index}` },
      margin: { t: 48, r: 24, b: 56, l: 64 },
      xaxis: { title: { text: `${names[slice.acrossAxis]} (${unit})` }, constrain: "domain", showgrid: false, zeroline: false },
      yaxis: { title: { text: `${names[slice.downAxis]} (${unit})` }, scaleanchor: "x", scaleratio: 1, autorange: "reversed", constrain: "domain", showgrid: false, zeroline: false },
      plot_bgcolor: "#ffffff",
    },
  };
}

function sliceTrace(slice: Slice, options: VolumeSliceOptions, showscale: boolean, axes?: { x: string; y: string }): Trace {
  return compact({
    type: "heatmap",
    z: slice.z,
    x: slice.across,
    y: slice.down,
    xaxis: axes?.x,
    yaxis: axes?.y,
    colorscale: options.colorscale ?? "Viridis",
    zmin: options.zmin,
    zmax: options.zmax,
    showscale,
    colorbar: options.colorbarTitle === undefined ? undefined : { title: { text: options.colorbarTitle } },
    hoverongaps: false,
  });
}

/**
 * Three orthogonal slices through a volume in one figure, side by side: sagittal (fixed z),
 * coronal (fixed x) and axial (fixed y) by default, each with its true aspect ratio, both axes
 * titled in physical units, and one shared colour scale. Indexes default to the volume's centre.
 */
export function threeView(volume: VolumeLike, at: { x?: number; y?: number; z?: number } = {}, options: ThreeViewOptions = {}): Figure {
  checkVolume(volume);
  const noData = options.noData === undefined ? -1 : options.noData;
  const [zmin, zmax] = options.zmin !== undefined && options.zmax !== undefined ? [options.zmin, options.zmax] : valueRange(volume, noData);
  const index = [at.x, at.y, at.z].map((v, a) => v ?? Math.floor(volume.dims[a] / 2));
  const planes = options.planeNames ?? ["coronal", "axial", "sagittal"];
  const names = options.axisNames ?? ["x", "y", "z"];
  const unit = options.unit ?? "µm";
  const order: (0 | 1 | 2)[] = [2, 0, 1];
  const slices = order.map((axis) => extractSlice(volume, axis, index[axis], noData));
  const widths = slices.map((s) => s.across.length * volume.spacing[s.acrossAxis]);
  const gap = 0.09;
  const total = widths.reduce((a, b) => a + b, 0);
  const usable = 1 - gap * (order.length - 1) - 0.06;
  const layout: Layout = {
    ...(options.title !== undefined ? { title: { text: options.title } } : {}),
    height: options.height ?? 420,
    margin: { t: options.title !== undefined ? 72 : 48, r: 24, b: 56, l: 56 },
    plot_bgcolor: "#ffffff",
    annotations: [] as object[],
  };
  const data: Trace[] = [];
  let start = 0;
  order.forEach((axis, i) => {
    const slice = slices[i];
    const suffix = i === 0 ? "" : String(i + 1);
    const end = start + (usable * widths[i]) / total;
    data.push(sliceTrace(slice, { ...options, zmin, zmax }, i === order.length - 1, { x: `x${suffix}`, y: `y${suffix}` }));
    layout[`xaxis${suffix}`] = { domain: [round(start, 6), round(end, 6)], anchor: `y${suffix}`, title: { text: `${names[slice.acrossAxis]} (${unit})` }, constrain: "domain", showgrid: false, zeroline: false };
    layout[`yaxis${suffix}`] = { anchor: `x${suffix}`, title: { text: `${names[slice.downAxis]} (${unit})` }, scaleanchor: `x${suffix}`, scaleratio: 1, autorange: "reversed", constrain: "domain", showgrid: false, zeroline: false };
    (layout.annotations as object[]).push({
      text: `${planes[axis]} (${names[axis]} = ${index[axis]})`,
      xref: "paper",
      yref: "paper",
      x: round((start + end) / 2, 6),
      y: 1,
      yanchor: "bottom",
      showarrow: false,
      font: { size: 13 },
    });
    start = end + gap;
  });
  return { data, layout };
}
