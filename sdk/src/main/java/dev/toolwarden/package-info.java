/**
 * Toolwarden's public API: the {@link dev.toolwarden.Toolwarden} entry point, the statistics it
 * returns, and the exceptions that woven calls may throw to their callers
 * ({@link dev.toolwarden.ToolTimeoutException}, {@link dev.toolwarden.ResourceExhaustedException}).
 *
 * <p>With the agent attached, this package and {@code dev.toolwarden.annotation} are loaded from
 * the bootstrap class path, so the application and the agent share one copy of each class.
 */
package dev.toolwarden;
