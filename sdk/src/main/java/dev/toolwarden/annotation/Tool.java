package dev.toolwarden.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method as a tool: with the agent attached, every call is accounted (wall time, CPU time,
 * allocated bytes), recorded as a {@code toolwarden.Execution} JFR event and held to the default
 * timeouts unless {@link Timeout} or configuration says otherwise.
 *
 * <p>The agent reads this annotation from the class file when the class loads; the method needs no
 * other change. Abstract and native methods cannot be woven and are reported at weave time.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Tool {

    /**
     * The tool's name in statistics, events and per-tool configuration
     * ({@code toolwarden.tools.<name>.*}). Empty means {@code SimpleClassName.methodName}.
     *
     * @return the tool name, or empty for the default
     */
    String name() default "";

    /**
     * The most calls of this tool that may run at once; calls past the bound are rejected with
     * {@link dev.toolwarden.ResourceExhaustedException} or answered by the {@link Fallback}.
     * {@code 0} means no bound. Negative values are reported at weave time and treated as 0.
     *
     * @return the concurrency bound, or 0 for none
     */
    int maxConcurrent() default 0;
}
