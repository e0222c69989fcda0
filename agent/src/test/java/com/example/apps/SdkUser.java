package com.example.apps;

import dev.toolwarden.Toolwarden;
import dev.toolwarden.annotation.Tool;

/** An application with the SDK jar on its own class path, reading statistics through the API. */
public class SdkUser {

    @Tool(name = "sdk-lookup")
    public String lookup(String key) {
        return key + key;
    }

    public static void main(String[] args) throws Exception {
        SdkUser u = new SdkUser();
        for (int i = 0; i < 3; i++) {
            u.lookup("x" + i);
        }
        Out.result("attached", Toolwarden.agentAttached());
        Out.result("calls", Toolwarden.statistics("sdk-lookup").map(s -> s.calls()).orElse(0L));
        Out.result("apiLoader", Toolwarden.class.getClassLoader() == null ? "bootstrap" : "application");
        // The application's own copy of the SDK runtime exists, but is not the one in use.
        Out.result("sdkRuntimeOnClasspath",
                Class.forName("dev.toolwarden.runtime.ToolwardenRuntime").getClassLoader() != null);
    }
}
