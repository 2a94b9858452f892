/**
 * Child-process entry of the demo bucket: runs s3rver 3.7.1, which needs Node's
 * `--openssl-legacy-provider` (its continuation tokens use DES). The parent sends the store
 * folder over IPC (credentials are checked by the parent's front handler, never here); the
 * child answers with its port and exits as soon as the parent goes away (IPC disconnect or
 * stdin closed).
 */
interface RunnerConfig {
  directory: string;
  /** Absolute path of s3rver's main module (the runner may live in a temporary folder). */
  s3rverMain: string;
}

interface S3rverInstance {
  run(): Promise<{ port: number }>;
  close(): Promise<void>;
}

const exit = () => process.exit(0);
process.on("disconnect", exit);
process.stdin.on("end", exit);
process.stdin.on("error", exit);
process.stdin.resume();

process.once("message", (message: RunnerConfig) => {
  start(message).then(
    (port) => process.send?.({ port }),
    (error: Error) => {
      process.send?.({ error: error.message });
      process.exit(1);
    },
  );
});

async function start(config: RunnerConfig): Promise<number> {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const S3rver = require(config.s3rverMain) as new (options: object) => S3rverInstance;
  const server = new S3rver({ address: "127.0.0.1", port: 0, directory: config.directory, silent: true });
  const { port } = await server.run();
  return port;
}
