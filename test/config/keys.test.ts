import { describe, expect, test } from "bun:test";
import { ConfigError } from "../../src/errors.ts";
import { keyVariableName, loadKeys, lookupKey } from "../../src/config/keys.ts";

const A = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
const B = "ffeeddccbbaa99887766554433221100FFEEDDCCBBAA99887766554433221100";

describe("loadKeys", () => {
  test("every KEY_<ID> becomes a 32-byte key under its lower-cased id", () => {
    const ring = loadKeys({ KEY_V1: A, KEY_V2: B, PRIMARY_KEY: "V2", PATH: "/bin" });
    expect(ring.primary).toBe("v2");
    expect([...ring.keys.keys()]).toEqual(["v1", "v2"]);
    expect(ring.keys.get("v1")).toEqual(new Uint8Array(Buffer.from(A, "hex")));
    expect(ring.keys.get("v2")!.length).toBe(32);
  });

  test("a single key is primary without PRIMARY_KEY", () => {
    expect(loadKeys({ KEY_ONLY: A }).primary).toBe("only");
  });

  test("a dashed key id in PRIMARY_KEY resolves to the variable with underscores", () => {
    const ring = loadKeys({ KEY_2025_Q4_KEY: A, KEY_V1: B, PRIMARY_KEY: "2025-q4-key" });
    expect(ring.primary).toBe("2025-q4-key");
    expect(lookupKey(ring, ring.primary)).toEqual(ring.keys.get("2025_q4_key")!);
    expect(lookupKey(ring, "2025-Q4-KEY")).toBeDefined();
    expect(lookupKey(ring, "v9")).toBeUndefined();
  });

  test.each([
    ["v1", "KEY_V1"],
    ["2025-q4-key", "KEY_2025_Q4_KEY"],
    ["ops.backup/key", "KEY_OPS_BACKUP_KEY"],
    ["schlüssel", "KEY_SCHL_SSEL"],
  ])("key id %s lives in %s", (kid, variable) => {
    expect(keyVariableName(kid)).toBe(variable);
  });

  test.each([
    ["bad hex", { KEY_V1: `${A.slice(0, 62)}zz` }, "KEY_V1", "hex characters"],
    ["too short", { KEY_V1: A.slice(0, 63) }, "KEY_V1", "holds 63"],
    ["too long", { KEY_V1: `${A}00`, KEY_V2: B, PRIMARY_KEY: "v2" }, "KEY_V1", "holds 66"],
    ["empty", { KEY_OLD: "", KEY_V1: A }, "KEY_OLD", "holds 0"],
    ["PRIMARY_KEY names no key", { KEY_V1: A, PRIMARY_KEY: "v3" }, "KEY_V3", "PRIMARY_KEY"],
    ["no keys at all", { PRIMARY_KEY: "v1" }, "KEY_<ID>", "ssb keygen"],
    ["several keys and no PRIMARY_KEY", { KEY_V1: A, KEY_V2: B }, "PRIMARY_KEY", "KEY_V1, KEY_V2"],
    [
      "two variables for one id",
      { KEY_v1: A, KEY_V1: B, PRIMARY_KEY: "v1" },
      "KEY_V1",
      "both hold",
    ],
  ])("%s: a ConfigError naming the variable, never a key value", (_, env, variable, words) => {
    let error: unknown;
    try {
      loadKeys(env);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const { message, exitCode } = error as ConfigError;
    expect(exitCode).toBe(2);
    expect(message).toContain(variable);
    expect(message).toContain(words);
    for (const value of Object.values(env)) {
      if (value.length >= 16) {
        expect(message).not.toContain(value);
        expect(message.toLowerCase()).not.toContain(value.slice(0, 16).toLowerCase());
      }
    }
    expect(message).not.toContain(A.slice(0, 16));
    expect(message.toLowerCase()).not.toContain(B.slice(0, 16).toLowerCase());
  });

  test("errors tell the operator how to make a key", () => {
    expect(() => loadKeys({ KEY_V1: "abc" })).toThrow("run `ssb keygen`");
  });
});
