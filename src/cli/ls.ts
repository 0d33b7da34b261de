import { defineCommand } from "citty";
import { ExitCode } from "../errors.ts";
import { runAction } from "./action.ts";
import { configArgs, jsonArg, outputArgs } from "./args.ts";

export default defineCommand({
  meta: {
    name: "ls",
    description: "List the backups in the bucket, newest first, per job and per group set",
  },
  args: {
    job: {
      type: "positional",
      required: false,
      description: "Only this job, or this group",
      valueHint: "JOB",
    },
    ...configArgs,
    ...jsonArg,
    ...outputArgs,
  },
  run: ({ args }) =>
    runAction(args.verbose, async () => {
      const { loadContext, openStore } = await import("./context.ts");
      const { config, log } = await loadContext(args, { logFile: false, keys: false });
      const { listCatalog, formatCatalog } = await import("../backup/catalog.ts");
      const catalog = await listCatalog(await openStore(config), config, args.job);
      if (args.json) process.stdout.write(`${JSON.stringify(catalog, null, 2)}\n`);
      else process.stdout.write(formatCatalog(catalog));
      await log.close();
      return ExitCode.ok;
    }),
});
