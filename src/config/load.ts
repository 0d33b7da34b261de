import { homedir } from "node:os";
import { loadEnvFiles } from "./env.ts";
import { locateConfig } from "./locate.ts";
import { readConfigFile } from "./parse.ts";
import { displayPath } from "./paths.ts";
import type { Config } from "./types.ts";
import { validateConfig } from "./validate.ts";

export { formatProblem, formatProblems, ConfigProblemsError } from "./problems.ts";

export interface LoadOptions {
  /** `--config PATH`. */
  configPath?: string;
  /** `--env-file PATH`. */
  envFile?: string;
  cwd?: string;
  home?: string;
  /** Variables to read and to load the env file into; `process.env` by default. */
  env?: NodeJS.ProcessEnv;
}

export interface LoadedConfig {
  config: Config;
  /** Absolute path of the env file loaded, if any. */
  envFile?: string;
  /** Every config path looked at, the one used last; the log says which was used. */
  tried: string[];
}

/**
 * Load the config the way every command does: the env file from --env-file or the working
 * directory, then the config file (whose location may come from that env file), then a
 * `.env` beside the config when none was found before, then parse and validate. Throws
 * ConfigError (exit 2) when nothing can run; per-job problems are in `config.problems`.
 */
export async function loadConfig(opts: LoadOptions = {}): Promise<LoadedConfig> {
  const cwd = opts.cwd ?? process.cwd();
  const home = opts.home ?? homedir();
  const env = opts.env ?? process.env;

  let envFile = loadEnvFiles({ envFile: opts.envFile, cwd, env });

  const { file, tried } = locateConfig({ configPath: opts.configPath, env, cwd, home });

  envFile ??= loadEnvFiles({ cwd, configFile: file, env });

  const display = displayPath(file, cwd);
  const { data, format } = await readConfigFile(file, display);

  const config = validateConfig(data, { file, display, format, env, home });
  return { config, ...(envFile !== undefined && { envFile }), tried };
}
