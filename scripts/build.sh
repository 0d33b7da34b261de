#!/usr/bin/env bash
# Builds the release binaries: one self-contained executable per platform with the Bun
# runtime inside, so that a server needs neither Node.js nor Bun to run ssb.
#
#   scripts/build.sh                   all of linux-x64 linux-arm64 darwin-x64 darwin-arm64
#   scripts/build.sh linux-x64 [...]   only these (the tests build one); SHA256SUMS then
#                                      lists only them, so publish a full build only
#
# Writes dist/ssb-<os>-<arch> and dist/SHA256SUMS (sha256sum format, bare file names), the
# two things install.sh downloads. Bun fetches the runtime of a foreign target from the npm
# registry on first use and caches it. If any target cannot be fetched or built, the
# script fails and dist/ keeps what it held before: never a partial set.
#
# Settings: BUN (default node_modules/.bin/bun). Sourcing this file (scripts/bench-start.sh
# does) defines BUILD_FLAGS and the helpers without building anything.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUN=${BUN:-$ROOT/node_modules/.bin/bun}
DIST=$ROOT/dist
ALL_TARGETS=(linux-x64 linux-arm64 darwin-x64 darwin-arm64)

# Why each flag:
#   --splitting        lazily imported commands become chunks that are read only when a
#                      command is chosen; as one big script, `ssb --version` took ~175 ms
#                      just to parse code it never runs
#   --bytecode         ship precompiled bytecode (ESM needs --format=esm): ssb run and
#                      ssb --help start 3-4x faster, for ~10 MB more per binary
#   --sourcemap=linked maps --verbose stacks and "unexpected error" stacks back to
#                      src/; the map is embedded, the .map files written beside are dropped
#   --no-compile-autoload-*
#                      a compiled Bun program otherwise reads .env and bunfig.toml from the
#                      directory it runs in. ssb loads its env file itself (dotenvx, which
#                      also decrypts); a stray or encrypted .env loaded by Bun first would
#                      put wrong or still-encrypted values into the environment, and a
#                      bunfig.toml could preload arbitrary code. tsconfig and package.json
#                      are off by default; they are named so that stays true.
BUILD_FLAGS=(
  --compile
  --minify
  --splitting
  --bytecode
  --format=esm
  --sourcemap=linked
  --no-compile-autoload-dotenv
  --no-compile-autoload-bunfig
  --no-compile-autoload-tsconfig
  --no-compile-autoload-package-json
)

say() { printf 'build.sh: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

# The Bun compile target for a release name. x64 Linux uses the baseline runtime, which
# runs on every x86-64 CPU since 2008; the default one needs AVX2 and dies with "Illegal
# instruction" on older hardware and on VMs with a conservative CPU model. Every Mac that
# runs a macOS Bun supports has AVX2, so darwin-x64 keeps the default.
bun_target() {
  case $1 in
    linux-x64) echo bun-linux-x64-baseline ;;
    linux-arm64) echo bun-linux-arm64 ;;
    darwin-x64) echo bun-darwin-x64 ;;
    darwin-arm64) echo bun-darwin-arm64 ;;
    *) return 1 ;;
  esac
}

# The release name of the machine running this script, if it is one we build.
host_target() {
  local os arch
  case $(uname -s) in
    Linux) os=linux ;;
    Darwin) os=darwin ;;
    *) return 1 ;;
  esac
  case $(uname -m) in
    x86_64 | amd64) arch=x64 ;;
    aarch64 | arm64) arch=arm64 ;;
    *) return 1 ;;
  esac
  echo "$os-$arch"
}

sha256() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$@"
  else
    shasum -a 256 "$@"
  fi
}

main() {
  local targets=("$@") target version host
  ((${#targets[@]} > 0)) || targets=("${ALL_TARGETS[@]}")
  for target in "${targets[@]}"; do
    bun_target "$target" >/dev/null || die "unknown target '$target'; choose from: ${ALL_TARGETS[*]}"
  done
  [[ -x $BUN ]] || die "$BUN is missing: run \`npm ci\` in $ROOT first, or set BUN"

  version=$(cd "$ROOT" && "$BUN" --print 'require("./package.json").version')
  mkdir -p "$DIST"
  # Everything is built in a staging folder inside dist/ (same file system, so the final
  # moves are renames) and moved into place only once every target has succeeded.
  STAGE=$(mktemp -d "$DIST/.build.XXXXXX")
  trap 'rm -rf "$STAGE"' EXIT
  local stage=$STAGE

  for target in "${targets[@]}"; do
    say "ssb $version for $target ($(bun_target "$target"))"
    mkdir "$stage/$target"
    (cd "$ROOT" && "$BUN" build "${BUILD_FLAGS[@]}" --target="$(bun_target "$target")" \
      --outfile="$stage/$target/ssb-$target" src/cli/main.ts >&2) ||
      die "building $target failed (output above); nothing in $DIST was changed"
    [[ -s $stage/$target/ssb-$target ]] || die "bun build wrote no binary for $target"
    mv "$stage/$target/ssb-$target" "$stage/ssb-$target"
  done

  # A binary this machine can run must start and print the version it was built from.
  if host=$(host_target) && [[ -f $stage/ssb-$host ]]; then
    local printed
    printed=$("$stage/ssb-$host" --version) ||
      die "the freshly built ssb-$host does not start"
    [[ $printed == "$version" ]] ||
      die "ssb-$host --version printed '$printed', expected '$version' from package.json"
  fi

  (cd "$stage" && sha256 "${targets[@]/#/ssb-}") >"$stage/SHA256SUMS"
  for target in "${targets[@]}"; do
    mv -f "$stage/ssb-$target" "$DIST/ssb-$target"
  done
  mv -f "$stage/SHA256SUMS" "$DIST/SHA256SUMS"

  say "done:"
  (cd "$DIST" && ls -l "${targets[@]/#/ssb-}" SHA256SUMS) >&2
  if ((${#targets[@]} < ${#ALL_TARGETS[@]})); then
    say "SHA256SUMS lists only: ${targets[*]}; build all targets for a release"
  fi
}

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
  main "$@"
fi
