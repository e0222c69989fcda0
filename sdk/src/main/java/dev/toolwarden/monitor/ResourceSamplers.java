package dev.toolwarden.monitor;

import dev.toolwarden.log.Log;

/** Chooses the sampler: OSHI where it can run quietly, else the JDK's own figures. */
public final class ResourceSamplers {

    private ResourceSamplers() {
    }

    /**
     * OSHI, unless it cannot load here or would make the JVM print a warning: on JDK 24 and later,
     * OSHI's native library (through JNA) needs native access, and without
     * {@code --enable-native-access=ALL-UNNAMED} the JVM warns on the application's error output.
     * Then, and wherever OSHI fails, the JDK's {@code OperatingSystemMXBean} gives the figures.
     *
     * @return the sampler
     */
    public static ResourceSampler create() {
        if (!nativeAccessQuiet()) {
            Log.debug("resource figures from the JDK: OSHI would need --enable-native-access=ALL-UNNAMED on this JDK");
            return new JdkSampler();
        }
        try {
            return new OshiSampler();
        } catch (RuntimeException | LinkageError e) {
            Log.info("resource figures from the JDK: OSHI cannot run here (" + e + ")");
            return new JdkSampler();
        }
    }

    /** @return the JDK's sampler (tests and benchmarks compare it with OSHI's) */
    public static ResourceSampler jdk() {
        return new JdkSampler();
    }

    /**
     * @return OSHI's sampler
     * @throws LinkageError or RuntimeException when OSHI cannot run
     */
    public static ResourceSampler oshi() {
        return new OshiSampler();
    }

    /** Whether loading a native library from this class's module would go without a JVM warning. */
    static boolean nativeAccessQuiet() {
        if (Runtime.version().feature() < 24) {
            return true;
        }
        try {
            Module module = ResourceSamplers.class.getModule();
            return (Boolean) Module.class.getMethod("isNativeAccessEnabled").invoke(module);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
    }
}
