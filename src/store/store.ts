import type { Readable } from "node:stream";
import {
  AbortMultipartUploadCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  type S3Client,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { SsbError, errorMessage } from "../errors.ts";
import { collectTransferBuffers } from "./gc.ts";
import { type BackupMetadata, decodeMetadata, encodeMetadata } from "./metadata.ts";

/** One object found by a listing. */
export interface StoredObject {
  key: string;
  /** Stored (encrypted) size in bytes. */
  size: number;
  lastModified?: Date;
}

/** Parts of a multipart upload; S3 allows at most 10,000 and at least 5 MiB each. */
const MIN_PART_SIZE = 5 * 1024 * 1024;
const MAX_PARTS = 9_000;
const PARALLEL_PARTS = 2;

/** Part size that keeps a file of `size` bytes under the part limit. */
export function partSizeFor(size: number): number {
  return Math.max(MIN_PART_SIZE, Math.ceil(size / MAX_PARTS));
}

/**
 * The bucket as ssb sees it: encrypted objects put and read as streams, listings that
 * follow every continuation page, and deletes that fail loudly on any per-key error.
 * It knows nothing about encryption; callers hand it ciphertext.
 */
export class BackupStore {
  constructor(
    readonly client: S3Client,
    readonly bucket: string,
  ) {}

  /** `s3://bucket/key`, for messages. */
  url(key: string): string {
    return `s3://${this.bucket}/${key}`;
  }

  /**
   * Streams `body` to `key`. Large bodies go up as a multipart upload that is aborted on
   * any failure (including an error from `body` itself), so no partial object or stray
   * upload is left behind.
   */
  async put(
    key: string,
    body: Readable,
    metadata: BackupMetadata,
    sizeHint: number,
    signal?: AbortSignal,
  ): Promise<void> {
    const upload = new Upload({
      client: this.client,
      params: {
        Bucket: this.bucket,
        Key: key,
        Body: body,
        ContentType: "application/octet-stream",
        Metadata: encodeMetadata(metadata),
      },
      partSize: partSizeFor(sizeHint),
      queueSize: PARALLEL_PARTS,
      leavePartsOnError: false,
    });
    upload.on("httpUploadProgress", collectTransferBuffers);
    const abort = () => void upload.abort();
    signal?.addEventListener("abort", abort, { once: true });
    try {
      if (signal?.aborted) throw new Error("interrupted before the upload started");
      await upload.done();
    } catch (error) {
      body.destroy();
      await this.abortMultipart(key, (upload as unknown as { uploadId?: string }).uploadId);
      const why = signal?.aborted ? "interrupted" : describeS3Error(error);
      throw new SsbError(`Failed to upload ${this.url(key)}: ${why}`, { cause: error });
    } finally {
      signal?.removeEventListener("abort", abort);
    }
  }

  /**
   * Aborts a multipart upload that failed or was interrupted. The upload library does this
   * too, but not before its promise settles when it is interrupted, and a process about to
   * exit cannot wait for that; a second abort of the same upload is harmless.
   */
  private async abortMultipart(key: string, uploadId: string | undefined): Promise<void> {
    if (!uploadId) return;
    await this.client
      .send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId }))
      .catch(() => {});
  }

  /** Opens `key` for reading; the body is a stream of the stored bytes. */
  async open(key: string): Promise<{ body: Readable; metadata: BackupMetadata; size: number }> {
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return {
        body: out.Body as Readable,
        metadata: decodeMetadata(out.Metadata),
        size: out.ContentLength ?? 0,
      };
    } catch (error) {
      throw new SsbError(`Failed to read ${this.url(key)}: ${describeS3Error(error)}`, {
        cause: error,
      });
    }
  }

  /** The first `bytes` bytes of `key` (fewer when the object is shorter). */
  async readStart(key: string, bytes: number): Promise<Buffer> {
    try {
      const out = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: key, Range: `bytes=0-${bytes - 1}` }),
      );
      return Buffer.from(await out.Body!.transformToByteArray());
    } catch (error) {
      throw new SsbError(`Failed to read ${this.url(key)}: ${describeS3Error(error)}`, {
        cause: error,
      });
    }
  }

  /** The metadata of `key` without its body. */
  async head(key: string): Promise<BackupMetadata> {
    try {
      const out = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return decodeMetadata(out.Metadata);
    } catch (error) {
      throw new SsbError(`Failed to read metadata of ${this.url(key)}: ${describeS3Error(error)}`, {
        cause: error,
      });
    }
  }

  /**
   * Every object whose name starts with `prefix`, across all continuation pages.
   * `pageSize` exists for tests; S3 answers at most 1,000 per page anyway.
   */
  async list(prefix: string, pageSize?: number): Promise<StoredObject[]> {
    const objects: StoredObject[] = [];
    let token: string | undefined;
    try {
      do {
        const page = await this.client.send(
          new ListObjectsV2Command({
            Bucket: this.bucket,
            Prefix: prefix,
            ContinuationToken: token,
            MaxKeys: pageSize,
          }),
        );
        for (const item of page.Contents ?? []) {
          if (item.Key === undefined) continue;
          objects.push({ key: item.Key, size: item.Size ?? 0, lastModified: item.LastModified });
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
    } catch (error) {
      throw new SsbError(`Failed to list ${this.url(prefix)}: ${describeS3Error(error)}`, {
        cause: error,
      });
    }
    return objects;
  }

  /**
   * Deletes `keys` in one request per 1,000. A response that names any key as not deleted
   * is a failure: the error lists those keys and no further batch is sent.
   */
  async remove(keys: string[]): Promise<void> {
    for (let start = 0; start < keys.length; start += 1000) {
      const batch = keys.slice(start, start + 1000);
      let errors: { Key?: string; Code?: string; Message?: string }[];
      try {
        const out = await this.client.send(
          new DeleteObjectsCommand({
            Bucket: this.bucket,
            Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true },
          }),
        );
        errors = out.Errors ?? [];
      } catch (error) {
        throw new SsbError(
          `Failed to delete ${batch.length} object(s) from s3://${this.bucket} (${batch.join(", ")}): ${describeS3Error(error)}`,
          { cause: error },
        );
      }
      if (errors.length > 0) {
        const detail = errors.map((e) =>
          `${e.Key}: ${e.Code ?? "error"} ${e.Message ?? ""}`.trim(),
        );
        throw new SsbError(
          `Failed to delete ${errors.length} object(s) from s3://${this.bucket}: ${detail.join("; ")}`,
        );
      }
    }
  }
}

/** A one-line description of an S3 SDK error, with a hint for the common causes. */
export function describeS3Error(error: unknown): string {
  const name = (error as { name?: string })?.name ?? "";
  const status = (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
  const hints: Record<string, string> = {
    NoSuchBucket: "the bucket does not exist; check s3.bucket and s3.endpoint",
    AccessDenied: "access denied; check the credentials and the bucket policy",
    InvalidAccessKeyId: "unknown access key; check AWS_ACCESS_KEY_ID",
    SignatureDoesNotMatch: "signature mismatch; check AWS_SECRET_ACCESS_KEY and s3.region",
    NoSuchKey: "no such object; run `ssb ls` to see what exists",
    NotFound: "no such object; run `ssb ls` to see what exists",
    CredentialsProviderError: "no S3 credentials; set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY",
  };
  const hint = hints[name];
  if (hint) return `${name}: ${hint}`;
  const message = errorMessage(error).split("\n")[0] ?? "";
  if (/ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|socket hang up/i.test(message)) {
    return `${message} (cannot reach the S3 endpoint; check s3.endpoint and the network)`;
  }
  return status ? `${name || "error"} (HTTP ${status}): ${message}` : message;
}
