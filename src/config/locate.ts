import { statSync } from "node:fs";
import { join, resolve } from "node:path";
import { ConfigError } from "../errors.ts";
import { expandHome } from "./paths.ts";

export interface LocateOptions {
  /** `--config PATH`, relative to `cwd`. */
  configPath?: string;
  env: Record<string, string | undefined>;
  cwd: string;
  home: string;
}

export interface LocatedConfig {
  /** Absolute path of the config file to read. */
  file: string;
  /** Every absolute path looked at, in order, the found one last. */
  tried: string[];
}

/** The places searched when neither --config nor an environment variable names a file. */
export function defaultConfigPaths(cwd: string, home: string): string[] {
  const folders = [
    join(cwd, "config"),
    join(home, ".config", "secure-s3-backup"),
    "/etc/secure-s3-backup",
  ];
  return folders.flatMap((folder) => [join(folder, "config.json"), join(folder, "config.toml")]);
}

/**
 * Find the config file: `--config`, else `$SSB_CONFIG`, else `$CONFIG_PATH`, else the
 * default places; the first file that exists wins.
 *
 * A path given by `--config` or `$SSB_CONFIG` must exist: silently falling back to another
 * file would back up the wrong set of jobs. `$CONFIG_PATH` is a generic name another tool
 * may have set, so a missing file there only moves the search on (and shows in `tried`).
 */
export function locateConfig(opts: LocateOptions): LocatedConfig {
  const { cwd, home, env } = opts;
  const absolute = (path: string) => resolve(cwd, expandHome(path, home));

  if (opts.configPath) return required(absolute(opts.configPath), "--config");

  const ssbConfig = env.SSB_CONFIG?.trim();
  if (ssbConfig) return required(absolute(ssbConfig), "SSB_CONFIG");

  const tried: string[] = [];
  const legacy = env.CONFIG_PATH?.trim();
  const candidates = [...(legacy ? [absolute(legacy)] : []), ...defaultConfigPaths(cwd, home)];
  for (const file of candidates) {
    tried.push(file);
    if (fileState(file) === "file") return { file, tried };
  }

  throw new ConfigError(
    `no config file found (looked in ${tried.join(", ")}); ` +
      "pass --config PATH or create ./config/config.toml; see README",
  );
}

function required(file: string, source: string): LocatedConfig {
  const state = fileState(file);
  if (state === "missing") {
    throw new ConfigError(
      `config file ${file} (from ${source}) does not exist; check the path, ` +
        `or leave out ${source} to search the usual places`,
    );
  }
  if (state === "folder") {
    throw new ConfigError(
      `config file ${file} (from ${source}) is a folder; point ${source} at a .toml or .json file`,
    );
  }
  return { file, tried: [file] };
}

/**
 * A path we may not stat (a folder without search permission) counts as present, so the
 * read that follows reports the permission problem instead of a misleading "not found".
 */
function fileState(file: string): "file" | "folder" | "missing" {
  try {
    const stat = statSync(file, { throwIfNoEntry: false });
    if (!stat) return "missing";
    return stat.isDirectory() ? "folder" : "file";
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === "ENOENT" || code === "ENOTDIR" ? "missing" : "file";
  }
}
