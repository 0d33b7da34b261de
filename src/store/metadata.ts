/**
 * What an object says about itself in S3 user metadata, in the clear. Nothing here is
 * secret: the fingerprint is keyed, so it reveals nothing about the content without the key.
 */
export interface BackupMetadata {
  format: number;
  kid?: string;
  /** Plaintext size in bytes. */
  size?: number;
  /** ISO 8601 time the backup was taken. */
  created?: string;
  job?: string;
  group?: string;
  /** Keyed fingerprint of the plaintext (hex) and the key id it was made under. */
  fingerprint?: string;
  fingerprintKid?: string;
}

const fields = {
  format: "ssb-format",
  kid: "ssb-kid",
  size: "ssb-size",
  created: "ssb-created",
  job: "ssb-job",
  group: "ssb-group",
  fingerprint: "ssb-fingerprint",
  fingerprintKid: "ssb-fingerprint-kid",
} as const;

/** S3 user metadata for an object; values are percent-encoded because headers are ASCII. */
export function encodeMetadata(meta: BackupMetadata): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [field, header] of Object.entries(fields)) {
    const value = meta[field as keyof BackupMetadata];
    if (value !== undefined) out[header] = encodeURIComponent(String(value));
  }
  return out;
}

/** Reads metadata written by `encodeMetadata`; objects without it are taken as format 1. */
export function decodeMetadata(headers: Record<string, string> | undefined): BackupMetadata {
  const get = (name: string) => {
    const raw = headers?.[name];
    if (raw === undefined) return undefined;
    try {
      return decodeURIComponent(raw);
    } catch {
      return raw;
    }
  };
  const size = get(fields.size);
  return {
    format: Number(get(fields.format) ?? 1),
    kid: get(fields.kid),
    size: size === undefined ? undefined : Number(size),
    created: get(fields.created),
    job: get(fields.job),
    group: get(fields.group),
    fingerprint: get(fields.fingerprint),
    fingerprintKid: get(fields.fingerprintKid),
  };
}
