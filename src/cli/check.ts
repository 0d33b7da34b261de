import { defineCommand } from "citty";
import { ExitCode } from "../errors.ts";
import { runAction } from "./action.ts";
import { configArgs, jsonArg, outputArgs } from "./args.ts";

export default defineCommand({
  meta: {
    name: "check",
    description:
      "Load and validate the config and the keys, print every problem; touches nothing. Exit 2 when a problem stops a run or disables a job (warnings alone exit 0)",
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
      return report.problems.length > 0 ? ExitCode.usage : ExitCode.ok;
    }),
});
