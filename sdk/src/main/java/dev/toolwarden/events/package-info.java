/**
 * Toolwarden's JFR events. Their names ({@code toolwarden.*}) are a contract: recordings are read
 * by {@code jfr}, JDK Mission Control and Toolwarden's report command.
 */
package dev.toolwarden.events;
