import { hostname } from "node:os";
import type { ReportingSettings, SmtpSettings } from "../config/types.ts";
import { errorMessage } from "../errors.ts";
import { formatUtc } from "./format.ts";
import { Redactor } from "./redact.ts";
import { renderTemplate } from "./render.ts";
import type { RunSummary } from "./summary.ts";
import { buildRunView, type RunView } from "./view.ts";

/** What happened to the error mail; stored as `RunSummary.mail`. */
export interface MailOutcome {
  sent: boolean;
  recipients: string[];
  error?: string;
}

/** TLS overrides for tests and development servers; production keeps the defaults. */
export interface MailTlsOptions {
  /** false accepts any certificate. Default true. */
  rejectUnauthorized?: boolean;
  /** PEM of a CA (or self-signed certificate) to trust besides the system ones. */
  ca?: string;
}

/** What `sendErrorMail` needs: the settings, the run, and where the credentials come from. */
export interface SendErrorMailOptions {
  settings: ReportingSettings;
  summary: RunSummary;
  /** Where SMTP_URL, SMTP_USER and SMTP_PASS are read from. */
  env: Record<string, string | undefined>;
  /** Host named in the subject; defaults to the summary's host. */
  host?: string;
  tls?: MailTlsOptions;
}

/**
 * Mails the failures of one run to `reporting.errorRecipients`. Sends nothing when no job
 * failed or nobody is to be told. Never throws and never takes longer than
 * `smtp.timeoutMs`: a mail server that is down, silent or refuses the login must not
 * hang or break the run. A failure comes back as `{ sent: false, error }`, with every
 * credential redacted from the error text.
 */
export async function sendErrorMail(opts: SendErrorMailOptions): Promise<MailOutcome> {
  try {
    return await trySendErrorMail(opts);
  } catch (error) {
    // Only a bug gets here; the run must still finish and report it.
    const redactor = new Redactor([opts.env.SMTP_PASS, opts.env.SMTP_URL]);
    return {
      sent: false,
      recipients: [...opts.settings.errorRecipients],
      error: redactor.redact(`Failed to prepare the error mail: ${errorMessage(error)}`),
    };
  }
}

async function trySendErrorMail(opts: SendErrorMailOptions): Promise<MailOutcome> {
  const { settings, summary, env } = opts;
  const recipients = [...settings.errorRecipients];
  if (summary.counts.failed === 0 || recipients.length === 0) return { sent: false, recipients };
  if (!settings.smtp) {
    return {
      sent: false,
      recipients,
      error: "reporting.errorRecipients is set but [reporting.smtp] is missing: add host and from",
    };
  }

  const server = resolveServer(settings.smtp, env);
  const redactor = new Redactor(server.secrets);
  if ("error" in server) return { sent: false, recipients, error: server.error };

  const host = opts.host ?? (summary.host || hostname());
  const run = buildRunView(summary);
  const subject = `[ssb] ${host}: ${summary.counts.failed} backup job(s) failed`;
  const message = {
    from: settings.smtp.from,
    to: recipients,
    subject,
    text: mailText(run, host),
    html: renderTemplate("mail", { subject, run, host }),
  };

  try {
    await deliver(server, settings.smtp, message, opts.tls ?? {});
    return { sent: true, recipients };
  } catch (error) {
    const text = `Failed to send the error mail through ${server.host}:${server.port}: ${errorMessage(error)}. ${hint(error, server, settings.smtp.timeoutMs)}`;
    return { sent: false, recipients, error: redactor.redact(text) };
  }
}

interface Server {
  host: string;
  port: number;
  secure: boolean;
  auth?: { user: string; pass: string };
  /** Every form of the password and URL that an error could echo back. */
  secrets: string[];
  /** Which setting gave the credentials, for the hint in an error. */
  credentialSource: "SMTP_URL" | "SMTP_USER/SMTP_PASS" | "none";
}

// SMTP_URL wins over the config's host and port and over SMTP_USER/SMTP_PASS.
function resolveServer(
  smtp: SmtpSettings,
  env: Record<string, string | undefined>,
): Server | { error: string; secrets: string[] } {
  const url = env.SMTP_URL?.trim();
  if (url) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return {
        error: "SMTP_URL is not a valid URL: expected smtp://user:password@host:port or smtps://…",
        secrets: [url],
      };
    }
    if (parsed.protocol !== "smtp:" && parsed.protocol !== "smtps:") {
      return {
        error: `SMTP_URL must start with smtp:// or smtps://, not ${parsed.protocol}//`,
        secrets: [url],
      };
    }
    const secure = parsed.protocol === "smtps:";
    const user = decodeURIComponent(parsed.username);
    const pass = decodeURIComponent(parsed.password);
    return {
      host: parsed.hostname,
      port: parsed.port ? Number(parsed.port) : secure ? 465 : 587,
      secure,
      auth: user ? { user, pass } : undefined,
      secrets: [url, ...passwordForms(user, pass), parsed.password],
      credentialSource: "SMTP_URL",
    };
  }

  const user = env.SMTP_USER;
  const pass = env.SMTP_PASS;
  if (user && !pass)
    return {
      error:
        "SMTP_USER is set but SMTP_PASS is empty: set both, or neither for a server without login",
      secrets: [],
    };
  return {
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    auth: user && pass ? { user, pass } : undefined,
    secrets: user && pass ? passwordForms(user, pass) : [],
    credentialSource: user ? "SMTP_USER/SMTP_PASS" : "none",
  };
}

