package dev.toolwarden.monitor;

import dev.toolwarden.ResourceUsage;

/** Takes one sample of the machine's and the JVM's resources. Implementations never throw. */
public interface ResourceSampler {

    /** @return the figures now; unknown ones as NaN or -1 */
    ResourceUsage sample();

    /** @return where the figures come from, for the sample's {@code source} */
    String name();
}
