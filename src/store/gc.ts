/**
 * Collects garbage now, synchronously. Bun frees the large buffers of finished transfer
 * parts lazily: left alone, a 1 GiB upload peaks near 450 MiB of memory although only a
 * few parts are ever in flight. Collecting after each part keeps the peak flat (under
 * 200 MiB at any file size) for about a fifth of the throughput; for a backup tool that
 * shares the server with the database it copies, flat memory is worth more.
 */
export function collectTransferBuffers(): void {
  Bun.gc(true);
}
