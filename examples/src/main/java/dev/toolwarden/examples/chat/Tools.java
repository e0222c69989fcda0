package dev.toolwarden.examples.chat;

import dev.toolwarden.annotation.Cached;
import dev.toolwarden.annotation.Fallback;
import dev.toolwarden.annotation.Timeout;
import dev.toolwarden.annotation.Tool;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/** The tools the model may call. Plain Java: the annotations are all Toolwarden needs. */
public final class Tools {

    /**
     * A fast tool: evaluates {@code a op b}.
     *
     * @param expression such as {@code 12 * 7}
     * @return the result
     */
    @Tool(name = "calculator")
    public String calculate(String expression) {
        String[] parts = expression.split("\\s+");
        if (parts.length != 3) {
            throw new IllegalArgumentException("expected 'a op b', got '" + expression + "'");
        }
        double a = Double.parseDouble(parts[0]);
        double b = Double.parseDouble(parts[2]);
        double r = switch (parts[1]) {
            case "+" -> a + b;
            case "-" -> a - b;
            case "*", "x" -> a * b;
            case "/" -> {
                if (b == 0) {
                    throw new ArithmeticException("division by zero");
                }
                yield a / b;
            }
            default -> throw new IllegalArgumentException("unknown operator " + parts[1]);
        };
        return r == Math.rint(r) ? String.valueOf((long) r) : String.valueOf(r);
    }

    /**
     * A slower tool that stands in for a web search: waits 20-40 ms and builds a page of text. Its
     * soft limit of 30 ms is passed now and then: each time, a Timeout event records where it was.
     *
     * @param query the search
     * @return the results
     */
    @Tool(name = "web_search")
    @Timeout(soft = "30ms", hard = "2s")
    public String search(String query) {
        pause(20 + ThreadLocalRandom.current().nextInt(20));
        StringBuilder page = new StringBuilder();
        for (int i = 1; i <= 3; i++) {
            page.append(i).append(". ").append(query).append(" - result ").append(i).append("; ");
        }
        return page.toString();
    }

    /**
     * A look-up that stands in for a weather API: about 5 ms. Cached: a city's forecast is computed
     * once and served from the cache afterwards (for 15 minutes, the context_cache category's time).
     *
     * @param city the city
     * @return the forecast
     */
    @Tool(name = "weather")
    @Cached(category = "context_cache")
    public String forecast(String city) {
        pause(5);
        int degrees = Math.floorMod(city.hashCode(), 25);
        return "18:00 in " + city + ": " + degrees + " C, light wind";
    }

    /**
     * A deep research tool that stands in for a slow agent: about 50 ms, but a topic it has never
     * seen takes it 400 ms, past its hard limit of 150 ms; then the caller gets the fallback's
     * answer instead of waiting.
     *
     * @param topic what to research
     * @return a report
     */
    @Tool(name = "deep_research")
    @Timeout(soft = "100ms", hard = "150ms")
    @Fallback("shallowResearch")
    public String research(String topic) {
        pause(topic.contains("new") ? 400 : 50);
        return "report on " + topic + ": three sources agree";
    }

    /**
     * The fallback of {@link #research}: what is known without researching.
     *
     * @param topic what to research
     * @param why the timeout
     * @return a short answer
     */
    String shallowResearch(String topic, RuntimeException why) {
        return "no time for a full report on " + topic + " (" + why.getClass().getSimpleName() + "); in short: it depends";
    }

    private static void pause(long millis) {
        try {
            TimeUnit.MILLISECONDS.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
