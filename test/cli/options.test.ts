import { describe, expect, test } from "bun:test";
import type { ArgsDef } from "citty";
import { findUnknownOption } from "../../src/cli/options.ts";

const args = {
  job: { type: "positional", required: false },
  config: { type: "string" },
  force: { type: "boolean", alias: "f" },
  "dry-run": { type: "boolean" },
} satisfies ArgsDef;

describe("findUnknownOption", () => {
  const cases: [string, string[], string | undefined][] = [
    ["nothing on the line", [], undefined],
    ["known options and a positional", ["redis", "--config", "c.toml", "--force"], undefined],
    ["an option with =", ["--config=c.toml"], undefined],
    ["an alias", ["-f"], undefined],
    ["a negated boolean", ["--no-force"], undefined],
    ["help", ["--help"], undefined],
    ["a string option's value that looks like an option", ["--config", "--weird.toml"], undefined],
    ["a mistyped dry run", ["--dryrun"], "--dryrun"],
    ["a mistyped config with =", ["--confg=c.toml"], "--confg"],
    ["an unknown short option", ["-x"], "-x"],
    ["anything after --", ["--", "--whatever"], undefined],
  ];
  for (const [name, raw, expected] of cases) {
    test(`${name}: ${expected ?? "accepted"}`, () => {
      expect(findUnknownOption(raw, args)).toBe(expected);
    });
  }
});
