import type { ArgsDef } from "citty";

/** Flags every command takes: where the config and the env file are. */
export const configArgs = {
  config: {
    type: "string",
    description:
      "Config file (JSON or TOML); default: $SSB_CONFIG, ./config/config.{json,toml}, ~/.config/secure-s3-backup/, /etc/secure-s3-backup/",
    valueHint: "PATH",
  },
  "env-file": {
    type: "string",
    description: "Env file with keys and credentials; default: ./.env, else .env beside the config",
    valueHint: "PATH",
  },
} as const satisfies ArgsDef;

/** How much the console says. */
export const outputArgs = {
  verbose: { type: "boolean", description: "Also print debug lines, and stacks of errors" },
  quiet: { type: "boolean", description: "Print only warnings and errors" },
} as const satisfies ArgsDef;

export const jsonArg = {
  json: { type: "boolean", description: "Print the result as one JSON document on stdout" },
} as const satisfies ArgsDef;
