/**
 * A config or key problem stops every command before it touches the bucket: exit 2 and one
 * line on stderr that names the file and the field (or the variable) and says what to do.
 */
import { beforeEach, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { lines, newWorkspace, tomlConfig, type SsbResult, type Workspace } from "./cli.ts";

let ws: Workspace;
beforeEach(async () => {
  ws = await newWorkspace();
});

/** The single stderr line of a refused command; fails when there are several. */
function oneErrorLine(result: SsbResult): string {
  const found = lines(result.stderr);
  expect(found).toHaveLength(1);
  expect(found[0]).toStartWith("ssb: ");
  return found[0]!;
}

const job = '[[jobs]]\nname = "api"\npath = "api.json"\n';

describe("a config that cannot be used", () => {
  test("without --config, and nothing in HOME or the working folder, lists every place looked at", async () => {
    const empty = join(ws.dir, "cron-cwd");
    ws.write("cron-cwd/readme.txt", "no config here\n");

    const result = await ws.ssb(["run"], { cwd: empty });

    expect(result.code).toBe(2);
    const line = oneErrorLine(result);
    expect(line).toContain("no config file found");
    expect(line).toContain(join(empty, "config", "config.toml"));
    expect(line).toContain(join(empty, "config", "config.json"));
    expect(line).toContain(join(ws.home, ".config", "secure-s3-backup", "config.toml"));
    expect(line).toContain("/etc/secure-s3-backup/config.toml");
    expect(line).toContain("--config");
    expect(await ws.objects()).toEqual([]);
  });

  test("a TOML syntax error names the file and the line, and says to run ssb check", async () => {
    ws.write("config.toml", `[s3]\nbucket = "${ws.bucket}"\n\n[limits\nmaxJobs = 2\n`);

    const result = await ws.ssb(["run", "--config", "config.toml"]);

    expect(result.code).toBe(2);
    const line = oneErrorLine(result);
    expect(line).toMatch(/^ssb: config\.toml:4:\d+: invalid TOML: /);
    expect(line).toContain("ssb check");
  });

  test("a JSON syntax error names the file and the line, and says to run ssb check", async () => {
    ws.write(
      "ssb.json",
      `{\n  "s3": { "bucket": "${ws.bucket}" },\n  "jobs": [\n    { "name": "api", "path": "api.json", }\n  ]\n}\n`,
    );

    const result = await ws.ssb(["run", "--config", "ssb.json"]);

    expect(result.code).toBe(2);
    const line = oneErrorLine(result);
    expect(line).toMatch(/^ssb: ssb\.json:4:\d+: invalid JSON: /);
    expect(line).toContain("ssb check");
  });

  test("a setting of the wrong type is named with its full path and the value found", async () => {
    ws.write("config.toml", tomlConfig(ws.bucket, `[limits]\nmaxJobs = "four"\n\n${job}`));

    const result = await ws.ssb(["run", "--config", "config.toml"]);

    expect(result.code).toBe(2);
    const line = oneErrorLine(result);
    expect(line).toContain("config.toml");
    expect(line).toContain("limits.maxJobs");
    expect(line).toContain('must be a number, not "four"');
  });

  test("a missing bucket names s3.bucket and shows the TOML line to add", async () => {
    ws.write("config.toml", `[s3]\nregion = "us-east-1"\n\n${job}`);

    const result = await ws.ssb(["run", "--config", "config.toml"]);

    expect(result.code).toBe(2);
    const line = oneErrorLine(result);
    expect(line).toContain("config.toml: s3.bucket: required");
    expect(line).toContain('[s3] bucket = "');
  });

  test("a missing bucket in a JSON config shows the JSON to add", async () => {
    ws.write("config.json", JSON.stringify({ s3: {}, jobs: [{ name: "api", path: "api.json" }] }));

    const result = await ws.ssb(["run", "--config", "config.json"]);

    expect(result.code).toBe(2);
    const line = oneErrorLine(result);
    expect(line).toContain("config.json: s3.bucket: required");
    expect(line).toContain('"s3": { "bucket"');
  });

  test("ssb ls and ssb restore stop the same way as ssb run", async () => {
    ws.write("config.toml", `[s3]\n\n${job}`);

    for (const args of [["ls"], ["restore", "api", "--to", "out"]]) {
      const result = await ws.ssb([...args, "--config", "config.toml"]);
      expect(result.code).toBe(2);
      expect(oneErrorLine(result)).toContain("s3.bucket");
    }
  });
});

describe("keys in the environment", () => {
  beforeEach(() => {
    ws.write("api.json", '{"token":"t0ps3cret"}\n');
    ws.write("config.toml", tomlConfig(ws.bucket, job));
  });

  test("a key that is not 64 hex characters names the variable, never the value", async () => {
    const short = "c0ffee".repeat(10); // 60 characters
    const notHex = `${"z".repeat(8)}${"ab".repeat(28)}`; // 64 characters, not all hex

    for (const value of [short, notHex]) {
      const result = await ws.ssb(["run", "--config", "config.toml"], { env: { KEY_V1: value } });

      expect(result.code).toBe(2);
      const line = oneErrorLine(result);
      expect(line).toContain("KEY_V1");
      expect(line).toContain("ssb keygen");
      expect(result.stdout + result.stderr).not.toContain(value);
    }
    expect(await ws.objects()).toEqual([]);
  });

  test("PRIMARY_KEY naming a key id that no KEY_ variable holds names both, never a value", async () => {
    const result = await ws.ssb(["run", "--config", "config.toml"], { env: { PRIMARY_KEY: "v2" } });

    expect(result.code).toBe(2);
    const line = oneErrorLine(result);
    expect(line).toContain('PRIMARY_KEY names key id "v2"');
    expect(line).toContain("KEY_V2");
    expect(line).toContain("v1");
    expect(result.stdout + result.stderr).not.toContain(ws.key);
    expect(await ws.objects()).toEqual([]);
  });

  test("no key at all says which variables to set", async () => {
    const result = await ws.ssb(["run", "--config", "config.toml"], {
      env: { KEY_V1: undefined, PRIMARY_KEY: undefined },
    });

    expect(result.code).toBe(2);
    const line = oneErrorLine(result);
    expect(line).toContain("no encryption key");
    expect(line).toContain("KEY_<ID>");
    expect(line).toContain("PRIMARY_KEY");
    expect(await ws.objects()).toEqual([]);
  });

  test("ssb restore refuses a bad key the same way, before touching the bucket", async () => {
    const value = "0123456789abcdef".repeat(3);
    const result = await ws.ssb(["restore", "api", "--to", "out.json", "--config", "config.toml"], {
      env: { KEY_V1: value },
    });

    expect(result.code).toBe(2);
    expect(oneErrorLine(result)).toContain("KEY_V1 must be 64 hex characters");
    expect(result.stdout + result.stderr).not.toContain(value);
  });
});
