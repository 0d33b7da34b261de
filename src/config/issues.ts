import type { z } from "zod";

/** A problem before it is tied to a file and a job: where, and what is wrong. */
export interface FieldProblem {
  path: string;
  message: string;
}

type Segment = PropertyKey;

/** `["jobs", 2, "policy", "retentionCount"]` → `jobs[2].policy.retentionCount`. */
export function fieldPath(segments: readonly Segment[]): string {
  return segments.reduce<string>((path, segment) => {
    if (typeof segment === "number") return `${path}[${segment}]`;
    return path === "" ? String(segment) : `${path}.${String(segment)}`;
  }, "");
}

/**
 * One problem per zod issue, with `prefix` put in front of each path. `knownKeys` lists the
 * keys the strict object accepts, so a misspelt key can be answered with the likely one.
 */
export function issueProblems(
  issues: readonly z.core.$ZodIssue[],
  prefix: readonly Segment[],
  knownKeys: readonly string[] = [],
): FieldProblem[] {
  return issues.flatMap((issue) => {
    const at = [...prefix, ...issue.path];
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => ({
        path: fieldPath([...at, key]),
        message: unknownKeyMessage(key, knownKeys),
      }));
    }
    return [{ path: fieldPath(at), message: describeIssue(issue) }];
  });
}

export function unknownKeyMessage(key: string, knownKeys: readonly string[]): string {
  const guess = closestKey(key, knownKeys);
  const hint = guess ? `did you mean ${guess}?` : `expected one of ${knownKeys.join(", ")}`;
  return knownKeys.length > 0 ? `unknown key; ${hint}` : "unknown key";
}

/** A human sentence for one issue, saying what the value must be and what it was. */
export function describeIssue(issue: z.core.$ZodIssue): string {
  const input = (issue as { input?: unknown }).input;
  switch (issue.code) {
    case "invalid_type":
      if (input === undefined) return "required";
      if (issue.expected === "int") return `must be a whole number, not ${describeValue(input)}`;
      return `must be ${TYPE_NAMES[issue.expected] ?? issue.expected}, not ${describeValue(input)}`;
    case "too_small":
      if (issue.origin === "string" || issue.origin === "array") return "must not be empty";
      return `must be at least ${String(issue.minimum)}, not ${describeValue(input)}`;
    case "too_big":
      return `must be at most ${String(issue.maximum)}, not ${describeValue(input)}`;
    case "invalid_value":
      return `must be one of ${issue.values.map(String).join(" | ")}, not ${describeValue(input)}`;
    case "invalid_union":
      return `has the wrong type (${describeValue(input)})`;
    default:
      return issue.message;
  }
}

const TYPE_NAMES: Record<string, string> = {
  string: "a string",
  number: "a number",
  boolean: "true or false",
  array: "a list",
  object: "a table",
  record: "a table",
};

/** A config value as it would read in the file; config values hold no secrets. */
export function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (value instanceof Date) return "a date";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a table";
  if (typeof value === "string") {
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value);
  }
  return String(value);
}

/** The known key a typo most likely meant: same letters ignoring case, or at most 2 edits. */
function closestKey(key: string, knownKeys: readonly string[]): string | undefined {
  let best: { key: string; distance: number } | undefined;
  for (const known of knownKeys) {
    const distance = editDistance(key.toLowerCase(), known.toLowerCase());
    if (distance <= 2 && (!best || distance < best.distance)) best = { key: known, distance };
  }
  return best?.key;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length]!;
}
