#!/usr/bin/env bash
# Benchmark (not a test): back up one large random file with `ssb run` and restore it with
# `ssb restore --to` through a throwaway loopback MinIO, then print the throughput and the
# peak resident memory of each step.
#
#   scripts/bench.sh                  1 GiB file
#   SSB_BENCH_MB=256 scripts/bench.sh 256 MiB file
#
# It runs the CLI from source with Bun and, when dist/ssb-linux-x64 exists, the compiled
# binary too. Peak memory is measured with GNU time (`/usr/bin/time -f %M`; on Debian or
# Ubuntu: apt-get install -y time), else by polling VmHWM in /proc/<pid>/status.
#
# Afterwards scripts/bench-steps.ts measures the steps one by one (fingerprint, encrypt,
# upload, download, decrypt), each in a process of its own, to show which one needs memory.
#
# Settings: SSB_BENCH_MB (file size in MiB, default 1024), SSB_BENCH_RSS_LIMIT_MB (default
# 200), SSB_BENCH_STEPS=0 to skip the per-step figures, SSB_BENCH_DIR (scratch folder,
# default a new one under $TMPDIR; it needs about three times the file size), BUN.
# Exits 1 when a restored file differs, a command fails or a peak exceeds the limit; the
# figures are printed either way.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SIZE_MB=${SSB_BENCH_MB:-1024}
LIMIT_MB=${SSB_BENCH_RSS_LIMIT_MB:-200}
BUN=${BUN:-$ROOT/node_modules/.bin/bun}
BUCKET=ssb-bench

say() { printf 'bench: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

[[ $SIZE_MB =~ ^[1-9][0-9]*$ ]] || die "SSB_BENCH_MB must be a whole number of MiB, not '$SIZE_MB'"
[[ -x $BUN ]] || die "$BUN is missing: run \`npm ci\` in $ROOT first, or set BUN"

WORK=$(mktemp -d "${SSB_BENCH_DIR:-${TMPDIR:-/tmp}}/ssb-bench-XXXXXX")
cleanup() {
  bash "$ROOT/scripts/minio.sh" stop "$WORK/minio" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- a server, a config, a key ------------------------------------------------------------
say "starting MinIO in $WORK/minio"
exports=$(SSB_TEST_BUCKET=$BUCKET bash "$ROOT/scripts/minio.sh" start "$WORK/minio")
eval "$exports"

mkdir -p "$WORK/home" "$WORK/data"
export HOME=$WORK/home
export KEY_V1
KEY_V1=$("$BUN" --no-env-file "$ROOT/src/cli/main.ts" keygen)
export PRIMARY_KEY=v1

say "writing ${SIZE_MB} MiB of random data"
head -c "$((SIZE_MB * 1024 * 1024))" /dev/urandom >"$WORK/data/big.bin"
BYTES=$(stat -c %s "$WORK/data/big.bin")

# --- measuring one command ----------------------------------------------------------------
# measure LABEL CMD...: runs CMD in $WORK, prints "LABEL seconds peak_kib", returns CMD's status.
if [[ -x /usr/bin/time ]] && /usr/bin/time -f %M true >/dev/null 2>&1; then
  measure() {
    local label=$1 start end status=0
    shift
    start=$(date +%s.%N)
    (cd "$WORK" && /usr/bin/time -o "$WORK/rss" -f %M "$@") >"$WORK/$label.out" 2>"$WORK/$label.err" || status=$?
    end=$(date +%s.%N)
    printf "%s %s %s\n" "$label" "$(awk -v a="$start" -v b="$end" "BEGIN { print b - a }")" "$(tail -n 1 "$WORK/rss")"
    return "$status"
  }
else
  say "no GNU time at /usr/bin/time; polling VmHWM instead (may miss a short final peak)"
  measure() {
    local label=$1 start end status=0 pid peak=0 hwm
    shift
    start=$(date +%s.%N)
    (cd "$WORK" && exec "$@") >"$WORK/$label.out" 2>"$WORK/$label.err" &
    pid=$!
    while kill -0 "$pid" 2>/dev/null; do
      hwm=$(awk '/^VmHWM:/ { print $2 }' "/proc/$pid/status" 2>/dev/null || true)
      [[ -n $hwm && $hwm -gt $peak ]] && peak=$hwm
      sleep 0.05
    done
    wait "$pid" || status=$?
    end=$(date +%s.%N)
    printf "%s %s %s\n" "$label" "$(awk -v a="$start" -v b="$end" "BEGIN { print b - a }")" "$peak"
    return "$status"
  }
fi

# report LABEL SECONDS PEAK_KIB: one line of figures; fails when the peak is over the limit.
report() {
  awk -v label="$1" -v s="$2" -v kib="$3" -v bytes="$BYTES" -v limit="$LIMIT_MB" 'BEGIN {
    over = kib / 1024 > limit
    printf "%-28s %8.2f s  %9.1f MiB/s  peak RSS %7.1f MiB%s\n", label, s, bytes / 1048576 / s,
      kib / 1024, over ? "  OVER THE " limit " MiB LIMIT" : ""
    exit over
  }'
}

# --- the runs -----------------------------------------------------------------------------
variants=("source:$BUN --no-env-file $ROOT/src/cli/main.ts")
if [[ -x $ROOT/dist/ssb-linux-x64 ]]; then
  variants+=("binary:$ROOT/dist/ssb-linux-x64")
else
  say "no dist/ssb-linux-x64; benchmarking the source only (scripts/build.sh makes it)"
fi

printf 'ssb benchmark: %s MiB (%s bytes) through MinIO on loopback, %s CPUs\n' \
  "$SIZE_MB" "$BYTES" "$(nproc)"
failed=0
for variant in "${variants[@]}"; do
  name=${variant%%:*}
  read -r -a cli <<<"${variant#*:}"
  config=$WORK/$name.toml
  cat >"$config" <<EOF
[s3]
bucket = "$BUCKET"

[[jobs]]
name = "big"
path = "data/big.bin"
s3KeyPrefix = "$name/"
EOF

  if line=$(measure "$name-backup" "${cli[@]}" run --force --config "$config"); then
    read -r _ seconds kib <<<"$line"
    report "$name: ssb run" "$seconds" "$kib" || failed=1
  else
    say "$name: ssb run failed:"; cat "$WORK/$name-backup.err" >&2; failed=1; continue
  fi

  restored=$WORK/restored-$name.bin
  if line=$(measure "$name-restore" "${cli[@]}" restore big --to "$restored" --config "$config"); then
    read -r _ seconds kib <<<"$line"
    report "$name: ssb restore --to" "$seconds" "$kib" || failed=1
  else
    say "$name: ssb restore failed:"; cat "$WORK/$name-restore.err" >&2; failed=1; continue
  fi

  if cmp -s "$WORK/data/big.bin" "$restored"; then
    printf '%-28s restored file is identical (cmp)\n' "$name:"
  else
    say "$name: the restored file differs from the original"; failed=1
  fi
  rm -f "$restored"
done

if [[ ${SSB_BENCH_STEPS:-1} != 0 ]]; then
  printf 'steps one by one (source, one process each):\n'
  "$BUN" --no-env-file "$ROOT/scripts/bench-steps.ts" "$WORK/data/big.bin" "$BUCKET" || failed=1
fi
exit "$failed"
