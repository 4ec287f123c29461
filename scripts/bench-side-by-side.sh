#!/usr/bin/env bash
# Halyard and nats-server side by side, measured by `halyard bench` in one run.
#
# Builds (unless --no-build), starts both servers on free loopback ports, and runs the same scenarios
# against both, alternating per scenario (Halyard, then nats-server) so machine noise spreads over both.
# Prints, per scenario and metric, the Halyard value, the nats-server value and their ratio
# (Halyard ÷ nats-server: throughput higher is better, latency lower is better), plus each server's CPU.
# If Halyard cannot be started (its server jar not built yet, or it exits), nats-server is measured
# alone and a note says so. Both servers are stopped on exit.
#
# Both servers run JetStream with a store in a temporary directory (nats-server: -js -sd <dir>, its
# default sync, PubAck before fsync; Halyard: fsync before the PubAck, or with BENCH_SYNC_INTERVAL=2m
# nats-server's policy), so the JetStream scenarios (jspub, jspull, jspull-ackall, kv) compare the
# same way. On a shared machine use --repeat N: the servers swap places on every other run and a
# table of medians ends the output.
#
# Usage: scripts/bench-side-by-side.sh [--no-build] [halyard bench options...]
#   e.g. scripts/bench-side-by-side.sh --no-build --scenario pub,pubsub --size 16 --duration 5
#        scripts/bench-side-by-side.sh --no-build --scenario jspub,jspull,jspull-ackall,kv --size 128 --repeat 4
# Environment:
#   JAVA              java executable for Halyard and the bench (default: java)
#   HALYARD_JVM_OPTS  extra JVM flags for the Halyard server
#   BENCH_SYNC_INTERVAL  Halyard's jetstream sync_interval: "always" (its default: fsync before
#                     every PubAck) or a duration such as 2m (nats-server's default: PubAck after
#                     the write, fsync in the background)
#   BENCH_JVM_OPTS    extra JVM flags for the bench tool
#   NATS_SERVER       nats-server executable (default: nats-server on PATH, else /usr/sbin/nats-server)
#   BENCH_TIMEOUT     hard limit in seconds for the whole bench run (default: 900)
# A JSON copy of the results is written to bench-results/ (ignored by git).
set -euo pipefail

cd "$(dirname "$0")/.."

JAVA=${JAVA:-java}
HALYARD_JVM_OPTS=${HALYARD_JVM_OPTS:-}
BENCH_SYNC_INTERVAL=${BENCH_SYNC_INTERVAL:-always}
BENCH_JVM_OPTS=${BENCH_JVM_OPTS:-}
BENCH_TIMEOUT=${BENCH_TIMEOUT:-900}
SERVER_JAR=server/target/halyard-server.jar
CLI_JAR=cli/target/halyard-cli.jar

build=1
bench_args=()
for arg in "$@"; do
  case "$arg" in
    --no-build) build=0 ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) bench_args+=("$arg") ;;
  esac
done

note() { printf '>> %s\n' "$*" >&2; }

if [[ $build == 1 ]]; then
  note "building (./mvnw -q -B package -DskipTests)"
  if ! ./mvnw -q -B package -DskipTests; then
    # Tests that do not compile must not stop a benchmark; a server that does not compile only stops Halyard.
    note "build failed; retrying without compiling tests (-Dmaven.test.skip=true)"
    if ! ./mvnw -q -B package -Dmaven.test.skip=true; then
      note "build failed again; building the cli module alone so nats-server can still be measured"
      ./mvnw -q -B -pl cli -am package -Dmaven.test.skip=true
    fi
  fi
fi
[[ -f $CLI_JAR ]] || { note "missing $CLI_JAR: build first (drop --no-build)"; exit 1; }

NATS_SERVER=${NATS_SERVER:-$(command -v nats-server || echo /usr/sbin/nats-server)}
[[ -x $NATS_SERVER ]] || { note "nats-server not found (set NATS_SERVER)"; exit 1; }

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

free_port() {
  local port tries
  for tries in $(seq 1 200); do
    port=$((20000 + RANDOM % 40000))
    if ! port_in_use "$port" && [[ $port != "${1:-}" ]]; then
      echo "$port"; return 0
    fi
  done
  note "no free port found"; return 1
}

