import { statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { config as loadDotenv } from "@dotenvx/dotenvx";
import { ConfigError, errorMessage } from "../errors.ts";

export interface EnvFileOptions {
  /** `--env-file PATH`, relative to `cwd`; must exist when given. */
  envFile?: string;
  cwd: string;
  /** The config file once it is known; its folder is the last place a `.env` is looked for. */
  configFile?: string;
  /** Receives the variables; a variable already set here is never replaced. */
  env: NodeJS.ProcessEnv;
}

/**
 * The env file to load: `--env-file`, else `.env` in the working directory, else `.env`
 * beside the config file (cron starts in a home directory, not beside the config).
 */
export function pickEnvFile(opts: EnvFileOptions): string | undefined {
  if (opts.envFile) {
    const file = resolve(opts.cwd, opts.envFile);
    if (!isFile(file)) {
      throw new ConfigError(
        `env file ${file} (from --env-file) does not exist or is not a regular file; check the path or leave out --env-file`,
      );
    }
    return file;
  }

  const candidates = [join(opts.cwd, ".env")];
  if (opts.configFile) candidates.push(join(dirname(opts.configFile), ".env"));
  return candidates.find(isFile);
}

/**
 * Load the env file chosen by `pickEnvFile` into `opts.env` with dotenvx, so encrypted
 * files work (their private key comes from `DOTENV_PRIVATE_KEY*` or a `.env.keys` beside
 * the file). Real environment variables win over the file. Returns the file loaded, or
 * undefined when there is none.
 */
export function loadEnvFiles(opts: EnvFileOptions): string | undefined {
  const file = pickEnvFile(opts);
  if (!file) return undefined;

  try {
    // quiet + strict: dotenvx prints nothing (no banner, no error lines) and throws instead.
    // The armor, OS-keychain, 1Password and Bitwarden lookups are off: a cron job on a bare
    // server must not reach for services or prompts it was never configured for.
    loadDotenv({
      path: file,
      processEnv: opts.env as Record<string, string>,
      overload: false,
      quiet: true,
      strict: true,
      noArmor: true,
      noNative: true,
      no1Password: true,
      noBitwarden: true,
    });
  } catch (error) {
    // dotenvx names variables, never values, in its messages; the cause is still left off
    // so a --verbose stack can never carry a parsed line of the file.
    const reason = errorMessage(error).split("\n")[0];
    throw new ConfigError(
      `env file ${file}: ${reason}; fix the file, or set DOTENV_PRIVATE_KEY / put .env.keys ` +
        "beside it if it is encrypted",
    );
  }

  return file;
}

function isFile(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isFile() ?? false;
}
