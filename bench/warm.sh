#!/usr/bin/env bash
# The warm benchmark (make bench-warm): bench/WarmBench.java in one JVM with the java21 Lambda
# runtime's default flags (C1 only), the handler and a lean program making the same AWS calls,
# interleaved, against an instant local stub; then the list growth. Prints a table; no engine.
#
# Environment:
#   JAR              the function jar (default function/target/partner-registry-function.jar)
#   ROUNDS, BATCH    measured rounds (default 15) of BATCH requests (default 200) per side;
#   GROWTH_BATCH     requests per round in the list growth (default 20), its shapes interleaved round by round after
#                    GROWTH_WARMUP requests on each (default 500); PARTS=growth for the list growth alone
#   PARTS=first      only the first FIRST requests (default 1000) of each of OPS through the handler in this fresh JVM
#   AUTH_MODE        registry-keys (default: each request's signature verified) or aws-iam
#   OPS              which comparisons run (default create,describe,list,put,forwarder)
#   LEAN_CLIENT      registry: the lean program on the handler's own DynamoDB client (DynamoDbClients.lean); default: the SDK client, its defaults
#   BENCH_JAVA_OPTS  JVM options (default: -XX:+TieredCompilation -XX:TieredStopAtLevel=1, as Lambda's java21)
set -euo pipefail
cd "$(dirname "$0")/.."

JAR=${JAR:-function/target/partner-registry-function.jar}
OUT=${BENCH_OUT:-function/target/bench-warm}
BENCH_JAVA_OPTS=${BENCH_JAVA_OPTS:--XX:+TieredCompilation -XX:TieredStopAtLevel=1}
read -r -a JAVA_OPTS <<<"$BENCH_JAVA_OPTS"
for n in "${ROUNDS:-15}" "${BATCH:-200}"; do
  [[ "$n" =~ ^[1-9][0-9]*$ ]] || { echo "ROUNDS and BATCH must be positive whole numbers, got '$n'" >&2; exit 1; }
done
[ -f "$JAR" ] || { echo "no jar at $JAR (build it: mvn -B -q -pl function -am package -DskipTests)" >&2; exit 1; }

# The function reads its credentials from the environment, as in Lambda: dummy ones for the stub.
export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test

mkdir -p "$OUT"
javac --release 17 -cp "$JAR" -d "$OUT" bench/WarmBench.java bench/BenchEvents.java
exec java "${JAVA_OPTS[@]}" -cp "$JAR:$OUT" WarmBench
