/**
 * Toolwarden's MXBeans, under the {@code dev.toolwarden} JMX domain: one per tool and chat handler
 * ({@code type=Tool}) and one for the runtime ({@code type=Runtime}).
 */
package dev.toolwarden.jmx;
