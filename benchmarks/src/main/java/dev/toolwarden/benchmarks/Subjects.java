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

    /** Woven with a fallback: the guarded advice, on a call that stays within its limits. */
    public static final class WithFallback {
        /**
         * @param x a value
         * @return x plus one
         */
        @Tool(name = "fallback-noop")
        @dev.toolwarden.annotation.Fallback("fallback")
        public int noop(int x) {
            return x + 1;
        }

        /**
         * @param x a value
         * @return -1
         */
        public int fallback(int x) {
            return -1;
        }
    }

    /** Woven and isolated: every call runs on an isolation worker. */
    public static final class Isolated {
        /**
         * @param x a value
         * @return x plus one
         */
        @Tool(name = "isolated-noop")
        @dev.toolwarden.annotation.Timeout(isolate = true)
        public int noop(int x) {
            return x + 1;
        }
    }

    /** Woven, returning a stage: the call ends when the stage completes (here, at once). */
    public static final class Async {
        /**
         * @param x a value
         * @return a completed stage of x plus one
         */
        @Tool(name = "async-noop")
        public java.util.concurrent.CompletableFuture<Integer> noop(int x) {
            return java.util.concurrent.CompletableFuture.completedFuture(x + 1);
        }
    }

    /** Not annotated: the same stage, directly. */
    public static final class PlainAsync {
        /**
         * @param x a value
         * @return a completed stage of x plus one
         */
        public java.util.concurrent.CompletableFuture<Integer> noop(int x) {
            return java.util.concurrent.CompletableFuture.completedFuture(x + 1);
        }
    }

    /** A woven {@code @Cached} tool. */
    public static final class CachedLookup {
        /**
         * @param query a query
         * @return its answer
         */
        @Tool(name = "cached-lookup")
        @dev.toolwarden.annotation.Cached
        public String lookup(String query) {
            return "answer to " + query;
        }
    }

    /** A cached tool in the category {@code shared_bench}, which the shared cache benchmark gives a Redis tier. */
    public static final class SharedLookup {
        /** Bodies run: a look-up answered by either tier runs none. */
        public static final java.util.concurrent.atomic.LongAdder RUNS = new java.util.concurrent.atomic.LongAdder();

        /**
         * @param query a query
         * @return its answer
         */
        @Tool(name = "shared-lookup")
        @dev.toolwarden.annotation.Cached(category = "shared_bench")
        public String lookup(String query) {
            RUNS.increment();
            return "answer to " + query;
        }
    }
}
