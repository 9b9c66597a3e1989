#!/usr/bin/env bash
# kill -9 failover test against ./facegate broker, by hand: starts an in-process broker (6
# partitions, local schema registry), THREE processors sharing one application id, sends a stream
# of frames over many doors, kills one processor with SIGKILL midway, and checks from the committed
# (read_committed) output that every event got exactly one decision, and that every processor
# worked. The automated twin is cli/src/test/java/io/facegate/cli/scale/FailoverIT.java.
#
#   scripts/kill-test.sh [EVENTS] [RATE]      (default 3000 events at 150/s)
#   MODEL=DIR scripts/kill-test.sh            (default: the demo's cached model, else a trained one)
#
# Ports used: 19092 (Kafka), 18081 (registry), 19471-19473 (processor metrics). Everything lives
# in a temp dir that is removed at the end; logs are kept in ./kill-test-logs.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
EVENTS="${1:-3000}"
RATE="${2:-150}"
MODEL="${MODEL:-.facegate/models/demo-orl-faces-seed1}"
if [[ ! -f "$MODEL/model.onnx" ]]; then
  echo "kill-test: no model at $MODEL; run ./facegate demo --recipe scratch (or ./facegate train) first, or pass MODEL=DIR" >&2
  exit 2
fi
BOOT=127.0.0.1:19092
REG=http://127.0.0.1:18081
WORK="$(mktemp -d -t facegate-kill-test.XXXXXX)"
LOGS="$ROOT/kill-test-logs"
mkdir -p "$LOGS"
PIDS=()

cleanup() {
  for pid in "${PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

./facegate --version >/dev/null   # builds once if needed, before the clock starts

echo "kill-test: starting the broker (6 partitions)"
./facegate broker --port 19092 --registry-port 18081 --partitions 6 --log-dir "$WORK/kafka" >"$LOGS/broker.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 120); do
  grep -q "bootstrap" "$LOGS/broker.log" 2>/dev/null && break
  sleep 0.5
done

printf 'processor.session-timeout-ms=6000\nprocessor.streams.heartbeat.interval.ms=1500\n' >"$WORK/processor.properties"
PROC_PIDS=()
for i in 1 2 3; do
  ./facegate processor --bootstrap "$BOOT" --registry "$REG" --model "$MODEL" --device cpu \
    --application-id kill-test --http-port "1947$i" --state-dir "$WORK/state-$i" \
    --config "$WORK/processor.properties" >"$LOGS/processor-$i.log" 2>&1 &
  PROC_PIDS+=($!)
  PIDS+=($!)
done

decisions() { # sum of facegate_decisions_total of processor $1
  curl -fs "http://127.0.0.1:1947$1/metrics" | awk '/^facegate_decisions_total/ {s += $2} END {printf "%d", s}'
}
echo "kill-test: waiting for the three processors to be ready together (each join rebalances the others)"
ready=0
for _ in $(seq 1 240); do
  ready=0
  for i in 1 2 3; do
    curl -fs "http://127.0.0.1:1947$i/ready" >/dev/null 2>&1 && ready=$((ready + 1))
  done
  [[ $ready -eq 3 ]] && break
  sleep 0.5
done
if [[ $ready -ne 3 ]]; then
  echo "kill-test: the processors did not all become ready; see $LOGS/processor-*.log" >&2
  exit 1
fi

echo "kill-test: sending $EVENTS events at $RATE/s over 24 doors"
./facegate bench --against "$BOOT" --registry "$REG" --events "$EVENTS" --rate "$RATE" --doors 24 \
  --out "$LOGS" >"$LOGS/load.log" 2>&1 &
LOAD=$!
sleep $(( EVENTS / RATE / 3 + 5 ))
BEFORE=("$(decisions 1)" "$(decisions 2)" "$(decisions 3)")
VICTIM=$(pgrep -P "${PROC_PIDS[0]}" java || echo "${PROC_PIDS[0]}")
echo "kill-test: decisions so far per processor: ${BEFORE[*]}; kill -9 processor 1 (pid $VICTIM)"
kill -9 "$VICTIM"
set +e
wait "$LOAD"
STATUS=$?
set -e
cat "$LOGS/load.log" | grep -v '^load: sent [0-9]*, decided'
AFTER=("killed" "$(decisions 2)" "$(decisions 3)")
echo "kill-test: decisions per processor at the end: ${AFTER[*]}"
for i in 0 1 2; do
  if [[ "${BEFORE[$i]}" -eq 0 ]]; then
    echo "kill-test: FAIL processor $((i + 1)) had decided nothing before the kill" >&2
    STATUS=1
  fi
done
if [[ $STATUS -eq 0 ]]; then
  echo "kill-test: PASS: every event has exactly one committed decision (see $LOGS/bench-load.json)"
else
  echo "kill-test: FAIL (lost or duplicated decisions, or an idle processor); logs in $LOGS" >&2
fi
exit $STATUS
