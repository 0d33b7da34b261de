import { afterEach, describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { startSilent, startSmtp, stopSmtpServers } from "../helpers/smtp.ts";
import { newWorkspace, tomlConfig, type Workspace } from "./cli.ts";

afterEach(stopSmtpServers);

/** A config with one good and one failing job, a log file, report pages and mail to `port`. */
function reportingConfig(ws: Workspace, port: number, smtp = ""): string {
  ws.write("good.env", "TOKEN=fine\n");
  return tomlConfig(
    ws.bucket,
    `
[logging]
file = "log/ssb.log"

[reporting]
htmlPath = "www"
errorRecipients = ["ops@example.com"]

[reporting.smtp]
host = "127.0.0.1"
port = ${port}
from = "ssb@example.com"
requireTls = false
timeoutMs = 2000
${smtp}

[[jobs]]
name = "good"
path = "good.env"

[[jobs]]
name = "lost <b>&\\""
path = "missing/dump.rdb"
`,
  );
}

/** Everything ssb wrote for people: the log file and every page. */
function writtenText(ws: Workspace): string {
  const pages = readdirSync(join(ws.dir, "www")).map((name) =>
    readFileSync(join(ws.dir, "www", name), "utf8"),
  );
  return [readFileSync(join(ws.dir, "log/ssb.log"), "utf8"), ...pages].join("\n");
}

describe("ssb run reports a failure in every place", () => {
  test("one failing job: exit 1, exactly one mail naming the job and the error, pages and log written, no secret anywhere", async () => {
    const ws = await newWorkspace();
    const smtp = await startSmtp();
    ws.write("config.toml", reportingConfig(ws, smtp.port));

    const result = await ws.ssb(["run", "--config", "config.toml"]);

    expect(result.code).toBe(1);
    expect(smtp.received).toHaveLength(1);
    const mail = smtp.received[0]!.raw;
    expect(mail).toContain("lost <b>&");
    expect(mail).toContain("missing/dump.rdb");
    expect(smtp.received[0]!.to).toEqual(["ops@example.com"]);

    const pages = readdirSync(join(ws.dir, "www")).sort();
    expect(pages).toEqual([
      expect.stringMatching(/^backup-.*\.html$/),
      expect.stringMatching(/^error-.*\.html$/),
      "index.html",
    ]);
    const text = writtenText(ws);
    expect(text).toContain("lost &lt;b&gt;&amp;");
    expect(text).toContain("error mail sent to ops@example.com");

    const secret = ws.env.AWS_SECRET_ACCESS_KEY!;
    for (const output of [text, mail, result.stdout, result.stderr]) {
      expect(output).not.toContain(ws.key);
      expect(output).not.toContain(ws.key.toUpperCase());
      expect(output).not.toContain(secret);
    }
  });

  test("every job succeeding sends no mail and writes no error page", async () => {
    const ws = await newWorkspace();
    const smtp = await startSmtp();
    ws.write(
      "config.toml",
      reportingConfig(ws, smtp.port).replace(/\[\[jobs\]\]\nname = "lost[^]*$/, ""),
    );

    const result = await ws.ssb(["run", "--config", "config.toml"]);

    expect(result.code).toBe(0);
    expect(smtp.connections).toBe(0);
    expect(readdirSync(join(ws.dir, "www")).some((name) => name.startsWith("error-"))).toBe(false);
  });

  test("a mail server that never greets leaves the result and exit code as they were, within the deadline", async () => {
    const ws = await newWorkspace();
    const silent = await startSilent();
    ws.write("config.toml", reportingConfig(ws, silent.port));

    const result = await ws.ssb(["run", "--config", "config.toml"]);

    expect(result.code).toBe(1);
    expect(result.ms).toBeLessThan(2000 + 8000);
    expect(await ws.objects()).toEqual([expect.stringMatching(/^good\.env-.*\.bak\.enc$/)]);
    const log = readFileSync(join(ws.dir, "log/ssb.log"), "utf8");
    expect(log).toContain("error mail not sent");
    expect(log).toContain("127.0.0.1");
  });

  test("a mail server that refuses the login leaves the result intact and the password out of every output", async () => {
    const ws = await newWorkspace();
    const smtp = await startSmtp({
      authOptional: false,
      authMethods: ["PLAIN", "LOGIN"],
      allowInsecureAuth: true,
      onAuth: (_auth, _session, callback) => callback(new Error("Invalid username or password")),
    });
    ws.write("config.toml", reportingConfig(ws, smtp.port));
    const password = "correct-horse-battery-staple";

    const result = await ws.ssb(["run", "--config", "config.toml"], {
      env: { SMTP_USER: "ssb", SMTP_PASS: password },
    });

    expect(result.code).toBe(1);
    expect(smtp.received).toEqual([]);
    const text = writtenText(ws);
    expect(text).toContain("error mail not sent");
    for (const output of [text, result.stdout, result.stderr])
      expect(output).not.toContain(password);
  });

  test("recipients without a [reporting.smtp] table: no mail, and the log and page say why", async () => {
    const ws = await newWorkspace();
    const config = reportingConfig(ws, 1).replace(/\[reporting\.smtp\][^[]*/, "");
    ws.write("config.toml", config);

    const result = await ws.ssb(["run", "--config", "config.toml"], {
      env: { SMTP_URL: "smtp://127.0.0.1:1" },
    });

    expect(result.code).toBe(1);
    expect(writtenText(ws)).toContain("[reporting.smtp] is missing");
  });

  test("a secret that looks like a number is redacted from text but leaves numbers in --json intact", async () => {
    const ws = await newWorkspace();
    ws.write("data.bin", Buffer.alloc(200000, 1));
    ws.write("config.toml", tomlConfig(ws.bucket, '[[jobs]]\nname = "data"\npath = "data.bin"\n'));

    const result = await ws.ssb(["run", "--json", "--config", "config.toml"], {
      env: { SMTP_PASS: "200000" },
    });

    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).jobs[0].size).toBe(200000);
  });
});
