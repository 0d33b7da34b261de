import { afterAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { inspectSetup } from "../../src/config/inspect.ts";
import { removeTempTrees, tempTree, toml } from "./helpers.ts";

afterAll(removeTempTrees);

const KEY = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

describe("inspectSetup", () => {
  test("a good setup lists the config, jobs and key ids, and no problems", async () => {
    const root = await tempTree({
      "config/config.toml": toml('[[jobs]]\nname = "api"\npath = "api.json"\n'),
      "config/api.json": "{}",
      ".env": `KEY_2025_Q4_KEY=${KEY}\nPRIMARY_KEY=2025-q4-key\n`,
    });
    const report = await inspectSetup({ cwd: root, home: root, env: {} });
    expect(report.problems).toEqual([]);
    expect(report.lines).toEqual([
      `config: ${join(root, "config/config.toml")}`,
      `env file: ${join(root, ".env")}`,
      "bucket: acme-backups",
      "job api: daily, keep 7",
      "keys: 2025_q4_key (primary)",
      "no problems found",
    ]);
  });

  test("a fatal config problem and a key problem are both reported, without the key", async () => {
    const root = await tempTree({ "config/config.toml": "[s3]\n" });
    const report = await inspectSetup({ cwd: root, home: root, env: { KEY_V1: KEY.slice(1) } });
    expect(report.problems.map((problem) => problem.path)).toEqual(["s3.bucket", "environment"]);
    expect(report.lines.at(-1)).toBe("2 problems found");
    expect(JSON.stringify(report)).not.toContain(KEY.slice(1, 20));
  });

  test("warnings are listed apart from problems", async () => {
    const root = await tempTree({
      "config/config.toml": toml(
        '[limit]\nmaxJobs = 3\n[[jobs]]\nname = "api"\npath = "api.json"\n',
      ),
      "config/api.json": "{}",
    });
    const report = await inspectSetup({ cwd: root, home: root, env: { KEY_V1: KEY } });
    expect(report.problems).toEqual([]);
    expect(report.warnings.map((warning) => warning.path)).toEqual(["limit"]);
    expect(report.lines).toContain(
      "warning: config/config.toml: limit: unknown key; did you mean limits?",
    );
    expect(report.lines.at(-1)).toBe("1 warning found");
  });

  test("a job whose file cannot be read now is a warning naming the job and the path", async () => {
    const root = await tempTree({
      "config/config.toml": toml('[[jobs]]\nname = "api"\npath = "missing.json"\n'),
    });
    const report = await inspectSetup({ cwd: root, home: root, env: { KEY_V1: KEY } });
    expect(report.warnings).toEqual([
      expect.objectContaining({ path: "job api", job: "api", warning: true }),
    ]);
    expect(report.warnings[0]!.message).toContain(join(root, "config/missing.json"));
  });
});
