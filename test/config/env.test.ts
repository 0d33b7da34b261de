import { afterAll, describe, expect, test } from "bun:test";
import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { set } from "@dotenvx/dotenvx";
import { ConfigError } from "../../src/errors.ts";
import { loadEnvFiles } from "../../src/config/env.ts";
import { removeTempTrees, tempTree, thrown } from "./helpers.ts";

afterAll(removeTempTrees);

describe("loadEnvFiles", () => {
  test("a real environment variable beats the file; the file fills in the rest", async () => {
    const root = await tempTree({ ".env": "S3_REGION=from-file\nPRIMARY_KEY=v1\n" });
    const env: NodeJS.ProcessEnv = { S3_REGION: "from-env" };
    expect(loadEnvFiles({ cwd: root, env })).toBe(join(root, ".env"));
    expect(env).toEqual({ S3_REGION: "from-env", PRIMARY_KEY: "v1" });
  });

  test.each([
    [
      "--env-file beats .env in the working directory",
      { envFile: "custom.env" },
      "custom.env",
      "custom",
    ],
    [".env in the working directory beats .env beside the config", {}, "cwd/.env", "cwd"],
    [
      ".env beside the config is used when the working directory has none",
      { cwd: "elsewhere" },
      "etc/.env",
      "beside-config",
    ],
  ])("%s", async (_, opts: { envFile?: string; cwd?: string }, expected, source) => {
    const root = await tempTree({
      "cwd/custom.env": "SOURCE=custom\n",
      "cwd/.env": "SOURCE=cwd\n",
      "etc/.env": "SOURCE=beside-config\n",
      "etc/config.toml": "",
      "elsewhere/.keep": "",
    });
    const env: NodeJS.ProcessEnv = {};
    const cwd = join(root, opts.cwd ?? "cwd");
    const file = loadEnvFiles({
      envFile: opts.envFile,
      cwd,
      configFile: join(root, "etc/config.toml"),
      env,
    });
    expect(file).toBe(opts.envFile ? join(cwd, expected) : join(root, expected));
    expect(env.SOURCE).toBe(source);
  });

  test("no env file anywhere is fine and loads nothing", async () => {
    const root = await tempTree();
    const env: NodeJS.ProcessEnv = {};
    expect(loadEnvFiles({ cwd: root, configFile: join(root, "config.toml"), env })).toBeUndefined();
    expect(env).toEqual({});
  });

  test("a missing --env-file is a ConfigError naming it", async () => {
    const root = await tempTree({ ".env": "A=1\n" });
    const error = await thrown(() => loadEnvFiles({ envFile: "prod.env", cwd: root, env: {} }));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain(join(root, "prod.env"));
  });

  test("loading leaves process.env alone and prints nothing", async () => {
    const root = await tempTree({ ".env": "SSB_TEST_ONLY_IN_FILE=secret-value\n" });
    const printed: unknown[] = [];
    const saved = {
      log: console.log,
      error: console.error,
      info: console.info,
      warn: console.warn,
    };
    Object.assign(
      console,
      Object.fromEntries(
        Object.keys(saved).map((name) => [name, (...args: unknown[]) => printed.push(args)]),
      ),
    );
    try {
      loadEnvFiles({ cwd: root, env: {} });
    } finally {
      Object.assign(console, saved);
    }
    expect(printed).toEqual([]);
    expect(process.env.SSB_TEST_ONLY_IN_FILE).toBeUndefined();
  });
});

describe("encrypted env files", () => {
  const KEY = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

  async function encryptedEnv(): Promise<string> {
    const root = await tempTree({ ".env": "" });
    await set("KEY_V1", KEY, {
      path: join(root, ".env"),
      envKeysFile: join(root, ".env.keys"),
      noArmor: true,
      noNative: true,
      no1Password: true,
      noBitwarden: true,
    });
    return root;
  }

  test("are decrypted with the .env.keys beside them", async () => {
    const root = await encryptedEnv();
    expect(await readFile(join(root, ".env"), "utf8")).not.toContain(KEY);
    const env: NodeJS.ProcessEnv = {};
    loadEnvFiles({ cwd: root, env });
    expect(env.KEY_V1).toBe(KEY);
  });

  test("are decrypted with DOTENV_PRIVATE_KEY from the real environment", async () => {
    const root = await encryptedEnv();
    const keys = await readFile(join(root, ".env.keys"), "utf8");
    const privateKey = /^DOTENV_PRIVATE_KEY=(\S+)/m.exec(keys)?.[1]?.replace(/"/g, "");
    await rm(join(root, ".env.keys"));
    const env: NodeJS.ProcessEnv = { DOTENV_PRIVATE_KEY: privateKey };
    loadEnvFiles({ cwd: root, env });
    expect(env.KEY_V1).toBe(KEY);
  });

  test("without their private key: a ConfigError naming the file, with no secret in it", async () => {
    const root = await encryptedEnv();
    const encrypted = /KEY_V1="?([^"\n]+)/.exec(await readFile(join(root, ".env"), "utf8"))![1]!;
    await rm(join(root, ".env.keys"));
    const error = await thrown(() => loadEnvFiles({ cwd: root, env: {} }));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toContain(join(root, ".env"));
    expect(error.message).toContain("DOTENV_PRIVATE_KEY");
    expect(error.message).not.toContain(KEY);
    expect(error.message).not.toContain(encrypted);
  });
});
