#!/usr/bin/env bash
# Start-up time of the release binary: the median wall time of `ssb --version`,
# `ssb --help` and, for scale, an empty program compiled with the same flags (what the Bun
# runtime alone costs). Uses the linux-x64 binary in dist/ when it is newer than every
# source, else builds it first with scripts/build.sh linux-x64.
#
#   scripts/bench-start.sh [RUNS]     RUNS per command, default 20
#
# Measures with hyperfine when installed (apt-get install hyperfine), else with a loop.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/build.sh
source "$ROOT/scripts/build.sh"
say() { printf 'bench-start.sh: %s\n' "$*" >&2; }
RUNS=${1:-20}
SSB=$DIST/ssb-linux-x64

[[ $(host_target || true) == linux-x64 ]] || die "bench-start.sh measures the linux-x64 binary; run it on Linux x86-64"

# Current when newer than every input of the build, and listed in SHA256SUMS as it is.
is_current() {
  [[ -f $SSB && -f $DIST/SHA256SUMS ]] || return 1
  [[ -z $(find "$ROOT/src" "$ROOT/package.json" "$ROOT/package-lock.json" "$ROOT/tsconfig.json" \
    "$ROOT/scripts/build.sh" -newer "$SSB" -print -quit) ]] || return 1
  (cd "$DIST" && grep -E ' \*?ssb-linux-x64$' SHA256SUMS | sha256 -c --status 2>/dev/null)
}

if is_current; then
  say "using $SSB"
else
  bash "$ROOT/scripts/build.sh" linux-x64
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/ssb-bench-start.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
printf 'console.log("");\n' >"$WORK/empty.ts"
"$BUN" build "${BUILD_FLAGS[@]}" --target="$(bun_target linux-x64)" \
  --outfile="$WORK/empty" "$WORK/empty.ts" >/dev/null
rm -f "$WORK"/*.map

# median_ms CMD...: the median wall time of RUNS runs, in milliseconds, after 3 warm-ups.
median_ms() {
  if command -v hyperfine >/dev/null 2>&1; then
    hyperfine --style none --shell=none --warmup 3 --runs "$RUNS" \
      --export-json "$WORK/result.json" -- "$*" >/dev/null 2>"$WORK/hyperfine.err" ||
      die "hyperfine failed on '$*': $(cat "$WORK/hyperfine.err")"
    awk -F': *' '/"median"/ { gsub(/,/, "", $2); printf "%.1f\n", $2 * 1000; exit }' "$WORK/result.json"
  else
    local i start end
    for i in 1 2 3; do "$@" >/dev/null; done
    for ((i = 0; i < RUNS; i++)); do
      start=$(date +%s%N)
      "$@" >/dev/null
      end=$(date +%s%N)
      echo $(((end - start) / 1000))
    done | sort -n | awk '{ t[NR] = $1 } END {
      m = (NR % 2) ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2
      printf "%.1f\n", m / 1000 }'
  fi
}

# Run from an empty folder, as cron would start it from one holding no .env of ours.
cd "$WORK"
printf 'median of %s runs (%s)\n' "$RUNS" "$(command -v hyperfine >/dev/null 2>&1 && echo hyperfine || echo date loop)"
printf '  %-24s %8s ms\n' "empty compiled program" "$(median_ms "$WORK/empty")"
printf '  %-24s %8s ms\n' "ssb --version" "$(median_ms "$SSB" --version)"
printf '  %-24s %8s ms\n' "ssb --help" "$(median_ms "$SSB" --help)"
printf 'binary: %s (%s bytes)\n' "$SSB" "$(wc -c <"$SSB" | tr -d ' ')"
