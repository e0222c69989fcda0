package dev.toolwarden.agent.advice;

import java.util.ArrayList;
import java.util.List;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * Weaves the advice into one tool or chat handler method, as it is copied from the class file:
 *
 * <pre>
 *   context = Dispatch.enter(id, conversation[, arguments])      // plain
 *   context = Dispatch.enterGuarded(id, conversation, this, arguments, body)
 *   if (context instanceof Completion) return exitGuardedReturned(default, context, ...)   // skipped body
 *   try {
 *       body, where each {@code return v} becomes
 *           Dispatch.exitReturned(context); return v;                     // plain
 *           try {                                                         // guarded
 *               Dispatch.exitGuardedKept(context, ...); return v;         // v untouched, unboxed
 *               return (T) Dispatch.exitGuardedReturned(v, context, ...); // where the runtime needs v (caching, stages)
 *           } catch (Replaced r) {                 // the caller gets another value
 *               return (T) Dispatch.replacement(r);
 *           } catch (ArgumentsWanted w) {          // the fallback is to be called: only now the arguments are copied
 *               return (T) Dispatch.fallbackWithArguments(w, new Object[] {arguments...}, ...);
 *           }
 *   } catch (Throwable t) {
 *       throw Dispatch.exitThrown(t, context);                            // plain
 *       return (T) Dispatch.exitGuardedThrown(t, context, ...);           // guarded (throws, or a fallback's answer)
 *   }
 * </pre>
 *
 * <p>The advice adds one local, the context, in the slot after the parameters, and where an exit may
 * need the arguments (a fallback), a copy of each parameter after it, taken on entry: the body may
 * assign its parameters, and the fallback gets what the caller passed. The body's own locals move
 * up past them, and every stack map frame of the body gets their types at that place (the body is
 * read with expanded frames); the frames of the advice's handlers type the parameters' own slots as
 * unknown, since they read only the copies. The exit at a {@code return} is inlined with no branch,
 * so it needs no frame and leaves whatever the body had on the stack below the value alone. The
 * handler covers the body but not those inlined exits (the range is split around each), and it
 * comes last in the exception table, after the body's own handlers. All decisions are made in
 * {@code Dispatch}, so the woven code is the same few instructions in every method; nothing is
 * added to the class but constants, so the result is also valid for retransformation.
 */
final class ToolAdvice extends MethodVisitor {

    private static final String DISPATCH = "dev/toolwarden/bootstrap/Dispatch";
    private static final String COMPLETION = "dev/toolwarden/bootstrap/Completion";
    private static final String OBJECT = "java/lang/Object";
    private static final String THROWABLE = "java/lang/Throwable";
    private static final String ARGUMENTS_WANTED = "dev/toolwarden/bootstrap/Dispatch$ArgumentsWanted";
    private static final String REPLACED = "dev/toolwarden/bootstrap/Dispatch$Replaced";
    private static final String GUARDED_TAIL = "Ljava/lang/Object;Ljava/lang/Object;[Ljava/lang/Object;"
            + "Ljava/lang/invoke/MethodHandle;I)Ljava/lang/Object;";

    private final WovenMethod plan;
    private final boolean isStatic;
    private final Type[] parameters;
    private final Type returnType;
    private final boolean frames;
    /** The first slot after the parameters: the context's, and where the body's own locals began. */
    private final int context;
    /** The locals of the frame at the body's start: the parameters, the context, then the copies. */
    private final Object[] adviceLocals;
    /**
     * The locals of the frames at the advice's handlers: as {@link #adviceLocals}, but the parameters' slots
     * unknown (the body may have stored anything there; the handlers read only the receiver and the copies).
     */
    private final Object[] handlerLocals;
    /** Whether the exits may pass the arguments (a fallback): then they are copied on entry, and read from the copies. */
    private final boolean copies;
    /** The slots added at {@link #context}: the context's, and the copies'. */
    private final int inserted;
    /** Set once the copies are taken: the arguments are read from them from then on. */
    private boolean fromCopies;
    private final List<Label> ranges = new ArrayList<>();
    /** The calls of {@code exitGuarded*}, which throw {@code ArgumentsWanted} when the fallback is to be called. */
    private final List<Label> guardedExits = new ArrayList<>();
    /** The calls of {@code exitGuardedKept}, which throw {@code Replaced} when the caller gets another value. */
    private final List<Label> keptExits = new ArrayList<>();
    private Label rangeStart;

