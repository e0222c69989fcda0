package dev.toolwarden.agent;

import dev.toolwarden.log.InternalErrors;
import dev.toolwarden.log.Log;
import java.util.concurrent.atomic.LongAdder;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.utility.JavaModule;

/** Counts woven classes and reports every transformation error: never silent, each logged once. */
final class TransformationListener extends AgentBuilder.Listener.Adapter {

    private final InternalErrors errors;
    private final LongAdder woven = new LongAdder();

    TransformationListener(InternalErrors errors) {
        this.errors = errors;
    }

    long wovenClasses() {
        return woven.sum();
    }

    @Override
    public void onTransformation(TypeDescription type, ClassLoader loader, JavaModule module, boolean loaded,
            DynamicType dynamicType) {
        woven.increment();
        if (Log.isDebug()) {
            // The loader's class, not its toString: that is application code.
            Log.debug("woven " + type.getName() + (loader == null ? "" : " (loader " + loader.getClass().getName()
                    + "@" + Integer.toHexString(System.identityHashCode(loader)) + ")"));
        }
    }

    @Override
    public void onError(String typeName, ClassLoader loader, JavaModule module, boolean loaded, Throwable error) {
        // The class is loaded unchanged; the application goes on without Toolwarden for it.
        errors.record("weaving " + typeName + " (left unwoven)", error);
    }
}
