import { describe, expect, test } from "bun:test";
import { ConfigError } from "../../src/errors.ts";
import { parseConfigText } from "../../src/config/parse.ts";
import { ConfigProblemsError, formatProblems } from "../../src/config/problems.ts";
import { validateConfig } from "../../src/config/validate.ts";
import { toml } from "./helpers.ts";

const FILE = "/srv/ssb/config.toml";

function check(text: string, env: Record<string, string> = {}) {
  const raw = parseConfigText(text, "toml", "config.toml");
  return validateConfig(raw, {
    file: FILE,
    display: "config.toml",
    format: "toml",
    env,
    home: "/home/ops",
  });
}

function fatal(text: string, env: Record<string, string> = {}): ConfigProblemsError {
  try {
    check(text, env);
  } catch (error) {
    if (error instanceof ConfigProblemsError) return error;
    throw error;
  }
  throw new Error("expected the config to be refused");
}

const job = (name: string, path: string, extra = "") =>
  `[[jobs]]\nname = "${name}"\npath = "${path}"\n${extra}\n`;

describe("fatal problems stop the run", () => {
  test("a missing bucket: exit 2, naming the file and s3.bucket, with the fix", () => {
    const error = fatal('[logging]\nlevel = "info"\n');
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe(
      'config.toml: s3.bucket: required; add [s3] bucket = "…"; fix the config and run `ssb check`',
    );
  });

  test.each([
    ["an empty bucket", '[s3]\nbucket = ""', "s3.bucket: must not be empty"],
    [
      "maxJobs that is not a whole number",
      toml("[limits]\nmaxJobs = 1.5"),
      "limits.maxJobs: must be a whole number, not 1.5",
    ],
    ["maxJobs of zero", toml("[limits]\nmaxJobs = 0"), "limits.maxJobs: must be at least 1, not 0"],
    [
      "a quoted maxJobs",
      toml('[limits]\nmaxJobs = "4"'),
      'limits.maxJobs: must be a number, not "4"',
    ],
    [
      "an unknown log level",
      toml('[logging]\nlevel = "loud"'),
      "logging.level: must be one of error | warn | info | debug",
    ],
    [
      "an unreadable log size",
      toml('[logging]\nmaxSize = "big"'),
      'logging.maxSize: must be a number of bytes or a size like "10M"',
    ],
    [
      "an unknown time zone",
      'timezone = "Mars/Olympus"\n' + toml(),
      "timezone: must be an IANA time zone",
    ],
    [
      "forcePathStyle as a string",
      toml('forcePathStyle = "yes"'),
      "s3.forcePathStyle: must be true or false",
    ],
    [
      "an SMTP port out of range",
      toml('[reporting.smtp]\nhost = "h"\nfrom = "a@b"\nport = 70000'),
      "reporting.smtp.port: must be at most 65535",
    ],
    [
      "a recipient that is no address",
      toml('[reporting]\nerrorRecipients = ["ops"]'),
      "reporting.errorRecipients[0]: must be an email address",
    ],
    [
      "an endpoint without a scheme",
      toml('endpoint = "minio:9000"'),
      's3.endpoint: must be a URL such as https://s3.example.com, not "minio:9000"',
    ],
    [
      "[jobs] written as a table",
      toml('[jobs]\nname = "x"'),
      "jobs: must be a list, not a table; write [[jobs]]",
    ],
  ])("%s", (_, text, expected) => {
    const error = fatal(text);
    expect(error.exitCode).toBe(2);
    expect(error.message.split("\n")[0]).toStartWith(`config.toml: ${expected}`);
  });

  test("a file that is not a table is refused", () => {
    const raw = parseConfigText("[1, 2]", "json", "config.json");
    expect(() =>
      validateConfig(raw, { file: "/c.json", display: "config.json", home: "/" }),
    ).toThrow("config.json: (file): must hold a table of settings, not a list");
  });

  test("every fatal problem is reported; the first line stands alone and counts the rest", () => {
    const error = fatal(`[limits]\nmaxJobs = -1\n[logging]\nmaxFiles = "many"\n${job("", "/x")}`);
    const lines = error.message.split("\n");
    expect(lines[0]).toBe(
      'config.toml: s3.bucket: required; add [s3] bucket = "…" (and 3 more below); fix the config and run `ssb check`',
    );
    expect(lines.slice(1)).toEqual([
      'config.toml: logging.maxFiles: must be a number, not "many"',
      "config.toml: limits.maxJobs: must be at least 1, not -1",
      "config.toml: jobs[0].name: must not be empty",
    ]);
    expect(error.problems.map((problem) => problem.path)).toEqual([
      "s3.bucket",
      "logging.maxFiles",
      "limits.maxJobs",
      "jobs[0].name",
    ]);
  });

  test("a JSON file gets the JSON form of the bucket hint", () => {
    const raw = parseConfigText('{"s3": {}}', "json", "config.json");
    expect(() =>
      validateConfig(raw, { file: "/c.json", display: "config.json", format: "json", home: "/" }),
    ).toThrow('config.json: s3.bucket: required; add "s3": { "bucket": "…" }');
  });
});

