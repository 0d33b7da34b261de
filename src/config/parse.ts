import { readFile } from "node:fs/promises";
import { extname } from "node:path";
import { parse as parseToml, TomlError } from "smol-toml";
import { ConfigError, errorMessage } from "../errors.ts";
import { locateJsonError } from "./json-position.ts";

export type ConfigFormat = "json" | "toml";

const NEXT_STEP = "fix the file and run `ssb check`";

/**
 * The format of a config file: by its extension, else by its content (a file whose first
 * character is `{` is JSON, anything else TOML), so `ssb.conf` still works.
 */
export function configFormat(file: string, text: string): ConfigFormat {
  const ext = extname(file).toLowerCase();
  if (ext === ".json") return "json";
  if (ext === ".toml") return "toml";
  return text.trimStart().startsWith("{") ? "json" : "toml";
}

/** Read and parse a config file; `display` is how the file is named in errors. */
export async function readConfigFile(
  file: string,
  display = file,
): Promise<{ data: unknown; format: ConfigFormat }> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? errorMessage(error);
    throw new ConfigError(
      `${display}: cannot read the config file (${code}); check that it exists and that this ` +
        "user may read it",
      { cause: error },
    );
  }

  const format = configFormat(file, text);
  return { data: parseConfigText(text, format, display), format };
}

/** Parse config text; a syntax error becomes one line naming the file, line and column. */
export function parseConfigText(text: string, format: ConfigFormat, display: string): unknown {
  const source = text.replace(/^\uFEFF/, "");
  return format === "json" ? parseJson(source, display) : parseTomlText(source, display);
}

function parseJson(text: string, display: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const place = locateJsonError(text);
    const where = place ? `${display}:${place.line}:${place.column}` : display;
    const reason = place?.reason ?? errorMessage(error).replace(/^JSON Parse error: /, "");
    throw new ConfigError(`${where}: invalid JSON: ${reason}; ${NEXT_STEP}`, { cause: error });
  }
}

function parseTomlText(text: string, display: string): unknown {
  try {
    return parseToml(text);
  } catch (error) {
    if (!(error instanceof TomlError)) throw error;
    // smol-toml's message is a headline followed by a code excerpt; keep the headline only.
    const reason = (error.message.split("\n")[0] ?? "").replace(/^Invalid TOML document: /, "");
    const where = `${display}:${error.line}:${error.column}`;
    throw new ConfigError(`${where}: invalid TOML: ${reason}; ${NEXT_STEP}`, { cause: error });
  }
}
