import * as fs from "node:fs";
import * as path from "node:path";
import { MetaImageError, VolumeSizeError } from "./errors.js";
import { UnsafePathError } from "../errors.js";
import { checkArgument, text } from "../core/validate.js";

/** MetaImage element types this reader understands, with their typed-array constructors. */
export const ELEMENT_TYPES = {
  MET_CHAR: { bytes: 1, array: Int8Array },
  MET_UCHAR: { bytes: 1, array: Uint8Array },
  MET_SHORT: { bytes: 2, array: Int16Array },
  MET_USHORT: { bytes: 2, array: Uint16Array },
  MET_INT: { bytes: 4, array: Int32Array },
  MET_UINT: { bytes: 4, array: Uint32Array },
  MET_FLOAT: { bytes: 4, array: Float32Array },
  MET_DOUBLE: { bytes: 8, array: Float64Array },
} as const;

export type ElementType = keyof typeof ELEMENT_TYPES;
export type VoxelArray = Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | Float32Array | Float64Array;

/** The parsed, checked header of a `.mhd` file. */
export interface MetaImageHeader {
  dims: number[];
  spacing: number[];
  offset: number[];
  elementType: ElementType;
  /** True when the data is big-endian (`BinaryDataByteOrderMSB` or `ElementByteOrderMSB` = True). */
  bigEndian: boolean;
  /** The data file named by `ElementDataFile` (relative to the header), or `LOCAL`. */
  dataFile: string;
  /** Bytes to skip at the start of the data file; -1 means the data is at its end. */
  headerSize: number;
  /** Every key as written. */
  fields: Record<string, string>;
}

/** A volume read from disk: `data[x + nx * (y + ny * z)]`. */
export interface Volume {
  dims: [number, number, number];
  spacing: [number, number, number];
  offset: [number, number, number];
  elementType: ElementType;
  data: VoxelArray;
  /** The header file it came from. */
  path: string;
}

/** Bytes the data file must hold for this header. */
export function expectedDataBytes(header: MetaImageHeader): number {
  return header.dims.reduce((a, b) => a * b, 1) * ELEMENT_TYPES[header.elementType].bytes;
}

/** Parses the text of a `.mhd` header (pure). `file` names it in errors. */
export function parseMetaImageHeader(text: string, file = "header"): MetaImageHeader {
  const fields: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === "") continue;
    const at = line.indexOf("=");
    if (at < 0) throw new MetaImageError(`line ${JSON.stringify(line.slice(0, 60))} is not "Key = Value"`, file);
    fields[line.slice(0, at).trim()] = line.slice(at + 1).trim();
    if (line.slice(0, at).trim() === "ElementDataFile") break;
  }
  const need = (key: string) => {
    const value = fields[key];
    if (value === undefined || value === "") throw new MetaImageError(`the header has no ${key}`, file);
    return value;
  };
  const numbers = (key: string, count: number, fallback?: number): number[] => {
    const value = fields[key];
    if (value === undefined) {
      if (fallback === undefined) need(key);
      return Array(count).fill(fallback);
    }
    const list = value.split(/\s+/).map(Number);
    if (list.length !== count || list.some((n) => !Number.isFinite(n))) throw new MetaImageError(`${key} = ${value} is not ${count} numbers`, file);
    return list;
  };
  const ndims = Number(need("NDims"));
  if (!Number.isInteger(ndims) || ndims < 1) throw new MetaImageError(`NDims = ${fields.NDims} is not a positive whole number`, file);
  const dims = numbers("DimSize", ndims);
  if (dims.some((d) => !Number.isInteger(d) || d < 1)) throw new MetaImageError(`DimSize = ${fields.DimSize} must be positive whole numbers`, file);
  const elementType = need("ElementType");
  if (!(elementType in ELEMENT_TYPES)) throw new MetaImageError(`ElementType ${elementType} is not supported`, file, `supported: ${Object.keys(ELEMENT_TYPES).join(", ")}`);
  if (isTrue(fields.CompressedData)) throw new MetaImageError("CompressedData = True is not supported", file, "decompress the volume (e.g. with SimpleITK) or use the uncompressed .raw");
  const channels = fields.ElementNumberOfChannels;
  if (channels !== undefined && channels !== "1") throw new MetaImageError(`ElementNumberOfChannels = ${channels} is not supported (only scalar volumes)`, file);
  if (fields.BinaryData !== undefined && !isTrue(fields.BinaryData)) throw new MetaImageError("BinaryData = False (ASCII voxels) is not supported", file);
  const order = fields.BinaryDataByteOrderMSB ?? fields.ElementByteOrderMSB ?? "False";
  if (!/^(true|false)$/i.test(order)) throw new MetaImageError(`the byte order flag is ${order}, not True or False`, file);
  const dataFile = need("ElementDataFile");
  if (dataFile === "LIST" || /%\d*d/.test(dataFile)) throw new MetaImageError(`ElementDataFile = ${dataFile} (one file per slice) is not supported`, file, "use a volume stored in one .raw file");
  if (dataFile !== "LOCAL" && !isPlainFileName(dataFile)) throw new UnsafePathError(dataFile, `the folder of ${file}`, `it would be read from outside the folder of ${file}`, "read");
  const headerSize = fields.HeaderSize === undefined ? 0 : Number(fields.HeaderSize);
  if (!Number.isInteger(headerSize) || headerSize < -1) throw new MetaImageError(`HeaderSize = ${fields.HeaderSize} is not valid`, file);
  const spacing = fields.ElementSpacing !== undefined ? numbers("ElementSpacing", ndims) : numbers("ElementSize", ndims, 1);
  const offset = numbers(fields.Offset !== undefined ? "Offset" : "Position", ndims, 0);
  return { dims, spacing, offset, elementType: elementType as ElementType, bigEndian: isTrue(order), dataFile, headerSize, fields };
}