    /**
     * @param next the visitor that writes the method
     * @param owner the declaring class's internal name
     * @param access the method's flags
     * @param descriptor the method's descriptor
     * @param frames whether the class file has stack map frames (version 51 or later)
     * @param plan what to weave
     */
    ToolAdvice(MethodVisitor next, String owner, int access, String descriptor, boolean frames, WovenMethod plan) {
        super(Opcodes.ASM9, next);
        this.plan = plan;
        this.isStatic = (access & Opcodes.ACC_STATIC) != 0;
        this.parameters = Type.getArgumentTypes(descriptor);
        this.returnType = Type.getReturnType(descriptor);
        this.frames = frames;
        this.copies = plan.guarded() && (plan.fallback() != null || plan.argumentsOnExit());
        int slot = isStatic ? 0 : 1;
        List<Object> locals = new ArrayList<>();
        List<Object> handler = new ArrayList<>();
        if (!isStatic) {
            locals.add(owner);
            handler.add(owner);
        }
        for (Type p : parameters) {
            slot += p.getSize();
            locals.add(Bytecode.frameType(p));
            for (int i = 0; i < p.getSize(); i++) {
                handler.add(Opcodes.TOP);
            }
        }
        locals.add(OBJECT);
        handler.add(OBJECT);
        if (copies) {
            for (Type p : parameters) {
                locals.add(Bytecode.frameType(p));
                handler.add(Bytecode.frameType(p));
            }
        }
        this.context = slot;
        this.inserted = 1 + (copies ? slot - (isStatic ? 0 : 1) : 0);
        this.adviceLocals = locals.toArray();
        this.handlerLocals = handler.toArray();
    }

    @Override
    public void visitCode() {
        super.visitCode();
        // Entry: outside the handler's range, so a refusal thrown here reaches the caller with no exit.
        Bytecode.pushInt(mv, plan.id());
        pushConversation();
        if (plan.guarded()) {
            pushSelf();
            pushArgumentsIf(plan.argumentsOnEntry());
            Bytecode.pushHandle(mv, plan.body());
            mv.visitMethodInsn(Opcodes.INVOKESTATIC, DISPATCH, "enterGuarded", "(ILjava/lang/Object;Ljava/lang/Object;"
                    + "[Ljava/lang/Object;Ljava/lang/invoke/MethodHandle;)Ljava/lang/Object;", false);
            mv.visitVarInsn(Opcodes.ASTORE, context);
            takeCopies();
            // A completion skips the body: the runtime ran it on a worker, answered from the cache, or refused the call.
            Label body = new Label();
            mv.visitVarInsn(Opcodes.ALOAD, context);
            mv.visitTypeInsn(Opcodes.INSTANCEOF, COMPLETION);
            mv.visitJumpInsn(Opcodes.IFEQ, body);
            if (returnType.getSort() != Type.VOID) {
                Bytecode.pushDefault(mv, returnType);
            }
            guardedReturn();
            mv.visitLabel(body);
            if (frames) {
                mv.visitFrame(Opcodes.F_NEW, adviceLocals.length, adviceLocals.clone(), 0, new Object[0]);
            }
            mv.visitInsn(Opcodes.NOP); // the body's own first frame, if it has one at its start, is at another offset
        } else {
            if (plan.argumentsOnEntry()) {
                pushArguments();
                mv.visitMethodInsn(Opcodes.INVOKESTATIC, DISPATCH, "enter",
                        "(ILjava/lang/Object;[Ljava/lang/Object;)Ljava/lang/Object;", false);
            } else {
                mv.visitMethodInsn(Opcodes.INVOKESTATIC, DISPATCH, "enter", "(ILjava/lang/Object;)Ljava/lang/Object;",
                        false);
            }
            mv.visitVarInsn(Opcodes.ASTORE, context);
        }
        rangeStart = new Label();
        mv.visitLabel(rangeStart);
    }

