import { z } from "zod";
import type { Policy } from "./types.ts";

/**
 * The shape of the config file, in two kinds of schema: the settings sections, whose
 * mistakes stop the run, and a policy or a job, whose mistakes disable only the jobs
 * concerned. Settings sections ignore unknown keys here (they are reported as warnings by
 * the validator); a policy and a job are strict, because a misspelt `retentionCount` or
 * `s3KeyPrefix` silently falling back to a default would change what gets kept or where.
 */

export const FREQUENCIES = ["hourly", "daily", "weekly", "monthly", "always"] as const;
export const LOG_LEVELS = ["error", "warn", "info", "debug"] as const;
export const CHECKSUM_MODES = ["WHEN_REQUIRED", "WHEN_SUPPORTED"] as const;

export const POLICY_DEFAULTS: Policy = {
  frequency: "daily",
  onChangeOnly: false,
  retentionCount: 7,
  parallel: true,
};

export const DEFAULTS = {
  region: "us-east-1",
  logLevel: "info",
  logMaxSize: 10 * 1024 * 1024,
  logMaxFiles: 7,
  maxJobs: 2,
  timezone: "UTC",
  smtpPort: 587,
  smtpTimeoutMs: 30_000,
  keepRuns: 500,
} as const;

const UNITS: Record<string, number> = { "": 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

/**
 * Bytes in a size: a whole number, or a string like "10M", "512k", "1.5GiB". K, M and G
 * are powers of 1024 whether written K, KB or KiB, as log rotation tools usually read them.
 */
export function parseSize(value: number | string): number | undefined {
  if (typeof value === "number") return Number.isInteger(value) && value > 0 ? value : undefined;
  const match = /^\s*(\d+(?:\.\d+)?)\s*([kmg]?)(?:i?b)?\s*$/i.exec(value);
  if (!match) return undefined;
  const bytes = Math.round(Number(match[1]) * UNITS[match[2]!.toLowerCase()]!);
  return bytes > 0 ? bytes : undefined;
}

export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

const text = z.string().trim().min(1);
const positiveInt = z.number().int().min(1);

const size = z.union([z.number(), z.string()]).transform((value, ctx) => {
  const bytes = parseSize(value);
  if (bytes !== undefined) return bytes;
  const message = 'must be a number of bytes or a size like "10M"';
  ctx.addIssue({ code: "custom", input: value, message });
  return z.NEVER;
});

export const s3Schema = z.object({
  bucket: text.regex(/^[^\s/]+$/, "must be a bucket name, without spaces or /"),
  endpoint: z.string().optional(),
  region: text.optional(),
  forcePathStyle: z.boolean().optional(),
  checksums: z.enum(CHECKSUM_MODES).optional(),
});

export const loggingSchema = z.object({
  level: z.enum(LOG_LEVELS).optional(),
  file: text.optional(),
  maxSize: size.optional(),
  maxFiles: positiveInt.optional(),
});

export const smtpSchema = z.object({
  host: text,
  port: z.number().int().min(1).max(65535).optional(),
  from: text,
  secure: z.boolean().optional(),
  requireTls: z.boolean().optional(),
  timeoutMs: positiveInt.optional(),
});

export const reportingSchema = z.object({
  htmlPath: text.optional(),
  errorRecipients: z.array(text.regex(/@/, "must be an email address")).optional(),
  keepRuns: positiveInt.optional(),
  smtp: smtpSchema.optional(),
});

export const limitsSchema = z.object({ maxJobs: positiveInt.optional() });

/** Everything whose mistake stops the run; `policies` and `jobs` only need the right container. */
export const settingsSchema = z.object({
  s3: s3Schema,
  logging: loggingSchema,
  reporting: reportingSchema,
  limits: limitsSchema,
  timezone: text
    .refine(isTimeZone, "must be an IANA time zone such as UTC or Europe/Berlin")
    .optional(),
  policies: z.record(z.string(), z.unknown()).optional(),
  jobs: z.array(z.unknown()).optional(),
});

export const policySchema = z.strictObject({
  frequency: z.enum(FREQUENCIES).optional(),
  onChangeOnly: z.boolean().optional(),
  retentionCount: positiveInt.optional(),
  parallel: z.boolean().optional(),
});

export const jobSchema = z.strictObject({
  name: text,
  path: z.string().refine((path) => path.trim() !== "", "must not be empty"),
  s3KeyPrefix: z.string().optional(),
  // A policy name or an inline table; resolved separately so each form gets its own message.
  policy: z.unknown().optional(),
  group: text.optional(),
});

export type Settings = z.output<typeof settingsSchema>;
