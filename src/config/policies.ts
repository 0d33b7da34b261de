import { fieldPath, issueProblems, type FieldProblem } from "./issues.ts";
import { POLICY_DEFAULTS, policySchema } from "./schema.ts";
import type { ConfigProblem, Policy } from "./types.ts";

const POLICY_KEYS = Object.keys(policySchema.shape);

/** A policy table with the defaults filled in, or the problems found at `at`. */
export function parsePolicy(
  raw: unknown,
  at: readonly PropertyKey[],
): { policy: Policy; problems?: never } | { policy?: never; problems: FieldProblem[] } {
  const result = policySchema.safeParse(raw, { reportInput: true });
  if (!result.success) return { problems: issueProblems(result.error.issues, at, POLICY_KEYS) };

  const fields = Object.fromEntries(Object.entries(result.data).filter(([, v]) => v !== undefined));
  return { policy: { ...POLICY_DEFAULTS, ...fields } };
}

/** The `[policies.*]` entries: the good ones by name, and where each broken one first fails. */
export interface NamedPolicies {
  valid: Map<string, Policy>;
  broken: Map<string, string>;
  /** Problems of the broken entries themselves (`policies.redis.frequency`); no job set. */
  problems: ConfigProblem[];
}

export function parseNamedPolicies(raw: Record<string, unknown> | undefined): NamedPolicies {
  const named: NamedPolicies = { valid: new Map(), broken: new Map(), problems: [] };

  for (const [name, table] of Object.entries(raw ?? {})) {
    const parsed = parsePolicy(table, ["policies", name]);
    if (parsed.policy) {
      named.valid.set(name, parsed.policy);
      continue;
    }
    named.broken.set(name, parsed.problems[0]?.path ?? fieldPath(["policies", name]));
    named.problems.push(...parsed.problems);
  }

  return named;
}

/** `hourly, keep 48, on change only, one at a time`: a policy in a few words, for messages. */
export function describePolicy(policy: Policy): string {
  const parts = [policy.frequency, `keep ${policy.retentionCount}`];
  if (policy.onChangeOnly) parts.push("on change only");
  if (!policy.parallel) parts.push("not parallel");
  return parts.join(", ");
}

export function samePolicy(a: Policy, b: Policy): boolean {
  return (
    a.frequency === b.frequency &&
    a.onChangeOnly === b.onChangeOnly &&
    a.retentionCount === b.retentionCount &&
    a.parallel === b.parallel
  );
}
