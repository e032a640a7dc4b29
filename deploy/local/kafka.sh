#!/usr/bin/env bash
# A single-node Kafka broker (KRaft, combined broker + controller) as a separate process, run
# from Kafka's own Maven artifacts (the launcher's classpath). Idempotent:
#   deploy/local/kafka.sh start | stop | status
# Settings (environment): KAFKA_PORT (9092), KAFKA_CONTROLLER_PORT (9093),
# KAFKA_DIR (.factory/local/kafka under the repository), KAFKA_HEAP (1g), KAFKA_TOPICS_FILE (the
# topics created at start, deploy/local/topics.txt; empty for none).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
port="${KAFKA_PORT:-9092}"
controller_port="${KAFKA_CONTROLLER_PORT:-9093}"
dir="${KAFKA_DIR:-$root/.factory/local/kafka}"
pidfile="$dir/kafka.pid"
topics_file="${KAFKA_TOPICS_FILE-$root/deploy/local/topics.txt}"
classpath_file="$root/deploy/launcher/target/classpath.txt"

running() { [[ -f "$pidfile" ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null; }

classpath() {
  if [[ ! -f "$classpath_file" ]]; then
    echo "building the launcher classpath (first run)..." >&2
    (cd "$root" && mvn -B -q -DskipTests package -pl deploy/launcher -am >&2)
  fi
  cat "$classpath_file"
}

write_config() {
  mkdir -p "$dir/data"
  cat > "$dir/server.properties" <<CONF
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=localhost:$controller_port
listeners=PLAINTEXT://localhost:$port,CONTROLLER://localhost:$controller_port
advertised.listeners=PLAINTEXT://localhost:$port
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$dir/data
num.partitions=2
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=true
# Generated data carries event-time timestamps in the past: keep it (no time-based retention).
log.retention.ms=-1
log.retention.bytes=-1
# Generated labels are stamped with the (future) day they become known: accept them.
log.message.timestamp.after.max.ms=9223372036854775807
CONF
}

start() {
  if running; then
    echo "kafka already running (pid $(cat "$pidfile")) on localhost:$port"
    return 0
  fi
  local cp; cp="$(classpath)"
  write_config
  if [[ ! -f "$dir/data/meta.properties" ]]; then
    local id; id="$(java -cp "$cp" kafka.tools.StorageTool random-uuid | tail -1)"
    java -cp "$cp" kafka.tools.StorageTool format -t "$id" -c "$dir/server.properties" --standalone >"$dir/format.log" 2>&1
  fi
  nohup java -Xmx"${KAFKA_HEAP:-1g}" -cp "$cp" kafka.Kafka "$dir/server.properties" >"$dir/kafka.log" 2>&1 &
  echo $! > "$pidfile"
  for _ in $(seq 1 120); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "kafka started (pid $(cat "$pidfile")) on localhost:$port; data in $dir"
      if [[ -n "$topics_file" ]]; then
        java -cp "$cp" dev.aifactory.localstack.StackTopics "localhost:$port" "$topics_file" \
          2>>"$dir/topics.log" || { echo "could not create the stack's topics; see $dir/topics.log" >&2; return 1; }
      fi
      return 0
    fi
    running || { echo "kafka exited during start; see $dir/kafka.log" >&2; tail -20 "$dir/kafka.log" >&2; return 1; }
    sleep 0.5
  done
  echo "kafka did not open port $port within 60 s; see $dir/kafka.log" >&2
  return 1
}

stop() {
  if ! running; then
    echo "kafka not running"
    rm -f "$pidfile"
    return 0
  fi
  local pid; pid="$(cat "$pidfile")"
  kill "$pid"
  for _ in $(seq 1 60); do
    kill -0 "$pid" 2>/dev/null || { rm -f "$pidfile"; echo "kafka stopped"; return 0; }
    sleep 0.5
  done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$pidfile"
  echo "kafka killed after 30 s"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) if running; then echo "kafka running (pid $(cat "$pidfile")) on localhost:$port"; else echo "kafka not running"; exit 3; fi ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
