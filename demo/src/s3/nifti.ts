import { gzipSync } from "node:zlib";

/** NIfTI-1 data type codes used by the demo volumes. */
export const NIFTI_TYPES = { uint8: { code: 2, bytes: 1 }, int16: { code: 4, bytes: 2 }, float32: { code: 16, bytes: 4 } } as const;
export type NiftiType = keyof typeof NIFTI_TYPES;

/** What a small NIfTI-1 volume holds. */
export interface NiftiVolume {
  /** Grid size: x, y, z and optionally frames. */
  dims: readonly number[];
  /** Voxel size in mm (x, y, z) and, for 4D, the repetition time in seconds. */
  pixdim: readonly number[];
  type: NiftiType;
  /** Value of voxel (x, y, z, t). */
  value(x: number, y: number, z: number, t: number): number;
  description?: string;
}

const HEADER_BYTES = 348;
const DATA_OFFSET = 352;

/** Encodes a single-file NIfTI-1 (`.nii`) image: 348-byte header, empty extension flag, voxels. */
export function toNifti(volume: NiftiVolume): Buffer {
  const [nx, ny, nz, nt = 1] = volume.dims;
  const { code, bytes } = NIFTI_TYPES[volume.type];
  const voxels = nx * ny * nz * nt;
  const out = Buffer.alloc(DATA_OFFSET + voxels * bytes);
  out.writeInt32LE(HEADER_BYTES, 0);
  const rank = volume.dims.length;
  out.writeInt16LE(rank, 40);
  volume.dims.forEach((size, i) => out.writeInt16LE(size, 42 + 2 * i));
  for (let i = rank; i < 7; i++) out.writeInt16LE(1, 42 + 2 * i);
  out.writeInt16LE(code, 70);
  out.writeInt16LE(bytes * 8, 72);
  out.writeFloatLE(1, 76);
  volume.pixdim.forEach((size, i) => out.writeFloatLE(size, 80 + 4 * i));
  out.writeFloatLE(DATA_OFFSET, 108);
  out.writeFloatLE(1, 112);
  out.writeUInt8(rank > 3 ? 2 | 8 : 2, 123);
  out.write((volume.description ?? "neuroportal demo volume").slice(0, 79), 148, "latin1");
  out.writeInt16LE(1, 252);
  out.writeInt16LE(1, 254);
  const [dx, dy, dz] = volume.pixdim;
  const origin = [-(nx - 1) * dx / 2, -(ny - 1) * dy / 2, -(nz - 1) * dz / 2];
  out.writeFloatLE(origin[0], 268);
  out.writeFloatLE(origin[1], 272);
  out.writeFloatLE(origin[2], 276);
  [[dx, 0, 0, origin[0]], [0, dy, 0, origin[1]], [0, 0, dz, origin[2]]].forEach((row, r) =>
    row.forEach((v, c) => out.writeFloatLE(v, 280 + 16 * r + 4 * c)),
  );
  out.write("n+1\0", 344, "latin1");
  let offset = DATA_OFFSET;
  for (let t = 0; t < nt; t++)
    for (let z = 0; z < nz; z++)
      for (let y = 0; y < ny; y++)
        for (let x = 0; x < nx; x++) {
          const v = volume.value(x, y, z, t);
          if (volume.type === "uint8") out.writeUInt8(clamp(Math.round(v), 0, 255), offset);
          else if (volume.type === "int16") out.writeInt16LE(clamp(Math.round(v), -32768, 32767), offset);
          else out.writeFloatLE(v, offset);
          offset += bytes;
        }
  return out;
}

/** The same image gzipped (`.nii.gz`), byte-for-byte reproducible. */
export function toNiftiGz(volume: NiftiVolume): Buffer {
  return gzipSync(toNifti(volume), { level: 6 });
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
