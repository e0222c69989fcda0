package dev.toolwarden.agent.matching;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.objectweb.asm.AnnotationVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * An annotation as its class file writes it: the annotation type's name and the attributes that are
 * given explicitly (an attribute left at its default is absent). Read by name, so the annotation
 * type is never loaded, nor even read.
 *
 * @param type the annotation type's binary name ({@code dev.toolwarden.annotation.Tool})
 * @param values the explicit attributes: strings, boxed primitives, enum constants' names, class
 *     names, lists for arrays; nested annotations are left out
 */
public record AnnotationModel(String type, Map<String, Object> values) {

    /**
     * @param attribute an attribute's name
     * @return its explicit value, or {@code null}
     */
    public Object value(String attribute) {
        return values.get(attribute);
    }

    /** Collects one annotation's attributes, then hands it to {@code sink}. */
    static AnnotationVisitor reader(String descriptor, List<AnnotationModel> sink) {
        String type = Type.getType(descriptor).getClassName();
        Map<String, Object> values = new HashMap<>(4);
        return new Values(values, new Add(sink, new AnnotationModel(type, values)));
    }

    /** Adds the annotation, read to the end, to its list. (A class: annotations are read while the JVM starts.) */
    private static final class Add implements Runnable {
        private final List<AnnotationModel> sink;
        private final AnnotationModel annotation;

        Add(List<AnnotationModel> sink, AnnotationModel annotation) {
            this.sink = sink;
            this.annotation = annotation;
        }

        @Override
        public void run() {
            sink.add(annotation);
        }
    }

    /** Reads attribute values into a map, or (for arrays) a list. */
    private static final class Values extends AnnotationVisitor {
        private final Map<String, Object> values;
        private final List<Object> array;
        private final Runnable done;

        Values(Map<String, Object> values, Runnable done) {
            super(Opcodes.ASM9);
            this.values = values;
            this.array = null;
            this.done = done;
        }

        Values(List<Object> array) {
            super(Opcodes.ASM9);
            this.values = null;
            this.array = array;
            this.done = null;
        }

        private void put(String name, Object value) {
            if (array != null) {
                array.add(value);
            } else {
                values.put(name, value);
            }
        }

        @Override
        public void visit(String name, Object value) {
            put(name, value instanceof Type t ? t.getClassName() : value);
        }

        @Override
        public void visitEnum(String name, String descriptor, String value) {
            put(name, value);
        }

        @Override
        public AnnotationVisitor visitArray(String name) {
            List<Object> list = new ArrayList<>();
            put(name, list);
            return new Values(list);
        }

        @Override
        public AnnotationVisitor visitAnnotation(String name, String descriptor) {
            return null;
        }

        @Override
        public void visitEnd() {
            if (done != null) {
                done.run();
            }
        }
    }
}
