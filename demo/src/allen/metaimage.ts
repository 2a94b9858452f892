/** The text of a MetaImage header in the layout of the real Allen grid files. */
export function metaImageHeader(options: { dims: readonly number[]; spacing: number; elementType: string; dataFile: string }): string {
  return [
    "ObjectType = Image",
    `NDims = ${options.dims.length}`,
    "BinaryData = True",
    "BinaryDataByteOrderMSB = False",
    "TransformMatrix = 1 0 0 0 1 0 0 0 1",
    "Offset = 0 0 0",
    "CenterOfRotation = 0 0 0",
    "AnatomicalOrientation = RAI",
    `ElementSpacing = ${options.dims.map(() => options.spacing).join(" ")}`,
    `DimSize = ${options.dims.join(" ")}`,
    `ElementType = ${options.elementType}`,
    `ElementDataFile = ${options.dataFile}`,
    "",
  ].join("\n");
}

/** Little-endian bytes of a typed array (copied, so the caller's array is untouched). */
export function littleEndianBytes(values: Float32Array | Uint32Array | Uint8Array): Buffer {
  if (values instanceof Uint8Array) return Buffer.from(values);
  const out = Buffer.alloc(values.length * 4);
  for (let i = 0; i < values.length; i++) {
    if (values instanceof Float32Array) out.writeFloatLE(values[i], i * 4);
    else out.writeUInt32LE(values[i], i * 4);
  }
  return out;
}
