import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ReportingSettings, SmtpSettings } from "../../src/config/types.ts";
import { sendErrorMail } from "../../src/report/mail.ts";
import { startSilent, startSmtp, stopSmtpServers } from "../helpers/smtp.ts";
import { failed, makeSummary, uploaded } from "./fixtures/summary.ts";

afterEach(stopSmtpServers);

function settings(port: number, smtp: Partial<SmtpSettings> = {}): ReportingSettings {
  return {
    errorRecipients: ["ops@example.com", "oncall@example.com"],
    keepRuns: 500,
    smtp: {
      host: "127.0.0.1",
      port,
      from: "ssb@example.com",
      secure: false,
      requireTls: false,
      timeoutMs: 5000,
      ...smtp,
    },
  };
}

/** The decoded text/plain part of a raw MIME message. */
function textPart(raw: string): string {
  const match =
    /Content-Type: text\/plain[^\r\n]*\r?\n((?:[^\r\n]+\r?\n)*)\r?\n([\s\S]*?)\r?\n--/i.exec(raw);
  if (!match) throw new Error(`no text part in:\n${raw}`);
  const headers = match[1] ?? "";
  const body = match[2] ?? "";
  if (!/quoted-printable/i.test(headers)) return body.replace(/\r\n/g, "\n");
  return body
    .replace(/=\r?\n/g, "")
    .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)))
    .replace(/\r\n/g, "\n");
}

function header(raw: string, name: string): string | undefined {
  return new RegExp(`^${name}: (.*)$`, "im").exec(raw)?.[1]?.trim();
}

describe("sendErrorMail", () => {
  test("mails one failing job to every recipient, naming the job and its error", async () => {
    const server = await startSmtp();
    const summary = makeSummary([
      uploaded(),
      failed("redis-rdb", "Failed to read /var/lib/redis/dump.rdb: EACCES"),
    ]);

    const outcome = await sendErrorMail({ settings: settings(server.port), summary, env: {} });

    expect(outcome).toEqual({ sent: true, recipients: ["ops@example.com", "oncall@example.com"] });
    expect(server.received).toHaveLength(1);
    const mail = server.received[0]!;
    expect(mail.from).toBe("ssb@example.com");
    expect(mail.to).toEqual(["ops@example.com", "oncall@example.com"]);
    expect(header(mail.raw, "Subject")).toBe("[ssb] db1.example.com: 1 backup job(s) failed");
    const text = textPart(mail.raw);
    expect(text).toContain("redis-rdb");
    expect(text).toContain("Failed to read /var/lib/redis/dump.rdb: EACCES");
    expect(text).not.toContain("api-keys");
    expect(mail.raw).toMatch(/Content-Type: text\/html/i);
  });

  test("names the host given by the caller in the subject", async () => {
    const server = await startSmtp();
    const summary = makeSummary([failed("a"), failed("b")]);

    await sendErrorMail({ settings: settings(server.port), summary, env: {}, host: "backup-01" });

    expect(header(server.received[0]!.raw, "Subject")).toBe(
      "[ssb] backup-01: 2 backup job(s) failed",
    );
  });

  test("sends no mail and opens no connection when every job succeeded", async () => {
    const server = await startSmtp();
    const summary = makeSummary([uploaded()]);

    const outcome = await sendErrorMail({ settings: settings(server.port), summary, env: {} });

    expect(outcome.sent).toBe(false);
    expect(outcome.error).toBeUndefined();
    await Bun.sleep(50);
    expect(server.connections).toBe(0);
    expect(server.received).toHaveLength(0);
  });

  test("sends nothing when there are no recipients", async () => {
    const server = await startSmtp();
    const reporting = { ...settings(server.port), errorRecipients: [] };

    const outcome = await sendErrorMail({
      settings: reporting,
      summary: makeSummary([failed()]),
      env: {},
    });

    expect(outcome).toEqual({ sent: false, recipients: [] });
    expect(server.connections).toBe(0);
  });

  test("gives up on a server that accepts the connection but never greets, within the deadline", async () => {
    const silent = await startSilent();
    const started = performance.now();

    const outcome = await sendErrorMail({
      settings: settings(silent.port, { timeoutMs: 600 }),
      summary: makeSummary([failed()]),
      env: {},
    });

    const elapsed = performance.now() - started;
    expect(outcome.sent).toBe(false);
    expect(elapsed).toBeLessThan(600 + 700);
    expect(outcome.error).toContain(`127.0.0.1:${silent.port}`);
    expect(outcome.error).toContain("timed out after 600 ms");
    expect(outcome.error).toContain("Check smtp.host, smtp.port");
  });

  test("reports a refused login with the host and without the password", async () => {
    const server = await startSmtp({
      authOptional: false,
      allowInsecureAuth: true,
      onAuth(auth, _session, callback) {
        callback(new Error(`Invalid login for ${auth.username}`));
      },
    });
    const password = "s3cret-Passw0rd!";

    const outcome = await sendErrorMail({
      settings: settings(server.port),
      summary: makeSummary([failed()]),
      env: { SMTP_USER: "mailer", SMTP_PASS: password },
    });

    expect(outcome.sent).toBe(false);
    expect(outcome.error).toContain(`127.0.0.1:${server.port}`);
    expect(outcome.error).toContain("SMTP_USER and SMTP_PASS");
    expect(outcome.error).toContain("Invalid login");
    expect(outcome.error).not.toContain(password);
    expect(outcome.error).not.toContain(Buffer.from(password).toString("base64"));
    expect(server.received).toHaveLength(0);
  });

  test("takes host, port and credentials from SMTP_URL over the config", async () => {
    let login: { user: string; pass: string } | undefined;
    const server = await startSmtp({
      authOptional: false,
      allowInsecureAuth: true,
      onAuth(auth, _session, callback) {
        login = { user: auth.username ?? "", pass: auth.password ?? "" };
        callback(null, { user: auth.username });
      },
    });
    const reporting = settings(1, { host: "smtp.invalid" });

    const outcome = await sendErrorMail({
      settings: reporting,
      summary: makeSummary([failed()]),
      env: {
        SMTP_URL: `smtp://mailer:p%40ss%3Aword@127.0.0.1:${server.port}`,
        SMTP_USER: "other",
        SMTP_PASS: "other",
      },
    });

    expect(outcome.sent).toBe(true);
    expect(login).toEqual({ user: "mailer", pass: "p@ss:word" });
    expect(server.received[0]?.user).toBe("mailer");
  });

  test("keeps the password from SMTP_URL out of the error when the login is refused", async () => {
    const server = await startSmtp({
      authOptional: false,
      allowInsecureAuth: true,
      onAuth(_auth, _session, callback) {
        callback(new Error("535 nope"));
      },
    });

    const outcome = await sendErrorMail({
      settings: settings(1),
      summary: makeSummary([failed()]),
      env: { SMTP_URL: `smtp://mailer:p%40ss%3Aword@127.0.0.1:${server.port}` },
    });

    expect(outcome.sent).toBe(false);
    expect(outcome.error).toContain("SMTP_URL");
    expect(outcome.error).not.toContain("p@ss:word");
    expect(outcome.error).not.toContain("p%40ss%3Aword");
  });

  test("refuses to send over a plain connection when the server offers no STARTTLS and TLS is required", async () => {
    const server = await startSmtp();

    const outcome = await sendErrorMail({
      settings: settings(server.port, { requireTls: true }),
      summary: makeSummary([failed()]),
      env: {},
    });

    expect(outcome.sent).toBe(false);
    expect(outcome.error).toContain(`127.0.0.1:${server.port}`);
    expect(server.received).toHaveLength(0);
  });
});

