package dev.toolwarden.config;

/** Where a configuration value came from, highest precedence first. */
public enum ConfigSource {
    /** {@code -javaagent:toolwarden-agent.jar=key=value,...} */
    AGENT_ARGUMENT("agent argument"),
    /** {@code -Dtoolwarden.key=value} */
    SYSTEM_PROPERTY("system property"),
    /** {@code TOOLWARDEN_KEY=value} */
    ENVIRONMENT("environment variable"),
    /** The properties file named by {@code toolwarden.config}. */
    FILE("config file"),
    /** Toolwarden's built-in default. */
    DEFAULT("default");

    private final String label;

    ConfigSource(String label) {
        this.label = label;
    }

    /** @return how the source is named in messages */
    public String label() {
        return label;
    }
}
