/** `ssb run` and `ssb check` end to end: what reaches the bucket, what the operator reads. */
import { beforeEach, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { lines, newWorkspace, tomlConfig, type Workspace } from "./cli.ts";

let ws: Workspace;
beforeEach(async () => {
  ws = await newWorkspace();
});

const STAMP = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z";

describe("ssb run", () => {
  test("a job whose file is missing fails alone: the others are backed up and the exit code is 1", async () => {
    ws.write("etc/a.env", "A=1\n");
    ws.write("etc/c.env", "C=3\n");
    ws.write(
      "config.toml",
      tomlConfig(
        ws.bucket,
        `
[[jobs]]
name = "a"
path = "etc/a.env"

[[jobs]]
name = "gone"
path = "etc/b.env"

[[jobs]]
name = "c"
path = "etc/c.env"
`,
      ),
    );

    const result = await ws.ssb(["run", "--config", "config.toml"]);

    expect(result.code).toBe(1);
    const objects = await ws.objects();
    expect(objects).toHaveLength(2);
    expect(objects[0]).toMatch(new RegExp(`^a\\.env-${STAMP}\\.bak\\.enc$`));
    expect(objects[1]).toMatch(new RegExp(`^c\\.env-${STAMP}\\.bak\\.enc$`));

    const errors = lines(result.stderr);
    const aboutGone = errors.filter((line) => line.includes("gone"));
    expect(aboutGone).toHaveLength(1);
    expect(aboutGone[0]).toContain(`${ws.dir}/etc/b.env`);
    expect(aboutGone[0]).toContain("check the job's path");
    expect(errors.at(-1)).toMatch(/ssb run: 2 uploaded, 0 skipped, 0 pruned, 1 failed/);
  });

  test("--json prints one JSON document whose counts match its jobs and the bucket", async () => {
    ws.write("a.txt", "alpha\n");
    ws.write("b.txt", "bravo\n");
    ws.write(
      "config.json",
      JSON.stringify({
        s3: { bucket: ws.bucket },
        jobs: [
          { name: "a", path: "a.txt", s3KeyPrefix: "files/" },
          { name: "b", path: "b.txt", s3KeyPrefix: "files/" },
        ],
      }),
    );

    const result = await ws.ssb(["run", "--json", "--config", "config.json"]);

    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary.dryRun).toBe(false);
    expect(summary.bucket).toBe(ws.bucket);
    expect(summary.configFile).toBe(`${ws.dir}/config.json`);
    expect(summary.counts).toEqual({ uploaded: 2, skipped: 0, pruned: 0, failed: 0 });
    expect(summary.jobs.map((j: { job: string; outcome: string }) => [j.job, j.outcome])).toEqual([
      ["a", "uploaded"],
      ["b", "uploaded"],
    ]);
    expect(summary.jobs.map((j: { size: number }) => j.size)).toEqual([6, 6]);
    const written = summary.jobs.map((j: { objectKey: string }) => j.objectKey).sort();
    expect(await ws.objects()).toEqual(written);
  });

  test("--json with a failed job still prints one parseable document and exits 1", async () => {
    ws.write("a.txt", "alpha\n");
    ws.write(
      "config.toml",
      tomlConfig(
        ws.bucket,
        '[[jobs]]\nname = "a"\npath = "a.txt"\n\n[[jobs]]\nname = "b"\npath = "nope.txt"\n',
      ),
    );

    const result = await ws.ssb(["run", "--json", "--config", "config.toml"]);

    expect(result.code).toBe(1);
    const summary = JSON.parse(result.stdout);
    expect(summary.counts).toEqual({ uploaded: 1, skipped: 0, pruned: 0, failed: 1 });
    const failed = summary.jobs.find((j: { job: string }) => j.job === "b");
    expect(failed.outcome).toBe("failed");
    expect(failed.error).toContain("nope.txt");
  });

  test("--dry-run uploads nothing and prints the object it would write for each job", async () => {
    ws.write("a.txt", "alpha\n");
    ws.write(
      "config.toml",
      tomlConfig(ws.bucket, '[[jobs]]\nname = "a"\npath = "a.txt"\ns3KeyPrefix = "keys/"\n'),
    );

    const result = await ws.ssb(["run", "--dry-run", "--config", "config.toml"]);

    expect(result.code).toBe(0);
    expect(await ws.objects()).toEqual([]);
    const out = lines(result.stdout);
    expect(out[0]).toBe(`config: ${join(ws.dir, "config.toml")}`);
    expect(out[1]).toMatch(new RegExp(`^a: would upload keys/a\\.txt-${STAMP}\\.bak\\.enc$`));
    expect(out.at(-1)).toMatch(/^ssb run \(dry run\): 1 planned, 0 skipped, 0 to prune, 0 failed/);
  });

  test("--dry-run --json reports the plan as JSON and still uploads nothing", async () => {
    ws.write("a.txt", "alpha\n");
    ws.write("config.toml", tomlConfig(ws.bucket, '[[jobs]]\nname = "a"\npath = "a.txt"\n'));

    const result = await ws.ssb(["run", "--dry-run", "--json", "--config", "config.toml"]);

    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary.dryRun).toBe(true);
    expect(summary.jobs[0].outcome).toBe("planned");
    expect(summary.jobs[0].objectKey).toMatch(new RegExp(`^a\\.txt-${STAMP}\\.bak\\.enc$`));
    expect(await ws.objects()).toEqual([]);
  });
});

