import { afterAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { ConfigError } from "../../src/errors.ts";
import { locateConfig } from "../../src/config/locate.ts";
import { removeTempTrees, tempTree, thrown } from "./helpers.ts";

afterAll(removeTempTrees);

describe("locateConfig", () => {
  test.each([
    ["--config wins over everything", { configPath: "explicit.toml" }, {}, "explicit.toml"],
    [
      "SSB_CONFIG wins over CONFIG_PATH and the usual places",
      {},
      { SSB_CONFIG: "by-env.toml", CONFIG_PATH: "legacy.toml" },
      "by-env.toml",
    ],
    [
      "CONFIG_PATH, the earlier tool's name, is still read",
      {},
      { CONFIG_PATH: "legacy.toml" },
      "legacy.toml",
    ],
    [
      "a missing CONFIG_PATH moves the search on",
      {},
      { CONFIG_PATH: "gone.toml" },
      "config/config.json",
    ],
    ["config.json comes before config.toml in ./config", {}, {}, "config/config.json"],
    [
      "~/.config is searched after ./config",
      { cwd: "empty" },
      {},
      "home/.config/secure-s3-backup/config.toml",
    ],
  ])("%s", async (_, opts: { configPath?: string; cwd?: string }, env, expected) => {
    const root = await tempTree({
      "explicit.toml": "",
      "by-env.toml": "",
      "legacy.toml": "",
      "config/config.json": "{}",
      "config/config.toml": "",
      "home/.config/secure-s3-backup/config.toml": "",
      "empty/.keep": "",
    });
    const cwd = join(root, opts.cwd ?? "");
    const found = locateConfig({ configPath: opts.configPath, env, cwd, home: join(root, "home") });
    expect(found.file).toBe(join(root, expected));
    expect(found.tried.at(-1)).toBe(found.file);
  });

  test("a relative --config counts from the working directory and ~/ from home", async () => {
    const root = await tempTree({ "home/ssb.toml": "" });
    const found = locateConfig({
      configPath: "~/ssb.toml",
      env: {},
      cwd: "/",
      home: join(root, "home"),
    });
    expect(found.file).toBe(join(root, "home/ssb.toml"));
  });

  test("no config anywhere: exit 2, every place looked at, and the next step", async () => {
    const root = await tempTree();
    const error = await thrown(() =>
      locateConfig({ env: {}, cwd: root, home: join(root, "home") }),
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.exitCode).toBe(2);
    for (const place of [
      join(root, "config/config.json"),
      join(root, "config/config.toml"),
      join(root, "home/.config/secure-s3-backup/config.json"),
      join(root, "home/.config/secure-s3-backup/config.toml"),
      "/etc/secure-s3-backup/config.json",
      "/etc/secure-s3-backup/config.toml",
    ]) {
      expect(error.message).toContain(place);
    }
    expect(error.message).toContain("pass --config PATH or create ./config/config.toml");
    expect(error.message).not.toContain("\n");
  });

  test.each([
    ["--config", { configPath: "nope.toml" }, {}],
    ["SSB_CONFIG", {}, { SSB_CONFIG: "nope.toml" }],
  ])(
    "a %s path that does not exist is an error naming it, not a silent fallback",
    async (source, opts, env) => {
      const root = await tempTree({ "config/config.toml": "" });
      const error = await thrown(() => locateConfig({ ...opts, env, cwd: root, home: root }));
      expect(error).toBeInstanceOf(ConfigError);
      expect(error.exitCode).toBe(2);
      expect(error.message).toContain(join(root, "nope.toml"));
      expect(error.message).toContain(source);
    },
  );

  test("a folder given as --config is refused", async () => {
    const root = await tempTree({ "config/config.toml": "" });
    const error = await thrown(() =>
      locateConfig({ configPath: "config", env: {}, cwd: root, home: root }),
    );
    expect(error.message).toContain("is a folder");
  });
});
