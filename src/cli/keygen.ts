import { defineCommand } from "citty";
import { keyVariableName } from "../config/keys.ts";
import { generateKeyHex } from "../crypto/keygen.ts";

export default defineCommand({
  meta: {
    name: "keygen",
    description:
      "Print a new random 256-bit key as 64 hex characters (to stdout; the hint goes to stderr)",
  },
  args: {
    id: {
      type: "string",
      description: "Key id to show in the hint",
      default: "v1",
      valueHint: "ID",
    },
  },
  run: ({ args }) => {
    process.stdout.write(`${generateKeyHex()}\n`);
    if (process.stderr.isTTY) {
      const variable = keyVariableName(args.id);
      process.stderr.write(
        `Store it as ${variable}=<key> in the server's env file (mode 0600) and set PRIMARY_KEY=${args.id}.\n` +
          "Keep a copy outside the server: without the key, the backups cannot be restored.\n",
      );
    }
  },
});