/**
 * Five mistakes, each of the kind that disables only the jobs concerned, and two good jobs.
 * Problems are placed by field path (`jobs[3].policy`), so jobs are counted from 0 here.
 */
function fiveMistakes(bucket: string): string {
  return tomlConfig(
    bucket,
    `
[policies.daily]
frequency = "daily"
retentionCount = 3

[policies.hourly]
frequency = "hourly"
retentionCount = 48

[policies.wrong-type]
frequency = "daily"
retentionCount = "three"

[[jobs]]
name = "good-one"
path = "files/good-one"
policy = "daily"

[[jobs]]
name = "unknown-policy"
path = "files/unknown-policy"
policy = "weekly-big"

[[jobs]]
name = "misspelt-field"
path = "files/misspelt-field"
policy = { frequency = "daily", retentionCuont = 3 }

[[jobs]]
name = "wrong-type"
path = "files/wrong-type"
policy = "wrong-type"

[[jobs]]
name = "same-names-1"
path = "files/one/secret.env"
s3KeyPrefix = "dup/"

[[jobs]]
name = "same-names-2"
path = "files/two/secret.env"
s3KeyPrefix = "dup/"

[[jobs]]
name = "redis-rdb"
path = "files/dump.rdb"
group = "redis"
policy = "daily"

[[jobs]]
name = "redis-aof"
path = "files/appendonly.aof"
group = "redis"
policy = "hourly"

[[jobs]]
name = "good-two"
path = "files/good-two"
`,
  );
}