describe("defaults and overrides", () => {
  test("a minimal config gets every default", () => {
    const config = check(toml());
    expect(config.s3).toEqual({
      bucket: "acme-backups",
      region: "us-east-1",
      forcePathStyle: false,
      checksums: "WHEN_SUPPORTED",
    });
    expect(config.logging).toEqual({ level: "info", maxSize: 10 * 1024 * 1024, maxFiles: 7 });
    expect(config.reporting).toEqual({ errorRecipients: [], keepRuns: 500 });
    expect(config.limits).toEqual({ maxJobs: 2 });
    expect(config.timezone).toBe("UTC");
    expect(config.file).toBe(FILE);
  });

  test.each([
    [
      "the file's endpoint and region",
      'endpoint = "https://a.example"\nregion = "nyc3"',
      {},
      "https://a.example",
      "nyc3",
    ],
    [
      "S3_ENDPOINT and S3_REGION beat the file",
      'endpoint = "https://a.example"\nregion = "nyc3"',
      { S3_ENDPOINT: "http://127.0.0.1:9000", S3_REGION: "eu-west-1" },
      "http://127.0.0.1:9000",
      "eu-west-1",
    ],
    [
      "S3_ENDPOINT alone sets one",
      "",
      { S3_ENDPOINT: "http://minio:9000" },
      "http://minio:9000",
      "us-east-1",
    ],
    [
      "an empty S3_ENDPOINT does not erase the file's",
      'endpoint = "https://a.example"',
      { S3_ENDPOINT: "" },
      "https://a.example",
      "us-east-1",
    ],
  ])("%s", (_, s3, env, endpoint, region) => {
    const config = check(toml(s3), env);
    expect(config.s3.endpoint).toBe(endpoint);
    expect(config.s3.region).toBe(region);
    expect(config.s3.forcePathStyle).toBe(true);
    expect(config.s3.checksums).toBe("WHEN_REQUIRED");
  });

  test("path style and checksums can be set against the endpoint's defaults", () => {
    const config = check(
      toml('endpoint = "https://s3.example"\nforcePathStyle = false\nchecksums = "WHEN_SUPPORTED"'),
    );
    expect(config.s3.forcePathStyle).toBe(false);
    expect(config.s3.checksums).toBe("WHEN_SUPPORTED");
  });

  test("a bad S3_ENDPOINT is fatal and says it came from the environment", () => {
    expect(fatal(toml(), { S3_ENDPOINT: "nope" }).message).toContain("(from S3_ENDPOINT)");
  });

  test.each([
    [587, undefined, false],
    [465, undefined, true],
    [465, false, false],
    [2525, true, true],
  ])("SMTP on port %d with secure=%j is secure=%j", (port, secure, expected) => {
    const line = secure === undefined ? "" : `secure = ${secure}`;
    const config = check(
      toml(`[reporting.smtp]\nhost = "mail"\nfrom = "ssb@x"\nport = ${port}\n${line}`),
    );
    expect(config.reporting.smtp).toEqual({
      host: "mail",
      port,
      from: "ssb@x",
      secure: expected,
      requireTls: true,
      timeoutMs: 30_000,
    });
  });

  test("log and report paths count from the config file's folder; ~/ is home", () => {
    const config = check(
      toml('[logging]\nfile = "logs/ssb.log"\nmaxSize = "5M"\n[reporting]\nhtmlPath = "~/www"'),
    );
    expect(config.logging.file).toBe("/srv/ssb/logs/ssb.log");
    expect(config.logging.maxSize).toBe(5 * 1024 * 1024);
    expect(config.reporting.htmlPath).toBe("/home/ops/www");
  });
});

