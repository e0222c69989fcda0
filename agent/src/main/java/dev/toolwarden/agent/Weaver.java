package dev.toolwarden.agent;

import dev.toolwarden.agent.advice.AdviceBindings;
import dev.toolwarden.agent.advice.WovenMethod;
import dev.toolwarden.agent.matching.ClassFiles;
import dev.toolwarden.agent.matching.ClassModel;
import dev.toolwarden.agent.matching.MethodSelector;
import dev.toolwarden.agent.matching.TypeFacts;
import java.util.Map;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassWriter;

/**
 * Weaves one class that passed the prefilter: reads it into a {@link ClassModel} (no class is
 * loaded to decide), asks the {@link MethodSelector}, and rewrites the methods it selects with advice
 * only, so that the result is also valid for retransformation (no new fields or methods, no type
 * initializer added).
 *
 * <p>Written on ASM directly: the advice is two small shapes of code around a body (see
 * {@code ToolAdvice}), and a class is read twice at most (its declarations, then its code, copied
 * with the advice added). No read edge is added for named modules: the JVM makes every transformed
 * class's module read the unnamed module of the bootstrap loader, where {@code Dispatch} is
 * ({@code ModulesIT}).
 */
final class Weaver {

    /** The class of the application's HikariCP data sources, whose constructors are woven. */
    static final String HIKARI_DATA_SOURCE = "com.zaxxer.hikari.HikariDataSource";
    /** HikariCP's pool, whose housekeeping ({@code fillPool}) is woven: how pools made before an attach are found. */
    static final String HIKARI_POOL = "com.zaxxer.hikari.pool.HikariPool";
    /** Both, as internal names: woven whatever the prefilter says. */
    static final java.util.Set<String> HIKARI_CLASSES = java.util.Set.of(HIKARI_DATA_SOURCE.replace('.', '/'),
            HIKARI_POOL.replace('.', '/'));

    private final MethodSelector selector;
    private final AdviceBindings bindings;
    private final TransformationListener listener;

    /**
     * @param selector decides what each method is
     * @param bindings the advice for selected methods
     * @param listener counts woven classes and reports failures
     */
    Weaver(MethodSelector selector, AdviceBindings bindings, TransformationListener listener) {
        this.selector = selector;
        this.bindings = bindings;
        this.listener = listener;
    }

    /**
     * @param loader the class's loader, not the bootstrap loader
     * @param internalName its name with slashes
     * @param classFile its class file
     * @param tools whether it may have methods to weave as tools (it passed the prefilter)
     * @param classLoader whether it is a class loader, whose {@code loadClass} methods get the boot
     *     delegation for Toolwarden's API
     * @return the woven class file, or {@code null} to leave the class as it is
     */
    byte[] weave(ClassLoader loader, String internalName, byte[] classFile, boolean tools, boolean classLoader) {
        String name = internalName.replace('/', '.');
        try {
            ClassReader reader = new ClassReader(classFile);
            ClassModel type = ClassModel.read(reader, true);
            boolean dataSource = HIKARI_DATA_SOURCE.equals(name);
            boolean pool = HIKARI_POOL.equals(name);
            Map<String, WovenMethod> methods = Map.of();
            if (tools && !dataSource && !pool && selector.weavesAny(type)) {
                methods = bindings.bind(type, new TypeFacts(loader));
            }
            boolean loadClass = classLoader && AdviceBindings.declaresLoadClass(type);
            if (methods.isEmpty() && !dataSource && !pool && !loadClass) {
                return null;
            }
            byte[] woven = rewrite(reader, type, methods, dataSource, pool, loadClass);
            listener.woven(name, loader);
            return woven;
        } catch (Throwable t) {
            listener.failed(name, t);
            return null;
        }
    }

    /**
     * Weaves {@link WarmUpSample} with both advices and discards the result: the first class of the
     * application to be woven then finds the weaver's classes loaded. Called on a background thread
     * at start-up; a failure costs nothing but the warm-up.
     */
    void warmUp() {
        byte[] classFile = ClassFiles.read(WarmUpSample.class.getClassLoader(),
                WarmUpSample.class.getName().replace('.', '/'));
        if (classFile == null) {
            return;
        }
        ClassModel type = ClassModel.read(classFile);
        rewrite(new ClassReader(classFile), type, AdviceBindings.warmUp(type), false, false, false);
    }

    /** @return the class file with the advice in the given methods, and nothing else changed */
    private static byte[] rewrite(ClassReader reader, ClassModel type, Map<String, WovenMethod> methods,
            boolean poolConstructors, boolean poolHousekeeping, boolean loadClass) {
        // The reader given to the writer lets it copy the constant pool, and unchanged methods, as they are.
        ClassWriter writer = new ClassWriter(reader, 0);
        reader.accept(AdviceBindings.weaving(writer, type, methods, poolConstructors, poolHousekeeping, loadClass),
                ClassReader.EXPAND_FRAMES);
        return writer.toByteArray();
    }
}