describe("a config with five mistakes and two good jobs", () => {
  beforeEach(() => {
    for (const name of [
      "good-one",
      "good-two",
      "unknown-policy",
      "misspelt-field",
      "wrong-type",
      "one/secret.env",
      "two/secret.env",
      "dump.rdb",
      "appendonly.aof",
    ]) {
      ws.write(`files/${name}`, `content of ${name}\n`);
    }
    ws.write("config.toml", fiveMistakes(ws.bucket));
  });

  test("ssb check names every mistake with its place in the file and exits 2", async () => {
    const result = await ws.ssb(["check", "--config", "config.toml"]);

    expect(result.code).toBe(2);
    const out = lines(result.stdout);
    const problem = (place: string) =>
      out.filter((line) => line.startsWith(`config.toml: ${place}: `));

    expect(problem("jobs[1].policy")[0]).toContain('unknown policy "weekly-big"');
    expect(problem("jobs[2].policy.retentionCuont")[0]).toContain("did you mean retentionCount?");
    expect(problem("policies.wrong-type.retentionCount")[0]).toContain(
      'must be a number, not "three"',
    );
    expect(problem("jobs[3].policy")[0]).toContain('policy "wrong-type" is invalid');
    expect(problem("jobs[4].path")[0]).toContain(
      'writes the same object names (dup/secret.env-<time>.bak.enc) as job "same-names-2"',
    );
    expect(problem("jobs[5].path")[0]).toContain('as job "same-names-1"');
    expect(problem("jobs[6].policy")[0]).toContain(
      'members of group "redis" have different policies',
    );
    expect(problem("jobs[7].policy")[0]).toContain(
      'members of group "redis" have different policies',
    );

    // The good jobs are listed as loaded, and nothing reached the bucket.
    expect(out).toContain("job good-one: daily");
    expect(out).toContain("job good-two: daily, keep 7");
    expect(out.at(-1)).toBe("8 problems found");
    expect(await ws.objects()).toEqual([]);
  });

  test("ssb check --json lists the same problems, each tied to its job", async () => {
    const result = await ws.ssb(["check", "--json", "--config", "config.toml"]);

    expect(result.code).toBe(2);
    const report = JSON.parse(result.stdout);
    const disabled = new Set(
      report.problems.flatMap((p: { job?: string }) => (p.job ? [p.job] : [])),
    );
    expect([...disabled].sort()).toEqual([
      "misspelt-field",
      "redis-aof",
      "redis-rdb",
      "same-names-1",
      "same-names-2",
      "unknown-policy",
      "wrong-type",
    ]);
    expect(report.jobs.map((j: { name: string }) => j.name)).toEqual(["good-one", "good-two"]);
  });

  test("ssb run backs up the two good jobs, reports the broken ones as failed, and exits 1", async () => {
    const result = await ws.ssb(["run", "--json", "--config", "config.toml"]);

    expect(result.code).toBe(1);
    const objects = await ws.objects();
    expect(objects).toHaveLength(2);
    expect(objects[0]).toMatch(new RegExp(`^good-one-${STAMP}\\.bak\\.enc$`));
    expect(objects[1]).toMatch(new RegExp(`^good-two-${STAMP}\\.bak\\.enc$`));

    const summary = JSON.parse(result.stdout);
    expect(summary.counts).toEqual({ uploaded: 2, skipped: 0, pruned: 0, failed: 7 });
    const outcome = Object.fromEntries(
      summary.jobs.map((j: { job: string; outcome: string }) => [j.job, j.outcome]),
    );
    expect(outcome).toEqual({
      "good-one": "uploaded",
      "unknown-policy": "failed",
      "misspelt-field": "failed",
      "wrong-type": "failed",
      "same-names-1": "failed",
      "same-names-2": "failed",
      "redis-rdb": "failed",
      "redis-aof": "failed",
      "good-two": "uploaded",
    });
    for (const job of summary.jobs.filter((j: { outcome: string }) => j.outcome === "failed")) {
      expect(job.error).toContain("config problem in");
      expect(job.error).toContain("run `ssb check`");
    }
  });

  // Fails today: selectUnits (src/backup/units.ts) only knows the groups of valid jobs, so a
  // group disabled by a config problem is answered with `No group named "redis"; groups: none`
  // and exit 2, instead of its members being reported failed with the problem, as --job does.
  test("ssb run --group of a group disabled by a config problem reports its members as failed", async () => {
    const result = await ws.ssb(["run", "--group", "redis", "--json", "--config", "config.toml"]);

    expect(lines(result.stderr)).not.toContain(
      'ssb: No group named "redis" in the config; groups: none',
    );
    expect(result.code).toBe(1);
    const summary = JSON.parse(result.stdout);
    expect(summary.jobs.map((j: { job: string }) => j.job)).toEqual(["redis-rdb", "redis-aof"]);
    expect(await ws.objects()).toEqual([]);
  });
});
