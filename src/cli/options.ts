import type { ArgsDef } from "citty";

/**
 * The first option on the command line that the command does not define, if any. citty
 * ignores unknown options, so a mistyped `--dryrun` would make a real run and a mistyped
 * `--confg` would fall back to the default config: both must be refused instead.
 * `rawArgs` are the arguments after the command name.
 */
export function findUnknownOption(rawArgs: string[], args: ArgsDef): string | undefined {
  const known = new Map<string, ArgsDef[string]>();
  for (const [name, def] of Object.entries(args)) {
    if (def.type === "positional") continue;
    known.set(name, def);
    for (const alias of [("alias" in def && def.alias) || []].flat()) known.set(alias, def);
    if (def.type === "boolean") known.set(`no-${name}`, def);
  }
  known.set("help", { type: "boolean" }).set("h", { type: "boolean" });

  for (let i = 0; i < rawArgs.length; i++) {
    const arg = rawArgs[i]!;
    if (arg === "--") return undefined;
    if (!arg.startsWith("-") || arg === "-") continue;
    const name = arg.replace(/^--?/, "").split("=")[0]!;
    const def = known.get(name);
    if (!def) return arg.split("=")[0];
    // A string option given as `--config PATH` takes the next argument as its value.
    if (def.type !== "boolean" && !arg.includes("=")) i++;
  }
  return undefined;
}
