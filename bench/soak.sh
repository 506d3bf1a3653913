#!/usr/bin/env bash
# Soak test (not run in CI): the handler behind the local API Gateway stand-in (SigV4 verified), on
# a DynamoDB engine behind an in-process proxy that keeps "freezing the engine" for 1-4 s, driven by
# THREADS workers for DURATION seconds with a random mix of the five operations and hostile
# requests; then the table is checked directly. See bench/Soak.java for what is checked.
#
#   bench/soak.sh                          # 60 s, 8 threads
#   DURATION=120 THREADS=16 bench/soak.sh
#
# Environment:
#   DURATION           seconds of load (default 60)
#   THREADS            worker threads (default 8), each one partner's role session
#   PARTNERS           partners (default min(8, max(2, THREADS/2)): two workers per partner where possible)
#   NAMES              source names per partner (default 30)
#   HOSTILE_PERCENT    share of hostile requests (default 12)
#   HANDLER_CLIENT     short (default: the handler's DynamoDB client gives up after 2 s) or lambda
#                      (DynamoDbClients.create as deployed, 4 s; some freezes then last 4-7 s)
#   SEED               random seed (default: time)
#   SOAK_LOG           the local server's and the handler's request log (default local-runtime/target/soak/server.log)
#   JAR                the local runtime jar (default local-runtime/target/partner-registry-local.jar; built if missing)
#   DYNAMODB_ENDPOINT  use this engine instead of starting the project's moto engine
# Exits 0 only if there was no violation and every invariant held.
set -euo pipefail
cd "$(dirname "$0")/.."

JAR=${JAR:-local-runtime/target/partner-registry-local.jar}
OUT=local-runtime/target/soak-classes
export SOAK_LOG=${SOAK_LOG:-local-runtime/target/soak/server.log}

for var in DURATION THREADS PARTNERS NAMES; do
  value=${!var:-}
  [ -z "$value" ] || [[ "$value" =~ ^[1-9][0-9]*$ ]] || { echo "$var must be a positive whole number, was '$value'" >&2; exit 2; }
done

if [ ! -f "$JAR" ]; then
  echo "soak: building $JAR" >&2
  mvn -B -q -pl local-runtime -am package -DskipTests
fi

mkdir -p "$OUT"
javac --release 17 -cp "$JAR" -d "$OUT" bench/Soak.java

. bench/engine.sh
bench_setup soak
echo "soak: $ENGINE on $DYNAMODB_ENDPOINT"

status=0
java -cp "$JAR:$OUT" Soak || status=$?
exit "$status"
