#!/usr/bin/env bash
# Performance guard: the whole Lambda handler against the leanest possible Java program, as whole
# processes on the same DynamoDB engine, paired run by run (handler, lean, handler, lean, ...).
#   handler: a fresh JVM runs Lambda init (new PartnerRegistryHandler()), one
#            CreatePartnerEventSource through handleRequest, and exits (bench/HandlerCreate.java).
#   lean:    a fresh JVM sends the same TransactWriteItems with a bare low-level DynamoDbClient
#            from the same jar, and exits (bench/LeanCreate.java).
# Measures whole-process wall time (fork to exit) and peak RSS (GNU time %M), discards one
# warm-up pair, and prints per-pair ratios, medians and the jar size.
#
# Environment:
#   JAR              the function jar (default function/target/partner-registry-function.jar)
#   RUNS             measured pairs (default 20)
#   BENCH_JAVA_OPTS  JVM options for both sides (default: C1 only, as the java21 runtime runs)
#   BENCH_OUT        where the two programs are compiled to (default function/target/bench-lean)
#   DYNAMODB_ENDPOINT  use this engine instead of starting the project's moto engine
#   AUTH_MODE        registry-keys (default: the handler verifies a signed request) or aws-iam
# Engine latency is moto's, not DynamoDB's: the ratio is the guard, not the absolute times.
set -euo pipefail
cd "$(dirname "$0")/.."

JAR=${JAR:-function/target/partner-registry-function.jar}
RUNS=${RUNS:-20}
# What the java21 runtime applies by default (AWS: "Customize Java runtime startup behavior"): C1 only.
BENCH_JAVA_OPTS=${BENCH_JAVA_OPTS:--XX:+TieredCompilation -XX:TieredStopAtLevel=1}
OUT=${BENCH_OUT:-function/target/bench-lean}
read -r -a JAVA_OPTS <<<"$BENCH_JAVA_OPTS"

