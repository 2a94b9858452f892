export { LocalWriteError, isLocalWriteError, isLocalWriteFailure, toLocalWriteError, assertWritableFolder } from "./local-write.js";
export { FileHasher, FileHashError, isFileHashError, defaultHashThreads } from "./file-hasher.js";
