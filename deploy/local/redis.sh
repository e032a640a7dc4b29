#!/usr/bin/env bash
# The online store's Redis server (Debian's redis-server package) as a separate process on
# loopback, persisting to an append-only file so the store survives a restart. Idempotent:
#   deploy/local/redis.sh start | stop | status
# Settings (environment): REDIS_PORT (6379), REDIS_DIR (.factory/local/redis under the
# repository), REDIS_SERVER (the server binary, redis-server on the PATH). Jobs and the serving
# API use it with --online.store redis --online.redis.uri redis://localhost:$REDIS_PORT.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
port="${REDIS_PORT:-6379}"
dir="${REDIS_DIR:-$root/.factory/local/redis}"
binary="${REDIS_SERVER:-redis-server}"
pidfile="$dir/redis.pid"

running() { [[ -f "$pidfile" ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null; }

start() {
  if running; then
    echo "redis already running (pid $(cat "$pidfile")) on localhost:$port"
    return 0
  fi
  command -v "$binary" >/dev/null || { echo "$binary not found: install Debian's redis-server package (apt-get install redis-server)" >&2; return 1; }
  mkdir -p "$dir"
  "$binary" --port "$port" --bind 127.0.0.1 --dir "$dir" --appendonly yes --save "" \
    --daemonize yes --pidfile "$pidfile" --logfile "$dir/redis.log"
  for _ in $(seq 1 40); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "redis started (pid $(cat "$pidfile")) on localhost:$port; data in $dir"
      return 0
    fi
    sleep 0.25
  done
  echo "redis did not open port $port within 10 s; see $dir/redis.log" >&2
  return 1
}

stop() {
  if ! running; then
    echo "redis not running"
    rm -f "$pidfile"
    return 0
  fi
  local pid; pid="$(cat "$pidfile")"
  kill "$pid"
  for _ in $(seq 1 40); do
    kill -0 "$pid" 2>/dev/null || { rm -f "$pidfile"; echo "redis stopped"; return 0; }
    sleep 0.25
  done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$pidfile"
  echo "redis killed after 10 s"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) if running; then echo "redis running (pid $(cat "$pidfile")) on localhost:$port"; else echo "redis not running"; exit 3; fi ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
