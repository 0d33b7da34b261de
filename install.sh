#!/bin/sh
# Installs ssb (secure-s3-backup), one self-contained binary, on Linux or macOS:
#
#   curl -fsSL https://raw.githubusercontent.com/secure-s3-backup/ssb/main/install.sh | sh
#
# It downloads ssb-<os>-<arch> and SHA256SUMS from the project's releases, refuses a
# binary whose checksum does not match, and puts it in place with one rename, so running
# it again upgrades in place and an ssb run already in progress keeps its old copy.
# Nothing here asks a question: it runs the same from a terminal, a pipe or provisioning.
#
# Settings (environment variables):
#   SSB_VERSION      release to install, e.g. 0.1.0 (default: the latest release)
#   SSB_BASE_URL     folder URL holding ssb-<os>-<arch> and SHA256SUMS; overrides the
#                    release URL (a mirror, or a local build served over HTTP)
#   SSB_INSTALL_DIR  where `ssb` goes (default: /usr/local/bin as root, else ~/.local/bin)
set -eu

REPO_URL=https://github.com/secure-s3-backup/ssb

say() { printf 'install.sh: %s\n' "$*" >&2; }
die() {
  say "$*"
  exit 1
}

# Set once they exist, removed on any exit: the download folder and an unfinished binary.
download_dir=
partial=
cleanup() {
  [ -z "$partial" ] || rm -f "$partial"
  [ -z "$download_dir" ] || rm -rf "$download_dir"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

detect_os() {
  case $(uname -s) in
    Linux) echo linux ;;
    Darwin) echo darwin ;;
    *) die "this system is $(uname -s); ssb is built for Linux and macOS only" ;;
  esac
}

detect_arch() {
  machine=$(uname -m)
  # A shell under Rosetta reports x86_64 on an Apple silicon Mac; the native build is better.
  if [ "$machine" = x86_64 ] && [ "$(sysctl -n sysctl.proc_translated 2>/dev/null || true)" = 1 ]; then
    machine=arm64
  fi
  case $machine in
    x86_64 | amd64) echo x64 ;;
    aarch64 | arm64) echo arm64 ;;
    *) die "this machine is $machine; ssb is built for x86_64 (amd64) and aarch64 (arm64) only" ;;
  esac
}

release_url() {
  if [ -n "${SSB_BASE_URL:-}" ]; then
    echo "${SSB_BASE_URL%/}"
  elif [ -n "${SSB_VERSION:-}" ]; then
    case ${SSB_VERSION#v} in
      '' | *[!0-9A-Za-z.+-]*) die "SSB_VERSION='$SSB_VERSION' is not a version like 0.1.0" ;;
    esac
    echo "$REPO_URL/releases/download/v${SSB_VERSION#v}"
  else
    echo "$REPO_URL/releases/latest/download"
  fi
}

install_dir() {
  if [ -n "${SSB_INSTALL_DIR:-}" ]; then
    echo "$SSB_INSTALL_DIR"
  elif [ "$(id -u)" = 0 ]; then
    echo /usr/local/bin
  else
    echo "${HOME:?HOME is not set; set SSB_INSTALL_DIR to choose where ssb goes}/.local/bin"
  fi
}

# download URL FILE: curl, else wget; fails on any HTTP error status.
download() {
  if command -v curl >/dev/null 2>&1; then
    curl --fail --silent --show-error --location --retry 3 --connect-timeout 20 \
      --output "$2" "$1" || die "could not download $1 (curl failed, see above)"
  elif command -v wget >/dev/null 2>&1; then
    wget -q -O "$2" "$1" || die "could not download $1 (wget failed)"
  else
    die "neither curl nor wget is installed; install one of them and run this again"
  fi
}

# sha256 FILE: prints the lower-case hex SHA-256 of FILE.
sha256() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | cut -d ' ' -f 1
  elif command -v shasum >/dev/null 2>&1; then
    shasum -a 256 "$1" | cut -d ' ' -f 1
  elif command -v openssl >/dev/null 2>&1; then
    openssl dgst -sha256 -r "$1" | cut -d ' ' -f 1
  else
    die "found no sha256sum, shasum or openssl to verify the download; install one of them"
  fi
}

