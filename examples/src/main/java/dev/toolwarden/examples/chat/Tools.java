package dev.toolwarden.examples.chat;

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
     * A slower tool that stands in for a web search: waits 20-40 ms and builds a page of text.
     *
     * @param query the search
     * @return the results
     */
    @Tool(name = "web_search")
    public String search(String query) {
        pause(20 + ThreadLocalRandom.current().nextInt(20));
        StringBuilder page = new StringBuilder();
        for (int i = 1; i <= 3; i++) {
            page.append(i).append(". ").append(query).append(" - result ").append(i).append("; ");
        }
        return page.toString();
    }

    /**
     * A look-up that stands in for a weather API: about 5 ms.
     *
     * @param city the city
     * @return the forecast
     */
    @Tool(name = "weather")
    public String forecast(String city) {
        pause(5);
        int degrees = Math.floorMod(city.hashCode(), 25);
        return "18:00 in " + city + ": " + degrees + " C, light wind";
    }

    private static void pause(long millis) {
        try {
            TimeUnit.MILLISECONDS.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
