#!/usr/bin/env bun
import "./plain.ts";
import { type ArgsDef, type CommandDef, defineCommand, runCommand, showUsage } from "citty";
import { version } from "../../package.json";
import { configArgs } from "./args.ts";
import { findUnknownOption } from "./options.ts";

const exitCodes = `Exit codes: 0 everything due succeeded, 1 a job failed (the others still ran),
2 config or usage error (nothing ran), 3 another ssb run holds the lock,
130/143 stopped by SIGINT/SIGTERM after cleaning up.`;

// Each command loads only when it is chosen, so --help and --version never pull in the
// S3 SDK, the mailer or the templates.
const subCommands = {
  run: () => import("./run.ts").then((m) => m.default),
  ls: () => import("./ls.ts").then((m) => m.default),
  restore: () => import("./restore.ts").then((m) => m.default),
  check: () => import("./check.ts").then((m) => m.default),
  keygen: () => import("./keygen.ts").then((m) => m.default),
};

export const main = defineCommand({
  meta: {
    name: "ssb",
    version,
    description: `Encrypted backups of sensitive files to S3-compatible storage.\n\n${exitCodes}`,
  },
  subCommands,
});

async function resolveCommand(rawArgs: string[]): Promise<CommandDef | undefined> {
  const name = rawArgs.find((arg) => !arg.startsWith("-"));
  const load = name ? subCommands[name as keyof typeof subCommands] : undefined;
  return load ? ((await load()) as CommandDef) : undefined;
}

/** Refuses an option the chosen command does not define (exit 2), before anything runs. */
async function refuseUnknownOptions(rawArgs: string[], command: CommandDef): Promise<void> {
  const at = rawArgs.findIndex((arg) => !arg.startsWith("-"));
  const unknown = findUnknownOption(rawArgs.slice(at + 1), (await command.args) as ArgsDef);
  if (!unknown) return;
  await showUsage(command, main);
  console.error(`ssb: unknown option ${unknown}; see \`ssb ${rawArgs[at]} --help\``);
  process.exit(2);
}

/** `ssb --config X run` works like `ssb run --config X`: the command moves to the front. */
function commandFirst(rawArgs: string[]): string[] {
  let at = -1;
  for (let i = 0; i < rawArgs.length; i++) {
    const arg = rawArgs[i]!;
    if (Object.hasOwn(subCommands, arg)) {
      at = i;
      break;
    }
    // The value of `--config PATH` is never the command, whatever it is called.
    if (Object.hasOwn(configArgs, arg.replace(/^--/, ""))) i++;
  }
  if (at <= 0) return rawArgs;
  return [rawArgs[at]!, ...rawArgs.slice(0, at), ...rawArgs.slice(at + 1)];
}

async function start(rawArgs: string[]): Promise<void> {
  if (rawArgs.length === 1 && (rawArgs[0] === "--version" || rawArgs[0] === "-v")) {
    console.log(version);
    return;
  }
  if (rawArgs.length === 0 || rawArgs.includes("--help") || rawArgs.includes("-h")) {
    const command = await resolveCommand(rawArgs);
    await (command ? showUsage(command, main) : showUsage(main));
    return;
  }
  const command = await resolveCommand(rawArgs);
  if (command) await refuseUnknownOptions(rawArgs, command);
  try {
    await runCommand(main, { rawArgs });
  } catch (error) {
    // Errors from the commands are handled in ./action.ts; what reaches here is citty's own
    // complaint about the command line (unknown command, missing argument).
    const command = await resolveCommand(rawArgs).catch(() => undefined);
    await (command ? showUsage(command, main) : showUsage(main));
    console.error(`ssb: ${(error as Error).message}`);
    process.exit(2);
  }
}

await start(commandFirst(process.argv.slice(2)));
