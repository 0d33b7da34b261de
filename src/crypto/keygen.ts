import { randomBytes } from "node:crypto";

import { MASTER_KEY_BYTES } from "./keys.ts";

/** A fresh random 256-bit master key as 64 lower-case hex characters, for `ssb keygen`. */
export function generateKeyHex(): string {
  return randomBytes(MASTER_KEY_BYTES).toString("hex");
}