    @Override
    public void visitInsn(int opcode) {
        if (opcode >= Opcodes.IRETURN && opcode <= Opcodes.RETURN) {
            closeRange();
            if (plan.guarded() && (plan.flags() & dev.toolwarden.bootstrap.Completion.RESULT_ON_EXIT) == 0) {
                guardedKeep(opcode);
            } else if (plan.guarded()) {
                guardedReturn();
            } else {
                mv.visitVarInsn(Opcodes.ALOAD, context);
                mv.visitMethodInsn(Opcodes.INVOKESTATIC, DISPATCH, "exitReturned", "(Ljava/lang/Object;)V", false);
                mv.visitInsn(opcode);
            }
            rangeStart = new Label();
            mv.visitLabel(rangeStart);
            return;
        }
        super.visitInsn(opcode);
    }

    /**
     * The value to return is on the stack (nothing for {@code void}): hands it to the runtime and
     * returns its answer. The arguments are passed only where every exit needs them (an asynchronous
     * method with a fallback); elsewhere the call throws {@code ArgumentsWanted} when the fallback is to
     * be called, to a handler that copies them then (below, in {@link #visitMaxs}).
     */
    private void guardedReturn() {
        if (returnType.getSort() == Type.VOID) {
            mv.visitInsn(Opcodes.ACONST_NULL);
        } else {
            Bytecode.box(mv, returnType);
        }
        mv.visitVarInsn(Opcodes.ALOAD, context);
        pushSelf();
        pushArgumentsIf((plan.flags() & dev.toolwarden.bootstrap.Completion.ARGUMENTS_ON_EXIT) != 0);
        Bytecode.pushHandle(mv, plan.fallback());
        Bytecode.pushInt(mv, plan.flags());
        Label start = new Label();
        Label end = new Label();
        mv.visitLabel(start);
        mv.visitMethodInsn(Opcodes.INVOKESTATIC, DISPATCH, "exitGuardedReturned", "(Ljava/lang/Object;" + GUARDED_TAIL,
                false);
        mv.visitLabel(end);
        guardedExits.add(start);
        guardedExits.add(end);
        returnAnswer();
    }

    /**
     * The value to return is on the stack, and the runtime does not need it: it stays there, unboxed,
     * and is returned unless the runtime throws {@code Replaced} (or {@code ArgumentsWanted}) to the
     * handlers written in {@link #visitMaxs}.
     */
    private void guardedKeep(int returnOpcode) {
        mv.visitVarInsn(Opcodes.ALOAD, context);
        pushSelf();
        Bytecode.pushHandle(mv, plan.fallback());
        Bytecode.pushInt(mv, plan.flags());
        Label start = new Label();
        Label end = new Label();
        mv.visitLabel(start);
        mv.visitMethodInsn(Opcodes.INVOKESTATIC, DISPATCH, "exitGuardedKept",
                "(Ljava/lang/Object;Ljava/lang/Object;Ljava/lang/invoke/MethodHandle;I)V", false);
        mv.visitLabel(end);
        guardedExits.add(start);
        guardedExits.add(end);
        keptExits.add(start);
        keptExits.add(end);
        mv.visitInsn(returnOpcode);
    }

    private void returnAnswer() {
        if (returnType.getSort() == Type.VOID) {
            mv.visitInsn(Opcodes.POP);
            mv.visitInsn(Opcodes.RETURN);
        } else {
            Bytecode.unbox(mv, returnType);
            mv.visitInsn(returnType.getOpcode(Opcodes.IRETURN));
        }
    }

