#!/usr/bin/env bash
# Creates the facegate topics listed in topics.conf (next to this script) with their partitions
# and configs; existing topics are left alone. Used by the compose init service and the
# Kubernetes topics Job.
#
#   create-topics.sh BOOTSTRAP [REPLICATION_FACTOR] [COMMAND_CONFIG]
#   TOPICS_FILE=... overrides the topic list; KAFKA_TOPICS=... the kafka-topics.sh to run.
set -euo pipefail

bootstrap="${1:?usage: create-topics.sh BOOTSTRAP [REPLICATION_FACTOR] [COMMAND_CONFIG]}"
replication="${2:-1}"
command_config="${3:-}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
topics_file="${TOPICS_FILE:-$here/topics.conf}"
tool="${KAFKA_TOPICS:-$(command -v kafka-topics.sh || echo /opt/kafka/bin/kafka-topics.sh)}"

extra=()
[[ -n "$command_config" ]] && extra+=(--command-config "$command_config")

# the broker may still be starting: wait for it (up to ~2 minutes)
for attempt in $(seq 1 60); do
  if "$tool" --bootstrap-server "$bootstrap" "${extra[@]}" --list >/dev/null 2>&1; then
    break
  fi
  [[ "$attempt" == 60 ]] && { echo "Kafka at $bootstrap not reachable" >&2; exit 1; }
  sleep 2
done

while read -r name partitions configs rest; do
  [[ -z "${name:-}" || "$name" == \#* ]] && continue
  if [[ -z "${partitions:-}" || -n "${rest:-}" ]]; then
    echo "malformed line in $topics_file: $name $partitions $configs $rest" >&2
    exit 3
  fi
  args=(--bootstrap-server "$bootstrap" "${extra[@]}" --create --if-not-exists
        --topic "$name" --partitions "$partitions" --replication-factor "$replication")
  IFS=',' read -r -a kvs <<< "${configs:-}"
  for kv in "${kvs[@]}"; do
    [[ -n "$kv" ]] && args+=(--config "$kv")
  done
  "$tool" "${args[@]}"
  echo "topic $name: $partitions partitions, ${configs:-default configs}"
done < "$topics_file"
