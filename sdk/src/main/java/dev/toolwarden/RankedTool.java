package dev.toolwarden;

import java.time.Duration;

/**
 * A candidate tool with its score, as {@link Toolwarden#rankTools} orders them.
 *
 * @param name the tool name
 * @param score {@code successRate / (1 + p95 in seconds)}: higher is better
 * @param successRate calls that succeeded (not an error, timeout or refusal; cache hits count as
 *     successes), smoothed as {@code (successes + 1) / (calls + 2)} so that a tool with few calls
 *     is neither perfect nor hopeless; 0.5 for a tool never called
 * @param p95 its 95th percentile latency (of its latest run with calls), zero when unknown
 * @param calls the calls the score rests on, over every run the metrics database remembers
 */
public record RankedTool(String name, double score, double successRate, Duration p95, long calls) {
}
