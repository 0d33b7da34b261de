import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from "@aws-sdk/client-s3";
import { describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { createTestS3Client, useMinio } from "./minio.ts";
import { makeTempDir } from "./tmp.ts";

describe("useMinio", () => {
  test("stores an object and reads the same bytes back", async () => {
    const minio = await useMinio();
    const client = createTestS3Client(minio);
    const bucket = await minio.newBucket();
    const body = crypto.getRandomValues(new Uint8Array(100_000));

    await client.send(new PutObjectCommand({ Bucket: bucket, Key: "a/b.bin", Body: body }));
    const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: "a/b.bin" }));

    expect(await object.Body!.transformToByteArray()).toEqual(body);
  });

  test("gives every caller the same server", async () => {
    const [first, second] = await Promise.all([useMinio(), useMinio()]);

    expect(second).toBe(first);
    expect(new URL(first.endpoint).hostname).toBe("127.0.0.1");
  });

  test("hands out distinct buckets that start empty", async () => {
    const minio = await useMinio();
    const client = createTestS3Client(minio);
    const first = await minio.newBucket();
    await client.send(new PutObjectCommand({ Bucket: first, Key: "x", Body: "x" }));
    const second = await minio.newBucket();

    const listing = await client.send(new ListObjectsV2Command({ Bucket: second }));

    expect(second).not.toBe(first);
    expect(listing.KeyCount).toBe(0);
  });

  test("describes a bucket in the variables a child process reads", async () => {
    const minio = await useMinio();
    const bucket = await minio.newBucket();

    expect(minio.env(bucket)).toEqual({
      S3_ENDPOINT: minio.endpoint,
      S3_REGION: "us-east-1",
      AWS_ACCESS_KEY_ID: minio.accessKeyId,
      AWS_SECRET_ACCESS_KEY: minio.secretAccessKey,
      SSB_TEST_BUCKET: bucket,
    });
  });
});

describe("makeTempDir", () => {
  const dir = makeTempDir("ssb-tmp-test-");

  test("creates a directory that exists during the file's tests", () => {
    expect(existsSync(dir)).toBe(true);
  });
});
