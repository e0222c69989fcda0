package dev.toolwarden.config;

import java.util.Objects;
import java.util.function.Function;

/**
 * One configuration key: its full name, its default, how its text is parsed and how a value is
 * shown in messages.
 *
 * @param <T> the type of the parsed value
 */
public final class Key<T> {

    private final String name;
    private final T defaultValue;
    private final Function<String, T> parser;
    private final Function<T, String> formatter;
    private final String description;

    Key(String name, T defaultValue, Function<String, T> parser, Function<T, String> formatter, String description) {
        this.name = Objects.requireNonNull(name);
        this.defaultValue = defaultValue;
        this.parser = parser;
        this.formatter = formatter;
        this.description = description;
    }

    /** @return the full key, such as {@code toolwarden.timeout.soft} */
    public String name() {
        return name;
    }

    /** @return the built-in default */
    public T defaultValue() {
        return defaultValue;
    }

    /** @return a sentence saying what the key does */
    public String description() {
        return description;
    }

    /**
     * @param text the raw value
     * @return the parsed value
     * @throws IllegalArgumentException with the reason, phrased to follow the value in a message
     *     ("is not a duration ...")
     */
    T parse(String text) {
        return parser.apply(text);
    }

    /**
     * @param value a value of this key
     * @return the value as a user would write it
     */
    public String format(T value) {
        return value == null ? "(none)" : formatter.apply(value);
    }

    /** @return the name of the environment variable that sets this key */
    public String environmentName() {
        return Configuration.environmentName(name);
    }

    @Override
    public String toString() {
        return name;
    }
}
