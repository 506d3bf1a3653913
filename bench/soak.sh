#!/usr/bin/env bash
# Soak test (not run in CI): the handler behind the local API Gateway stand-in (SigV4 verified), on
# a DynamoDB engine behind an in-process proxy that keeps "freezing the engine" for 1-4 s and a fault
# proxy cancelling CONFLICT_PERCENT of transactions with TransactionConflict, driven by THREADS
# workers for DURATION seconds with a random mix of the five operations and hostile requests, and by
# EVENT_THREADS partners sending PutPartnerEvents (hostile entries among them) to ACTIVE sources,
# delivered by LocalRuntime's forwarder through a proxy that fails PutEvents entries and calls and
# sends SQS messages twice; then the table and the dead-letter queue are checked directly. See
# bench/Soak.java and bench/SoakEvents.java for what is checked.
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
#   CONFLICT_PERCENT   share of TransactWriteItems cancelled with TransactionConflict (default 30)
#   EVENT_THREADS      PutPartnerEvents senders (default 2), over 2 partners with 2 ACTIVE sources each
#   POLLERS            the forwarder's pollers (default 2)
#   MALFORMED_PERCENT  PutEvents entries answered MalformedDetail, fixed by the entry (default 5)
#   TRANSIENT_PERCENT  PutEvents entries answered InternalFailure or ThrottlingException, half each (default 10)
#   THROTTLE_PERCENT   PutEvents calls answered 400 ThrottlingException (default 5)
#   DUPLICATE_PERCENT  messages the registry queues that SQS holds twice (default 5)
#   DRAIN              seconds the delivery queue may take to empty after the load (default 240)
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

for var in DURATION THREADS PARTNERS NAMES EVENT_THREADS POLLERS DRAIN; do
  value=${!var:-}
  [ -z "$value" ] || [[ "$value" =~ ^[1-9][0-9]*$ ]] || { echo "$var must be a positive whole number, was '$value'" >&2; exit 2; }
done

if [ ! -f "$JAR" ]; then
  echo "soak: building $JAR" >&2
  mvn -B -q -pl local-runtime -am package -DskipTests
fi

mkdir -p "$OUT"
# The fault proxy is the tests' own (test-support), compiled with the soak: it needs only the JDK and the SDK's JSON.
javac --release 17 -cp "$JAR" -d "$OUT" bench/Soak.java bench/SoakEvents.java \
  test-support/src/main/java/dev/partnerregistry/testing/FaultInjectingProxy.java

. bench/engine.sh
bench_setup soak
echo "soak: $ENGINE on $DYNAMODB_ENDPOINT"

status=0
java -cp "$JAR:$OUT" Soak || status=$?
exit "$status"
