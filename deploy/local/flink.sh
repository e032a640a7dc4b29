#!/usr/bin/env bash
# A Flink standalone session cluster as separate processes (a JobManager and TaskManagers), run
# from Maven artifacts (deploy/cluster's class path) since flink-dist is not published. Idempotent.
#   deploy/local/flink.sh start | stop | status
#   deploy/local/flink.sh start-taskmanager      one more TaskManager (prints its number)
#   deploy/local/flink.sh kill-taskmanager N     SIGKILL, for fault drills
#   deploy/local/flink.sh stop-taskmanager N
#   deploy/local/flink.sh kill-jobmanager        SIGKILL (no HA here: jobs then restart from
#   deploy/local/flink.sh start-jobmanager       their latest retained checkpoint, see README)
# Settings (environment): FLINK_DIR (.factory/local/flink), FLINK_REST_PORT (8081),
# FLINK_RPC_PORT (6123), FLINK_TASKMANAGERS (2), FLINK_SLOTS (4), FLINK_JM_MEMORY (1536m),
# FLINK_TM_MEMORY (2048m), FLINK_CHECKPOINT_INTERVAL (10 s), FLINK_PROM_PORTS (9250-9269).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
dir="${FLINK_DIR:-$root/.factory/local/flink}"
rest_port="${FLINK_REST_PORT:-8081}"
conf="$dir/conf"
classpath_file="$root/deploy/cluster/target/classpath.txt"

pid_of() { [[ -f "$dir/$1.pid" ]] && cat "$dir/$1.pid"; }
alive() { local pid; pid="$(pid_of "$1")" && kill -0 "$pid" 2>/dev/null; }
rest() { curl -sf "http://localhost:$rest_port$1"; }

write_conf() {
  [[ -f "$classpath_file" ]] || { echo "building the cluster class path (first run)..." >&2; (cd "$root" && mvn -B -q -DskipTests install -pl deploy/cluster -am >&2); }
  mkdir -p "$conf" "$dir/log" "$dir/checkpoints" "$dir/savepoints" "$dir/web-upload"
  sed -e "s#@FLINK_DIR@#$dir#g" -e "s#@REST_PORT@#$rest_port#g" -e "s#@JM_RPC_PORT@#${FLINK_RPC_PORT:-6123}#g" \
      -e "s#@TM_SLOTS@#${FLINK_SLOTS:-4}#g" -e "s#@JM_MEMORY@#${FLINK_JM_MEMORY:-1536m}#g" \
      -e "s#@TM_MEMORY@#${FLINK_TM_MEMORY:-2048m}#g" -e "s#@CHECKPOINT_INTERVAL@#${FLINK_CHECKPOINT_INTERVAL:-10 s}#g" \
      -e "s#@PROM_PORTS@#${FLINK_PROM_PORTS:-9250-9269}#g" "$here/conf/config.yaml" > "$conf/config.yaml"
  cp "$here/conf/log4j.properties" "$conf/log4j.properties"
  # An argument file, not -cp on the command line: ONNX Runtime's native init crashes when the
  # command line is longer than about 4 KB.
  printf -- '-cp %s\n' "$(cat "$classpath_file")" > "$conf/classpath.args"
}

opens() { sed -n 's:.*<flink.jvm.opens>\(.*\)</flink.jvm.opens>.*:\1:p' "$root/pom.xml"; }

# What Flink's own scripts do: BashJavaUtils turns the memory settings into JVM options (first
# result line) and dynamic properties (second line).
resource_params() {
  local out; out="$(java @"$conf/classpath.args" -Dlog4j2.level=OFF org.apache.flink.runtime.util.bash.BashJavaUtils "$1" --configDir "$conf" 2>/dev/null | sed -n 's/^BASH_JAVA_UTILS_EXEC_RESULT://p')"
  [[ -n "$out" ]] || { echo "BashJavaUtils $1 failed" >&2; return 1; }
  echo "$out"
}

launch() { # name, java arguments...
  local name="$1"; shift
  # From the repository root: relative paths in job options (.factory/warehouse) mean the same
  # folder to the cluster as to `./factory run`.
  (cd "$root" && exec nohup java $(opens) -Dlog.file="$dir/log/$name.log" -Dlog4j.configurationFile="file:$conf/log4j.properties" \
    "$@" >"$dir/log/$name.out" 2>&1 &)
  # The JVM's own pid (found by its unique log file argument), not a wrapper's.
  local pid=""
  for _ in $(seq 1 50); do
    pid="$(pgrep -f -- "-Dlog.file=$dir/log/$name.log" | head -1)" && [[ -n "$pid" ]] && break
    sleep 0.1
  done
  [[ -n "$pid" ]] || { echo "$name did not start; see $dir/log/$name.out" >&2; return 1; }
  echo "$pid" > "$dir/$name.pid"
}

