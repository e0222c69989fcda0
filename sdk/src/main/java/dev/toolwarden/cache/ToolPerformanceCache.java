package dev.toolwarden.cache;

import dev.toolwarden.ToolStatistics;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Tool metrics in the {@value PerformanceCache#TOOL_PERFORMANCE} category (by tool name) and tool
 * recommendations in the {@value PerformanceCache#TOOL_RECOMMENDATIONS} category (by the query or
 * context they were made for): the reference design's in-memory cache in front of its metrics
 * store, and its cache of which tools suit a query.
 */
public final class ToolPerformanceCache {

    private final PerformanceCache cache;

    /** @param cache the caches */
    public ToolPerformanceCache(PerformanceCache cache) {
        this.cache = Objects.requireNonNull(cache, "cache");
    }

    /**
     * @param tool a tool name
     * @return its cached metrics, or {@code null}
     */
    public ToolStatistics metrics(String tool) {
        return (ToolStatistics) cache.getIfPresent(PerformanceCache.TOOL_PERFORMANCE, Objects.requireNonNull(tool, "tool"));
    }

    /**
     * Read-through: the cached metrics, or those {@code load} reads (from the metrics store, say),
     * loaded once however many callers ask.
     *
     * @param tool a tool name
     * @param load reads the metrics on a miss; {@code null} caches nothing
     * @return the metrics, or {@code null}
     */
    public ToolStatistics metrics(String tool, Function<String, ToolStatistics> load) {
        return cache.get(PerformanceCache.TOOL_PERFORMANCE, Objects.requireNonNull(tool, "tool"), () -> load.apply(tool));
    }

    /** @param metrics a tool's metrics, cached under its name */
    public void put(ToolStatistics metrics) {
        cache.put(PerformanceCache.TOOL_PERFORMANCE, metrics.name(), metrics);
    }

    /**
     * @param query what the recommendation was for
     * @return the cached tool names, best first, or {@code null}
     */
    @SuppressWarnings("unchecked")
    public List<String> recommendations(String query) {
        return (List<String>) cache.getIfPresent(PerformanceCache.TOOL_RECOMMENDATIONS, Objects.requireNonNull(query, "query"));
    }

    /**
     * The cached recommendation, or the one {@code recommend} makes, once per query.
     *
     * @param query what the recommendation is for
     * @param recommend ranks the tools on a miss
     * @return tool names, best first
     */
    public List<String> recommendations(String query, Supplier<List<String>> recommend) {
        return cache.get(PerformanceCache.TOOL_RECOMMENDATIONS, Objects.requireNonNull(query, "query"),
                () -> List.copyOf(recommend.get()));
    }

    /**
     * @param query what the recommendation is for
     * @param tools tool names, best first (copied)
     */
    public void putRecommendations(String query, List<String> tools) {
        cache.put(PerformanceCache.TOOL_RECOMMENDATIONS, Objects.requireNonNull(query, "query"), List.copyOf(tools));
    }

    /** @param tool a tool whose cached metrics are dropped (its metrics changed) */
    public void invalidate(String tool) {
        cache.invalidate(PerformanceCache.TOOL_PERFORMANCE, tool);
    }
}
