import { describe, expect, test } from "bun:test";
import { ListMultipartUploadsCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { BackupStore } from "../../src/store/store.ts";
import { freshStore } from "../backup/fixtures.ts";

describe("the store over a real MinIO", () => {
  test("a listing follows every continuation page", async () => {
    const store = await freshStore();
    const keys = Array.from({ length: 25 }, (_, i) => `p/item-${String(i).padStart(2, "0")}`);
    await Promise.all(
      keys.map((Key) =>
        store.client.send(new PutObjectCommand({ Bucket: store.bucket, Key, Body: "x" })),
      ),
    );
    const listed = await store.list("p/", 10);
    expect(listed.map((o) => o.key).sort()).toEqual(keys);
  });

  test("an upload whose source fails midway leaves no object and no multipart upload behind", async () => {
    const store = await freshStore();
    async function* failingSource() {
      for (let i = 0; i < 20; i++) yield randomBytes(1024 * 1024);
      throw new Error("disk read error for the test");
    }
    const failure = store.put(
      "big.bin",
      Readable.from(failingSource()),
      { format: 2 },
      64 * 1024 * 1024,
    );
    await expect(failure).rejects.toThrow(/Failed to upload s3:\/\/.*big\.bin: disk read error/);
    expect(await store.list("")).toEqual([]);
    const uploads = await store.client.send(
      new ListMultipartUploadsCommand({ Bucket: store.bucket }),
    );
    expect(uploads.Uploads ?? []).toEqual([]);
  });

  test("metadata round-trips, including a job name outside ASCII", async () => {
    const store = await freshStore();
    const meta = {
      format: 2,
      kid: "2025-q4-key",
      size: 5,
      created: "2026-12-03T04:00:00.000Z",
      job: "clés-api",
      group: "g",
    };
    await store.put("m.bin", Readable.from([Buffer.from("hello")]), meta, 5);
    expect(await store.head("m.bin")).toMatchObject(meta);
  });

  test("a multi-delete answered with a per-key error is a failure that names the key", async () => {
    const store = await freshStore();
    for (const Key of ["a", "b"]) {
      await store.client.send(new PutObjectCommand({ Bucket: store.bucket, Key, Body: "x" }));
    }
    // The server deletes both; the answer is rewritten to report one as refused, as a store
    // with object lock or a narrower policy would.
    store.client.middlewareStack.add(
      (next, context) => async (args) => {
        const result = await next(args);
        if (context.commandName === "DeleteObjectsCommand") {
          (result.output as { Errors?: unknown[] }).Errors = [
            { Key: "b", Code: "AccessDenied", Message: "Access Denied" },
          ];
        }
        return result;
      },
      { step: "initialize", name: "refuseOneDelete" },
    );
    await expect(store.remove(["a", "b"])).rejects.toThrow(/b: AccessDenied/);
  });

  test("a missing bucket gives an error that names it and what to check", async () => {
    const store = await freshStore();
    const other = new BackupStore(store.client, `${store.bucket}-missing`);
    await expect(other.list("")).rejects.toThrow(
      /NoSuchBucket: the bucket does not exist; check s3.bucket/,
    );
  });
});
