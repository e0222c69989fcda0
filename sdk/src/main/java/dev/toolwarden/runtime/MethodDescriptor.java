package dev.toolwarden.runtime;

import dev.toolwarden.ExecutionKind;
import java.util.Objects;

/**
 * What the agent knows of a woven method at weave time.
 *
 * @param name the tool or chat handler name
 * @param kind tool or chat handler
 * @param method the method as people read it: {@code com.acme.Calc#add(int, int)}
 * @param policy its limits and caching, as resolved from annotations and configuration
 * @param asynchronous whether it returns a {@code CompletionStage} whose completion ends the call
 * @param valueType the class name of what a call gives (its return type, or its stage's value type
 *     when asynchronous), or {@code null} when unknown
 * @param valueTypeExact whether that type is a concrete class and not generic, so that its values
 *     can be rebuilt from JSON
 */
public record MethodDescriptor(String name, ExecutionKind kind, String method, CallPolicy policy,
        boolean asynchronous, String valueType, boolean valueTypeExact) {

    /**
     * A method whose value type is not known.
     *
     * @param name the tool or chat handler name
     * @param kind tool or chat handler
     * @param method the method as people read it
     * @param policy its limits and caching
     * @param asynchronous whether it returns a stage
     */
    public MethodDescriptor(String name, ExecutionKind kind, String method, CallPolicy policy, boolean asynchronous) {
        this(name, kind, method, policy, asynchronous, null, false);
    }

    /**
     * A synchronous method.
     *
     * @param name the tool or chat handler name
     * @param kind tool or chat handler
     * @param method the method as people read it
     * @param policy its limits and caching
     */
    public MethodDescriptor(String name, ExecutionKind kind, String method, CallPolicy policy) {
        this(name, kind, method, policy, false);
    }

    /** Checks the components. */
    public MethodDescriptor {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(policy, "policy");
    }

    // equals and hashCode written out: a record's own link an ObjectMethods bootstrap at their first call,
    // tens of ms of the first woven class's weaving (the registry keys on descriptors).

    @Override
    public boolean equals(Object o) {
        return o instanceof MethodDescriptor d && asynchronous == d.asynchronous && valueTypeExact == d.valueTypeExact
                && name.equals(d.name) && kind == d.kind && method.equals(d.method) && policy.equals(d.policy)
                && Objects.equals(valueType, d.valueType);
    }

    @Override
    public int hashCode() {
        int h = name.hashCode();
        h = 31 * h + kind.hashCode();
        h = 31 * h + method.hashCode();
        h = 31 * h + policy.hashCode();
        h = 31 * h + Boolean.hashCode(asynchronous);
        h = 31 * h + Objects.hashCode(valueType);
        return 31 * h + Boolean.hashCode(valueTypeExact);
    }
}
