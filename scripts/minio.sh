#!/usr/bin/env bash
# A throwaway MinIO server on loopback for tests and local trials.
#
#   scripts/minio.sh start DIR   start a server whose state lives in DIR (or reuse the one
#                                running there) and print `export` lines for its settings:
#                                eval "$(scripts/minio.sh start /tmp/minio)"
#   scripts/minio.sh stop DIR    stop that server; nothing happens when none is running
#   scripts/minio.sh path        print the server binary, building it first if needed
#
# The binary is $MINIO_BIN, else `minio` on PATH, else the cached build under
# ${SSB_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/ssb}/bin, which is made with
# `go install` when missing (a few minutes the first time).
#
# Settings read by `start`:
#   SSB_TEST_BUCKET      bucket created on start (default ssb-test)
#   SSB_MINIO_OWNER_PID  a process that owns this server: once it is gone, the server is
#                        stopped and DIR is deleted. Test helpers set it so that a test run
#                        that crashes leaves neither a server nor its data behind.
#   SSB_MINIO_WAIT       seconds to wait for the server to answer (default 60)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE_DIR=${SSB_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/ssb}
MINIO_MODULE=github.com/minio/minio@latest
REGION=us-east-1

say() { printf 'minio.sh: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

# Prints the path of a MinIO server binary; builds one into the cache when none is found.
find_minio() {
  if [[ -n ${MINIO_BIN:-} ]]; then
    [[ -x $MINIO_BIN ]] || die "MINIO_BIN=$MINIO_BIN is not an executable file"
    printf '%s\n' "$MINIO_BIN"
    return
  fi
  if command -v minio >/dev/null 2>&1; then
    command -v minio
    return
  fi
  local cached=$CACHE_DIR/bin/minio
  if [[ ! -x $cached ]]; then
    build_minio "$CACHE_DIR/bin"
  fi
  printf '%s\n' "$cached"
}

build_minio() {
  local bin_dir=$1 go_cmd
  go_cmd=$(command -v go || true)
  if [[ -z $go_cmd && -x /usr/local/go/bin/go ]]; then
    go_cmd=/usr/local/go/bin/go
  fi
  [[ -n $go_cmd ]] || die "no MinIO server found and no Go toolchain to build one:
  install Go, put a \`minio\` binary on PATH, or set MINIO_BIN to one"

  mkdir -p "$bin_dir"
  # Several test processes may ask at once; one builds while the others wait for it.
  exec 9>"$bin_dir/.build.lock"
  flock 9
  if [[ ! -x $bin_dir/minio ]]; then
    say "building the MinIO server into $bin_dir (takes minutes the first time)"
    local started=$SECONDS
    GOBIN=$bin_dir "$go_cmd" install "$MINIO_MODULE" >&2 ||
      die "building MinIO with \`go install $MINIO_MODULE\` failed (output above)"
    say "built $bin_dir/minio in $((SECONDS - started))s"
  fi
  exec 9>&-
}

# Asks the OS for a free TCP port on loopback. Another process could take it before MinIO
# binds it; start_server notices that the server died and tries again with new ports.
free_port() {
  node -e '
    const server = require("node:net").createServer();
    server.listen(0, "127.0.0.1", () => {
      console.log(server.address().port);
      server.close();
    });'
}

random_hex() {
  od -An -N"$1" -tx1 /dev/urandom | tr -d ' \n'
}

# Succeeds when the server at 127.0.0.1:$1 reports itself live. Uses bash's /dev/tcp so
# that no HTTP client has to be installed.
is_live() {
  local port=$1 status_line
  {
    exec 3<>"/dev/tcp/127.0.0.1/$port"
  } 2>/dev/null || return 1
  printf 'GET /minio/health/live HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3
  IFS= read -r -t 5 status_line <&3 || status_line=
  exec 3<&-
  [[ $status_line == "HTTP/1."?" 200"* ]]
}

running_pid() {
  local dir=$1 pid
  [[ -f $dir/minio.pid ]] || return 1
  pid=$(<"$dir/minio.pid")
  [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null || return 1
  # A pid can be reused by an unrelated process after a reboot or a crash.
  grep -qF -- "$dir/data" "/proc/$pid/cmdline" 2>/dev/null || return 1
  printf '%s\n' "$pid"
}

log_tail() {
  say "last lines of $1/minio.log:"
  tail -n 30 "$1/minio.log" >&2 || true
}

# Starts the server in DIR and waits until it answers. Returns 2 when the server exited
# early (most likely a port taken in the meantime), so that the caller can try again.
start_server() {
  local dir=$1 binary=$2 port console_port pid waited=0 max_wait=${SSB_MINIO_WAIT:-60}
  port=$(free_port)
  console_port=$(free_port)
  while [[ $console_port == "$port" ]]; do console_port=$(free_port); done

  # shellcheck source=/dev/null
  source "$dir/credentials"
  MINIO_ROOT_USER=$MINIO_ROOT_USER MINIO_ROOT_PASSWORD=$MINIO_ROOT_PASSWORD \
    MINIO_BROWSER=off MINIO_UPDATE=off \
    nohup "$binary" server --quiet \
    --address "127.0.0.1:$port" --console-address "127.0.0.1:$console_port" \
    --certs-dir "$dir/certs" "$dir/data" \
    </dev/null >>"$dir/minio.log" 2>&1 &
  pid=$!
  printf '%s\n' "$pid" >"$dir/minio.pid"

  until is_live "$port"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      rm -f "$dir/minio.pid"
      return 2
    fi
    if ((waited >= max_wait * 4)); then
      kill "$pid" 2>/dev/null || true
      rm -f "$dir/minio.pid"
      log_tail "$dir"
      die "MinIO did not answer on 127.0.0.1:$port within ${max_wait}s"
    fi
    sleep 0.25
    waited=$((waited + 1))
  done

  cat >"$dir/exports" <<EOF
export S3_ENDPOINT='http://127.0.0.1:$port'
export S3_REGION='$REGION'
export AWS_ACCESS_KEY_ID='$MINIO_ROOT_USER'
export AWS_SECRET_ACCESS_KEY='$MINIO_ROOT_PASSWORD'
EOF
}

# Stops the server once the owner process is gone, then deletes DIR. Runs in the
# background, detached from the caller's output so that it never holds a pipe open, and
# deaf to the Ctrl-C or hang-up that may be what ended the owner.
watch_owner() {
  local dir=$1 owner=$2
  (
    trap '' INT HUP
    while kill -0 "$owner" 2>/dev/null; do sleep 1; done
    stop_server "$dir"
    rm -rf "$dir"
  ) </dev/null >/dev/null 2>&1 &
}

stop_server() {
  local dir=$1 pid waited=0
  pid=$(running_pid "$dir") || {
    rm -f "$dir/minio.pid"
    return 0
  }
  kill "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null; do
    if ((waited >= 40)); then
      kill -KILL "$pid" 2>/dev/null || true
    fi
    sleep 0.25
    waited=$((waited + 1))
  done
  rm -f "$dir/minio.pid"
}

create_bucket() {
  local dir=$1 bucket=$2 bun=$ROOT/node_modules/.bin/bun
  [[ -x $bun ]] || die "$bun is missing: run \`npm ci\` in $ROOT first"
  (
    # shellcheck source=/dev/null
    source "$dir/exports"
    "$bun" "$ROOT/scripts/create-bucket.ts" "$bucket" >&2
  ) || die "could not create bucket $bucket on the server in $dir (log: $dir/minio.log)"
}

cmd_start() {
  local dir=$1 bucket=${SSB_TEST_BUCKET:-ssb-test} binary attempt status
  # Everything under DIR, credentials included, is for the caller's eyes only.
  umask 077
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)

  if ! running_pid "$dir" >/dev/null || [[ ! -f $dir/exports ]]; then
    binary=$(find_minio)
    mkdir -p "$dir/data" "$dir/certs"
    if [[ ! -f $dir/credentials ]]; then
      printf 'MINIO_ROOT_USER=ssb%s\nMINIO_ROOT_PASSWORD=%s\n' \
        "$(random_hex 8)" "$(random_hex 24)" >"$dir/credentials"
    fi
    for attempt in 1 2 3; do
      status=0
      start_server "$dir" "$binary" || status=$?
      ((status == 0)) && break
      ((attempt < 3)) && say "MinIO exited while starting; trying again with other ports"
    done
    if ((status != 0)); then
      log_tail "$dir"
      die "MinIO exited while starting, three times"
    fi
    if [[ -n ${SSB_MINIO_OWNER_PID:-} ]]; then
      watch_owner "$dir" "$SSB_MINIO_OWNER_PID"
    fi
  fi

  create_bucket "$dir" "$bucket"
  cat "$dir/exports"
  printf "export SSB_TEST_BUCKET='%s'\n" "$bucket"
}

usage() {
  say "usage: $0 start DIR | stop DIR | path"
  exit 2
}

case ${1:-} in
  start)
    [[ $# -eq 2 ]] || usage
    cmd_start "$2"
    ;;
  stop)
    [[ $# -eq 2 ]] || usage
    [[ -d $2 ]] || exit 0
    stop_server "$2"
    ;;
  path)
    [[ $# -eq 1 ]] || usage
    find_minio
    ;;
  *) usage ;;
esac
