package dev.toolwarden.benchmarks;

import dev.toolwarden.annotation.Tool;

/** The methods under measurement: the same no-op body, woven and not. */
public final class Subjects {

    private Subjects() {
    }

    /** Not annotated: the direct call, the baseline. */
    public static final class Plain {
        /**
         * @param x a value
         * @return x plus one
         */
        public int noop(int x) {
            return x + 1;
        }
    }

    /** Woven, with both limits switched off. */
    public static final class Unlimited {
        /**
         * @param x a value
         * @return x plus one
         */
        @Tool(name = "unlimited-noop")
        @dev.toolwarden.annotation.Timeout(soft = "0", hard = "0")
        public int noop(int x) {
            return x + 1;
        }
    }

    /** Annotated: woven by the agent. */
    public static final class Woven {
        /**
         * @param x a value
         * @return x plus one
         */
        @Tool(name = "noop")
        public int noop(int x) {
            return x + 1;
        }
    }
}
