/**
 * Small but well-formed surface-based files of a task run: a CIFTI-2 dense time series
 * (`.dtseries.nii`: NIfTI-2 header, CIFTI XML extension, float32 matrix) and GIFTI functional
 * files (`.func.gii`: XML with one base64 float32 array per frame).
 */

/** Vertices per hemisphere in the demo surfaces (the real 32k mesh has 32,492). */
export const DEMO_VERTICES = 24;

const NIFTI2_HEADER = 540;
const CIFTI_EXTENSION_CODE = 32;
const INTENT_DENSE_SERIES = 3002;

/** A CIFTI-2 dense time series over both cortical hemispheres: `value(frame, grayordinate)`. */
export function toDtseries(frames: number, tr: number, value: (frame: number, grayordinate: number) => number): Buffer {
  const grayordinates = 2 * DEMO_VERTICES;
  const vertices = Array.from({ length: DEMO_VERTICES }, (_, i) => i).join(" ");
  const model = (offset: number, structure: string) =>
    `<BrainModel IndexOffset="${offset}" IndexCount="${DEMO_VERTICES}" ModelType="CIFTI_MODEL_TYPE_SURFACE" BrainStructure="${structure}" SurfaceNumberOfVertices="${DEMO_VERTICES}"><VertexIndices>${vertices}</VertexIndices></BrainModel>`;
  const xml =
    `<?xml version="1.0" encoding="UTF-8"?>\n<CIFTI Version="2"><Matrix>` +
    `<MatrixIndicesMap AppliesToMatrixDimension="0" IndicesMapToDataType="CIFTI_INDEX_TYPE_SERIES" NumberOfSeriesPoints="${frames}" SeriesExponent="0" SeriesStart="0" SeriesStep="${tr}" SeriesUnit="SECOND"/>` +
    `<MatrixIndicesMap AppliesToMatrixDimension="1" IndicesMapToDataType="CIFTI_INDEX_TYPE_BRAIN_MODELS">${model(0, "CIFTI_STRUCTURE_CORTEX_LEFT")}${model(DEMO_VERTICES, "CIFTI_STRUCTURE_CORTEX_RIGHT")}</MatrixIndicesMap>` +
    `</Matrix></CIFTI>\n`;
  const xmlBytes = Buffer.from(xml, "utf8");
  const extensionSize = Math.ceil((8 + xmlBytes.length) / 16) * 16;
  const dataOffset = NIFTI2_HEADER + 4 + extensionSize;
  const out = Buffer.alloc(dataOffset + frames * grayordinates * 4);
  out.writeInt32LE(NIFTI2_HEADER, 0);
  out.write("n+2\0\r\n\x1a\n", 4, "latin1");
  out.writeInt16LE(16, 12);
  out.writeInt16LE(32, 14);
  [6, 1, 1, 1, 1, frames, grayordinates, 1].forEach((size, i) => out.writeBigInt64LE(BigInt(size), 16 + 8 * i));
  for (let i = 0; i < 8; i++) out.writeDoubleLE(1, 104 + 8 * i);
  out.writeBigInt64LE(BigInt(dataOffset), 168);
  out.writeDoubleLE(1, 176);
  out.write("neuroportal demo CIFTI-2 dense time series", 240, "latin1");
  out.writeInt32LE(INTENT_DENSE_SERIES, 504);
  out.write("ConnDenseSeries", 508, "latin1");
  out.writeUInt8(1, NIFTI2_HEADER);
  out.writeInt32LE(extensionSize, NIFTI2_HEADER + 4);
  out.writeInt32LE(CIFTI_EXTENSION_CODE, NIFTI2_HEADER + 8);
  xmlBytes.copy(out, NIFTI2_HEADER + 12);
  let offset = dataOffset;
  for (let g = 0; g < grayordinates; g++)
    for (let t = 0; t < frames; t++) {
      out.writeFloatLE(value(t, g), offset);
      offset += 4;
    }
  return out;
}

/** A GIFTI functional file for one hemisphere: one time-series array of vertex values per frame. */
export function toFuncGifti(hemisphere: "L" | "R", frames: number, tr: number, value: (frame: number, vertex: number) => number): Buffer {
  const arrays: string[] = [];
  for (let t = 0; t < frames; t++) {
    const data = Buffer.alloc(DEMO_VERTICES * 4);
    for (let v = 0; v < DEMO_VERTICES; v++) data.writeFloatLE(value(t, v), 4 * v);
    arrays.push(
      `<DataArray Intent="NIFTI_INTENT_TIME_SERIES" DataType="NIFTI_TYPE_FLOAT32" ArrayIndexingOrder="RowMajorOrder" Dimensionality="1" Dim0="${DEMO_VERTICES}" Encoding="Base64Binary" Endian="LittleEndian" ExternalFileName="" ExternalFileOffset="">` +
        `<MetaData><MD><Name><![CDATA[TimeStep]]></Name><Value><![CDATA[${(t * tr).toFixed(2)}]]></Value></MD></MetaData>` +
        `<Data>${data.toString("base64")}</Data></DataArray>`,
    );
  }
  const structure = hemisphere === "L" ? "CortexLeft" : "CortexRight";
  return Buffer.from(
    `<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE GIFTI SYSTEM "http://www.nitrc.org/frs/download.php/1594/gifti.dtd">\n` +
      `<GIFTI Version="1.0" NumberOfDataArrays="${frames}"><MetaData><MD><Name><![CDATA[AnatomicalStructurePrimary]]></Name><Value><![CDATA[${structure}]]></Value></MD></MetaData>` +
      `<LabelTable/>${arrays.join("")}</GIFTI>\n`,
    "utf8",
  );
}