# expected_sha256 SUMS NAME: the hash SUMS lists for NAME (sha256sum format, text or
# binary mode), or nothing.
expected_sha256() {
  awk -v name="$2" '$2 == name || $2 == "*" name { print tolower($1); exit }' "$1"
}

print_next_steps() {
  bin=$1
  if [ "$(id -u)" = 0 ]; then
    config_dir=/etc/secure-s3-backup
  else
    config_dir="\$HOME/.config/secure-s3-backup"
  fi
  cat <<EOF

Next steps:

  1. Make an encryption key, and keep a copy off this server: without it, no backup
     can be restored.
       $bin keygen

  2. Write the config (which S3 bucket, which files, how often, how many to keep):
       $config_dir/config.toml

  3. Put the secrets in the env file beside it, readable only by the user that runs ssb:
       $config_dir/.env
         KEY_V1=<the key from step 1>
         PRIMARY_KEY=v1
         AWS_ACCESS_KEY_ID=...
         AWS_SECRET_ACCESS_KEY=...
       chmod 600 $config_dir/.env

  4. Check the config, the keys and the env file (changes nothing):
       $bin check

  5. Let cron run it, e.g. every 15 minutes (crontab -e); only due jobs are backed up:
       */15 * * * * $bin run --quiet
EOF
}

main() {
  os=$(detect_os)
  arch=$(detect_arch)
  asset=ssb-$os-$arch
  base=$(release_url)
  dir=$(install_dir)

  case $base in
    https://*) ;;
    http://127.0.0.1[:/]* | http://localhost[:/]* | http://\[::1\][:/]*) ;;
    http://*) say "warning: $base is plain HTTP; the checksum protects only against damage, not tampering" ;;
    *) die "SSB_BASE_URL must start with https:// or http:// (got '$base')" ;;
  esac

  download_dir=$(mktemp -d "${TMPDIR:-/tmp}/ssb-install.XXXXXX")
  say "downloading $asset and SHA256SUMS from $base"
  download "$base/$asset" "$download_dir/$asset"
  download "$base/SHA256SUMS" "$download_dir/SHA256SUMS"

  expected=$(expected_sha256 "$download_dir/SHA256SUMS" "$asset")
  [ -n "$expected" ] ||
    die "SHA256SUMS from $base has no entry for $asset; refusing to install (nothing was changed)"
  actual=$(sha256 "$download_dir/$asset")
  [ "$actual" = "$expected" ] ||
    die "checksum did not match for $asset: SHA256SUMS says $expected, the download is $actual. The file is damaged or not the published one; refusing to install (nothing was changed)"

  mkdir -p "$dir" || die "could not create $dir; run as root or set SSB_INSTALL_DIR"
  [ -w "$dir" ] || die "cannot write to $dir; run as root (e.g. curl ... | sudo sh) or set SSB_INSTALL_DIR"
  previous=
  [ ! -x "$dir/ssb" ] || previous=$("$dir/ssb" --version 2>/dev/null || true)

  # Made in the target folder so that the final mv is an atomic rename on one file system.
  partial=$(mktemp "$dir/.ssb-install.XXXXXX")
  cp "$download_dir/$asset" "$partial"
  chmod 0755 "$partial"
  # The new binary must start here before it replaces anything (a Linux build needs glibc).
  version=$("$partial" --version 2>&1) ||
    die "the downloaded $asset does not start on this system: $version (Linux builds need glibc; on Alpine, apk add gcompat); nothing was changed"
  if [ -n "${SSB_VERSION:-}" ] && [ -z "${SSB_BASE_URL:-}" ] && [ "$version" != "${SSB_VERSION#v}" ]; then
    die "asked for ssb ${SSB_VERSION#v} but the download is $version; nothing was changed"
  fi
  mv -f "$partial" "$dir/ssb"
  partial=

  if [ -n "$previous" ] && [ "$previous" != "$version" ]; then
    say "upgraded ssb $previous to $version in $dir/ssb"
  elif [ -n "$previous" ]; then
    say "reinstalled ssb $version in $dir/ssb"
  else
    say "installed ssb $version in $dir/ssb"
  fi
  case ":${PATH:-}:" in
    *":$dir:"*) ;;
    *) say "note: $dir is not on PATH; call ssb as $dir/ssb, or add $dir to PATH" ;;
  esac

  print_next_steps "$dir/ssb"
}

main
