package dev.toolwarden.examples.chat;

import java.util.Map;
import java.util.function.Function;

/** Calls the tool the model chose. */
public final class ToolOrchestrator {

    private final Map<String, Function<String, String>> tools;

    /** @param tools the tool implementations */
    public ToolOrchestrator(Tools tools) {
        this.tools = Map.of(
                "calculator", tools::calculate,
                "web_search", tools::search,
                "weather", tools::forecast,
                "deep_research", tools::research,
                "fetch_page", tools::fetch,
                "summarize", tools::summarize,
                "order_status", tools::orderStatus);
    }

    /**
     * The research tool with the better record so far: Toolwarden ranks the candidates by their
     * success rate and latency (the SDK is the natural API for that).
     *
     * @return the tool to research with
     */
    public String bestResearchTool() {
        return dev.toolwarden.Toolwarden.rankTools(java.util.List.of("deep_research", "web_search")).get(0).name();
    }

    /**
     * @param tool a tool name
     * @param argument its argument
     * @return the tool's answer, or an error text the model can read
     */
    public String run(String tool, String argument) {
        Function<String, String> t = tools.get(tool);
        if (t == null) {
            return "error: no tool " + tool;
        }
        try {
            return t.apply(argument);
        } catch (RuntimeException e) {
            // ToolTimeoutException and ResourceExhaustedException too: the model reads what went wrong.
            return "error: " + e.getMessage();
        }
    }
}
