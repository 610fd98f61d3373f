#!/usr/bin/env bash
# Regenerates docs/benchmarks.md: builds the jar, runs the JMH suite and the keyspace sweep, and writes the
# document from their JSON and CSV output (dev.sluice.bench.report.BenchmarkReport).
#
#   bench/scripts/run-benchmarks.sh            reduced run, about 75 minutes on 2 cores
#   bench/scripts/run-benchmarks.sh --full     3 forks, 5+10 iterations of 2 s, every parameter: several hours
#   bench/scripts/run-benchmarks.sh --smoke    proves the pipeline, not a measurement: every benchmark class once
#                                              (one 200 ms iteration), the sweep to 10^5 keys, the document written
#                                              to bench/target/benchmark-smoke/benchmarks.md (docs/ is left alone)
#   bench/scripts/run-benchmarks.sh --sweep    run the sweep again, keep the JMH results, rewrite the document
#   bench/scripts/run-benchmarks.sh --redis    run only the Redis benchmark (RedisCheckBenchmark at 1, 8 and 64
#                                              threads, about 6 minutes), keep the other results, rewrite the
#                                              document's Redis section
#   bench/scripts/run-benchmarks.sh --report   only rewrite the document (and redraw the sweep's chart) from
#                                              bench/target/benchmark-results
#
# The reduced and full runs include the Redis benchmark when redis-server is on the PATH; it starts its own
# server on a free loopback port.
#
# Results go to bench/target/benchmark-results (JMH JSON and logs, each JSON's exact command in NAME.cmd beside it,
# sweep/, redis/). Run it on an otherwise idle machine: other work on the same cores shows up in every figure.
# SKIP_BUILD=1 uses the jar as it is. The sweep reaches 10^8 keys with a 16 GiB heap: the machine needs about 24 GiB.
# When another JMH run holds JMH's lock, each run waits for it rather than share the cores.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
invocation="bench/scripts/run-benchmarks.sh${1:+ $1}"
out="bench/target/benchmark-results"
mode=reduced
case "${1:-}" in
    --full) mode=full ;;
    --smoke) mode=smoke ;;
    --report) mode=report ;;
    --sweep) mode=sweep ;;
    --redis) mode=redis ;;
    "") ;;
    *) echo "usage: $0 [--full|--smoke|--sweep|--redis|--report]" >&2; exit 2 ;;
esac
doc="docs/benchmarks.md"
if [ "$mode" = smoke ]; then
    out="bench/target/benchmark-smoke"
    doc="$out/benchmarks.md"
fi

