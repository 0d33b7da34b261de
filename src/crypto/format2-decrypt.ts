import type { Transform } from "node:stream";
import type { KeyObject } from "node:crypto";

import { keyVariableName } from "../config/keys.ts";
import { DecryptError } from "../errors.ts";
import { type Format2Header, parseFormat2Header } from "./format2-header.ts";
import { deriveObjectKey, MAX_SEGMENTS, openSegment, TAG_BYTES } from "./format2-segment.ts";
import { type KeyLookup, requireKey } from "./keys.ts";
import { Segmenter } from "./segmenter.ts";
import { type SyncProcessor, syncTransform } from "./sync-transform.ts";

/**
 * A Transform that reads a format 2 object and emits its plaintext one segment at a time,
 * each only after its tag verified. It errors with a DecryptError, never a clean end, when
 * the object is altered, truncated, extended or reordered, or its key id has no key.
 * Plaintext of earlier segments may already have been emitted by then, so callers write to
 * a temporary file and keep it only when the stream ends cleanly.
 */
export function createDecryptStream(lookup: KeyLookup): Transform {
  return syncTransform((push) => new Format2Reader(lookup, push));
}

/** The object ends before a segment marked final; a message shared by every such case. */
function truncated(where: string): DecryptError {
  return new DecryptError(`object ends ${where} (truncated): the upload or download was cut short`);
}

/** Reads a format 2 object fed in chunks of any size; see createDecryptStream. */
export class Format2Reader implements SyncProcessor {
  readonly #lookup: KeyLookup;
  readonly #emit: (plaintext: Uint8Array) => void;
  /** Bytes received while the header is still incomplete (at most one header). */
  #headerBytes: Buffer = Buffer.alloc(0);
  #segments: { header: Format2Header; key: KeyObject; segmenter: Segmenter } | undefined;
  #index = 0;

  constructor(lookup: KeyLookup, emit: (plaintext: Uint8Array) => void) {
    this.#lookup = lookup;
    this.#emit = emit;
  }

  write(chunk: Buffer): void {
    if (this.#segments) {
      this.#segments.segmenter.write(chunk);
      return;
    }

    const pending = Buffer.concat([this.#headerBytes, chunk]);
    const header = parseFormat2Header(pending);
    if (header === undefined) {
      this.#headerBytes = pending;
      return;
    }

    const key = deriveObjectKey(requireKey(this.#lookup, header.kid), header);
    const segmenter = new Segmenter(header.segmentSize + TAG_BYTES, (sealed, final) =>
      this.#openSegment(sealed, final),
    );
    this.#segments = { header, key, segmenter };
    this.#headerBytes = Buffer.alloc(0);
    segmenter.write(pending.subarray(header.bytes.length));
  }

  end(): void {
    if (!this.#segments) throw truncated("inside its header");
    this.#segments.segmenter.end();
  }

  #openSegment(sealed: Buffer, final: boolean): void {
    const { header, key } = this.#segments!;
    const index = this.#index;
    if (index >= MAX_SEGMENTS) {
      throw new DecryptError("the object has more segments than format 2 allows: it is damaged");
    }
    if (final && sealed.length < TAG_BYTES) throw truncated("before its final segment");

    const plaintext = openSegment(key, header, index, final, sealed);
    if (plaintext) {
      this.#emit(plaintext);
      this.#index++;
      return;
    }

    // The tag failed; trying the other value of the last flag tells an operator why.
    const other = openSegment(key, header, index, !final, sealed);
    if (other && final) throw truncated("before its final segment");
    if (other) {
      throw new DecryptError(`data after the final segment ${index}: the object was altered`);
    }
    throw this.#authenticationFailed(index);
  }

  #authenticationFailed(index: number): DecryptError {
    if (index > 0) {
      return new DecryptError(
        `authentication failed in segment ${index}: the object was altered or damaged`,
      );
    }
    // Segment 0 is the first use of the key, so a wrong key shows up here.
    const variable = keyVariableName(this.#segments!.header.kid);
    return new DecryptError(
      "authentication failed in segment 0: the object was altered, is not an ssb backup, " +
        `or ${variable} is not the key it was written with`,
    );
  }
}
