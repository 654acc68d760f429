#!/usr/bin/env bash
# End-to-end overhead benchmark: no agent vs Sightline vs the OpenTelemetry Java agent.
# Builds the agent, the benchmark app and the harness, fetches the OpenTelemetry agent, runs
# everything at the lowest CPU priority and writes benchmarks/results/<date>.md.
# Usage: benchmarks/run.sh [--quick] [--duration 60] [--warmup 90] [--rounds 3] [...]; --help.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${1:-}" = "--help" ]; then
  cat <<'USAGE'
benchmarks/run.sh [options]
  --quick              smoke test: 10 s warm-up, 10 s windows (2000 req/s), 1 round, 1 extra startup run
  --warmup SECONDS     load before measuring, per start (default 90; the JIT needs 60-100 s on 2 cores)
  --early SECONDS      the first part of the warm-up reported separately as early life (default 15)
  --duration SECONDS   the fixed-rate window (default 60): CPU per request, latency and allocation
  --rate N             requests per second in it (default 5000, below every configuration's
                       saturation on 2 cores; a warning says when a configuration did not reach it);
                       0 leaves the window out; --rate-connections N (default 64)
  --saturation SECONDS the closed-loop window after it, for throughput at saturation (default: as
                       --duration; 0 leaves it out)
  --rounds N           measured starts per configuration, interleaved (default 3; 0 = startup only)
  --startup-runs N     extra starts per configuration that only time the first 200 (default 5)
  --connections N      wrk connections at saturation and in the warm-up (default 16); --wrk-threads N (default 2)
  --configs LIST       default none,sightline,otel (and any NAME given with --agent)
  --agent NAME=JAR     one more agent configuration, e.g. an earlier build for an A/B run
  --paired N           after the rounds, N cycles of paired saturation windows: every configuration
                       started once and warmed up, then short windows in turn, each agent's compared
                       with no agent's of the same cycle (docs/benchmarks.md); --paired-seconds S (default 10)
  --java PATH          JVM for the app (default: the one running the harness)
  --note TEXT          a line written at the top of the results file
  --jvm-arg ARG        an extra JVM option for every app start ({config} = none/sightline/otel),
                       e.g. --jvm-arg -XX:StartFlightRecording=delay=100s,duration=30s,filename=/tmp/{config}.jfr
  --heap-histogram     log the top of a live-object class histogram after load (jcmd)
  --no-nodelay         no TCP_NODELAY on the app's and the stub's JDK HttpServer (its own default, and
                       every run before 2026-11-26): each request then waits ~40 ms for a delayed ACK
                       and the run is latency-bound (see docs/benchmarks.md)
  --skip-build         reuse the jars already built
Environment: OTEL_AGENT_VERSION (default: benchmarks/pom.xml otel.javaagent.version).
USAGE
  exit 0
fi

skip_build=false
args=()
for a in "$@"; do
  if [ "$a" = "--skip-build" ]; then skip_build=true; else args+=("$a"); fi
done

command -v wrk >/dev/null 2>&1 || { echo "wrk is missing: apt-get install wrk" >&2; exit 2; }

otel_version="${OTEL_AGENT_VERSION:-$(sed -n 's:.*<otel.javaagent.version>\(.*\)</otel.javaagent.version>.*:\1:p' benchmarks/pom.xml)}"
otel_dir=benchmarks/target/agents
otel_jar="$otel_dir/opentelemetry-javaagent-$otel_version.jar"

if [ "$skip_build" = false ]; then
  echo "== building the agent, the benchmark app and the harness"
  nice -n 19 mvn -B -q -ntp -Pbenchmarks package -DskipTests \
    -pl agent,benchmarks/app,benchmarks/harness -am
fi
if [ ! -f "$otel_jar" ]; then
  echo "== fetching the OpenTelemetry Java agent $otel_version"
  mkdir -p "$otel_dir"
  nice -n 19 mvn -B -q -ntp dependency:copy \
    -Dartifact="io.opentelemetry.javaagent:opentelemetry-javaagent:$otel_version" \
    -DoutputDirectory="$otel_dir"
fi

exec nice -n 19 java -jar benchmarks/harness/target/benchmark-harness.jar \
  --app benchmarks/app/target/benchmark-app.jar \
  --sightline agent/target/sightline-agent.jar \
  --otel "$otel_jar" \
  "${args[@]}"
