package dev.toolwarden.examples.langchain4j;

import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.service.AiServices;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The same idea with LangChain4j: its {@code @Tool} methods, called by LangChain4j's own
 * {@link AiServices} on the request of a chat model. The model is scripted (no network): it reads
 * the user's message, asks for one tool call, and answers from the tool's result. There is no
 * Toolwarden code here; the agent finds the tools by LangChain4j's annotation, and configuration
 * gives them limits and a cache (see {@code examples/run-langchain4j.sh}).
 */
public final class TravelAssistant {

    /** What the application asks: one message in, one answer out. */
    interface Assistant {
        String chat(String message);
    }

    /** The tools: plain LangChain4j. */
    public static class TravelTools {
        static final AtomicInteger WEATHER_RUNS = new AtomicInteger();

        /**
         * @param city a city
         * @return its weather (about 20 ms, like a remote API)
         */
        @Tool("The weather in a city now")
        public String weather(String city) {
            WEATHER_RUNS.incrementAndGet();
            pause(20);
            return "12 C and clear in " + city;
        }

        /**
         * @param route from and to, such as "Oslo-Lisbon"
         * @return flights (about 60 ms)
         */
        @Tool("Flights on a route such as Oslo-Lisbon")
        public String flights(String route) {
            pause(60);
            return "3 flights " + route + ", the first at 07:40";
        }

        /**
         * @param country a country
         * @return its visa rules; the government site of a country nobody has heard of never
         *     answers (10 s here), past the hard limit configuration gives this tool
         */
        @Tool("Visa rules of a country")
        public String visaRules(String country) {
            pause(country.equalsIgnoreCase("Atlantis") ? 10_000 : 30);
            return "no visa needed for " + country + " for 90 days";
        }

        private static void pause(long millis) {
            try {
                TimeUnit.MILLISECONDS.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the remote site");
            }
        }
    }

    /** The stand-in for a model with tool calling. */
    static final class ScriptedModel implements ChatModel {
        private final AtomicInteger ids = new AtomicInteger();

        @Override
        public ChatResponse doChat(ChatRequest request) {
            List<ChatMessage> messages = request.messages();
            ChatMessage last = messages.get(messages.size() - 1);
            if (last instanceof ToolExecutionResultMessage result) {
                return ChatResponse.builder().aiMessage(AiMessage.from("From " + result.toolName() + ": " + result.text()))
                        .build();
            }
            String text = ((UserMessage) last).singleText();
            String lower = text.toLowerCase(Locale.ROOT);
            String tool;
            String argument;
            if (lower.startsWith("weather in ")) {
                tool = "weather";
                argument = text.substring("weather in ".length());
            } else if (lower.startsWith("flights ")) {
                tool = "flights";
                argument = text.substring("flights ".length());
            } else if (lower.startsWith("visa for ")) {
                tool = "visaRules";
                argument = text.substring("visa for ".length());
            } else {
                return ChatResponse.builder().aiMessage(AiMessage.from("I can tell the weather, flights and visa rules."))
                        .build();
            }
            // The argument's name as LangChain4j described the tool to the model.
            ToolSpecification spec = request.toolSpecifications().stream().filter(s -> s.name().equals(tool)).findFirst()
                    .orElseThrow(() -> new IllegalStateException("LangChain4j offered no tool " + tool));
            String parameter = spec.parameters().properties().keySet().iterator().next();
            ToolExecutionRequest call = ToolExecutionRequest.builder().id("call-" + ids.incrementAndGet()).name(tool)
                    .arguments("{\"" + parameter + "\": \"" + argument.replace("\"", "") + "\"}").build();
            return ChatResponse.builder().aiMessage(AiMessage.from(call)).build();
        }
    }

    private TravelAssistant() {
    }

    /**
     * Asks the assistant a few questions and prints the answers (what Toolwarden measured is in
     * the recording the agent writes).
     *
     * @param args not used
     */
    public static void main(String[] args) {
        Assistant assistant = AiServices.builder(Assistant.class).chatModel(new ScriptedModel())
                .tools(new TravelTools()).build();
        String[] questions = {"Weather in Oslo", "Flights Oslo-Lisbon", "Weather in Oslo", "Visa for Norway",
            "Weather in Oslo", "Visa for Atlantis", "Weather in Lisbon", "Flights Lisbon-Oslo"};
        for (String q : questions) {
            long start = System.nanoTime();
            String answer = assistant.chat(q);
            System.out.printf(Locale.ROOT, "you> %s%n  assistant (%d ms)> %s%n", q,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), answer);
        }
        System.out.println();
        System.out.println("weather tool bodies run: " + TravelTools.WEATHER_RUNS.get() + " for 4 weather questions");
    }
}
