import { S3Client } from "@aws-sdk/client-s3";
import type { S3Settings } from "../config/types.ts";

/**
 * An S3 client for the configured store. Credentials come from the SDK's default chain
 * (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN, profile, instance role),
 * never from the config file. With a custom endpoint, path-style addressing and
 * WHEN_REQUIRED checksums are the defaults: several S3-compatible stores reject the CRC32
 * headers that newer SDKs add to every request.
 */
export function createS3Client(settings: S3Settings): S3Client {
  return new S3Client({
    region: settings.region,
    endpoint: settings.endpoint,
    forcePathStyle: settings.forcePathStyle,
    requestChecksumCalculation: settings.checksums,
    responseChecksumValidation: settings.checksums,
    maxAttempts: 4,
  });
}
