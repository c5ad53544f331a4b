#!/bin/sh
# fuzz.sh - run the libFuzzer harnesses built in build/fuzz/.
#
# Each harness runs for SECONDS with its seeds (tests/fuzz/seeds/NAME, read
# only) and a growing corpus (build/fuzz/corpus/NAME), JOBS harnesses at a
# time under nice.  Crashes, leaks and timeouts are saved as
# build/fuzz/artifacts/NAME/crash-... and so on; each log is
# build/fuzz/NAME.log.  At the end a table of executions, coverage and
# findings per harness is printed and kept in build/fuzz/summary.txt.
# To replay a finding: build/fuzz/fuzz_NAME build/fuzz/artifacts/NAME/crash-...
#
# Usage: scripts/fuzz.sh SECONDS JOBS NAME...     (run by `make fuzz`)
set -u
secs=${1:?seconds}; jobs=${2:?jobs}; shift 2
# Absolute paths: a harness may change directory (fuzz_cli runs the program
# in a scratch directory), and a crash there still saves its input here.
dir=$(pwd)/build/fuzz

one() {
    h=$1
    mkdir -p "$dir/corpus/$h" "$dir/artifacts/$h"
    seeds=""
    [ -d "tests/fuzz/seeds/$h" ] && seeds="$(pwd)/tests/fuzz/seeds/$h"
    extra=""
    [ -f "tests/fuzz/$h.dict" ] && extra="-dict=$(pwd)/tests/fuzz/$h.dict"
    # The CLI writes to stderr on every run: keep only the fuzzer's output.
    [ "$h" = cli ] && extra="$extra -close_fd_mask=2"
    # shellcheck disable=SC2086
    nice -n 10 "$dir/fuzz_$h" -max_total_time="$secs" -timeout=20 -rss_limit_mb=2560 \
        -max_len=8192 -print_final_stats=1 -artifact_prefix="$dir/artifacts/$h/" $extra \
        "$dir/corpus/$h" $seeds >"$dir/$h.log" 2>&1
    echo $? >"$dir/$h.status"
}

pids=""
running=0
for h in "$@"; do
    one "$h" &
    pids="$pids $!"
    running=$((running + 1))
    if [ "$running" -ge "$jobs" ]; then
        wait
        running=0
    fi
done
wait

fail=0
{
    printf '%-20s %12s %8s %8s %8s %s\n' harness executions exec/s cov ft result
    for h in "$@"; do
        log="$dir/$h.log"
        execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
        rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
        cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
        ft=$(grep -o 'ft: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
        st=$(cat "$dir/$h.status" 2>/dev/null || echo 1)
        res=ok
        if [ "$st" != 0 ]; then
            res="FINDING (see $log)"
            fail=1
        fi
        printf '%-20s %12s %8s %8s %8s %s\n' "$h" "${execs:-?}" "${rate:-?}" "${cov:-?}" \
            "${ft:-?}" "$res"
    done
} | tee "$dir/summary.txt"
exit $fail
