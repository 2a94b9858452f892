import { NeuroportalError } from "../errors.js";

/** The Allen API answered `success: false`, or with an envelope that is not RMA's. */
export class RmaError extends NeuroportalError {
  /** The server's `msg` text (or a description of what was wrong with the envelope). */
  readonly serverMessage: string;
  /** The HTTP status of the answer. */
  readonly status: number;
  constructor(serverMessage: string, url: string, status: number, hint = "check the model name, criteria and include syntax of the query") {
    super("E_RMA", `the Allen API rejected the query (HTTP ${status}): ${serverMessage}`, { url, hint });
    this.serverMessage = serverMessage;
    this.status = status;
  }
}

/** A MetaImage (.mhd) header is missing a key, holds a bad value or asks for an unsupported feature. */
export class MetaImageError extends NeuroportalError {
  constructor(message: string, file: string, hint = "the .mhd header is not a MetaImage header this reader supports; check the file") {
    super("E_MHD", `${file}: ${message}`, { hint });
  }
}

/** The voxel data file does not hold DimSize x element-size bytes. */
export class VolumeSizeError extends NeuroportalError {
  readonly expectedBytes: number;
  readonly actualBytes: number;
  constructor(file: string, expectedBytes: number, actualBytes: number) {
    super("E_VOLUME_SIZE", `${file} holds ${actualBytes} bytes but the header's DimSize and ElementType need ${expectedBytes}`, {
      hint: "the download was incomplete or the header does not belong to this data file; download it again",
    });
    this.expectedBytes = expectedBytes;
    this.actualBytes = actualBytes;
  }
}

/** The API has no record (reference space, well-known file) that the operation needs. */
export class AllenNotFoundError extends NeuroportalError {
  constructor(message: string, url: string, hint: string) {
    super("E_NOT_FOUND", message, { url, hint });
  }
}

export const isAllenNotFoundError = (e: unknown): e is AllenNotFoundError => e instanceof AllenNotFoundError;
export const isRmaError = (e: unknown): e is RmaError => e instanceof RmaError;
export const isMetaImageError = (e: unknown): e is MetaImageError => e instanceof MetaImageError;
export const isVolumeSizeError = (e: unknown): e is VolumeSizeError => e instanceof VolumeSizeError;
