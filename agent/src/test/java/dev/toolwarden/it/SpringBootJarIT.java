package dev.toolwarden.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;

/**
 * A Spring Boot executable jar, laid out as Spring Boot's build plugins lay it out (its launcher at
 * the top, the application in {@code BOOT-INF/classes}, a library jar stored in {@code BOOT-INF/lib}),
 * started with {@code java -javaagent:... -jar}: tools loaded by Spring Boot's nested-jar class
 * loader are woven, from the application's classes and from the nested jar.
 */
class SpringBootJarIT {

    private static final Path LOADER = ChildJvm.FOREIGN_LIBS.resolve("spring-boot-loader-4.0.7.jar");

    @Test
    void toolsInAnExecutableJarAndInAJarNestedInItAreWoven() throws Exception {
        Path dir = Files.createTempDirectory(ChildJvm.workFile("boot").getParent(), "boot");
        Path jar = dir.resolve("boot-app.jar");
        build(jar);
        List<String> command = new ArrayList<>(List.of(ChildJvm.JAVA, "-javaagent:" + ChildJvm.AGENT.toAbsolutePath()
                + "=db.url=none,shedding=false", "-jar", jar.toString()));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        Map<String, String> v = new HashMap<>();
        out.lines().filter(l -> l.startsWith("RESULT ")).forEach(l -> {
            String kv = l.substring(7);
            v.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
        });
        assertEquals("org.springframework.boot.loader.launch.LaunchedClassLoader", v.get("loader"), out);
        assertEquals(v.get("loader"), v.get("libLoader"), "the nested jar's classes come from the same loader");
        assertEquals("quick boot", v.get("quick"));
        assertEquals("ToolTimeoutException", v.get("hang"), "a tool in BOOT-INF/classes is woven: its limit holds");
        assertTrue(Long.parseLong(v.get("hangMillis")) < 2000, v.get("hangMillis"));
        assertEquals("42", v.get("lib"));
        assertEquals("[boot.hang:1, boot.lib:1, boot.quick:1]", v.get("calls"), "all three counted, the nested jar's too");
        assertFalse(out.contains("[toolwarden] error"), out);
    }

    /** The executable jar: the launcher's classes at the top, the application and a stored nested jar below. */
    private static void build(Path jar) throws IOException {
        Manifest manifest = new Manifest();
        Attributes a = manifest.getMainAttributes();
        a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        a.put(Attributes.Name.MAIN_CLASS, "org.springframework.boot.loader.launch.JarLauncher");
        a.putValue("Start-Class", "com.example.boot.BootApp");
        a.putValue("Spring-Boot-Classes", "BOOT-INF/classes/");
        a.putValue("Spring-Boot-Lib", "BOOT-INF/lib/");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest);
                JarFile loader = new JarFile(LOADER.toFile())) {
            for (Enumeration<JarEntry> e = loader.entries(); e.hasMoreElements();) {
                JarEntry entry = e.nextElement();
                if (entry.getName().startsWith("META-INF/")) {
                    continue;
                }
                out.putNextEntry(new JarEntry(entry.getName()));
                if (!entry.isDirectory()) {
                    try (InputStream in = loader.getInputStream(entry)) {
                        in.transferTo(out);
                    }
                }
                out.closeEntry();
            }
            // Directory entries too: the launcher finds BOOT-INF/classes/ by its entry, as the build plugins write it.
            for (String d : List.of("BOOT-INF/", "BOOT-INF/classes/", "BOOT-INF/classes/com/", "BOOT-INF/classes/com/example/",
                    "BOOT-INF/classes/com/example/boot/", "BOOT-INF/lib/")) {
                out.putNextEntry(new JarEntry(d));
                out.closeEntry();
            }
            for (String c : List.of("com/example/boot/BootApp.class", "com/example/boot/BootTools.class")) {
                out.putNextEntry(new JarEntry("BOOT-INF/classes/" + c));
                out.write(Files.readAllBytes(ChildJvm.TEST_CLASSES.resolve(c)));
                out.closeEntry();
            }
            stored(out, "BOOT-INF/lib/bootlib.jar", nestedJar());
        }
    }

    private static byte[] nestedJar() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarOutputStream out = new JarOutputStream(bytes)) {
            String c = "com/example/bootlib/LibTool.class";
            out.putNextEntry(new JarEntry(c));
            out.write(Files.readAllBytes(ChildJvm.TEST_CLASSES.resolve(c)));
            out.closeEntry();
        }
        return bytes.toByteArray();
    }

    /** Nested jars must be stored, not deflated, for Spring Boot's loader to read them in place. */
    private static void stored(JarOutputStream out, String name, byte[] content) throws IOException {
        JarEntry e = new JarEntry(name);
        e.setMethod(ZipEntry.STORED);
        e.setSize(content.length);
        e.setCompressedSize(content.length);
        CRC32 crc = new CRC32();
        crc.update(content);
        e.setCrc(crc.getValue());
        out.putNextEntry(e);
        ((OutputStream) out).write(content);
        out.closeEntry();
    }
}
