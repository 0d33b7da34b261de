import { ConfigError } from "../errors.ts";

/** The master keys found in the environment, by key id, and the one new backups use. */
export interface KeyRing {
  /** Key id written into new backups: PRIMARY_KEY as given (lower-cased), or the only key's id. */
  primary: string;
  /** Keys by normalised id (see `keyVariableName`); look them up with `lookupKey`. */
  keys: Map<string, Uint8Array>;
}

const KEYGEN = "run `ssb keygen` to make a key";

/**
 * The variable that holds key `kid`: `KEY_` and the id upper-cased, with every character a
 * variable name cannot hold replaced by `_`, so `2025-q4-key` lives in `KEY_2025_Q4_KEY`.
 */
export function keyVariableName(kid: string): string {
  return `KEY_${normaliseKid(kid).toUpperCase()}`;
}

/**
 * The key for `kid` as named in a backup's header, or undefined when no variable holds
 * it; `keyVariableName(kid)` says which variable to set. Ids that map to the same
 * variable (`2025-q4-key`, `2025_Q4_KEY`) find the same key.
 */
export function lookupKey(ring: KeyRing, kid: string): Uint8Array | undefined {
  return ring.keys.get(normaliseKid(kid));
}

/**
 * Every `KEY_<ID>` variable of `env` as a 256-bit key, and the primary key id.
 *
 * With exactly one key, that key is primary and PRIMARY_KEY may be left out: there is
 * nothing to choose. With several, PRIMARY_KEY must say which one encrypts new backups,
 * so that adding a key for rotation never silently changes the key in use.
 *
 * Errors name the variable, never its value.
 */
export function loadKeys(env: Record<string, string | undefined>): KeyRing {
  const keys = new Map<string, Uint8Array>();
  const variables = new Map<string, string>();

  for (const [variable, value] of Object.entries(env)) {
    if (!variable.startsWith("KEY_") || value === undefined) continue;
    const kid = normaliseKid(variable.slice("KEY_".length));
    if (kid === "") {
      throw new ConfigError(`${variable} names no key id; rename it KEY_<ID>, e.g. KEY_V1`);
    }

    const earlier = variables.get(kid);
    if (earlier) {
      throw new ConfigError(
        `${earlier} and ${variable} both hold key id "${kid}"; keep only one of them`,
      );
    }
    keys.set(kid, parseHexKey(variable, value));
    variables.set(kid, variable);
  }

  if (keys.size === 0) {
    throw new ConfigError(
      "no encryption key in the environment; set KEY_<ID> to 64 hex characters " +
        `(${KEYGEN}) and PRIMARY_KEY to its id`,
    );
  }

  const named = env.PRIMARY_KEY?.trim().toLowerCase();
  if (!named) {
    if (keys.size === 1) return { primary: [...keys.keys()][0]!, keys };
    throw new ConfigError(
      `PRIMARY_KEY is not set and there are ${keys.size} keys ` +
        `(${[...variables.values()].join(", ")}); ` +
        "set PRIMARY_KEY to the id of the key new backups should use",
    );
  }

  if (new TextEncoder().encode(named).length > 255) {
    throw new ConfigError("PRIMARY_KEY is longer than 255 bytes; choose a shorter key id");
  }
  if (!keys.has(normaliseKid(named))) {
    throw new ConfigError(
      `PRIMARY_KEY names key id "${named}" but ${keyVariableName(named)} is not set; ` +
        `set it (${KEYGEN}) ` +
        `or point PRIMARY_KEY at one of ${[...keys.keys()].join(", ")}`,
    );
  }
  return { primary: named, keys };
}

/** Lower case, and `_` for each character outside [a-z0-9_]. */
function normaliseKid(kid: string): string {
  return kid.toLowerCase().replace(/[^a-z0-9_]/gu, "_");
}

function parseHexKey(variable: string, value: string): Uint8Array {
  const hex = value.trim();
  if (hex.length !== 64) {
    throw new ConfigError(
      `${variable} must be 64 hex characters (a 256-bit key) but holds ${hex.length}; ${KEYGEN}`,
    );
  }
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) {
    throw new ConfigError(`${variable} must hold only hex characters 0-9 and a-f; ${KEYGEN}`);
  }
  return new Uint8Array(Buffer.from(hex, "hex"));
}
