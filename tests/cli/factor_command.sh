#!/usr/bin/env bash
# Black-box test of `factord factor`: the real binary, its output format, its errors and
# exit codes, and streaming (an answer appears before standard input is closed).
set -u
factord=${1:?usage: factor_command.sh path/to/factord}
failures=0
check() { # name, expected, actual
  if [[ "$2" == "$3" ]]; then echo "ok   $1"; else
    echo "FAIL $1"; echo "  expected: $2"; echo "  actual:   $3"; failures=$((failures + 1)); fi
}

out=$("$factord" factor 3211891798434562153 16 1 2>&1); rc=$?
check "arguments" $'3211891798434562153: 1000000087 3211891519\n16: 2 2 2 2\n1:' "$out"
check "arguments exit 0" 0 "$rc"

out=$(printf '91\n\n  +100000000000000000050700000000000000004563 \n' | "$factord" factor); rc=$?
check "stdin lines" $'91: 7 13\n100000000000000000050700000000000000004563: 100000000000000000039 1000000000000000000117' "$out"
check "stdin exit 0" 0 "$rc"

# Same output as GNU coreutils factor where both apply.
nums="2 3 4 97 561 1001 4294967297 18446744073709551615 1000000016000000063"
check "matches coreutils factor" "$(factor $nums)" "$("$factord" factor $nums)"

# Bad lines: an error each on stderr, the others still answered, exit 1 at the end.
err_file=$(mktemp)
out=$(printf '12\nabc\n-5\n1.5\n0\n15\n' | "$factord" factor 2>"$err_file"); rc=$?
check "bad lines: good ones answered" $'12: 2 2 3\n15: 3 5' "$out"
check "bad lines: exit 1" 1 "$rc"
check "bad lines: one error each" 4 "$(grep -c '^factord: ' "$err_file")"
grep -q "not a decimal integer" "$err_file" || { echo "FAIL message for abc"; failures=$((failures + 1)); }
grep -q "negative" "$err_file" || { echo "FAIL message for -5"; failures=$((failures + 1)); }

out=$("$factord" factor "$(printf '9%.0s' {1..301})" 2>&1); rc=$?
check "too many digits: exit 1" 1 "$rc"
[[ "$out" == *"301 digits; the limit is 300"* ]] && echo "ok   too many digits message" || { echo "FAIL too many digits message: $out"; failures=$((failures + 1)); }
big="1$(printf '0%.0s' {1..300})" # 10^300: 301 digits, easy to factor
out=$("$factord" factor --max-digits=400 "$big" 2>&1 | head -c 20)
[[ "$out" == "$(echo "$big" | head -c 20)" ]] && echo "ok   --max-digits raises the limit" || { echo "FAIL --max-digits: $out"; failures=$((failures + 1)); }

# The budget ends a hopeless number (2^401-1, 121 digits) with a clear error and exit 1.
hard=$(python3 -c 'print(2**401 - 1)')
start=$(date +%s%N)
out=$(FACTORD_JOB_BUDGET=300ms "$factord" factor "$hard" 2>&1 >/dev/null); rc=$?
elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
check "budget: exit 1" 1 "$rc"
[[ "$out" == *"exceeded its compute budget"*"unfactored:"* ]] && echo "ok   budget message" || { echo "FAIL budget message: $out"; failures=$((failures + 1)); }
(( elapsed_ms < 3000 )) && echo "ok   budget honoured (${elapsed_ms} ms)" || { echo "FAIL budget took ${elapsed_ms} ms"; failures=$((failures + 1)); }

# Streaming: the first answer arrives while stdin is still open.
fifo_dir=$(mktemp -d); mkfifo "$fifo_dir/in"
"$factord" factor <"$fifo_dir/in" >"$fifo_dir/out" &
pid=$!
exec 3>"$fifo_dir/in"
echo 91 >&3
for _ in $(seq 50); do [[ -s "$fifo_dir/out" ]] && break; sleep 0.1; done
check "streaming: answer before EOF" "91: 7 13" "$(cat "$fifo_dir/out")"
exec 3>&-
wait $pid
rm -rf "$fifo_dir" "$err_file"

out=$("$factord" frobnicate 2>&1); rc=$?
check "unknown command exit 2" 2 "$rc"
out=$("$factord" factor --bogus=1 2 2>&1); rc=$?
check "unknown option exit 2" 2 "$rc"
"$factord" --help | grep -q -- "--job-budget" && echo "ok   help" || { echo "FAIL help"; failures=$((failures + 1)); }

echo "$failures failed"
exit $((failures > 0))
