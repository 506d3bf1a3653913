# Sourced by the bench scripts (not run on its own): the DynamoDB engine they run against.
# `start_engine` starts the project's moto engine on a free loopback port, unless DYNAMODB_ENDPOINT
# names one already, and exports DYNAMODB_ENDPOINT; ENGINE describes it. `stop_engine` stops what
# start_engine started; call it from the script's EXIT trap. Runs from the repository root.
MOTO=
MOTO_LOG=$(mktemp)
ENGINE="DYNAMODB_ENDPOINT"

start_engine() {
  if [ -n "${DYNAMODB_ENDPOINT:-}" ]; then
    export DYNAMODB_ENDPOINT
    return
  fi
  local script=local-runtime/src/main/resources/dev/partnerregistry/local/moto_engine.py port
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  python3 "$script" "$port" >"$MOTO_LOG" 2>&1 &
  MOTO=$!
  export DYNAMODB_ENDPOINT="http://127.0.0.1:$port"
  ENGINE="moto ($script)"
  for _ in $(seq 150); do
    (echo >/dev/tcp/127.0.0.1/"$port") 2>/dev/null && return
    kill -0 "$MOTO" 2>/dev/null || { echo "moto engine exited:" >&2; cat "$MOTO_LOG" >&2; exit 1; }
    sleep 0.1
  done
  echo "moto engine did not listen on $port:" >&2
  cat "$MOTO_LOG" >&2
  exit 1
}

stop_engine() {
  if [ -n "$MOTO" ]; then
    kill "$MOTO" 2>/dev/null || true
    wait "$MOTO" 2>/dev/null || true
  fi
  rm -f "$MOTO_LOG"
}
