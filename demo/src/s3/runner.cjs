// @ts-check
"use strict";
/**
 * Child-process entry of the demo bucket: runs s3rver 3.7.1, which needs Node's
 * `--openssl-legacy-provider` (its continuation tokens use DES). Plain JavaScript, so the same
 * file runs from the sources (tests under tsx, whose loader breaks s3rver's generator
 * middleware, must not load it) and from dist/, where the build copies it. The parent sends
 * the store folder over IPC (credentials are checked by the parent's front handler, never
 * here); the child answers with its port and exits as soon as the parent goes away (IPC
 * disconnect or stdin closed).
 */

/** @typedef {{ directory: string }} RunnerConfig */

const exit = () => process.exit(0);
process.on("disconnect", exit);
process.stdin.on("end", exit);
process.stdin.on("error", exit);
process.stdin.resume();

process.once("message", (/** @type {RunnerConfig} */ message) => {
  start(message).then(
    (port) => process.send?.({ port }),
    (/** @type {Error} */ error) => {
      process.send?.({ error: error.message });
      process.exit(1);
    },
  );
});

/**
 * @param {RunnerConfig} config
 * @returns {Promise<number>}
 */
async function start(config) {
  const S3rver = require("s3rver");
  const server = new S3rver({ address: "127.0.0.1", port: 0, directory: config.directory, silent: true });
  const { port } = await server.run();
  return port;
}
