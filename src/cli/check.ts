import { defineCommand } from "citty";
import { ExitCode } from "../errors.ts";
import { runAction } from "./action.ts";
import { configArgs, jsonArg, outputArgs } from "./args.ts";

export default defineCommand({
  meta: {
    name: "check",
    description:
      "Load and validate the config and the keys, print every problem and warning; touches nothing. Exit 2 if there is any",
  },
  args: { ...configArgs, ...jsonArg, ...outputArgs },
  run: ({ args }) =>
    runAction(args.verbose, async () => {
      const { inspectSetup } = await import("../config/inspect.ts");
      const report = await inspectSetup({ configPath: args.config, envFile: args["env-file"] });
      if (args.json) {
        process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      } else {
        for (const line of report.lines) process.stdout.write(`${line}\n`);
      }
      // Stricter than `ssb run`, which goes on past warnings: a typo such as [[job]] or
      // errorRecipient is only a warning there, but it silently drops a job or the mail.
      return report.problems.length + report.warnings.length > 0 ? ExitCode.usage : ExitCode.ok;
    }),
});
