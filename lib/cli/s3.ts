import type { Command } from "./command.js";

/** Placeholder until the s3 slice lands. */
export const s3Command: Command = {
  name: "s3",
  summary: "(s3 commands: not built yet)",
  usage: "neuroportal s3 ...",
  async run(_argv, io) {
    io.stderr.write("not built yet\n");
    return 1;
  },
};