# A JDK 22 or later, found the same way as ./sluice.
java_bin=""
for candidate in "${JAVA_HOME:+$JAVA_HOME/bin/java}" $(ls -d /usr/lib/jvm/*/bin/java 2>/dev/null | sort -rV); do
    [ -x "$candidate" ] || continue
    v=$("$candidate" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p' | head -n 1)
    case "$v" in ''|1.*) continue ;; esac
    if [ "$v" -ge 22 ]; then java_bin="$candidate"; break; fi
done
[ -n "$java_bin" ] || { echo "no JDK 22+ found; set JAVA_HOME" >&2; exit 2; }
export JAVA_HOME="${java_bin%/bin/java}"
jar="$root/bench/target/sluice.jar"

if [ "$mode" = report ]; then
    if [ -f "$out/sweep/sweep.csv" ]; then
        "$java_bin" -jar "$jar" sweep --replot "$out/sweep"
    fi
    "$java_bin" -cp "$jar" dev.sluice.bench.report.BenchmarkReport "$out" "$doc"
    exit 0
fi

if [ "${SKIP_BUILD:-0}" != 1 ]; then
    ./mvnw -q -DskipTests package
fi
if [ "$mode" != sweep ] && [ "$mode" != redis ]; then
    rm -rf "$out"
fi
mkdir -p "$out"

if [ "$mode" = full ]; then
    jmh_opts=(-f 3 -wi 5 -i 10 -w 2s -r 2s)
    keys="10000,1000000,10000000"
    sweep_opts=(--max-keys 1e8 --checks 5M --budget 20m)
elif [ "$mode" = smoke ]; then
    jmh_opts=(-f 1 -wi 1 -i 1 -w 200ms -r 200ms)
    keys="10000"
    sweep_opts=(--max-keys 1e5 --checks 20000 --budget 60s)
else
    jmh_opts=(-f 1 -wi 2 -i 3 -w 1s -r 1s)
    # A fork of Sluice's one-thread hot-key benchmarks settles at one of two speeds, apparently after how the JIT
    # compiled it during warm-up (the slower up to twice the faster): three forks with time to settle, so
    # that a row's median is a typical fork's, not whichever one the run happened to get.
    hot_opts=(-f 3 -wi 5 -i 3 -w 1s -r 1s)
    keys="10000,1000000"
    sweep_opts=(--max-keys 1e8 --checks 2M --budget 150s)
fi
hot_note=""
if [ -v hot_opts ]; then
    hot_note=" (single key and three dimensions: \`${hot_opts[*]}\`)"
else
    hot_opts=("${jmh_opts[@]}")
fi
sweep_java_opts="-Xmx16g"
thp_sizes=(--min-keys 1e6 --max-keys 1e7)
if [ "$mode" = smoke ]; then
    sweep_java_opts="-Xmx2g"
    thp_sizes=(--min-keys 1e4 --max-keys 1e5)
fi

commands=()
run_jmh() { # name, then JMH arguments; OPTS (an array's name) replaces jmh_opts
    local name=$1; shift
    local -n opts=${OPTS:-jmh_opts}
    local cmd=(./sluice jmh "$@" "${opts[@]}" -prof gc -rf json -rff "$out/$name.json")
    commands+=("$(printf '%q ' "${cmd[@]}")")
    printf '%q ' "${cmd[@]}" > "$out/$name.cmd"
    echo "== ${cmd[*]}"
    local tries=0
    until "${cmd[@]}" > "$out/$name.log" 2>&1; do
        if grep -q 'Unable to acquire the JMH lock' "$out/$name.log" && [ $tries -lt 120 ]; then
            tries=$((tries + 1)); sleep 15; continue
        fi
        echo "JMH run $name failed; see $out/$name.log" >&2; tail -20 "$out/$name.log" >&2; exit 1
    done
    grep -E '^(Benchmark|[A-Z][A-Za-z]+Benchmark\.[a-zA-Z]+ )' "$out/$name.log" | grep -v ':' || true
}

# RedisCheckBenchmark: throughput and latency samples at 1, 8 and 64 threads, each trial on its own redis-server;
# round trips per check go to redis/roundtrips.csv, the run's date, machine and commands to redis/run-info.md.
run_redis() {
    local redis_out="$out/redis"
    if ! command -v redis-server > /dev/null; then
        echo "== redis-server is not on the PATH: no Redis benchmark (apt-get install redis-server)" >&2
        return 0
    fi
    rm -rf "$redis_out"
    mkdir -p "$redis_out"
    local redis_opts=(-f 1 -wi 2 -i 5 -w 2s -r 3s)
    [ "$mode" = full ] && redis_opts=(-f 3 -wi 5 -i 10 -w 2s -r 2s)
    [ "$mode" = smoke ] && redis_opts=(-f 1 -wi 1 -i 1 -w 1s -r 1s)
    local redis_started redis_load_before redis_t0 cmds=() t
    redis_started=$(date -u '+%Y-%m-%d %H:%M UTC')
    redis_load_before=$(cut -d' ' -f1-3 /proc/loadavg)
    redis_t0=$(date +%s)
    for t in 1 8 64; do
        local cmd=(./sluice jmh dev.sluice.bench.redis.RedisCheckBenchmark -t "$t" -bm thrpt,sample -tu us
            "${redis_opts[@]}" -jvmArgsAppend "-Dsluice.bench.redis.stats=$redis_out/roundtrips.csv"
            -rf json -rff "$redis_out/t$t.json")
        cmds+=("$(printf '%q ' "${cmd[@]}")")
        echo "== ${cmd[*]}"
        local tries=0
        until "${cmd[@]}" > "$redis_out/t$t.log" 2>&1; do
            if grep -q 'Unable to acquire the JMH lock' "$redis_out/t$t.log" && [ $tries -lt 120 ]; then
                tries=$((tries + 1)); sleep 15; continue
            fi
            echo "JMH run redis t$t failed; see $redis_out/t$t.log" >&2; tail -20 "$redis_out/t$t.log" >&2; exit 1
        done
        grep -E '^RedisCheckBenchmark\.check ' "$redis_out/t$t.log" || true
    done
    local redis_t1
    redis_t1=$(date +%s)
    {
        echo "| | |"
        echo "|---|---|"
        echo "| date | $redis_started |"
        echo "| configuration | JMH \`${redis_opts[*]}\`, modes \`thrpt\` and \`sample\`, threads 1, 8, 64 |"
        echo "| machine | $(nproc) cores ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)), $(uname -sr); client and redis-server on the same cores |"
        echo "| Redis | $(redis-server --version | sed 's/ sha=.*//') |"
        echo "| JDK | $("$java_bin" -version 2>&1 | head -n 2 | tail -n 1) |"
        echo "| load average (1, 5, 15 min) | before $redis_load_before; after $(cut -d' ' -f1-3 /proc/loadavg) |"
        echo "| wall time | $(( (redis_t1 - redis_t0) / 60 )) min $(( (redis_t1 - redis_t0) % 60 )) s |"
        echo
        echo "Commands, in order (from the repository root, after \`./mvnw -q -DskipTests package\`):"
        echo
        echo '```'
        printf '%s\n' "${cmds[@]}"
        echo '```'
    } > "$redis_out/run-info.md"
}

