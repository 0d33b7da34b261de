import { defineCommand } from "citty";
import { ConfigError, ExitCode } from "../errors.ts";
import { runAction } from "./action.ts";
import { configArgs, jsonArg, outputArgs } from "./args.ts";

export default defineCommand({
  meta: {
    name: "restore",
    description:
      "Decrypt a backup to the job's path or --to PATH. Verifies everything before the file appears; never overwrites without --force.",
  },
  args: {
    job: {
      type: "positional",
      required: false,
      description: "The job to restore",
      valueHint: "JOB",
    },
    group: {
      type: "string",
      description: "Restore one whole set of this group instead of one job",
      valueHint: "NAME",
    },
    at: {
      type: "string",
      description:
        "The newest backup at or before this time (2026-12-03T04:00:00Z, or a date); default: the newest",
      valueHint: "TIME",
    },
    to: {
      type: "string",
      description:
        "Write here instead of the job's path (a directory keeps the file name; required to be a directory with --group)",
      valueHint: "PATH",
    },
    force: { type: "boolean", description: "Replace an existing file" },
    mode: {
      type: "string",
      description: "File mode of restored files, octal",
      default: "600",
      valueHint: "OCTAL",
    },
    ...configArgs,
    ...jsonArg,
    ...outputArgs,
  },
  run: ({ args }) =>
    runAction(
      args.verbose,
      async (signal) => {
        const { loadContext, openStore } = await import("./context.ts");
        if (!args.job === !args.group) {
          throw new ConfigError(
            "Name a job (`ssb restore JOB`) or a group (`ssb restore --group NAME`); run `ssb ls` to see them",
          );
        }
        const mode = parseMode(args.mode);
        const ctx = await loadContext(args, { logFile: true });
        const { planRestore } = await import("../backup/restore-plan.ts");
        const { restoreObjects } = await import("../backup/restore.ts");
        const store = await openStore(ctx.config);
        try {
          const targets = await planRestore(store, ctx.config, {
            job: args.job,
            group: args.group,
            at: args.at,
            to: args.to,
          });
          const force = args.force ?? false;
          const restored = await restoreObjects({
            store,
            targets,
            lookup: ctx.lookup,
            mode,
            force,
            signal,
          });
          for (const r of restored) {
            ctx.log.success(
              `restored ${r.key} to ${r.dest} (${r.bytes} bytes, mode ${mode.toString(8).padStart(4, "0")})`,
            );
          }
          if (args.json) process.stdout.write(`${JSON.stringify({ restored }, null, 2)}\n`);
          return ExitCode.ok;
        } finally {
          await ctx.log.close();
        }
      },
      { cleansUp: true },
    ),
});

function parseMode(text: string): number {
  if (!/^0?[0-7]{3}$/.test(text)) {
    throw new ConfigError(`--mode ${text}: give an octal file mode such as 600 or 640`);
  }
  return Number.parseInt(text, 8);
}
