/**
 * Format 2, the streaming object layout every new backup is written in. DESIGN.md fixes
 * its bytes; this module is its only writer and reader.
 */
export {
  DEFAULT_SEGMENT_SIZE,
  FORMAT2_MAGIC,
  MAX_SEGMENT_SIZE,
  MIN_SEGMENT_SIZE,
  parseFormat2Header,
  type Format2Header,
} from "./format2-header.ts";
export { createEncryptStream, format2ObjectSize, type EncryptOptions } from "./format2-encrypt.ts";
export { createDecryptStream, Format2Reader } from "./format2-decrypt.ts";
