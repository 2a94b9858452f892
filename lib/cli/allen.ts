import type { Command } from "./command.js";

/** Placeholder until the allen slice lands. */
export const allenCommand: Command = {
  name: "allen",
  summary: "(allen commands: not built yet)",
  usage: "neuroportal allen ...",
  async run(_argv, io) {
    io.stderr.write("not built yet\n");
    return 1;
  },
};
