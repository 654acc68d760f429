#!/usr/bin/env bash
# The demo: builds the agent, starts the JDK HttpServer test app with it, sends a few requests and
# shows the telemetry. No collector needed: spans go to the console and everything to an OTLP-JSON
# file (the format the OpenTelemetry Collector's file exporter writes), then diagnose reads that file.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== building (mvn -DskipTests package)"
mvn -B -q -ntp -DskipTests package

out=$(mktemp -d)
echo "== starting test-apps/jdk-http-server-app with -javaagent:agent/target/sightline-agent.jar"
java -javaagent:agent/target/sightline-agent.jar \
  -Dotel.service.name=demo-orders \
  -Dotel.traces.exporter=console,otlp-file \
  -Dotel.metrics.exporter=otlp-file \
  -Dotel.logs.exporter=none \
  -Dotel.metric.export.interval=1000 \
  -Dsightline.otlp-file.path="$out/sightline-telemetry.jsonl" \
  -jar test-apps/jdk-http-server-app/target/jdk-http-server-app.jar >"$out/app.out" 2>"$out/app.err" &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  port=$(grep -o 'READY port=[0-9]*' "$out/app.out" 2>/dev/null | cut -d= -f2 || true)
  [ -n "$port" ] && break
  sleep 0.1
done
[ -n "${port:-}" ] || { cat "$out/app.err"; echo "the app did not start"; exit 1; }

echo "== sending requests to http://127.0.0.1:$port"
for path in /hello /users/98765 "/users/12?token=secret" /status/503 /sleep?ms=250; do
  code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port$path")
  echo "   GET $path -> $code"
done
curl -s -o /dev/null -H 'traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' "http://127.0.0.1:$port/hello"
echo "   GET /hello with an incoming traceparent"
sleep 2
kill $pid; wait $pid 2>/dev/null || true
trap - EXIT

echo
echo "== the agent's console output (one line per span)"
grep '^\[sightline\]' "$out/app.err"
echo
echo "== $out/sightline-telemetry.jsonl: $(wc -l <"$out/sightline-telemetry.jsonl") OTLP-JSON lines; metric names:"
grep -o '"name":"http[^"]*"' "$out/sightline-telemetry.jsonl" | sort -u | sed 's/^/   /'
echo
echo "== java -jar agent/target/sightline-agent.jar diagnose $out/sightline-telemetry.jsonl"
java -jar agent/target/sightline-agent.jar diagnose "$out/sightline-telemetry.jsonl"