if [ "$mode" = redis ]; then
    mkdir -p "$out"
    run_redis
    "$java_bin" -cp "$jar" dev.sluice.bench.report.BenchmarkReport "$out" "$doc"
    exit 0
fi

started=$(date -u '+%Y-%m-%d %H:%M UTC')
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
t0=$(date +%s)

if [ "$mode" = sweep ]; then
    # Keep the JMH part of the previous run's information; the sweep's own line is added below.
    sed -n '/^```$/,/^```$/p' "$out/run-info.md" | grep -v '^```$' | grep -v ' sweep ' > "$out/commands.prev" || true
    while IFS= read -r line; do commands+=("$line"); done < "$out/commands.prev"
    sed -n 's/^| date | \(.*\) |$/\1/p' "$out/run-info.md" > "$out/date.prev" || true
    rm -rf "$out/sweep"
else
    OPTS=hot_opts run_jmh single 'dev.sluice.bench.jmh.SingleKeyBenchmark'
    OPTS=hot_opts run_jmh three 'dev.sluice.bench.jmh.ThreeDimensionBenchmark'
    run_jmh random 'dev.sluice.bench.jmh.RandomKeysBenchmark' -p keys="$keys"
    run_jmh floor-1 'dev.sluice.bench.jmh.FloorBenchmark' -bm avgt -t 1
    run_jmh store-1 'dev.sluice.bench.store.(StoreAcquireBenchmark|RawCasBenchmark)' -bm avgt -t 1
    for t in 2 4 8; do
        run_jmh "contention-$t" 'dev.sluice.bench.jmh.(ContentionBenchmark|FloorBenchmark)' -bm thrpt -t "$t"
    done
fi

if [ "$mode" != sweep ]; then
    run_redis
fi

sweep_cmd=(env SLUICE_JAVA_OPTS="$sweep_java_opts" ./sluice sweep "${sweep_opts[@]}" --out "$out/sweep")
commands+=("$(printf '%q ' "${sweep_cmd[@]}")")
echo "== ${sweep_cmd[*]}"
"${sweep_cmd[@]}" | tee "$out/sweep.log"
# The same comparison with the Java heap on transparent huge pages as well, so that the on-heap map gets the
# TLB relief the store's tables get (the store's rows are measured again in this JVM).
thp_cmd=(env SLUICE_JAVA_OPTS="$sweep_java_opts -XX:+UseTransparentHugePages" ./sluice sweep "${thp_sizes[@]}"
    --impls sluice-store,onheap-fixed "${sweep_opts[@]:2}" --out "$out/sweep-thp")
commands+=("$(printf '%q ' "${thp_cmd[@]}")")
echo "== ${thp_cmd[*]}"
"${thp_cmd[@]}" | tee "$out/sweep-thp.log"

t1=$(date +%s)
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
mem=$(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo)
{
    echo "## This run"
    echo
    echo "| | |"
    echo "|---|---|"
    if [ "$mode" = sweep ] && [ -s "$out/date.prev" ]; then
        echo "| date | JMH $(cat "$out/date.prev" | sed 's/^JMH //; s/; sweep.*//'); sweep $started |"
    else
        echo "| date | $started |"
    fi
    echo "| invoked as | \`$invocation\` |"
    echo "| configuration | $mode: JMH \`${jmh_opts[*]}\`$hot_note, \`-prof gc\`; RandomKeys keys=$keys; sweep \`${sweep_opts[*]}\` |"
    echo "| machine | $(nproc) cores ($cpu), $mem, $(uname -sr) |"
    echo "| JDK | $("$java_bin" -version 2>&1 | head -n 2 | tail -n 1) |"
    echo "| load average (1, 5, 15 min) | before $load_before; after $load_after |"
    echo "| wall time | $(( (t1 - t0) / 60 )) min $(( (t1 - t0) % 60 )) s |"
    echo
    echo "Commands, in order (from the repository root, after \`./mvnw -q -DskipTests package\`):"
    echo
    echo '```'
    printf '%s\n' "${commands[@]}"
    echo '```'
} > "$out/run-info.md"

"$java_bin" -cp "$jar" dev.sluice.bench.report.BenchmarkReport "$out" "$doc"
