/**
 * Cuts a byte stream into segments of a fixed size. The latest full segment is held back
 * until a further byte arrives or the stream ends, because only then is it known whether it
 * is the final one. Memory stays at one segment whatever the chunk sizes.
 */
export class Segmenter {
  readonly #buffer: Buffer;
  readonly #onSegment: (segment: Buffer, final: boolean) => void;
  #filled = 0;

  /**
   * `onSegment` receives a view of an internal buffer that is reused afterwards, so it
   * must finish with the bytes before it returns.
   */
  constructor(size: number, onSegment: (segment: Buffer, final: boolean) => void) {
    this.#buffer = Buffer.allocUnsafe(size);
    this.#onSegment = onSegment;
  }

  write(chunk: Uint8Array): void {
    let offset = 0;
    while (offset < chunk.length) {
      if (this.#filled === this.#buffer.length) {
        this.#onSegment(this.#buffer, false);
        this.#filled = 0;
      }
      const n = Math.min(chunk.length - offset, this.#buffer.length - this.#filled);
      this.#buffer.set(chunk.subarray(offset, offset + n), this.#filled);
      this.#filled += n;
      offset += n;
    }
  }

  /** Hands over what is left (possibly nothing) as the final segment. */
  end(): void {
    this.#onSegment(this.#buffer.subarray(0, this.#filled), true);
  }
}
