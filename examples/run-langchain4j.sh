#!/usr/bin/env bash
# The LangChain4j variant: LangChain4j's own @Tool methods and AiServices, a scripted model, no
# Toolwarden code in the application. The agent picks the tools up by LangChain4j's annotation;
# configuration (below) gives one tool a hard limit and caches another. Run from anywhere.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q -B -Dstyle.color=never -DskipTests package
recording=examples/target/langchain4j.jfr
rm -f "$recording"
java -javaagent:agent/target/toolwarden-agent.jar=jfr.record="$recording",db.url=none,tools.TravelTools.visaRules.timeout.soft=200ms,tools.TravelTools.visaRules.timeout.hard=500ms,tools.TravelTools.weather.cache=context_cache \
     -cp "examples/target/toolwarden-examples.jar:examples/target/lib/*" dev.toolwarden.examples.langchain4j.TravelAssistant
echo
java -jar agent/target/toolwarden-agent.jar report "$recording"