    /** Copies the parameters into the slots after the context, before the body can assign them. */
    private void takeCopies() {
        if (!copies) {
            return;
        }
        int copy = context + 1;
        for (int i = 0; i < parameters.length; i++) {
            mv.visitVarInsn(parameters[i].getOpcode(Opcodes.ILOAD), slotOf(i));
            mv.visitVarInsn(parameters[i].getOpcode(Opcodes.ISTORE), copy);
            copy += parameters[i].getSize();
        }
        fromCopies = true;
    }

    private void pushExitOperands() {
        mv.visitVarInsn(Opcodes.ALOAD, context);
        pushSelf();
        pushArgumentsIf(plan.argumentsOnExit());
        Bytecode.pushHandle(mv, plan.fallback());
        Bytecode.pushInt(mv, plan.flags());
    }

    private void closeRange() {
        Label end = new Label();
        mv.visitLabel(end);
        ranges.add(rangeStart);
        ranges.add(end);
    }

    @Override
    public void visitMaxs(int maxStack, int maxLocals) {
        closeRange();
        Label handler = new Label();
        mv.visitLabel(handler);
        if (frames) {
            mv.visitFrame(Opcodes.F_NEW, handlerLocals.length, handlerLocals.clone(), 1, new Object[] {THROWABLE});
        }
        if (plan.guarded()) {
            pushExitOperands();
            mv.visitMethodInsn(Opcodes.INVOKESTATIC, DISPATCH, "exitGuardedThrown", "(Ljava/lang/Throwable;"
                    + GUARDED_TAIL, false);
            returnAnswer();
        } else {
            mv.visitVarInsn(Opcodes.ALOAD, context);
            mv.visitMethodInsn(Opcodes.INVOKESTATIC, DISPATCH, "exitThrown",
                    "(Ljava/lang/Throwable;Ljava/lang/Object;)Ljava/lang/Throwable;", false);
            mv.visitInsn(Opcodes.ATHROW);
        }
        if (!keptExits.isEmpty()) {
            // The caller gets another value than the body's: taken from the exception, on this rare path only.
            Label replaced = new Label();
            mv.visitLabel(replaced);
            if (frames) {
                mv.visitFrame(Opcodes.F_NEW, handlerLocals.length, handlerLocals.clone(), 1, new Object[] {REPLACED});
            }
            mv.visitMethodInsn(Opcodes.INVOKESTATIC, DISPATCH, "replacement", "(Ljava/lang/Throwable;)Ljava/lang/Object;",
                    false);
            returnAnswer();
            for (int i = 0; i < keptExits.size(); i += 2) {
                mv.visitTryCatchBlock(keptExits.get(i), keptExits.get(i + 1), replaced, REPLACED);
            }
        }
        if (plan.guarded() && plan.fallback() != null && !guardedExits.isEmpty()) {
            // The fallback is to be called after a return: its arguments are copied now, on this rare path only.
            Label wanted = new Label();
            mv.visitLabel(wanted);
            if (frames) {
                mv.visitFrame(Opcodes.F_NEW, handlerLocals.length, handlerLocals.clone(), 1,
                        new Object[] {ARGUMENTS_WANTED});
            }
            pushArguments();
            Bytecode.pushHandle(mv, plan.fallback());
            Bytecode.pushInt(mv, plan.flags());
            mv.visitMethodInsn(Opcodes.INVOKESTATIC, DISPATCH, "fallbackWithArguments",
                    "(Ljava/lang/Throwable;[Ljava/lang/Object;Ljava/lang/invoke/MethodHandle;I)Ljava/lang/Object;", false);
            returnAnswer();
            for (int i = 0; i < guardedExits.size(); i += 2) {
                mv.visitTryCatchBlock(guardedExits.get(i), guardedExits.get(i + 1), wanted, ARGUMENTS_WANTED);
            }
        }
        // Last in the exception table: the body's own handlers, registered before, are tried first.
        for (int i = 0; i < ranges.size(); i += 2) {
            Label start = ranges.get(i);
            Label end = ranges.get(i + 1);
            if (start.getOffset() != end.getOffset()) {
                mv.visitTryCatchBlock(start, end, handler, THROWABLE);
            }
        }
        // The entry builds an array (array, copy, index, a long value) over three operands; an exit, over five.
        super.visitMaxs(maxStack + 10, maxLocals + inserted);
    }

