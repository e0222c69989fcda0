package com.example.apps;

import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;
import javax.management.ObjectName;

/** Waits up to {@code args[0]} seconds for two Toolwarden MBeans (the runtime and Hello.hello) in its own MBean server. */
public class JmxSelfCheck {

    public static void main(String[] args) throws Exception {
        new Hello().hello("jmx");
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(Long.parseLong(args[0]));
        int found = 0;
        while (found < 2 && System.nanoTime() < until) {
            found = ManagementFactory.getPlatformMBeanServer().queryNames(new ObjectName("dev.toolwarden:*"), null).size();
            Thread.sleep(50);
        }
        Out.result("beans", found);
    }
}
