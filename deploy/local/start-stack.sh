#!/usr/bin/env bash
# The whole local stack, each part a separate process: the Kafka broker (KRaft), Redis (the
# online store), a Flink session cluster (JobManager + TaskManagers) and the SQL Gateway with the
# deploy/sql views. Idempotent: what already runs is left running. Settings: see kafka.sh,
# redis.sh, flink.sh and sql-gateway.sh. Without Debian's redis-server package the stack starts
# without Redis (the jobs then keep the online store on its Kafka topic alone).
#   deploy/local/start-stack.sh
#   ./factory submit ingest -p 2 ; ./factory submit features -p 2 ; ./factory sql
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
"$here/kafka.sh" start
if command -v "${REDIS_SERVER:-redis-server}" >/dev/null; then
  "$here/redis.sh" start
else
  echo "redis-server not installed: no Redis online store (apt-get install redis-server)" >&2
fi
"$here/flink.sh" start
"$here/sql-gateway.sh" start
echo "stack up: Kafka localhost:${KAFKA_PORT:-9092}, Redis localhost:${REDIS_PORT:-6379}, Flink http://localhost:${FLINK_REST_PORT:-8081}," \
  "SQL Gateway http://localhost:${SQL_GATEWAY_PORT:-8083}; stop it with deploy/local/stop-stack.sh"
