import { statSync } from "node:fs";
import { homedir } from "node:os";
import { loadConfig } from "../config/load.ts";
import { type KeyRing, loadKeys, lookupKey } from "../config/keys.ts";
import type { Config } from "../config/types.ts";
import type { KeyLookup } from "../crypto/keys.ts";
import { createLogger, type Logger } from "../report/logger.ts";
import type { BackupStore } from "../store/store.ts";

export interface Context {
  config: Config;
  /** The env file that was loaded, if any. */
  envFile?: string;
  keys: KeyRing;
  lookup: KeyLookup;
  log: Logger;
}

/**
 * What every command starts with: env file, config and keys loaded and checked, and a
 * logger that redacts every key and credential it could ever be handed. A problem that
 * stops everything throws a ConfigError (exit 2) before anything touches the bucket.
 */
export async function loadContext(
  args: {
    config?: string;
    "env-file"?: string;
    verbose?: boolean;
    quiet?: boolean;
    json?: boolean;
  },
  opts: { logFile: boolean; keys?: boolean },
): Promise<Context> {
  const { config, envFile } = await loadConfig({
    configPath: args.config,
    envFile: args["env-file"],
    cwd: process.cwd(),
    home: homedir(),
    env: process.env,
  });
  // Listing needs no keys, so a server holding only S3 credentials can still see what exists.
  const keys = opts.keys === false ? keysIfAny() : loadKeys(process.env);
  const log = createLogger({
    level: config.logging.level,
    file: opts.logFile ? config.logging.file : undefined,
    maxSize: config.logging.maxSize,
    maxFiles: config.logging.maxFiles,
    quiet: args.quiet,
    verbose: args.verbose,
    json: args.json,
    secrets: secretValues(keys),
  });
  if (envFile) {
    log.debug(`env file: ${envFile}`);
    warnIfShared(envFile, log);
  }
  return { config, envFile, keys, lookup: (kid) => lookupKey(keys, kid), log };
}

/** The keys if they load; an empty ring otherwise, for commands that only list. */
function keysIfAny(): KeyRing {
  try {
    return loadKeys(process.env);
  } catch {
    return { primary: "", keys: new Map() };
  }
}

/** The env file holds keys: anyone else who can read it can read every backup. */
function warnIfShared(file: string, log: Logger): void {
  const mode = statSync(file).mode & 0o777;
  if (mode & 0o077) {
    log.warn(
      `env file ${file} is readable by other users (mode ${mode.toString(8)}); run \`chmod 600 ${file}\``,
    );
  }
}

/** Every value that must never reach a log line or a page. */
function secretValues(keys: KeyRing): string[] {
  const env = process.env;
  const values = [env.AWS_SECRET_ACCESS_KEY, env.AWS_SESSION_TOKEN, env.SMTP_PASS, env.SMTP_URL];
  for (const key of keys.keys.values()) values.push(Buffer.from(key).toString("hex"));
  for (const [name, value] of Object.entries(env)) if (name.startsWith("KEY_")) values.push(value);
  return values.filter((v): v is string => typeof v === "string" && v.length >= 4);
}

/** The encrypted store for the configured bucket; the S3 SDK loads only here. */
export async function openStore(config: Config): Promise<BackupStore> {
  const [{ createS3Client }, { BackupStore }] = await Promise.all([
    import("../store/client.ts"),
    import("../store/store.ts"),
  ]);
  return new BackupStore(createS3Client(config.s3), config.s3.bucket);
}
