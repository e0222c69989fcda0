package com.example.apps;

import dev.toolwarden.LiveEvents;
import dev.toolwarden.annotation.Tool;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Subscribes to its own Execution events and reports what arrived. */
public class LiveSubscriber {

    @Tool(name = "live-tool")
    public int square(int x) {
        return x * x;
    }

    public static void main(String[] args) throws InterruptedException {
        CountDownLatch five = new CountDownLatch(5);
        List<String> seen = new CopyOnWriteArrayList<>();
        try (LiveEvents.Subscription s = LiveEvents.subscribe(e -> {
            seen.add(e.getString("name") + ":" + e.getString("outcome"));
            five.countDown();
        }, LiveEvents.EXECUTION)) {
            LiveSubscriber app = new LiveSubscriber();
            for (int i = 0; i < 5; i++) {
                app.square(i);
            }
            Out.result("arrived", five.await(20, TimeUnit.SECONDS));
        }
        Out.result("seen", seen.size() + ":" + seen.get(0));
    }
}
