import { afterAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { ConfigError } from "../../src/errors.ts";
import { configFormat, parseConfigText, readConfigFile } from "../../src/config/parse.ts";
import { parseSize } from "../../src/config/schema.ts";
import { removeTempTrees, tempTree, thrown } from "./helpers.ts";

afterAll(removeTempTrees);

describe("readConfigFile", () => {
  test("a TOML syntax error is one line naming file, line and column, and the next step", async () => {
    const root = await tempTree({ "config.toml": '[s3]\nbucket = "a"\nregion = = "x"\n' });
    const error = await thrown(() =>
      readConfigFile(join(root, "config.toml"), "config/config.toml"),
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.exitCode).toBe(2);
    expect(error.message).toMatch(
      /^config\/config\.toml:3:\d+: invalid TOML: .+; fix the file and run `ssb check`$/,
    );
  });

  test.each([
    ["a trailing comma", '{\n  "s3": { "bucket": "a", }\n}', "2:26", "trailing comma"],
    ["a missing comma", '{\n  "s3": {}\n  "jobs": []\n}', "3:3", 'expected "," or "}"'],
    ["a single-quoted key", "{\n\n 'limits': 1 }", "3:2", "double quotes"],
    ["an unterminated string", '{ "s3": "abc', "1:13", "unterminated string"],
  ])("a JSON syntax error names file, line and column: %s", async (_, text, place, reason) => {
    const root = await tempTree({ "config.json": text });
    const error = await thrown(() => readConfigFile(join(root, "config.json"), "config.json"));
    expect(error.exitCode).toBe(2);
    expect(error.message).toStartWith(`config.json:${place}: invalid JSON: `);
    expect(error.message).toContain(reason);
    expect(error.message).not.toContain("\n");
  });

  test("an unreadable path is a ConfigError naming it", async () => {
    const root = await tempTree();
    const error = await thrown(() => readConfigFile(join(root, "missing.toml")));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toContain(join(root, "missing.toml"));
    expect(error.message).toContain("ENOENT");
  });

  test("a file of another extension is read by its content", async () => {
    const root = await tempTree({
      "ssb.conf": '{ "s3": { "bucket": "a" } }',
      "ssb.cfg": '[s3]\nbucket = "b"',
    });
    expect((await readConfigFile(join(root, "ssb.conf"))).data).toEqual({ s3: { bucket: "a" } });
    expect((await readConfigFile(join(root, "ssb.cfg"))).format).toBe("toml");
  });
});

describe("configFormat and parseConfigText", () => {
  test.each([
    ["config.json", "", "json"],
    ["config.TOML", "{", "toml"],
    ["ssb.conf", "  {", "json"],
    ["ssb.conf", "[s3]", "toml"],
  ])("%s starting with %j is %s", (file, text, format) => {
    expect(configFormat(file, text)).toBe(format as "json" | "toml");
  });

  test("a byte order mark does not break JSON", () => {
    expect(parseConfigText('\uFEFF{"a": 1}', "json", "x.json")).toEqual({ a: 1 });
  });
});

describe("parseSize", () => {
  test.each([
    [1024, 1024],
    ["10M", 10 * 1024 ** 2],
    ["10MiB", 10 * 1024 ** 2],
    ["512k", 512 * 1024],
    ["1.5G", 1.5 * 1024 ** 3],
    ["2048", 2048],
    [0, undefined],
    [1.5, undefined],
    ["10 apples", undefined],
    ["-1M", undefined],
  ])("%j is %j bytes", (input, bytes) => {
    expect(parseSize(input)).toBe(bytes);
  });
});
