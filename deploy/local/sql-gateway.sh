#!/usr/bin/env bash
# The Flink SQL Gateway in front of the local session cluster, with a persistent catalog store
# (a folder: catalogs created once are seen by every session) and the views of deploy/sql/.
# Idempotent:   deploy/local/sql-gateway.sh start | stop | status
# Settings (environment): SQL_GATEWAY_PORT (8083, the consumers' endpoint: queries only),
# SQL_GATEWAY_ADMIN_PORT (8093, every statement: deploy/sql is applied through it; localhost only),
# FLINK_DIR and FLINK_REST_PORT as for flink.sh,
# FACTORY_WAREHOUSE (file://<repository>/.factory/warehouse, where local jobs write),
# SQL_GATEWAY_APPLY (true: apply deploy/sql at start).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
dir="${FLINK_DIR:-$root/.factory/local/flink}"
port="${SQL_GATEWAY_PORT:-8083}"
admin_port="${SQL_GATEWAY_ADMIN_PORT:-8093}"
conf="$dir/gateway-conf"
pidfile="$dir/sql-gateway.pid"
warehouse="${FACTORY_WAREHOUSE:-file://$root/.factory/warehouse}"

running() { [[ -f "$pidfile" ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null; }

write_conf() {
  [[ -f "$dir/conf/config.yaml" ]] || { echo "start the cluster first (deploy/local/flink.sh start)" >&2; return 1; }
  mkdir -p "$conf" "$dir/catalog-store" "$dir/views"
  # The cluster's configuration (REST address, checkpointing), plus the gateway's own settings.
  cat "$dir/conf/config.yaml" - > "$conf/config.yaml" <<CONF

# --- SQL Gateway (flat keys: the cluster's part above already opens execution:, table: ...) ---
# Consumers (the JDBC driver, factory sql) reach the governed endpoint: queries over the
# catalogs registered here, never a catalog, table, function or jar of their own (udfs:
# GovernedEndpointFactory). Administrators apply deploy/sql through Flink's plain endpoint,
# bound to this host only.
sql-gateway.endpoint.type: [factory-governed, rest]
sql-gateway.endpoint.factory-governed.address: localhost
sql-gateway.endpoint.factory-governed.bind-address: localhost
sql-gateway.endpoint.factory-governed.port: $port
sql-gateway.endpoint.rest.address: localhost
sql-gateway.endpoint.rest.bind-address: localhost
sql-gateway.endpoint.rest.port: $admin_port
# Catalogs created through the gateway are written here and loaded by every session.
table.catalog-store.kind: file
table.catalog-store.file.path: $dir/catalog-store
# Queries run on the session cluster, as bounded (batch) reads of the tables' current snapshots.
execution.target: remote
execution.runtime-mode: batch
CONF
  cp "$dir/conf/log4j.properties" "$dir/conf/classpath.args" "$conf/"
}

start() {
  if running; then echo "sql gateway already running (pid $(cat "$pidfile")) on http://localhost:$port"; return 0; fi
  write_conf
  local opens; opens=$(sed -n 's:.*<flink.jvm.opens>\(.*\)</flink.jvm.opens>.*:\1:p' "$root/pom.xml")
  cd "$root"
  # shellcheck disable=SC2086
  FLINK_CONF_DIR="$conf" nohup java -Xmx1g $opens -Dlog.file="$dir/log/sql-gateway.log" \
    -Dlog4j.configurationFile="file:$conf/log4j.properties" @"$conf/classpath.args" \
    org.apache.flink.table.gateway.SqlGateway >"$dir/log/sql-gateway.out" 2>&1 &
  echo $! > "$pidfile"
  for _ in $(seq 1 240); do
    if curl -sf "http://localhost:$port/v1/info" >/dev/null; then
      echo "sql gateway started (pid $(cat "$pidfile")) on http://localhost:$port (jdbc:flink://localhost:$port)"
      # SQL_GATEWAY_APPLY=false: keep the catalogs and views as stored (they survive restarts)
      if [[ "${SQL_GATEWAY_APPLY:-true}" == true ]]; then apply_views; fi
      return 0
    fi
    running || { echo "sql gateway exited; see $dir/log/sql-gateway.log" >&2; tail -30 "$dir/log/sql-gateway.out" >&2; return 1; }
    sleep 0.5
  done
  echo "sql gateway did not answer on port $port within 120 s" >&2; return 1
}

# Catalogs and views from deploy/sql/, over the jobs' tables: those no job has created yet are
# created empty first (with the jobs' own code), so every view exists on a fresh stack.
apply_views() {
  "$root/factory" tables --warehouse "$warehouse" \
    || echo "could not create the jobs' tables in $warehouse; views over them will fail" >&2
  "$root/factory" sql --gateway "http://localhost:$admin_port" --apply "$root/deploy/sql" \
    --var iceberg_catalog_type=hadoop --var iceberg_uri= --var "warehouse=$warehouse" --var "views=$dir/views" \
    || echo "some views were not created; see above" >&2
}

stop() {
  if ! running; then echo "sql gateway not running"; rm -f "$pidfile"; return 0; fi
  local pid; pid="$(cat "$pidfile")"
  kill "$pid"
  for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
  rm -f "$pidfile"
  echo "sql gateway stopped"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) if running; then echo "sql gateway running (pid $(cat "$pidfile")) on http://localhost:$port"; else echo "sql gateway not running"; exit 3; fi ;;
  apply) apply_views ;;
  *) echo "usage: $0 start|stop|status|apply" >&2; exit 2 ;;
esac
