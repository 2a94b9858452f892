export { LocalWriteError, isLocalWriteError, isLocalWriteFailure, toLocalWriteError, assertWritableFolder } from "./local-write.js";
export { FileHasher, FileHashError, isFileHashError, defaultHashThreads, md5OfFile, md5WhileWriting } from "./file-hasher.js";
export type { FileHashStream } from "./file-hasher.js";
export { downloadFiles, downloadFrom } from "./download-engine.js";
export type { RemoteFile, DownloadSource, ByteRange, OpenedBody, LockOwner, DownloadProgress, DownloadedFile, DownloadSummary, VerifiedBy, BusyPolicy, TransferOptions, EngineOptions } from "./download-types.js";
export { PartFileBusyError, isPartFileBusyError } from "./part-lock.js";
export { localPathFor } from "./local-path.js";
