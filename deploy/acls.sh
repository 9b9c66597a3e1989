#!/usr/bin/env bash
# Applies (or removes, or prints) the facegate ACL set in deploy/kafka/acls.conf with kafka-acls.sh.
# The same file is what the KafkaAclIT integration test applies, so what is tested is what ships.
#
#   deploy/acls.sh --bootstrap-server kafka:9093 --command-config admin.properties [--remove]
#   deploy/acls.sh --print                  # only print the kafka-acls.sh argument lists
#
# Env: KAFKA_ACLS (default: kafka-acls.sh on PATH, else /opt/kafka/bin/kafka-acls.sh),
#      ACL_FILE (default: deploy/kafka/acls.conf next to this script).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
acl_file="${ACL_FILE:-$here/kafka/acls.conf}"
mode=add
bootstrap=""
command_config=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --bootstrap-server) bootstrap="$2"; shift 2 ;;
    --command-config) command_config="$2"; shift 2 ;;
    --remove) mode=remove; shift ;;
    --print) mode=print; shift ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done

# READ -> Read, DESCRIBE_CONFIGS -> DescribeConfigs, as kafka-acls.sh spells operations
camel() {
  local out="" part
  IFS='_' read -r -a parts <<< "$1"
  for part in "${parts[@]}"; do
    part="${part,,}"
    out+="${part^}"
  done
  printf '%s' "$out"
}

# prints one NUL-free line per ACL: the kafka-acls.sh resource/principal arguments
acl_args() {
  local principal operation rtype pattern name rest
  while read -r principal operation rtype pattern name rest; do
    [[ -z "${principal:-}" || "$principal" == \#* ]] && continue
    if [[ -z "${name:-}" || -n "${rest:-}" ]]; then
      echo "malformed line in $acl_file: $principal $operation $rtype $pattern $name $rest" >&2
      exit 3
    fi
    local resource
    case "$rtype" in
      TOPIC) resource="--topic $name" ;;
      GROUP) resource="--group $name" ;;
      TRANSACTIONAL_ID) resource="--transactional-id $name" ;;
      CLUSTER) resource="--cluster" ;;
      *) echo "unknown resource type $rtype in $acl_file" >&2; exit 3 ;;
    esac
    case "$pattern" in
      LITERAL|PREFIXED) ;;
      *) echo "unknown pattern type $pattern in $acl_file" >&2; exit 3 ;;
    esac
    echo "--allow-principal $principal --operation $(camel "$operation") $resource --resource-pattern-type ${pattern,,}"
  done < "$acl_file"
}

if [[ "$mode" == print ]]; then
  acl_args
  exit 0
fi

if [[ -z "$bootstrap" ]]; then
  echo "--bootstrap-server is required (and --command-config for a secured cluster)" >&2
  exit 2
fi
tool="${KAFKA_ACLS:-$(command -v kafka-acls.sh || echo /opt/kafka/bin/kafka-acls.sh)}"
common=(--bootstrap-server "$bootstrap")
[[ -n "$command_config" ]] && common+=(--command-config "$command_config")

acl_args | while read -r -a args; do
  if [[ "$mode" == add ]]; then
    "$tool" "${common[@]}" --add "${args[@]}"
  else
    "$tool" "${common[@]}" --remove --force "${args[@]}"
  fi
done