start_jobmanager() {
  if alive jobmanager; then echo "jobmanager already running (pid $(pid_of jobmanager))"; return 0; fi
  local params jvm dynamic; params="$(resource_params GET_JM_RESOURCE_PARAMS)"
  jvm="$(sed -n 1p <<<"$params")"; dynamic="$(sed -n 2p <<<"$params")"
  # shellcheck disable=SC2086
  launch jobmanager \
    $jvm @"$conf/classpath.args" org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint --configDir "$conf" $dynamic
  for _ in $(seq 1 240); do
    rest /overview >/dev/null && { echo "jobmanager started (pid $(pid_of jobmanager)), web UI http://localhost:$rest_port"; return 0; }
    alive jobmanager || { echo "jobmanager exited; see $dir/log/jobmanager.log" >&2; tail -30 "$dir/log/jobmanager.out" >&2; return 1; }
    sleep 0.5
  done
  echo "jobmanager did not answer on port $rest_port within 120 s" >&2; return 1
}

registered_taskmanagers() { rest /taskmanagers | jq '.taskmanagers | length'; }

start_taskmanager() { # prints the new TaskManager's number
  local n=1
  while [[ -f "$dir/taskmanager-$n.pid" ]] && alive "taskmanager-$n"; do n=$((n + 1)); done
  local log="$dir/log/taskmanager-$n.log"
  # A number freed by a killed TaskManager is taken again: its old log must not count as registered.
  [[ -f "$log" ]] && mv "$log" "$log.$(date +%s)"
  local params jvm dynamic; params="$(resource_params GET_TM_RESOURCE_PARAMS)"
  jvm="$(sed -n 1p <<<"$params")"; dynamic="$(sed -n 2p <<<"$params")"
  # shellcheck disable=SC2086
  launch "taskmanager-$n" \
    $jvm @"$conf/classpath.args" org.apache.flink.runtime.taskexecutor.TaskManagerRunner --configDir "$conf" $dynamic
  for _ in $(seq 1 240); do
    grep -q "Successful registration at resource manager" "$log" 2>/dev/null \
      && { echo "taskmanager-$n started (pid $(pid_of "taskmanager-$n"))" >&2; echo "$n"; return 0; }
    alive "taskmanager-$n" || { echo "taskmanager-$n exited; see $log" >&2; tail -30 "$dir/log/taskmanager-$n.out" >&2; return 1; }
    sleep 0.5
  done
  echo "taskmanager-$n did not register within 120 s" >&2; return 1
}

stop_process() { # name, signal
  local name="$1" signal="${2:-TERM}" pid
  pid="$(pid_of "$name")" || return 0
  if kill -0 "$pid" 2>/dev/null; then
    kill -s "$signal" "$pid"
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
    echo "$name stopped ($signal)"
  fi
  rm -f "$dir/$name.pid"
}

start() {
  write_conf
  start_jobmanager
  local wanted="${FLINK_TASKMANAGERS:-2}" running=0 f
  for f in "$dir"/taskmanager-*.pid; do [[ -f "$f" ]] && alive "$(basename "$f" .pid)" && running=$((running + 1)); done
  while [[ "$running" -lt "$wanted" ]]; do start_taskmanager >/dev/null; running=$((running + 1)); done
  echo "flink session cluster up: $(registered_taskmanagers) taskmanager(s), $(rest /overview | jq '."slots-total"') slots"
}

stop() {
  local f
  for f in "$dir"/taskmanager-*.pid; do [[ -f "$f" ]] && stop_process "$(basename "$f" .pid)"; done
  stop_process jobmanager
  echo "flink session cluster stopped"
}

status() {
  if alive jobmanager && rest /overview >/dev/null; then
    rest /overview | jq -c '{taskmanagers, "slots-total", "slots-available", "jobs-running"}'
  else
    echo "flink session cluster not running"; return 3
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  start-taskmanager) write_conf; start_taskmanager ;;
  kill-taskmanager) stop_process "taskmanager-${2:?taskmanager number}" KILL ;;
  kill-jobmanager) stop_process jobmanager KILL ;;
  start-jobmanager) write_conf; start_jobmanager ;;
  stop-taskmanager) stop_process "taskmanager-${2:?taskmanager number}" ;;
  *) echo "usage: $0 start|stop|status|start-taskmanager|kill-taskmanager N|stop-taskmanager N|kill-jobmanager|start-jobmanager" >&2; exit 2 ;;
esac
