import { afterAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { ConfigError } from "../../src/errors.ts";
import { formatProblems, loadConfig } from "../../src/config/load.ts";
import { loadKeys } from "../../src/config/keys.ts";
import { removeTempTrees, tempTree, thrown, toml } from "./helpers.ts";

afterAll(removeTempTrees);

const KEY = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

describe("loadConfig", () => {
  test("finds ./config/config.toml, loads .env from the working directory and validates", async () => {
    const root = await tempTree({
      "config/config.toml": toml('[[jobs]]\nname = "api"\npath = "secrets/api.json"\n'),
      ".env": `S3_REGION=eu-central-1\nKEY_V1=${KEY}\n`,
    });
    const env: NodeJS.ProcessEnv = {};
    const loaded = await loadConfig({ cwd: root, home: join(root, "home"), env });

    expect(loaded.envFile).toBe(join(root, ".env"));
    expect(loaded.tried).toEqual([
      join(root, "config/config.json"),
      join(root, "config/config.toml"),
    ]);
    expect(loaded.config.file).toBe(join(root, "config/config.toml"));
    expect(loaded.config.s3.region).toBe("eu-central-1");
    expect(loaded.config.jobs[0]!.path).toBe(join(root, "config/secrets/api.json"));
    expect(loadKeys(env).primary).toBe("v1");
  });

  test("cron in a home directory: SSB_CONFIG from the environment, .env beside the config", async () => {
    const root = await tempTree({
      "etc/ssb.json": '{ "s3": { "bucket": "b" } }',
      "etc/.env": "S3_ENDPOINT=http://127.0.0.1:9000\nS3_REGION=from-file\n",
      "home/.keep": "",
    });
    const env: NodeJS.ProcessEnv = {
      SSB_CONFIG: join(root, "etc/ssb.json"),
      S3_REGION: "from-env",
    };
    const loaded = await loadConfig({ cwd: join(root, "home"), home: join(root, "home"), env });

    expect(loaded.envFile).toBe(join(root, "etc/.env"));
    expect(loaded.config.s3.endpoint).toBe("http://127.0.0.1:9000");
    expect(loaded.config.s3.region).toBe("from-env");
  });

  test("the config location may come from the .env in the working directory", async () => {
    const root = await tempTree({
      ".env": "SSB_CONFIG=elsewhere/ssb.toml\n",
      "elsewhere/ssb.toml": toml(),
    });
    const loaded = await loadConfig({ cwd: root, home: root, env: {} });
    expect(loaded.config.file).toBe(join(root, "elsewhere/ssb.toml"));
  });

  test("a missing bucket: exit 2, naming the file as seen from the working directory", async () => {
    const root = await tempTree({ "config/config.toml": '[logging]\nlevel = "debug"\n' });
    const error = await thrown(() => loadConfig({ cwd: root, home: root, env: {} }));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe(
      'config/config.toml: s3.bucket: required; add [s3] bucket = "…"; fix the config and run `ssb check`',
    );
  });

  test("a syntax error names the file and line", async () => {
    const root = await tempTree({ "config/config.toml": toml("\n[limits\nmaxJobs = 2\n") });
    const error = await thrown(() => loadConfig({ cwd: root, home: root, env: {} }));
    expect(error.exitCode).toBe(2);
    expect(error.message).toMatch(/^config\/config\.toml:4:\d+: invalid TOML/);
  });

  test("an explicit --config that does not exist names that path", async () => {
    const root = await tempTree({ "config/config.toml": toml() });
    const error = await thrown(() =>
      loadConfig({ configPath: "/nowhere/ssb.toml", cwd: root, home: root, env: {} }),
    );
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain("/nowhere/ssb.toml");
  });

  test("per-job problems come back with the config, formatted one per line", async () => {
    const root = await tempTree({
      "config/config.toml": toml(
        '[[jobs]]\nname = "a"\npath = "/a"\npolicy = "nope"\n[[jobs]]\nname = "b"\npath = "/b"\n',
      ),
    });
    const { config } = await loadConfig({ cwd: root, home: root, env: {} });
    expect(config.jobs.map((job) => job.name)).toEqual(["b"]);
    expect(formatProblems(config.problems)).toBe(
      'config/config.toml: jobs[0].policy: unknown policy "nope"; define [policies.nope]',
    );
  });
});
