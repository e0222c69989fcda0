package dev.toolwarden.config;

import java.time.Duration;

/**
 * Per-tool settings from configuration ({@code toolwarden.tools.<name>.*}), for tools whose code
 * the user cannot annotate. A {@code null} component was not configured.
 *
 * @param name the tool name as written in the configuration
 * @param softTimeout {@code .timeout.soft}
 * @param hardTimeout {@code .timeout.hard}
 * @param isolate {@code .isolate}
 * @param cacheCategory {@code .cache}: the cache category to cache results in
 * @param maxConcurrent {@code .max-concurrent}
 */
public record ToolSettings(String name, Duration softTimeout, Duration hardTimeout, Boolean isolate,
        String cacheCategory, Integer maxConcurrent) {
}
