#!/bin/bash
# Container healthcheck without curl: GET http://127.0.0.1:$FACEGATE_PROCESSOR_HTTP_PORT$1, healthy on 200.
set -u
path="${1:-/health}"
port="${FACEGATE_PROCESSOR_HTTP_PORT:-8080}"
exec 2>/dev/null 3<>"/dev/tcp/127.0.0.1/${port}" || exit 1
printf 'GET %s HTTP/1.0\r\nHost: localhost\r\n\r\n' "$path" >&3
IFS= read -r -t 2 status <&3 || exit 1
exec 3>&-
[[ "$status" == HTTP/1.?\ 200* ]]
