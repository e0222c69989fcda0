package dev.toolwarden.examples.chat;

import java.util.Locale;

/**
 * Stands in for the language model: reads a user's message and decides which tool to call with
 * which argument, as a function-calling model would. Deterministic, and needs no network.
 */
final class ScriptedModel {

    /** A tool call the model asks for. */
    record ToolCall(String tool, String argument) {
    }

    ToolCall plan(String message) {
        String m = message.toLowerCase(Locale.ROOT);
        if (m.startsWith("what is ")) {
            return new ToolCall("calculator", m.substring("what is ".length()).replace("?", "").trim());
        }
        if (m.startsWith("deep research on ")) {
            return new ToolCall("deep_research", message.substring("deep research on ".length()).trim());
        }
        if (m.startsWith("research ")) {
            return new ToolCall("research", message.substring("research ".length()).trim());
        }
        if (m.startsWith("open ")) {
            return new ToolCall("fetch_page", message.substring("open ".length()).trim());
        }
        if (m.startsWith("summarize ")) {
            return new ToolCall("summarize", message.substring("summarize ".length()).trim());
        }
        if (m.startsWith("where is order ")) {
            return new ToolCall("order_status", m.substring("where is order ".length()).replace("?", "").trim());
        }
        if (m.startsWith("weather in ")) {
            return new ToolCall("weather", message.substring("weather in ".length()).replace("?", "").trim());
        }
        return new ToolCall("web_search", message);
    }

    String answer(String message, ToolCall call, String toolResult) {
        return switch (call.tool()) {
            case "calculator" -> "The answer is " + toolResult + ".";
            case "weather" -> "Forecast: " + toolResult + ".";
            case "deep_research" -> "Research: " + toolResult;
            case "fetch_page" -> toolResult.startsWith("error") ? "I could not open that page in time (" + toolResult + ")."
                    : "The page says: " + toolResult;
            case "summarize" -> "Summary: " + toolResult;
            case "order_status" -> "Your " + toolResult + ".";
            default -> "Here is what I found: " + toolResult;
        };
    }
}