# wait_listening PID PORT SECONDS: true once PORT accepts connections, false if PID dies or time runs out.
wait_listening() {
  local pid=$1 port=$2 deadline=$((SECONDS + $3))
  while (( SECONDS < deadline )); do
    kill -0 "$pid" 2>/dev/null || return 1
    port_in_use "$port" && return 0
    sleep 0.1
  done
  return 1
}

LOG_DIR=$(mktemp -d -t halyard-bench.XXXXXX)
halyard_pid=""
nats_pid=""
cleanup() {
  local pid
  for pid in $halyard_pid $nats_pid; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in $halyard_pid $nats_pid; do
    wait "$pid" 2>/dev/null || true
  done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

PORT1=$(free_port)
PORT2=$(free_port "$PORT1")

halyard_up=0
if [[ -f $SERVER_JAR ]]; then
  printf 'jetstream { sync_interval: "%s" }\n' "$BENCH_SYNC_INTERVAL" >"$LOG_DIR/halyard.conf"
  note "Halyard sync_interval: $BENCH_SYNC_INTERVAL"
  # shellcheck disable=SC2086  # HALYARD_JVM_OPTS is a list of flags
  "$JAVA" $HALYARD_JVM_OPTS -jar "$SERVER_JAR" -c "$LOG_DIR/halyard.conf" -a 127.0.0.1 -p "$PORT1" \
    -sd "$LOG_DIR/halyard-store" >"$LOG_DIR/halyard.log" 2>&1 &
  halyard_pid=$!
  if wait_listening "$halyard_pid" "$PORT1" 20; then
    halyard_up=1
  else
    note "NOTE: Halyard did not start on port $PORT1; last lines of its log:"
    tail -n 15 "$LOG_DIR/halyard.log" >&2 || true
    kill "$halyard_pid" 2>/dev/null || true
    halyard_pid=""
  fi
else
  note "NOTE: $SERVER_JAR does not exist (the Halyard server is not built yet)"
fi

# JetStream on for the JetStream scenarios, with nats-server's default sync (PubAck before fsync).
"$NATS_SERVER" -a 127.0.0.1 -p "$PORT2" -js -sd "$LOG_DIR/nats-store" >"$LOG_DIR/nats-server.log" 2>&1 &
nats_pid=$!
if ! wait_listening "$nats_pid" "$PORT2" 10; then
  note "nats-server did not start on port $PORT2:"; tail -n 15 "$LOG_DIR/nats-server.log" >&2 || true
  exit 1
fi

mkdir -p bench-results
json_out="bench-results/side-by-side-$(date +%Y%m%d-%H%M%S).json"
# Defaults first: a later occurrence of an option (from the command line) wins.
defaults=(--duration 10 --msgs 10M)
if [[ $halyard_up == 1 ]]; then
  note "Halyard (pid $halyard_pid) on 127.0.0.1:$PORT1 vs $("$NATS_SERVER" --version 2>&1 | head -n1) (pid $nats_pid) on 127.0.0.1:$PORT2"
  targets=(--server "nats://127.0.0.1:$PORT1" --label halyard --server-pid "$halyard_pid"
           --baseline "nats://127.0.0.1:$PORT2" --baseline-label nats-server --baseline-pid "$nats_pid")
else
  note "NOTE: measuring nats-server alone (pid $nats_pid, 127.0.0.1:$PORT2): no Halyard figures and no ratios this run"
  targets=(--server "nats://127.0.0.1:$PORT2" --label nats-server --server-pid "$nats_pid")
fi

status=0
# shellcheck disable=SC2086  # BENCH_JVM_OPTS is a list of flags
timeout --kill-after=10 "$BENCH_TIMEOUT" "$JAVA" $BENCH_JVM_OPTS -jar "$CLI_JAR" bench \
  "${targets[@]}" "${defaults[@]}" ${bench_args[@]+"${bench_args[@]}"} --json-out "$json_out" || status=$?
note "JSON results: $json_out (server logs: $LOG_DIR)"
if [[ $status == 124 ]]; then
  note "bench exceeded BENCH_TIMEOUT=${BENCH_TIMEOUT}s and was stopped"
elif [[ $status != 0 ]]; then
  note "bench reported failures (exit status $status): see FAIL lines above"
fi
exit "$status"
