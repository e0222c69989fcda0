package dev.toolwarden.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.example.apps.JmxApp;
import com.example.apps.JmxSelfCheck;
import com.example.apps.LiveSubscriber;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import org.junit.jupiter.api.Test;

/** Watching a running application: JMX as JConsole reads it, and live events through the SDK. */
class ObservabilityIT {

    @Test
    void aJmxClientReadsEveryToolsStatistics() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        // startup.grace=0s: the beans are registered a second after start, not after the default grace.
        Process p = new ProcessBuilder(ChildJvm.JAVA, "-javaagent:" + ChildJvm.AGENT.toAbsolutePath(),
                "-Dtoolwarden.startup.grace=0s", "-Dcom.sun.management.jmxremote.port=" + port, "-Dcom.sun.management.jmxremote.authenticate=false",
                "-Dcom.sun.management.jmxremote.ssl=false", "-Djava.rmi.server.hostname=127.0.0.1",
                "-cp", ChildJvm.TEST_CLASSES.toString(), JmxApp.class.getName())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String line;
            do {
                line = out.readLine();
            } while (line != null && !line.equals("RESULT ready=true"));
            assertEquals("RESULT ready=true", line, "the application started");
            JMXServiceURL url = new JMXServiceURL("service:jmx:rmi:///jndi/rmi://127.0.0.1:" + port + "/jmxrmi");
            try (JMXConnector connector = JMXConnectorFactory.connect(url)) {
                MBeanServerConnection jmx = connector.getMBeanServerConnection();
                ObjectName lookup = new ObjectName("dev.toolwarden:type=Tool,name=\"jmx-lookup\"");
                Set<ObjectName> tools = Set.of();
                // The beans are published by the agent's housekeeping thread about a second after start-up (grace 0s).
                for (long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20); tools.size() < 2
                        && System.nanoTime() < until;) {
                    tools = jmx.queryNames(new ObjectName("dev.toolwarden:type=Tool,*"), null);
                    Thread.onSpinWait();
                }
                assertEquals(Set.of(lookup, new ObjectName("dev.toolwarden:type=Tool,name=\"jmx-chat\"")), tools);
                assertEquals(6L, jmx.getAttribute(lookup, "Calls"), "five direct calls and one from the chat");
                assertEquals(0L, jmx.getAttribute(lookup, "Errors"));
                assertEquals("TOOL", jmx.getAttribute(lookup, "Kind"));
                double p50 = (Double) jmx.getAttribute(lookup, "P50Millis");
                double max = (Double) jmx.getAttribute(lookup, "MaxMillis");
                assertTrue(p50 > 0 && p50 <= max, p50 + " <= " + max);
                assertTrue((Long) jmx.getAttribute(lookup, "MeanAllocatedBytes") > 0);
                ObjectName runtime = new ObjectName("dev.toolwarden:type=Runtime");
                assertEquals(true, jmx.getAttribute(runtime, "AgentAttached"));
                assertEquals(2, jmx.getAttribute(runtime, "Tools"));
                assertEquals(0L, jmx.getAttribute(runtime, "InternalErrors"));
            }
        } finally {
            p.getOutputStream().close();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    @Test
    void theBeansAreInTheApplicationsOwnMBeanServerUnlessSwitchedOff() {
        ChildResult on = ChildJvm.app(JmxSelfCheck.class).agentArguments("startup.grace=0s").args("20").run();
        assertEquals("2", on.values().get("beans"), "the runtime's and Hello.hello's: " + on.describe());
        ChildResult off = ChildJvm.app(JmxSelfCheck.class).agentArguments("jmx=false").args("3").run();
        assertEquals("0", off.values().get("beans"), off::describe);
    }

    @Test
    void anApplicationSubscribesToItsOwnEventsLive() {
        ChildResult r = ChildJvm.app(LiveSubscriber.class).run();
        assertEquals("true", r.values().get("arrived"), r::describe);
        assertTrue(List.of("5:live-tool:SUCCESS").contains(r.values().get("seen")), r::describe);
    }
}