// A self-signed certificate for 127.0.0.1, made with openssl for this run only.
describe("sendErrorMail over STARTTLS", () => {
  let certDir: string;
  let key: string;
  let cert: string;
  const hasOpenssl = Bun.which("openssl") !== null;

  beforeAll(() => {
    if (!hasOpenssl) return;
    certDir = mkdtempSync(join(tmpdir(), "ssb-cert-"));
    const made = Bun.spawnSync(
      [
        "openssl",
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "1",
        "-subj",
        "/CN=127.0.0.1",
        "-addext",
        "subjectAltName=IP:127.0.0.1,DNS:localhost",
        "-keyout",
        join(certDir, "key.pem"),
        "-out",
        join(certDir, "cert.pem"),
      ],
      { stdout: "ignore", stderr: "pipe" },
    );
    if (made.exitCode !== 0) throw new Error(made.stderr.toString());
    key = readFileSync(join(certDir, "key.pem"), "utf8");
    cert = readFileSync(join(certDir, "cert.pem"), "utf8");
  });
  afterAll(() => {
    if (certDir) rmSync(certDir, { recursive: true, force: true });
  });

  test.skipIf(!hasOpenssl)("delivers over STARTTLS when the certificate is trusted", async () => {
    const server = await startSmtp({ disabledCommands: [], key, cert });

    const outcome = await sendErrorMail({
      settings: settings(server.port, { requireTls: true }),
      summary: makeSummary([failed()]),
      env: {},
      tls: { ca: cert },
    });

    expect(outcome).toEqual({ sent: true, recipients: ["ops@example.com", "oncall@example.com"] });
    expect(server.received).toHaveLength(1);
    expect(server.received[0]?.secure).toBe(true);
  });

  test.skipIf(!hasOpenssl)(
    "refuses a certificate it cannot verify and says what to check",
    async () => {
      const server = await startSmtp({ disabledCommands: [], key, cert });

      const outcome = await sendErrorMail({
        settings: settings(server.port, { requireTls: true }),
        summary: makeSummary([failed()]),
        env: {},
      });

      expect(outcome.sent).toBe(false);
      expect(outcome.error).toContain(`127.0.0.1:${server.port}`);
      expect(outcome.error).toMatch(/certificate/i);
      expect(outcome.error).toContain("Check that the server offers TLS");
      expect(server.received).toHaveLength(0);
    },
  );
});
