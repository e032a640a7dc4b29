#!/usr/bin/env bash
# Stops what start-stack.sh started, in reverse order; idempotent. Data (Kafka logs, checkpoints,
# savepoints, the warehouse, catalogs and views) stays under .factory/ for the next start.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
"$here/sql-gateway.sh" stop
"$here/flink.sh" stop
"$here/redis.sh" stop
"$here/kafka.sh" stop
