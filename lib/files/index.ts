export { LocalWriteError, isLocalWriteError, isLocalWriteFailure, toLocalWriteError, assertWritableFolder } from "./local-write.js";
export { FileHasher, FileHashError, isFileHashError, defaultHashThreads, md5OfFile, md5WhileWriting } from "./file-hasher.js";
export type { FileHashStream } from "./file-hasher.js";
