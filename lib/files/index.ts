export { LocalWriteError, isLocalWriteError, isLocalWriteFailure, toLocalWriteError, assertWritableFolder } from "./local-write.js";
export { FileHasher, FileHashError, isFileHashError, defaultHashThreads, md5OfFile } from "./file-hasher.js";
