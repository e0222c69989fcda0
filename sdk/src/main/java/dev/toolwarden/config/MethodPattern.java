package dev.toolwarden.config;

import java.util.regex.Pattern;

/**
 * A method chosen by name in {@code toolwarden.methods}: {@code Type#method}, where the type is a
 * fully qualified class name and either side may use globs. In the type, {@code *} matches within
 * one package segment (not across a dot) and {@code **} matches across segments; in the method
 * name {@code *} matches any name. {@code com.acme.tools.*#*} chooses every public method of every
 * class of {@code com.acme.tools}; {@code com.acme.Search#query} chooses {@code query} whatever its
 * visibility.
 */
public final class MethodPattern {

    static final String EXPECTED = "Type#method, such as com.acme.Search#query or com.acme.tools.*#*";

    private final String text;
    private final Pattern type;
    private final Pattern method;
    private final boolean methodWildcard;
    private final String literalPrefix;

    private MethodPattern(String text, Pattern type, Pattern method, boolean methodWildcard, String literalPrefix) {
        this.text = text;
        this.type = type;
        this.method = method;
        this.methodWildcard = methodWildcard;
        this.literalPrefix = literalPrefix;
    }

    /**
     * @param text a pattern
     * @return the parsed pattern
     * @throws IllegalArgumentException when the text is not a pattern
     */
    public static MethodPattern parse(String text) {
        String s = text.trim();
        int hash = s.indexOf('#');
        if (hash <= 0 || hash == s.length() - 1 || s.indexOf('#', hash + 1) >= 0) {
            throw new IllegalArgumentException("is not " + EXPECTED);
        }
        String typePart = s.substring(0, hash);
        String methodPart = s.substring(hash + 1);
        if (!typePart.matches("[\\w.$*]+") || !methodPart.matches("[\\w$*<>]+")) {
            throw new IllegalArgumentException("has characters that are not in Java names: expected " + EXPECTED);
        }
        int star = typePart.indexOf('*');
        String prefix = star < 0 ? typePart : typePart.substring(0, star);
        return new MethodPattern(s, glob(typePart, true), glob(methodPart, false), methodPart.contains("*"), prefix);
    }

    private static Pattern glob(String glob, boolean dotted) {
        StringBuilder re = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c == '*') {
                if (dotted && i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
                    re.append(".*");
                    i++;
                } else {
                    re.append(dotted ? "[^.]*" : ".*");
                }
            } else {
                re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(re.toString());
    }

    /**
     * Cheap first test, by prefix only.
     *
     * @param typeName a fully qualified class name
     * @return whether the type could match
     */
    public boolean mayMatchType(String typeName) {
        return typeName.startsWith(literalPrefix);
    }

    /**
     * @param typeName a fully qualified class name
     * @return whether the pattern's type part matches
     */
    public boolean matchesType(String typeName) {
        return typeName.startsWith(literalPrefix) && type.matcher(typeName).matches();
    }

    /**
     * @param methodName a method name
     * @param isPublic whether the method is public
     * @return whether the pattern's method part matches; a wildcard only matches public methods
     */
    public boolean matchesMethod(String methodName, boolean isPublic) {
        return (isPublic || !methodWildcard) && method.matcher(methodName).matches();
    }

    @Override
    public String toString() {
        return text;
    }
}
