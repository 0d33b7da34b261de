/**
 * Creates a bucket on the S3 store named by S3_ENDPOINT, S3_REGION, AWS_ACCESS_KEY_ID and
 * AWS_SECRET_ACCESS_KEY; a bucket that already exists and is ours counts as success.
 * scripts/minio.sh runs it so that neither awscli nor mc has to be installed.
 *
 *   bun scripts/create-bucket.ts BUCKET
 */
import { BucketAlreadyOwnedByYou, CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";

const bucket = process.argv[2];
const endpoint = process.env.S3_ENDPOINT;
if (!bucket || !endpoint) {
  console.error("usage: S3_ENDPOINT=… bun scripts/create-bucket.ts BUCKET");
  process.exit(2);
}

const client = new S3Client({
  endpoint,
  region: process.env.S3_REGION ?? "us-east-1",
  forcePathStyle: true,
});

try {
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
} catch (error) {
  if (!(error instanceof BucketAlreadyOwnedByYou)) {
    const cause = error instanceof Error ? error.message : String(error);
    console.error(`Failed to create bucket ${bucket} at ${endpoint}: ${cause}`);
    process.exit(1);
  }
}
