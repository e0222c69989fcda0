package dev.toolwarden.examples.chat;

import dev.toolwarden.annotation.Chat;
import dev.toolwarden.annotation.ConversationId;
import dev.toolwarden.annotation.UserId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Handles the messages of many conversations: asks the model, runs the tool, keeps the history. */
public final class ChatManager {

    private final ScriptedModel model = new ScriptedModel();
    private final ToolOrchestrator orchestrator;
    private final Map<String, List<String>> histories = new ConcurrentHashMap<>();

    /** @param orchestrator runs the tools the model asks for */
    public ChatManager(ToolOrchestrator orchestrator) {
        this.orchestrator = orchestrator;
    }

    /**
     * Answers one message.
     *
     * @param user who sent it
     * @param conversationId the conversation it belongs to
     * @param message the text
     * @return the answer
     */
    @Chat(name = "chat")
    public String handle(@UserId String user, @ConversationId String conversationId, String message) {
        List<String> history = histories.computeIfAbsent(conversationId, id -> new ArrayList<>());
        ScriptedModel.ToolCall call = model.plan(message);
        if (call.tool().equals("research")) {
            call = new ScriptedModel.ToolCall(orchestrator.bestResearchTool(), call.argument());
        }
        String result = orchestrator.run(call.tool(), call.argument());
        String answer = model.answer(message, call, result);
        synchronized (history) {
            history.add(user + ": " + message);
            history.add("assistant: " + answer);
        }
        return answer;
    }

    /** @return messages kept per conversation */
    public Map<String, Integer> historySizes() {
        Map<String, Integer> sizes = new java.util.TreeMap<>();
        histories.forEach((id, h) -> sizes.put(id, h.size()));
        return sizes;
    }
}
