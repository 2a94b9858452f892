/**
 * Small but well-formed DICOM Part 10 files: the 128-byte preamble, `DICM`, a File Meta group in
 * explicit VR little endian, then a dataset with the usual MR identification elements and a
 * 16-bit pixel matrix. Readers such as pydicom and dcmdump accept them.
 */

/** What one demo slice says about itself. */
export interface DicomSlice {
  patientId: string;
  studyDate: string;
  seriesDescription: string;
  seriesNumber: number;
  instanceNumber: number;
  rows: number;
  columns: number;
  /** Pixel value at (row, column). */
  pixel(row: number, column: number): number;
  /** Unique ids are derived from this (digits and dots only). */
  uidRoot: string;
}

const MR_IMAGE_STORAGE = "1.2.840.10008.5.1.4.1.1.4";
const EXPLICIT_VR_LITTLE_ENDIAN = "1.2.840.10008.1.2.1";
const LONG_VRS = new Set(["OB", "OW", "OF", "SQ", "UT", "UN"]);

/** One data element in explicit VR little endian (values padded to even length as the standard asks). */
function element(group: number, elementNumber: number, vr: string, value: Buffer | string | number): Buffer {
  let data: Buffer;
  if (typeof value === "number") {
    data = Buffer.alloc(2);
    data.writeUInt16LE(value);
  } else if (typeof value === "string") {
    const padded = value.length % 2 === 0 ? value : `${value}${vr === "UI" ? "\0" : " "}`;
    data = Buffer.from(padded, "latin1");
  } else {
    data = value.length % 2 === 0 ? value : Buffer.concat([value, Buffer.alloc(1)]);
  }
  const long = LONG_VRS.has(vr);
  const head = Buffer.alloc(long ? 12 : 8);
  head.writeUInt16LE(group, 0);
  head.writeUInt16LE(elementNumber, 2);
  head.write(vr, 4, "latin1");
  if (long) head.writeUInt32LE(data.length, 8);
  else head.writeUInt16LE(data.length, 6);
  return Buffer.concat([head, data]);
}

/** Encodes one slice as a DICOM Part 10 file. */
export function toDicom(slice: DicomSlice): Buffer {
  const sopInstanceUid = `${slice.uidRoot}.${slice.seriesNumber}.${slice.instanceNumber}`;
  const metaElements = Buffer.concat([
    element(0x0002, 0x0001, "OB", Buffer.from([0, 1])),
    element(0x0002, 0x0002, "UI", MR_IMAGE_STORAGE),
    element(0x0002, 0x0003, "UI", sopInstanceUid),
    element(0x0002, 0x0010, "UI", EXPLICIT_VR_LITTLE_ENDIAN),
    element(0x0002, 0x0012, "UI", "1.2.826.0.1.3680043.10.1"),
  ]);
  const groupLength = Buffer.alloc(4);
  groupLength.writeUInt32LE(metaElements.length);
  const pixels = Buffer.alloc(slice.rows * slice.columns * 2);
  for (let r = 0; r < slice.rows; r++)
    for (let c = 0; c < slice.columns; c++) pixels.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(slice.pixel(r, c)))), 2 * (r * slice.columns + c));
  const dataset = Buffer.concat([
    element(0x0008, 0x0016, "UI", MR_IMAGE_STORAGE),
    element(0x0008, 0x0018, "UI", sopInstanceUid),
    element(0x0008, 0x0020, "DA", slice.studyDate.replace(/-/g, "")),
    element(0x0008, 0x0060, "CS", "MR"),
    element(0x0008, 0x0070, "LO", "SIEMENS"),
    element(0x0008, 0x103e, "LO", slice.seriesDescription),
    element(0x0010, 0x0010, "PN", slice.patientId),
    element(0x0010, 0x0020, "LO", slice.patientId),
    element(0x0018, 0x0087, "DS", "3"),
    element(0x0020, 0x000d, "UI", `${slice.uidRoot}.1`),
    element(0x0020, 0x000e, "UI", `${slice.uidRoot}.${slice.seriesNumber}`),
    element(0x0020, 0x0011, "IS", String(slice.seriesNumber)),
    element(0x0020, 0x0013, "IS", String(slice.instanceNumber)),
    element(0x0028, 0x0002, "US", 1),
    element(0x0028, 0x0004, "CS", "MONOCHROME2"),
    element(0x0028, 0x0010, "US", slice.rows),
    element(0x0028, 0x0011, "US", slice.columns),
    element(0x0028, 0x0100, "US", 16),
    element(0x0028, 0x0101, "US", 16),
    element(0x0028, 0x0102, "US", 15),
    element(0x0028, 0x0103, "US", 1),
    element(0x7fe0, 0x0010, "OW", pixels),
  ]);
  return Buffer.concat([Buffer.alloc(128), Buffer.from("DICM", "latin1"), element(0x0002, 0x0000, "UL", groupLength), metaElements, dataset]);
}
