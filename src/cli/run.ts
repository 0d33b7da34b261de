import { defineCommand } from "citty";
import type { RunLock } from "../backup/lock.ts";
import { ExitCode, SsbError } from "../errors.ts";
import type { RunSummary } from "../report/summary.ts";
import { runAction } from "./action.ts";
import { configArgs, jsonArg, outputArgs } from "./args.ts";
import type { Context } from "./context.ts";

export default defineCommand({
  meta: {
    name: "run",
    description:
      "Back up every due job, prune by retention, then write the HTML report and mail failures. Meant for cron.",
  },
  args: {
    ...configArgs,
    job: {
      type: "string",
      description: "Only this job (repeatable); a group member brings its whole group",
      valueHint: "NAME",
    },
    group: { type: "string", description: "Only this group (repeatable)", valueHint: "NAME" },
    force: {
      type: "boolean",
      description: "Back up the selected jobs even if not due or unchanged",
    },
    "dry-run": {
      type: "boolean",
      description:
        "Print what would be uploaded, skipped and pruned; change nothing (no reports, no mail)",
    },
    ...jsonArg,
    ...outputArgs,
  },
  run: ({ args }) =>
    runAction(
      args.verbose,
      async (signal) => {
        const { loadContext, openStore } = await import("./context.ts");
        const ctx = await loadContext(args, { logFile: !args["dry-run"] });
        const { config, log } = ctx;
        const [{ runBackups }, { acquireRunLock, defaultLockPath }, { formatFinalLine }] =
          await Promise.all([
            import("../backup/run.ts"),
            import("../backup/lock.ts"),
            import("../report/logger.ts"),
          ]);
        for (const problem of config.problems.filter((p) => !p.job)) {
          const line = `${config.file}: ${problem.path}: ${problem.message}`;
          if (problem.warning) log.warn(line);
          else log.error(line);
        }

        log.info(`config: ${config.file}`);
        let lock: RunLock | undefined;
        try {
          lock = args["dry-run"] ? undefined : acquireRunLock(defaultLockPath(config.file));
          const raw = await runBackups({
            config,
            store: await openStore(config),
            keys: ctx.keys,
            log,
            force: args.force,
            dryRun: args["dry-run"],
            jobs: repeated(args.job),
            groups: repeated(args.group),
            signal,
          });
          // The same safety net as the log: no registered secret reaches --json, a page or the mail.
          const summary: RunSummary = JSON.parse(
            JSON.stringify(raw, (_key, value) =>
              typeof value === "string" ? log.redact(value) : value,
            ),
          );
          // An interrupted run (a shutdown, Ctrl-C) is in the log; pages and mail would only be noise.
          if (!summary.dryRun && !signal.aborted) await report(ctx, summary);
          if (args.json) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
          const line = formatFinalLine(summary);
          if (summary.counts.failed > 0) log.error(line);
          else log.success(line);
          return summary.counts.failed > 0 ? ExitCode.jobFailed : ExitCode.ok;
        } catch (error) {
          // Once the log is open, an operator error (the lock is held, an unknown --job) goes
          // there too: under cron the log file is often the only history that is kept.
          if (!(error instanceof SsbError)) throw error;
          log.error(error.message);
          return error.exitCode;
        } finally {
          lock?.release();
          await log.close();
        }
      },
      { cleansUp: true },
    ),
});

/** citty gives one string, or an array when a flag is repeated. */
function repeated(value: unknown): string[] | undefined {
  if (value === undefined || value === false) return undefined;
  return (Array.isArray(value) ? value : [value]).map(String);
}

/** HTML pages and the error mail; neither can change the run's exit code. */
async function report(ctx: Context, summary: RunSummary): Promise<void> {
  const { config, log } = ctx;
  if (summary.counts.failed > 0 && config.reporting.errorRecipients.length > 0) {
    const { sendErrorMail } = await import("../report/mail.ts");
    summary.mail = await sendErrorMail({ settings: config.reporting, summary, env: process.env });
    if (summary.mail.sent) log.info(`error mail sent to ${summary.mail.recipients.join(", ")}`);
    else log.error(`error mail not sent: ${summary.mail.error}`);
  }
  if (config.reporting.htmlPath) {
    const { writeRunReport } = await import("../report/html.ts");
    try {
      const pages = await writeRunReport(
        config.reporting.htmlPath,
        summary,
        config.reporting.keepRuns,
      );
      log.info(`report: ${pages.report}`);
    } catch (error) {
      log.error(
        `Failed to write the HTML report in ${config.reporting.htmlPath}: ${(error as Error).message}`,
      );
    }
  }
}