    // The body's locals move up past the context (and the copies).

    @Override
    public void visitVarInsn(int opcode, int var) {
        super.visitVarInsn(opcode, var >= context ? var + inserted : var);
    }

    @Override
    public void visitIincInsn(int var, int increment) {
        super.visitIincInsn(var >= context ? var + inserted : var, increment);
    }

    @Override
    public void visitLocalVariable(String name, String descriptor, String signature, Label start, Label end,
            int index) {
        super.visitLocalVariable(name, descriptor, signature, start, end, index >= context ? index + inserted : index);
    }

    @Override
    public org.objectweb.asm.AnnotationVisitor visitLocalVariableAnnotation(int typeRef,
            org.objectweb.asm.TypePath typePath, Label[] start, Label[] end, int[] index, String descriptor,
            boolean visible) {
        int[] moved = index.clone();
        for (int i = 0; i < moved.length; i++) {
            if (moved[i] >= context) {
                moved[i] += inserted;
            }
        }
        return super.visitLocalVariableAnnotation(typeRef, typePath, start, end, moved, descriptor, visible);
    }

    @Override
    public void visitFrame(int type, int numLocal, Object[] local, int numStack, Object[] stack) {
        Object[] locals = Bytecode.insertLocal(numLocal, local, context, OBJECT);
        if (copies) {
            int slot = context + 1;
            for (Type p : parameters) {
                locals = Bytecode.insertLocal(locals.length, locals, slot, Bytecode.frameType(p));
                slot += p.getSize();
            }
        }
        super.visitFrame(type, locals.length, locals, numStack, stack);
    }

    private void pushConversation() {
        int p = plan.conversationParameter();
        if (p < 0) {
            mv.visitInsn(Opcodes.ACONST_NULL);
            return;
        }
        Type t = parameters[p];
        mv.visitVarInsn(t.getOpcode(Opcodes.ILOAD), slotOf(p));
        Bytecode.box(mv, t);
    }

    private void pushSelf() {
        if (isStatic) {
            mv.visitInsn(Opcodes.ACONST_NULL);
        } else {
            mv.visitVarInsn(Opcodes.ALOAD, 0);
        }
    }

    private void pushArgumentsIf(boolean wanted) {
        if (wanted) {
            pushArguments();
        } else {
            mv.visitInsn(Opcodes.ACONST_NULL);
        }
    }

    /** A new {@code Object[]} of the arguments, primitives boxed. */
    private void pushArguments() {
        Bytecode.pushInt(mv, parameters.length);
        mv.visitTypeInsn(Opcodes.ANEWARRAY, OBJECT);
        for (int i = 0; i < parameters.length; i++) {
            mv.visitInsn(Opcodes.DUP);
            Bytecode.pushInt(mv, i);
            mv.visitVarInsn(parameters[i].getOpcode(Opcodes.ILOAD), fromCopies ? copySlotOf(i) : slotOf(i));
            Bytecode.box(mv, parameters[i]);
            mv.visitInsn(Opcodes.AASTORE);
        }
    }

    /** @return the slot of a parameter's copy (where {@link #copies}) */
    private int copySlotOf(int parameter) {
        return slotOf(parameter) - (isStatic ? 0 : 1) + context + 1;
    }

    private int slotOf(int parameter) {
        int slot = isStatic ? 0 : 1;
        for (int i = 0; i < parameter; i++) {
            slot += parameters[i].getSize();
        }
        return slot;
    }
}
