package com.example.apps;

import dev.toolwarden.annotation.Tool;
import java.lang.invoke.MethodHandles;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * Tools with lambdas inside and around them, called through method references and on other
 * threads, and a hidden class (as frameworks define them at run time) whose method carries
 * {@code @Tool}.
 */
public class HiddenAndLambdas {

    @Tool(name = "doubled")
    public int doubled(List<Integer> values) {
        return values.stream().mapToInt(v -> v * 2).sum();
    }

    @Tool(name = "greet")
    public String greet(String name) {
        return "hello " + name;
    }

    @Tool(name = "later")
    public Supplier<String> later(String text) {
        return () -> text + "!";
    }

    public static void main(String[] args) throws Exception {
        HiddenAndLambdas tools = new HiddenAndLambdas();
        Out.result("doubled", tools.doubled(List.of(1, 2, 3)));
        Function<String, String> greet = tools::greet;
        Out.result("greet", greet.apply("ref"));
        Out.result("later", tools.later("soon").get());
        var pool = Executors.newSingleThreadExecutor();
        try {
            Out.result("async", CompletableFuture.supplyAsync(() -> tools.greet("thread"), pool).get());
        } finally {
            pool.shutdown();
        }
        Runnable lambda = () -> Out.result("runnable", tools.doubled(List.of(10)));
        lambda.run();

        byte[] bytes = ManyClasses.classFile("com/example/apps/HiddenTool", 0, true);
        Class<?> hidden = MethodHandles.lookup().defineHiddenClass(bytes, true).lookupClass();
        @SuppressWarnings("unchecked")
        UnaryOperator<Object> op = (UnaryOperator<Object>) hidden.getDeclaredConstructor().newInstance();
        Out.result("hidden", op.apply("in a hidden class"));
        Out.result("hiddenIsHidden", hidden.isHidden());
        Out.statistics();
    }
}