[ -f "$JAR" ] || { echo "no jar at $JAR (build it: mvn -B -q -pl function -am package -DskipTests)" >&2; exit 1; }
[[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || { echo "RUNS must be a positive whole number, was '$RUNS'" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "GNU time is needed at /usr/bin/time" >&2; exit 1; }

mkdir -p "$OUT"
javac --release 17 -cp "$JAR" -d "$OUT" bench/HandlerCreate.java bench/LeanCreate.java bench/BenchEvents.java

. bench/engine.sh
bench_setup bench-lean

ddb() { aws dynamodb "$@" --endpoint-url "$DYNAMODB_ENDPOINT" --region us-east-1 --output text; }
ddb create-table --table-name "$TABLE_NAME" \
  --attribute-definitions AttributeName=pk,AttributeType=S AttributeName=sk,AttributeType=S \
  --key-schema AttributeName=pk,KeyType=HASH AttributeName=sk,KeyType=RANGE \
  --billing-mode PAY_PER_REQUEST >/dev/null
ddb wait table-exists --table-name "$TABLE_NAME"
# A default limit far above 100 (both sides read PARTNER_SOURCE_LIMIT), so that no number of runs
# reaches it, and no limit of the partner's own, so that a fresh handler believes the right one.
export PARTNER_SOURCE_LIMIT=100000
ddb put-item --table-name "$TABLE_NAME" --item '{"pk":{"S":"PARTNER#example.com"},"sk":{"S":"PARTNER"},
  "partner":{"S":"example.com"},"principals":{"SS":["arn:aws:iam::123456789012:user/example-partner"]}}' >/dev/null
# The handler side runs the stack's default mode: its first request also reads and decrypts its
# signer's key (AUTH_MODE=aws-iam: API Gateway's identity instead, nothing to verify).
bench_issue_key arn:aws:iam::123456789012:user/example-partner

# One fresh JVM; appends "wall_ms rss_kb cpu_ms" to $WORK/<side>. Stops the benchmark if the program failed.
# CPU (user + system) is steadier than wall time, which also holds the engine's latency.
run() {
  local side=$1 main=$2 start end rss
  start=$(date +%s%N)
  if ! /usr/bin/time -f '%M %U %S' -o "$WORK/rss" java "${JAVA_OPTS[@]}" -cp "$JAR:$OUT" "$main" >"$WORK/stdout" 2>"$WORK/stderr"; then
    echo "FAILED: $side run ($main) exited non-zero" >&2
    cat "$WORK/stdout" "$WORK/stderr" "$WORK/rss" >&2
    exit 1
  fi
  end=$(date +%s%N)
  rss=$(tail -n 1 "$WORK/rss" | awk '{ printf "%d %d", $1, ($2 + $3) * 1000 }')
  echo "$(( (end - start) / 1000000 )) $rss" >>"$WORK/$side"
}

echo "handler-vs-lean: $RUNS pairs after 1 warm-up pair, each a fresh JVM"
echo "java:    $(java -version 2>&1 | head -n 1)"
echo "options: $BENCH_JAVA_OPTS"
echo "engine:  $ENGINE at $DYNAMODB_ENDPOINT, table $TABLE_NAME"
echo "jar:     $JAR"
echo

run handler HandlerCreate
run lean LeanCreate
: >"$WORK/handler"
: >"$WORK/lean"
for _ in $(seq "$RUNS"); do
  run handler HandlerCreate
  run lean LeanCreate
done

# Both sides must really have written: one counted source per run, warm-up included.
COUNT=$(ddb get-item --table-name "$TABLE_NAME" --consistent-read \
  --key '{"pk":{"S":"COUNT#example.com"},"sk":{"S":"COUNT"}}' --query Item.sourceCount.N)
if [ "$COUNT" != "$(( 2 * RUNS + 2 ))" ]; then
  echo "FAILED: partner sourceCount is $COUNT, expected $(( 2 * RUNS + 2 ))" >&2
  exit 1
fi

JAR_BYTES=$(stat -c %s "$JAR")
paste -d ' ' "$WORK/handler" "$WORK/lean" | awk -v runs="$RUNS" -v jar_bytes="$JAR_BYTES" '
  function median(a, n,   i, j, t, b) {
    for (i = 1; i <= n; i++) b[i] = a[i]
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (b[j] < b[i]) { t = b[i]; b[i] = b[j]; b[j] = t }
    return (n % 2) ? b[(n + 1) / 2] : (b[n / 2] + b[n / 2 + 1]) / 2
  }
  BEGIN { printf "%4s  %10s  %7s  %13s  %14s  %11s  %11s  %8s\n", "pair", "handler_ms", "lean_ms", "handler/lean",
          "handler_rss_kb", "lean_rss_kb", "handler_cpu", "lean_cpu" }
  {
    hms[NR] = $1; hrss[NR] = $2; hcpu[NR] = $3; lms[NR] = $4; lrss[NR] = $5; lcpu[NR] = $6
    ratio[NR] = $1 / $4; cratio[NR] = ($6 > 0) ? $3 / $6 : 1
    printf "%4d  %10d  %7d  %12.2fx  %14d  %11d  %11d  %8d\n", NR, $1, $4, ratio[NR], $2, $5, $3, $6
  }
  END {
    n = NR
    h = median(hms, n); l = median(lms, n); r = median(ratio, n)
    hr = median(hrss, n); lr = median(lrss, n); c = median(cratio, n)
    mb = sprintf("%.2f", jar_bytes / 1e6)
    print ""
    printf "median handler wall ms:          %.1f\n", h
    printf "median lean wall ms:             %.1f\n", l
    printf "median of per-pair handler/lean: %.2fx\n", r
    printf "median handler peak RSS KB:      %.0f\n", hr
    printf "median lean peak RSS KB:         %.0f\n", lr
    printf "peak RSS handler/lean:           %.2fx\n", hr / lr
    printf "median of per-pair CPU ratio:    %.2fx  (user+system: %.0f vs %.0f ms)\n", c, median(hcpu, n), median(lcpu, n)
    printf "jar size:                        %s MB (%d bytes)\n", mb, jar_bytes
    print ""
    printf "handler/lean wall %.2fx (median of %d pairs)  cpu %.2fx  rss %.2fx  jar %s MB\n", r, n, c, hr / lr, mb
  }'
