#!/usr/bin/env bash
# Builds Toolwarden and runs the chat demo with the agent and a JFR recording, then summarises the
# recording with the JDK's own jfr tool and writes the HTML report beside it.
# Run from anywhere: ./examples/run-demo.sh [rounds]   (default 40 rounds: 240 messages and a rush of 48)
# Tool metrics go to the embedded H2 file ~/.toolwarden/metrics; to use PostgreSQL instead:
#   TOOLWARDEN_DB_URL=jdbc:postgresql://127.0.0.1:5432/test TOOLWARDEN_DB_USER=postgres ./examples/run-demo.sh
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q -B -Dstyle.color=never -DskipTests package
recording=examples/target/demo.jfr
rm -f "$recording"
# Rankings cached for a second (30 minutes by default), so that the demo shows them change.
java -javaagent:agent/target/toolwarden-agent.jar=jfr.record="$recording",cache.tool_recommendations.ttl=1s \
     -jar examples/target/toolwarden-examples.jar "$@"
echo
echo "Recording: $recording"
jfr summary "$recording" | grep -E 'Event Type|=====|toolwarden\.' || true
java -jar agent/target/toolwarden-agent.jar report "$recording" --format html --out examples/target/demo-report.html
echo "Inspect it with: java -jar agent/target/toolwarden-agent.jar report $recording"
echo "             or: jfr print --events toolwarden.Execution $recording"