describe("jobs and policies", () => {
  test("named, inline and default policies resolve; paths and prefixes are normalised", () => {
    const config = check(
      toml(`
[policies.redis]
frequency = "hourly"
retentionCount = 48
parallel = false

${job("rdb", "/var/lib/redis/dump.rdb", 'policy = "redis"\ns3KeyPrefix = "/redis/"')}
${job("api", "keys/api.json", 'policy = { retentionCount = 3, frequency = "weekly" }')}
${job("home", "~/notes.txt")}
`),
    );
    expect(config.problems).toEqual([]);
    expect(config.jobs).toEqual([
      {
        name: "rdb",
        path: "/var/lib/redis/dump.rdb",
        s3KeyPrefix: "redis/",
        policy: { frequency: "hourly", onChangeOnly: false, retentionCount: 48, parallel: false },
        policyName: "redis",
      },
      {
        name: "api",
        path: "/srv/ssb/keys/api.json",
        s3KeyPrefix: "",
        policy: { frequency: "weekly", onChangeOnly: false, retentionCount: 3, parallel: true },
      },
      {
        name: "home",
        path: "/home/ops/notes.txt",
        s3KeyPrefix: "",
        policy: { frequency: "daily", onChangeOnly: false, retentionCount: 7, parallel: true },
      },
    ]);
  });

  test("five different job mistakes are all reported with their paths; the good jobs still run", () => {
    const config = check(
      toml(`
[policies.daily]
frequency = "daily"

${job("good-1", "/etc/a.json", 'policy = "daily"')}
[[jobs]]
path = "/etc/no-name.json"
${job("no-path", "", "")}
${job("unknown-policy", "/etc/c.json", 'policy = "weekly"')}
${job("typo", "/etc/d.json", "policy = { retentionCuont = 3 }")}
${job("bad-type", "/etc/e.json", 'policy = { retentionCount = 0, frequency = "yearly" }')}
${job("good-2", "/etc/f.json")}
`),
    );
    expect(config.jobs.map((j) => j.name)).toEqual(["good-1", "good-2"]);
    expect(config.problems.map((p) => [p.job, p.path])).toEqual([
      ["jobs[1]", "jobs[1].name"],
      ["no-path", "jobs[2].path"],
      ["unknown-policy", "jobs[3].policy"],
      ["typo", "jobs[4].policy.retentionCuont"],
      ["bad-type", "jobs[5].policy.frequency"],
      ["bad-type", "jobs[5].policy.retentionCount"],
    ]);
    expect(formatProblems(config.problems).split("\n")).toEqual([
      "config.toml: jobs[1].name: required",
      "config.toml: jobs[2].path: must not be empty",
      'config.toml: jobs[3].policy: unknown policy "weekly"; define [policies.weekly], or use one of daily',
      "config.toml: jobs[4].policy.retentionCuont: unknown key; did you mean retentionCount?",
      'config.toml: jobs[5].policy.frequency: must be one of hourly | daily | weekly | monthly | always, not "yearly"',
      "config.toml: jobs[5].policy.retentionCount: must be at least 1, not 0",
    ]);
  });

  test("a broken named policy disables every job using it and is reported at its own path", () => {
    const config = check(
      toml(`
[policies.redis]
frequency = "hourly"
retentionCount = "48"

${job("rdb", "/r/dump.rdb", 'policy = "redis"')}
${job("aof", "/r/appendonly.aof", 'policy = "redis"')}
${job("other", "/etc/x")}
`),
    );
    expect(config.jobs.map((j) => j.name)).toEqual(["other"]);
    expect(config.problems).toEqual([
      {
        file: "config.toml",
        path: "policies.redis.retentionCount",
        message: 'must be a number, not "48"',
      },
      {
        file: "config.toml",
        path: "jobs[0].policy",
        message: 'policy "redis" is invalid (see policies.redis.retentionCount)',
        job: "rdb",
      },
      {
        file: "config.toml",
        path: "jobs[1].policy",
        message: 'policy "redis" is invalid (see policies.redis.retentionCount)',
        job: "aof",
      },
    ]);
  });

  test.each([
    [
      "a misspelt job key",
      job("a", "/a", 's3keyPrefix = "x/"'),
      "jobs[0].s3keyPrefix",
      "unknown key; did you mean s3KeyPrefix?",
    ],
    [
      "a policy that is a number",
      job("a", "/a", "policy = 3"),
      "jobs[0].policy",
      "must be a policy name or an inline table, not 3",
    ],
    [
      "a job that is not a table",
      "jobs = [1]\n",
      "jobs[0]",
      "must be a table with name and path, not 1",
    ],
    [
      "onChangeOnly as a string",
      job("a", "/a", 'policy = { onChangeOnly = "yes" }'),
      "jobs[0].policy.onChangeOnly",
      'must be true or false, not "yes"',
    ],
  ])("%s is a problem of that job", (_, text, path, message) => {
    const config = check(text + toml());
    expect(config.jobs).toEqual([]);
    expect(config.problems).toContainEqual(expect.objectContaining({ path, message }));
  });

  test("two jobs with one name are both skipped", () => {
    const config = check(toml(job("dup", "/a") + job("dup", "/b") + job("fine", "/c")));
    expect(config.jobs.map((j) => j.name)).toEqual(["fine"]);
    expect(config.problems.map((p) => p.path)).toEqual(["jobs[0].name", "jobs[1].name"]);
    expect(config.problems[0]!.message).toContain("also used by jobs[1]");
  });

  test("two jobs writing the same object names are both skipped, whatever their folders", () => {
    const config = check(
      toml(
        job("a", "/srv/one/dump.rdb", 's3KeyPrefix = "redis/"') +
          job("b", "/srv/two/dump.rdb", 's3KeyPrefix = "/redis/"') +
          job("c", "/srv/three/dump.rdb", 's3KeyPrefix = "other/"'),
      ),
    );
    expect(config.jobs.map((j) => j.name)).toEqual(["c"]);
    expect(config.problems.map((p) => [p.job, p.path])).toEqual([
      ["a", "jobs[0].path"],
      ["b", "jobs[1].path"],
    ]);
    expect(config.problems[0]!.message).toBe(
      'writes the same object names (redis/dump.rdb-<time>.bak.enc) as job "b" (jobs[1]); give one of them its own s3KeyPrefix',
    );
  });

  test("members of a group with different policies are all reported", () => {
    const config = check(
      toml(
        job("rdb", "/r/dump.rdb", 'group = "redis"\npolicy = { frequency = "hourly" }') +
          job("aof", "/r/appendonly.aof", 'group = "redis"') +
          job("conf", "/r/redis.conf", 'group = "redis"\npolicy = { frequency = "hourly" }') +
          job("solo", "/etc/solo"),
      ),
    );
    expect(config.jobs.map((j) => j.name)).toEqual(["solo"]);
    expect(config.problems.map((p) => [p.job, p.path])).toEqual([
      ["rdb", "jobs[0].policy"],
      ["aof", "jobs[1].policy"],
      ["conf", "jobs[2].policy"],
    ]);
    expect(config.problems[1]!.message).toContain('job "aof" (jobs[1]): daily, keep 7');
  });

  test("group members naming different policies with equal settings may run together", () => {
    const config = check(
      toml(
        `[policies.a]\nretentionCount = 7\n[policies.b]\nfrequency = "daily"\n` +
          job("x", "/x", 'group = "g"\npolicy = "a"') +
          job("y", "/y", 'group = "g"\npolicy = "b"'),
      ),
    );
    expect(config.problems).toEqual([]);
    expect(config.jobs.map((j) => j.group)).toEqual(["g", "g"]);
  });

  test("one broken member skips its whole group, since the set would never be complete", () => {
    const config = check(
      toml(
        job("rdb", "/r/dump.rdb", 'group = "redis"\npolicy = "nope"') +
          job("aof", "/r/aof", 'group = "redis"'),
      ),
    );
    expect(config.jobs).toEqual([]);
    expect(config.problems[1]).toMatchObject({ job: "aof", path: "jobs[1].group" });
    expect(config.problems[1]!.message).toContain('skipped with the rest of group "redis"');
  });

  test("a group named like a job is a problem of the group's members", () => {
    const config = check(
      toml(job("redis", "/etc/redis.conf") + job("rdb", "/r/dump.rdb", 'group = "redis"')),
    );
    expect(config.jobs.map((j) => j.name)).toEqual(["redis"]);
    expect(config.problems).toEqual([
      expect.objectContaining({
        job: "rdb",
        path: "jobs[1].group",
        message: expect.stringContaining('same name as job "redis"'),
      }),
    ]);
  });
});

describe("warnings disable nothing", () => {
  test("unknown keys outside jobs and policies are reported without a job", () => {
    const config = check(toml(`region2 = "x"\n[limit]\nmaxJobs = 3\n${job("a", "/a")}`));
    expect(config.jobs.map((j) => j.name)).toEqual(["a"]);
    expect(config.problems).toEqual([
      {
        file: "config.toml",
        path: "s3.region2",
        message: "unknown key; did you mean region?",
        warning: true,
      },
      {
        file: "config.toml",
        path: "limit",
        message: "unknown key; did you mean limits?",
        warning: true,
      },
    ]);
  });

  test.each([
    ["no jobs at all", toml(), "jobs"],
    [
      "a top-level key written after [s3], where TOML puts it inside",
      toml(`timezone = "UTC"\n${job("a", "/a")}`),
      "s3.timezone",
    ],
    [
      "recipients with no way to send mail",
      toml('[reporting]\nerrorRecipients = ["ops@x"]\n' + job("a", "/a")),
      "reporting.smtp",
    ],
  ])("%s", (_, text, path) => {
    const config = check(text);
    expect(config.problems).toEqual([expect.objectContaining({ path, warning: true })]);
    expect(config.problems[0]!.job).toBeUndefined();
  });
});
