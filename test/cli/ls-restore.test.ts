/** `ssb ls` and `ssb restore` against what real `ssb run`s left in the bucket. */
import { beforeEach, describe, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { lines, newWorkspace, tomlConfig, type SsbResult, type Workspace } from "./cli.ts";

let ws: Workspace;
beforeEach(async () => {
  ws = await newWorkspace();
});

function ok(result: SsbResult): SsbResult {
  if (result.code !== 0) throw new Error(`ssb exited ${result.code}: ${result.stderr}`);
  return result;
}

function mode(path: string): number {
  return statSync(path).mode & 0o777;
}

const secretJob = '[[jobs]]\nname = "secret"\npath = "etc/secret.bin"\ns3KeyPrefix = "keys/"\n';

/** Two backups of one job with different content: "first" and then "second". */
async function twoBackups(): Promise<{ older: string; newer: string }> {
  ws.write("config.toml", tomlConfig(ws.bucket, secretJob));
  ws.write("etc/secret.bin", "first version\n");
  ok(await ws.ssb(["run", "--config", "config.toml"]));
  ws.write("etc/secret.bin", "second version\n");
  // Within the same second too, the second backup gets a later time of its own.
  ok(await ws.ssb(["run", "--force", "--config", "config.toml"]));
  const [newer, older] = (await ws.objects()).reverse();
  return { older: older!, newer: newer! };
}

describe("ssb ls", () => {
  test("shows a job's backups newest first, named without .enc", async () => {
    const { older, newer } = await twoBackups();

    const result = ok(await ws.ssb(["ls", "--config", "config.toml"]));

    const out = lines(result.stdout);
    expect(out[0]).toBe(`secret: ${ws.dir}/etc/secret.bin`);
    expect(out).toHaveLength(4);
    expect(out[1]).toMatch(/^\s+TIME\s+STORED\s+KEY\s+OBJECT$/);
    expect(out[2]).toEndWith(`  v1   ${newer.replace(/\.enc$/, "")}`);
    expect(out[3]).toEndWith(`  v1   ${older.replace(/\.enc$/, "")}`);
    expect(result.stdout).not.toContain(".enc");
  });

  test("--json lists the same backups newest first, with names without .enc", async () => {
    const { older, newer } = await twoBackups();

    const result = ok(await ws.ssb(["ls", "secret", "--json", "--config", "config.toml"]));

    const catalog = JSON.parse(result.stdout);
    expect(catalog.bucket).toBe(ws.bucket);
    const backups = catalog.jobs[0].backups;
    expect(backups.map((b: { key: string }) => b.key)).toEqual([newer, older]);
    expect(backups.map((b: { keyId: string }) => b.keyId)).toEqual(["v1", "v1"]);
    expect(backups.map((b: { name: string }) => b.name)).toEqual([
      newer.replace(/\.enc$/, ""),
      older.replace(/\.enc$/, ""),
    ]);
    expect(backups[0].time > backups[1].time).toBe(true);
  });

  test("a job or group that is not in the config is a usage error naming the jobs there are", async () => {
    ws.write("config.toml", tomlConfig(ws.bucket, secretJob));

    const result = await ws.ssb(["ls", "NOPE", "--config", "config.toml"]);

    expect(result.code).toBe(2);
    expect(lines(result.stderr)).toEqual([
      `ssb: No job or group named "NOPE" in ${ws.dir}/config.toml; jobs: secret`,
    ]);
  });
});

describe("ssb restore", () => {
  test("--to writes the newest backup byte for byte, with mode 0600", async () => {
    const content = randomBytes(3 * 1024 * 1024 + 17);
    ws.write("etc/secret.bin", content);
    ws.write("config.toml", tomlConfig(ws.bucket, secretJob));
    ok(await ws.ssb(["run", "--config", "config.toml"]));

    const result = ok(
      await ws.ssb(["restore", "secret", "--to", "restored.bin", "--config", "config.toml"]),
    );

    const dest = join(ws.dir, "restored.bin");
    expect(Buffer.compare(readFileSync(dest), content)).toBe(0);
    expect(mode(dest)).toBe(0o600);
    expect(lines(result.stdout)[0]).toBe(
      `restored ${lines(result.stdout)[0]!.split(" ")[1]} to ${dest} (3145745 bytes, mode 0600)`,
    );
    expect(lines(result.stdout)[0]).toMatch(/^restored keys\/secret\.bin-.*\.bak\.enc to \//);
  });

  test("an existing file is not replaced without --force, and is with it", async () => {
    await twoBackups();
    const dest = ws.write("restored.bin", "precious local edit\n");

    const refused = await ws.ssb([
      "restore",
      "secret",
      "--to",
      "restored.bin",
      "--config",
      "config.toml",
    ]);

    expect(refused.code).toBe(2);
    expect(lines(refused.stderr)).toEqual([
      `ssb: Not overwriting ${dest}: it exists; pass --force to replace it, or --to PATH to restore elsewhere`,
    ]);
    expect(readFileSync(dest, "utf8")).toBe("precious local edit\n");

    ok(
      await ws.ssb([
        "restore",
        "secret",
        "--to",
        "restored.bin",
        "--force",
        "--config",
        "config.toml",
      ]),
    );

    expect(readFileSync(dest, "utf8")).toBe("second version\n");
    expect(mode(dest)).toBe(0o600);
  });

  test("--at picks the newest backup at or before that time", async () => {
    await twoBackups();
    const catalog = JSON.parse(
      ok(await ws.ssb(["ls", "--json", "--config", "config.toml"])).stdout,
    );
    const [newer, older] = catalog.jobs[0].backups;
    expect(newer.time).not.toBe(older.time);

    ok(
      await ws.ssb([
        "restore",
        "secret",
        "--at",
        older.time,
        "--to",
        "old.bin",
        "--config",
        "config.toml",
      ]),
    );
    ok(
      await ws.ssb([
        "restore",
        "secret",
        "--at",
        newer.time,
        "--to",
        "new.bin",
        "--config",
        "config.toml",
      ]),
    );

    expect(readFileSync(join(ws.dir, "old.bin"), "utf8")).toBe("first version\n");
    expect(readFileSync(join(ws.dir, "new.bin"), "utf8")).toBe("second version\n");
  });

  test("--at before the first backup finds nothing and says how to see what exists", async () => {
    await twoBackups();

    const result = await ws.ssb([
      "restore",
      "secret",
      "--at",
      "2001-01-01",
      "--to",
      "x.bin",
      "--config",
      "config.toml",
    ]);

    expect(result.code).toBe(1);
    expect(lines(result.stderr)).toEqual([
      `ssb: No backup of secret at or before 2001-01-01T23:59:59Z in s3://${ws.bucket}; run \`ssb ls secret\``,
    ]);
    expect(existsSync(join(ws.dir, "x.bin"))).toBe(false);
  });

  test("a flipped byte in the stored object fails with one line, leaving no file and no temp file", async () => {
    ws.write("etc/secret.bin", randomBytes(200_000));
    ws.write("config.toml", tomlConfig(ws.bucket, secretJob));
    ok(await ws.ssb(["run", "--config", "config.toml"]));
    const [key] = await ws.objects();
    await ws.flipByte(key!, 5_000);
    const folder = join(ws.dir, "restore-here");
    mkdirSync(folder);

    const result = await ws.ssb([
      "restore",
      "secret",
      "--to",
      "restore-here/secret.bin",
      "--config",
      "config.toml",
    ]);

    expect(result.code).toBe(1);
    const errors = lines(result.stderr);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toStartWith(`ssb: Cannot restore s3://${ws.bucket}/${key}: `);
    expect(errors[0]).toContain("authentication failed in segment 0: the object was altered");
    expect(errors[0]).toEndWith("nothing was written");
    expect(readdirSync(folder)).toEqual([]);
  });
});

describe("ssb restore --group", () => {
  const groupConfig = `
[policies.redis]
frequency = "hourly"
retentionCount = 4

[[jobs]]
name = "redis-rdb"
path = "redis/dump.rdb"
s3KeyPrefix = "redis/"
policy = "redis"
group = "redis"

[[jobs]]
name = "redis-aof"
path = "redis/appendonly.aof"
s3KeyPrefix = "redis/"
policy = "redis"
group = "redis"

[[jobs]]
name = "alone"
path = "etc/alone.txt"
`;

  test("restores every member of the newest complete set into one folder", async () => {
    const rdb = randomBytes(70_000);
    const aof = randomBytes(90_000);
    ws.write("redis/dump.rdb", rdb);
    ws.write("redis/appendonly.aof", aof);
    ws.write("etc/alone.txt", "not in the group\n");
    ws.write("config.toml", tomlConfig(ws.bucket, groupConfig));
    ok(await ws.ssb(["run", "--config", "config.toml"]));

    const listing = JSON.parse(
      ok(await ws.ssb(["ls", "redis", "--json", "--config", "config.toml"])).stdout,
    );
    expect(listing.groups).toHaveLength(1);
    expect(listing.groups[0].sets).toHaveLength(1);
    expect(listing.groups[0].sets[0].complete).toBe(true);

    ok(
      await ws.ssb(["restore", "--group", "redis", "--to", "restored", "--config", "config.toml"]),
    );

    const folder = join(ws.dir, "restored");
    expect(readdirSync(folder).sort()).toEqual(["appendonly.aof", "dump.rdb"]);
    expect(Buffer.compare(readFileSync(join(folder, "dump.rdb")), rdb)).toBe(0);
    expect(Buffer.compare(readFileSync(join(folder, "appendonly.aof")), aof)).toBe(0);
    expect(mode(join(folder, "dump.rdb"))).toBe(0o600);
    expect(mode(join(folder, "appendonly.aof"))).toBe(0o600);
  });

  test("a group that is not in the config is a usage error naming the groups there are", async () => {
    ws.write("config.toml", tomlConfig(ws.bucket, groupConfig));

    const result = await ws.ssb([
      "restore",
      "--group",
      "mysql",
      "--to",
      "restored",
      "--config",
      "config.toml",
    ]);

    expect(result.code).toBe(2);
    expect(lines(result.stderr)).toEqual([
      `ssb: No group named "mysql" in ${ws.dir}/config.toml; groups: redis`,
    ]);
  });
});
