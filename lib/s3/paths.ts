/** S3 keys land below the target folder by the download engine's one rule (see `lib/files/local-path.ts`). */
export { localPathFor } from "../files/local-path.js";
