export { LocalWriteError, isLocalWriteError, isLocalWriteFailure, toLocalWriteError, assertWritableFolder } from "./local-write.js";
