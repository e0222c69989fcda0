package dev.toolwarden.examples.springai;

import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.annotation.Tool;
import org.springframework.ai.tool.execution.DefaultToolExecutionExceptionProcessor;
import org.springframework.ai.tool.execution.ToolExecutionException;
import org.springframework.ai.tool.method.MethodToolCallbackProvider;

/**
 * Spring AI's {@code @Tool} methods called through Spring AI's own tool callbacks
 * ({@link MethodToolCallbackProvider}, as a {@code ChatClient} calls them for a model's tool
 * request), with JSON arguments, and no Toolwarden code: the agent finds the tools by Spring AI's
 * annotation; configuration gives one a hard limit and caches another.
 */
public final class SpringAiTools {

    static final AtomicInteger WEATHER_RUNS = new AtomicInteger();

    /**
     * @param city a city
     * @return its weather
     */
    @Tool(description = "The weather in a city now")
    public String weather(String city) {
        WEATHER_RUNS.incrementAndGet();
        return "9 C and windy in " + city;
    }

    /**
     * @param country a country
     * @return its visa rules (a site that never answers for Atlantis)
     */
    @Tool(description = "Visa rules of a country")
    public String visaRules(String country) {
        try {
            TimeUnit.MILLISECONDS.sleep(country.equals("Atlantis") ? 10_000 : 20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the remote site");
        }
        return "no visa needed for " + country;
    }

    private SpringAiTools() {
    }

    /**
     * Calls each tool as Spring AI would for a model, and prints what the model would be given.
     *
     * @param args not used
     */
    public static void main(String[] args) {
        ToolCallback[] callbacks = MethodToolCallbackProvider.builder().toolObjects(new SpringAiTools())
                .build().getToolCallbacks();
        DefaultToolExecutionExceptionProcessor errors = DefaultToolExecutionExceptionProcessor.builder().build();
        String[][] requests = {{"weather", "Oslo"}, {"weather", "Oslo"}, {"visaRules", "Norway"},
            {"visaRules", "Atlantis"}, {"weather", "Bergen"}};
        for (String[] r : requests) {
            ToolCallback callback = java.util.Arrays.stream(callbacks)
                    .filter(c -> c.getToolDefinition().name().equals(r[0])).findFirst().orElseThrow();
            // The argument's name as Spring AI described the tool to the model (its input schema).
            java.util.regex.Matcher name = java.util.regex.Pattern.compile("\"properties\"\\s*:\\s*\\{\\s*\"([^\"]+)\"")
                    .matcher(callback.getToolDefinition().inputSchema());
            String json = "{\"" + (name.find() ? name.group(1) : "arg0") + "\": \"" + r[1] + "\"}";
            long start = System.nanoTime();
            String result;
            try {
                result = callback.call(json);
            } catch (ToolExecutionException e) {
                result = "error for the model: " + errors.process(e);
            }
            System.out.printf(Locale.ROOT, "%s %s (%d ms) -> %s%n", r[0], json,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), result);
        }
        System.out.println("weather tool bodies run: " + WEATHER_RUNS.get() + " for 3 weather requests");
    }
}