// AUTH LOGIN sends base64(password) and AUTH PLAIN base64(\0user\0password); a server
// error may quote either back.
function passwordForms(user: string, pass: string): string[] {
  if (!pass) return [];
  return [
    pass,
    Buffer.from(pass).toString("base64"),
    Buffer.from(`\u0000${user}\u0000${pass}`).toString("base64"),
  ];
}

interface Message {
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
}

// nodemailer has per-phase timeouts, but none covers the whole exchange: a server that
// answers slowly line by line could keep the run waiting for ever. One deadline aborts
// the send and closes the connection.
async function deliver(server: Server, smtp: SmtpSettings, message: Message, tls: MailTlsOptions) {
  const { createTransport } = await import("nodemailer");
  const timeout = Math.max(1, smtp.timeoutMs);
  const transport = createTransport({
    host: server.host,
    port: server.port,
    secure: server.secure,
    requireTLS: !server.secure && smtp.requireTls,
    auth: server.auth,
    tls: {
      rejectUnauthorized: tls.rejectUnauthorized ?? true,
      ...(tls.ca ? { ca: tls.ca } : {}),
    },
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
    dnsTimeout: timeout,
    // Once the message is handed over, do not wait long for the server to hang up.
    socketCloseTimeout: Math.min(1000, timeout),
    disableFileAccess: true,
    disableUrlAccess: true,
  } as Parameters<typeof createTransport>[0]);

  const abort = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      // Reject first: aborting makes sendMail reject at once with a vaguer message.
      reject(Object.assign(new Error(`timed out after ${timeout} ms`), { code: "ETIMEDOUT" }));
      abort.abort();
    }, timeout);
  });
  try {
    // `signal` (nodemailer 10.5+) is not in @types/nodemailer yet.
    const mail = { ...message, signal: abort.signal } as Parameters<typeof transport.sendMail>[0];
    await Promise.race([transport.sendMail(mail), deadline]);
  } finally {
    clearTimeout(timer);
    transport.close();
  }
}

// The next step for the operator, by what went wrong.
function hint(error: unknown, server: Server, timeoutMs: number): string {
  const code = (error as { code?: string }).code ?? "";
  const text = errorMessage(error);
  if (code === "EAUTH") {
    return server.credentialSource === "SMTP_URL"
      ? "Check the user and password in SMTP_URL."
      : "Check SMTP_USER and SMTP_PASS.";
  }
  if (code === "ETLS" || /certificate|self[- ]signed|TLS|SSL/i.test(text)) {
    return "Check that the server offers TLS with a certificate valid for this host name (smtp.secure, smtp.requireTls, port).";
  }
  if (code === "ECONNREFUSED" || /ECONNREFUSED/.test(text)) {
    return "Nothing accepted the connection: check smtp.host and smtp.port and that the server runs.";
  }
  if (code === "EDNS" || /ENOTFOUND|EAI_AGAIN/.test(text)) {
    return "The host name did not resolve: check smtp.host (or the host in SMTP_URL).";
  }
  if (code === "ETIMEDOUT" || /timed? ?out/i.test(text)) {
    return `Check smtp.host, smtp.port and smtp.secure, and any firewall between this host and the server (smtp.timeoutMs is ${timeoutMs}).`;
  }
  if (code === "EENVELOPE" || code === "EMESSAGE") {
    return "The server refused the message: check smtp.from and reporting.errorRecipients.";
  }
  return "Check the [reporting.smtp] settings and the SMTP credentials in the environment.";
}

// Plain-text part: what an operator reads first, often on a phone.
function mailText(run: RunView, host: string): string {
  const lines = [
    `${run.counts.failed} backup job(s) failed on ${host}.`,
    "",
    `Started:  ${run.started}`,
    `Duration: ${run.duration}`,
    `Bucket:   ${run.bucket}`,
    `Config:   ${run.configFile}`,
    "",
  ];
  for (const job of run.failures) {
    lines.push(`* ${job.job}${job.group ? ` (group ${job.group})` : ""}: ${job.outcome}`);
    if (job.objectKey) lines.push(`  object: ${job.objectKey}`);
    lines.push(`  error:  ${job.error ?? "failed without an error message"}`);
    lines.push("");
  }
  const { uploaded, skipped, pruned, failed } = run.counts;
  lines.push(
    `Counts: ${uploaded} uploaded, ${skipped} skipped, ${pruned} pruned, ${failed} failed.`,
  );
  lines.push(`Sent by ssb at ${formatUtc(new Date().toISOString())}.`);
  return `${lines.join("\n")}\n`;
}
