package dev.toolwarden;

/** What a woven method is: a tool call or a chat handler. */
public enum ExecutionKind {
    /** A tool: marked with {@code @Tool}, a third-party tool annotation or a method pattern. */
    TOOL,
    /** A chat handler: marked with {@code @Chat} or a configured chat annotation. */
    CHAT
}
