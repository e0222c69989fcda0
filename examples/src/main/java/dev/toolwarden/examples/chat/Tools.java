package dev.toolwarden.examples.chat;

import dev.toolwarden.annotation.Cached;
import dev.toolwarden.annotation.Fallback;
import dev.toolwarden.annotation.Timeout;
import dev.toolwarden.annotation.Tool;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/** The tools the model may call. Plain Java: the annotations are all Toolwarden needs. */
public final class Tools {

    private final OrderDatabase orders;

    /** @param orders the shop's database, for the order tool */
    public Tools(OrderDatabase orders) {
        this.orders = orders;
    }

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

    /**
     * Fetches a web page. Isolated: the body runs on a Toolwarden worker, so that a site that never
     * answers (here: a busy loop that ignores interrupts, as blocking socket code does) cannot hold
     * the conversation past the hard limit of 200 ms; the abandoned body ends on its own later.
     *
     * @param url the page
     * @return its text
     */
    @Tool(name = "fetch_page")
    @Timeout(soft = "50ms", hard = "200ms", isolate = true)
    public String fetch(String url) {
        if (url.contains("slow")) {
            long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(600);
            long spins = 0;
            while (System.nanoTime() < until) {
                spins++; // does not look at the interrupt flag
            }
            return "<html>" + url + " after " + spins + " spins</html>";
        }
        pause(8);
        return "<html><title>" + url + "</title>a page about " + url + "</html>";
    }

    /**
     * Summarises a long document: reads it into memory line by line, as a naive implementation
     * would, allocating a few megabytes per call. The summary's allocation column shows it.
     *
     * @param title the document
     * @return a summary
     */
    @Tool(name = "summarize")
    public String summarize(String title) {
        java.util.List<String> lines = new java.util.ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            lines.add(title + " - paragraph " + i + " says something about " + (i % 97));
        }
        long words = lines.stream().mapToLong(l -> l.split(" ").length).sum();
        return "'" + title + "': " + lines.size() + " paragraphs, " + words + " words; mostly about " + (words % 97);
    }

    /**
     * Looks an order up in the shop's database, through the application's own HikariCP pool
     * (four connections). Toolwarden finds the pool by itself and watches it.
     *
     * @param orderId the order number
     * @return its status
     */
    @Tool(name = "order_status")
    @Timeout(soft = "250ms", hard = "5s")
    public String orderStatus(String orderId) {
        return orders.status(orderId);
    }

    private static void pause(long millis) {
        try {
            TimeUnit.MILLISECONDS.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
