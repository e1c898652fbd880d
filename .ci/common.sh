# Sourced by .ci/three-brokers and .ci/labs, not run on its own: how they start and stop programs, run a
# step, wait for a line, start a broker, run Level 3 as a learner runs it, and ask the doctor whether
# anything is wrong. Before sourcing, a script sets
#   name   the word its lines begin with ("labs: ...")
#   work   a temporary folder of its own: each program's output goes to $work/NAME.log
# and, after sourcing, calls stop_launched in its exit trap.

launched=() # process groups started here (setsid), stopped by stop_launched

# Every process group started with `background` stopped: TERM, up to 30 s to end, then KILL.
stop_launched() {
  local pid
  for pid in ${launched[@]+"${launched[@]}"}; do
    kill -TERM -- "-$pid" 2>/dev/null || true
  done
  for pid in ${launched[@]+"${launched[@]}"}; do
    for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
    kill -KILL -- "-$pid" 2>/dev/null || true
  done
  launched=()
}

fail() {
  echo "$name: $*" >&2
  exit 1
}

# step NAME COMMAND...: runs the command with its output in NAME.log, prints how long it took; on a
# failure prints the log and stops the script.
step() {
  local step=$1 started=$SECONDS
  shift
  if ! "$@" > "$work/$step.log" 2>&1; then
    echo "$name: '$step' failed after $((SECONDS - started)) s; its output:" >&2
    cat "$work/$step.log" >&2
    exit 1
  fi
  echo "$name: $step: $((SECONDS - started)) s"
}

# expect NAME PATTERN: the step's output has a line matching PATTERN (grep -E), else the log and a stop.
expect() {
  if ! grep -Eq "$2" "$work/$1.log"; then
    echo "$name: '$1' did not print a line matching '$2'; its output:" >&2
    cat "$work/$1.log" >&2
    exit 1
  fi
}

# free_ports N: a port such that it and the N-1 after it are free, so that a broker already running on
# 9092 neither interferes nor is touched. bash's /dev/tcp: refused means free.
free_ports() {
  local base port
  for _ in $(seq 1 50); do
    base=$((20000 + RANDOM % 30000))
    for port in $(seq "$base" $((base + $1 - 1))); do
      if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
        continue 2
      fi
    done
    echo "$base"
    return
  done
  fail "no $1 free ports in a row found"
}

# background NAME COMMAND...: starts a program in its own process group, its output in NAME.log.
background() {
  local program=$1
  shift
  setsid "$@" > "$work/$program.log" 2>&1 < /dev/null &
  launched+=("$!")
}

# await_line NAME PATTERN: waits (at most 120 s) until the program started as NAME printed a line
# matching PATTERN (grep -E).
await_line() {
  local started=$SECONDS
  until grep -Eq "$2" "$work/$1.log"; do
    if [ $((SECONDS - started)) -ge 120 ]; then
      echo "$name: $1 did not print a line matching '$2' within 120 s; its output:" >&2
      cat "$work/$1.log" >&2
      exit 1
    fi
    sleep 1
  done
}

# finish NAME PID: waits (at most 180 s) for a program started with `background` to end by itself; its
# exit code must be 0.
finish() {
  local program=$1 pid=$2 started=$SECONDS code=0
  while kill -0 "$pid" 2>/dev/null; do
    if [ $((SECONDS - started)) -ge 180 ]; then
      echo "$name: $program did not end within 180 s; its output:" >&2
      cat "$work/$program.log" >&2
      exit 1
    fi
    sleep 1
  done
  wait "$pid" || code=$?
  if [ "$code" -ne 0 ]; then
    echo "$name: $program ended with exit code $code; its output:" >&2
    cat "$work/$program.log" >&2
    exit 1
  fi
}

# start_kafka ARGUMENTS...: bin/run local-kafka ARGUMENTS in the background, until it says it is running
# (at most 180 s).
start_kafka() {
  local started=$SECONDS pid
  background local-kafka bin/run local-kafka "$@"
  pid=${launched[-1]}
  until grep -q 'is running' "$work/local-kafka.log"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      cat "$work/local-kafka.log" >&2
      fail "local-kafka ended before it was ready"
    fi
    if [ $((SECONDS - started)) -ge 180 ]; then
      cat "$work/local-kafka.log" >&2
      fail "local-kafka was not ready within 180 s"
    fi
    sleep 1
  done
  echo "$name: local-kafka ready: $((SECONDS - started)) s"
}

# level_3 ORDERS: Level 3 as a learner runs it on KAFKA_BOOTSTRAP_SERVERS: order-producer places ORDERS
# orders, then payment-service and notification-service, each in its own JVM, process them exactly once
# and stop after 10 s without new records.
level_3() {
  local started payment notification
  step order-producer bin/run order-producer --count "$1" --interval 0 --print-every 0
  expect order-producer "^Summary: order-producer placed $1 orders"
  started=$SECONDS
  background payment-service bin/run payment-service --idle-timeout 10 --print-every 0
  payment=${launched[-1]}
  # One JVM starting at a time: on 2 busy cores, two at once can miss the 5 s broker check.
  await_line payment-service 'exactly once, up to'
  background notification-service bin/run notification-service --idle-timeout 10 --print-every 0
  notification=${launched[-1]}
  finish payment-service "$payment"
  finish notification-service "$notification"
  echo "$name: payment-service and notification-service: $((SECONDS - started)) s"
  grep -h '^Summary: ' "$work/payment-service.log" "$work/notification-service.log" | sed 's/^/  /'
}

# doctor_finds_nothing_wrong: bin/run doctor --json on everything; prints its findings' codes in one
# line, and stops the script if one has "problem" : true (a false alarm on a healthy run).
doctor_finds_nothing_wrong() {
  local problems
  step doctor bin/run doctor --json
  echo "$name: the doctor: $(sed -n 's/.*"code" : "\([A-Z_]*\)".*/\1/p' "$work/doctor.log" | sort | uniq -c \
    | awk '{ printf "%s%s", (NR > 1 ? " " : ""), $2 ($1 > 1 ? " x" $1 : "") }')"
  grep -q '"problem" : false' "$work/doctor.log" || { cat "$work/doctor.log" >&2; fail "the doctor found nothing?"; }
  # Each finding: "code", then "problem", then "subject", one a line (Report's JSON).
  problems=$(awk -F'"' '/"code" :/ { code = $4 } /"problem" : true/ { bad = 1 }
    /"subject" :/ { if (bad) print code " (" $4 ")"; bad = 0 }' "$work/doctor.log")
  if [ -n "$problems" ]; then
    cat "$work/doctor.log" >&2
    fail "the doctor raised an alarm on a healthy run: $(echo $problems)"
  fi
}
