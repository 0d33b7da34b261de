import { dirname, isAbsolute, relative, resolve } from "node:path";

/** `~` and `~/x` point into `home`; anything else is returned unchanged. */
export function expandHome(path: string, home: string): string {
  if (path === "~") return home;
  if (path.startsWith("~/")) return resolve(home, path.slice(2));
  return path;
}

/**
 * A path written in the config file, made absolute. Relative paths count from the config
 * file's folder, not from the working directory: cron starts in a home directory, and the
 * same file must mean the same files whoever runs it.
 */
export function resolveConfigPath(path: string, configFile: string, home: string): string {
  return resolve(dirname(configFile), expandHome(path, home));
}

/** `file` as an operator would type it from `cwd`: relative inside it, absolute outside. */
export function displayPath(file: string, cwd: string): string {
  const rel = relative(cwd, file);
  if (rel === "" || rel.startsWith("..") || isAbsolute(rel)) return file;
  return rel;
}
