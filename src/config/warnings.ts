import { z } from "zod";
import { fieldPath, unknownKeyMessage, type FieldProblem } from "./issues.ts";

/**
 * Warnings: things worth fixing that disable nothing. They go into `Config.problems`
 * without a job.
 */

/** Unknown keys in the settings sections, walking nested tables such as reporting.smtp. */
export function unknownKeys(value: unknown, schema: z.ZodType, at: PropertyKey[]): FieldProblem[] {
  const inner = schema instanceof z.ZodOptional ? schema.unwrap() : schema;
  if (!(inner instanceof z.ZodObject) || !isTable(value)) return [];

  const shape = inner.shape as Record<string, z.ZodType>;
  const known = Object.keys(shape);
  return Object.entries(value).flatMap(([key, child]) => {
    if (!(key in shape)) {
      return [{ path: fieldPath([...at, key]), message: unknownKeyMessage(key, known) }];
    }
    return unknownKeys(child, shape[key]!, [...at, key]);
  });
}

/** Failure mail that could never be sent is worth knowing about before the first failure. */
export function mailWarnings(
  top: Record<string, unknown>,
  env: Record<string, string | undefined>,
): FieldProblem[] {
  const reporting = asTable(top.reporting);
  const recipients = reporting?.errorRecipients;
  // SMTP_URL supplies the server and login, but the sender address lives in [reporting.smtp].
  if (!Array.isArray(recipients) || recipients.length === 0 || reporting?.smtp !== undefined)
    return [];
  const withUrl = env.SMTP_URL
    ? " (SMTP_URL is set, but the sender address `from` is still needed)"
    : "";
  return [
    {
      path: "reporting.smtp",
      message: `errorRecipients is set but there is no [reporting.smtp] with host and from${withUrl}, so no mail can be sent`,
    },
  ];
}

export function isTable(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  return !Array.isArray(value) && !(value instanceof Date);
}

export function asTable(value: unknown): Record<string, unknown> | undefined {
  return isTable(value) ? value : undefined;
}