/**
 * Reads a MetaImage volume (`.mhd` header plus its data file) into a typed array. Both
 * byte-order keys are understood; the data file must hold exactly DimSize x element size
 * bytes (after HeaderSize) or {@link VolumeSizeError} is raised.
 */
export async function readVolume(mhdPath: string): Promise<Volume> {
  checkArgument(mhdPath, text(true), "path of the .mhd file", "readVolume()");
  const headerBytes = await readHeaderFile(mhdPath);
  const header = parseMetaImageHeader(headerBytes.toString("latin1"), mhdPath);
  if (header.dims.length !== 3) throw new MetaImageError(`NDims = ${header.dims.length}; readVolume reads 3-D volumes`, mhdPath);
  const dataPath = header.dataFile === "LOCAL" ? mhdPath : path.resolve(path.dirname(mhdPath), header.dataFile);
  let raw: Buffer;
  try {
    raw = header.dataFile === "LOCAL" ? headerBytes : await fs.promises.readFile(dataPath);
  } catch (error) {
    throw new MetaImageError(`its data file ${header.dataFile} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, mhdPath, "keep the .raw next to the .mhd, as the zip had them");
  }
  const voxels = voxelBytes(raw, header, dataPath);
  return {
    dims: header.dims as [number, number, number],
    spacing: header.spacing as [number, number, number],
    offset: header.offset as [number, number, number],
    elementType: header.elementType,
    data: decodeVoxels(voxels, header),
    path: mhdPath,
  };
}

/** Checks that `raw` (the data file's bytes) fits the header and returns the voxel bytes. */
export function voxelBytes(raw: Uint8Array, header: MetaImageHeader, file: string): Uint8Array {
  const expected = expectedDataBytes(header);
  if (header.dataFile === "LOCAL" || header.headerSize === -1) {
    if (raw.length < expected) throw new VolumeSizeError(file, expected, raw.length);
    return raw.subarray(raw.length - expected);
  }
  const actual = raw.length - header.headerSize;
  if (actual !== expected) throw new VolumeSizeError(file, expected, Math.max(0, actual));
  return raw.subarray(header.headerSize);
}

/** Turns voxel bytes into the header's typed array, swapping bytes when the order differs from this machine's. */
export function decodeVoxels(bytes: Uint8Array, header: Pick<MetaImageHeader, "elementType" | "bigEndian">): VoxelArray {
  const { bytes: size, array } = ELEMENT_TYPES[header.elementType];
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  const hostBigEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 0;
  if (size > 1 && header.bigEndian !== hostBigEndian) {
    for (let i = 0; i < copy.length; i += size) copy.subarray(i, i + size).reverse();
  }
  return new array(copy.buffer, 0, copy.length / size);
}

/**
 * A data file name that stays beside its header: one plain name, no folder part, no `..`, not
 * absolute (with `/` or `\`, a drive letter or a NUL byte). MetaImage allows relative paths,
 * but a file from the network decides them, so only the plain form is read.
 */
export function isPlainFileName(name: string): boolean {
  return name !== "." && name !== ".." && !/[/\\\0]/.test(name) && !/^[A-Za-z]:/.test(name);
}

/** The header file's bytes; a missing file, a folder in its place or an unreadable file raise {@link MetaImageError} naming it. */
async function readHeaderFile(mhdPath: string): Promise<Buffer> {
  try {
    return await fs.promises.readFile(mhdPath);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "";
    const problem = code === "ENOENT" ? "there is no such file" : code === "EISDIR" ? "it is a folder, not a .mhd file" : code === "EACCES" ? "permission denied" : `it cannot be read (${code || (error as Error).message})`;
    throw new MetaImageError(problem, mhdPath, "give the path of the .mhd header (the .raw data file must sit beside it)");
  }
}

function isTrue(value: string | undefined): boolean {
  return value !== undefined && /^true$/i.test(value);
}
