package dev.toolwarden.agent.matching;

import java.util.HashMap;
import java.util.Map;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.Type;

/**
 * Answers questions about types other than the one being woven from their class files, read as
 * resources of the woven class's loader: never loaded. One per woven class; what it reads it keeps.
 * A type whose class file cannot be read (an optional dependency that is absent) has no answer,
 * and each caller says what that means for it.
 */
public final class TypeFacts {

    private final ClassLoader loader;
    private final Map<String, ClassModel> headers = new HashMap<>();

    /** @param loader the loader that defines the woven class, or {@code null} for the system loader */
    public TypeFacts(ClassLoader loader) {
        this.loader = loader != null ? loader : ClassLoader.getSystemClassLoader();
    }

    /**
     * @param internalName a class's internal name
     * @return its header (no methods), or {@code null} when its class file cannot be read
     */
    public ClassModel header(String internalName) {
        if (headers.containsKey(internalName)) {
            return headers.get(internalName);
        }
        byte[] file = ClassFiles.read(loader, internalName);
        ClassModel header = null;
        try {
            header = file == null ? null : ClassModel.read(new ClassReader(file), false);
        } catch (RuntimeException e) {
            // malformed, or a version ASM does not know: no answer
        }
        headers.put(internalName, header);
        return header;
    }

    /**
     * Whether a value of one type can be assigned to a variable of another, as the JVM would decide.
     *
     * @param from the value's type
     * @param to the variable's type
     * @return {@code TRUE} or {@code FALSE}, or {@code null} when a class file on the way cannot be read
     */
    public Boolean isAssignable(Type from, Type to) {
        if (from.equals(to)) {
            return Boolean.TRUE;
        }
        int fromSort = from.getSort();
        int toSort = to.getSort();
        if (fromSort != Type.OBJECT && fromSort != Type.ARRAY || toSort != Type.OBJECT && toSort != Type.ARRAY) {
            return Boolean.FALSE; // primitives (and void) only to themselves
        }
        String target = to.getInternalName();
        if (target.equals("java/lang/Object")) {
            return Boolean.TRUE;
        }
        if (fromSort == Type.ARRAY) {
            if (target.equals("java/lang/Cloneable") || target.equals("java/io/Serializable")) {
                return Boolean.TRUE;
            }
            if (toSort != Type.ARRAY) {
                return Boolean.FALSE;
            }
            Type fromElement = Type.getType(from.getDescriptor().substring(1));
            Type toElement = Type.getType(to.getDescriptor().substring(1));
            if (fromElement.getSort() != Type.OBJECT && fromElement.getSort() != Type.ARRAY) {
                return Boolean.valueOf(fromElement.equals(toElement));
            }
            return isAssignable(fromElement, toElement);
        }
        if (toSort == Type.ARRAY) {
            return Boolean.FALSE;
        }
        return isSubtype(from.getInternalName(), target, 0);
    }

    private Boolean isSubtype(String type, String target, int depth) {
        if (type.equals(target)) {
            return Boolean.TRUE;
        }
        if (depth > 64) {
            return null; // a cycle in malformed class files
        }
        ClassModel h = header(type);
        if (h == null) {
            return null;
        }
        boolean unknown = false;
        if (h.superName() != null) {
            Boolean viaSuper = isSubtype(h.superName(), target, depth + 1);
            if (Boolean.TRUE.equals(viaSuper)) {
                return Boolean.TRUE;
            }
            unknown = viaSuper == null;
        }
        for (String i : h.interfaces()) {
            Boolean viaInterface = isSubtype(i, target, depth + 1);
            if (Boolean.TRUE.equals(viaInterface)) {
                return Boolean.TRUE;
            }
            unknown |= viaInterface == null;
        }
        return unknown ? null : Boolean.FALSE;
    }
}
