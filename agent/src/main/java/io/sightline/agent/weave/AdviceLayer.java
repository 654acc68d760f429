package io.sightline.agent.weave;

import io.sightline.agent.weave.AdviceMethod.Binding;
import io.sightline.agent.weave.AdviceMethod.Parameter;
import io.sightline.bootstrap.Hooks;
import net.bytebuddy.description.annotation.AnnotationList;
import net.bytebuddy.description.annotation.AnnotationValue;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.method.ParameterDescription;
import net.bytebuddy.description.method.ParameterList;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.description.type.TypeList;
import net.bytebuddy.implementation.bytecode.StackSize;
import net.bytebuddy.jar.asm.AnnotationVisitor;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.Handle;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;
import net.bytebuddy.jar.asm.TypePath;
import net.bytebuddy.utility.visitor.StackAwareMethodVisitor;

/**
 * The advice of one advice class inlined into one method: the method's code, as it streams
 * through, gets the enter advice in front and the exit advice at every return (and, with {@code
 * onThrowable}, on every exception), as Byte Buddy's {@code Advice} inlines it.
 *
 * <p>The layout: the advice's values live in local variables inserted right after the method's
 * parameters; the method's own locals move up by as many. Each advice method gets a block of them
 * as large as its own locals, its parameters first: they are filled before its code (the method's
 * {@code this}, argument, return value...) and, for those that are not read-only, copied back
 * after it. Its code is copied with its locals moved into that block, and its {@code return}
 * becomes a jump past it (the enter advice's value stored first). The method's returns store the
 * return value and jump to the exit advice, which ends in the method's one return (or rethrows).
 * Stack map frames are computed afresh by the class writer.
 *
 * <p>Several layers nest as Byte Buddy nests them: the first advice applied is the outermost.
 */
final class AdviceLayer extends StackAwareMethodVisitor {
  private static final String HOOKS = Type.getInternalName(Hooks.class);
  private static final String OBJECT = "java/lang/Object";

  private final Weaver.ClassInfo owner;
  private final String methodName;
  private final String methodDescriptor;
  private final boolean isStatic;
  private final boolean constructor;
  private final Type[] arguments;
  private final Type returnType;
  private final AdviceClass advice;
  private final AdviceMethod enter;
  private final AdviceMethod exit;

  /** The method's parameters' size: its locals from here on move up by {@link #inserted}. */
  private final int parameterSize;
  private final int inserted;
  private final int enterBlock;
  private final int enterValue;
  private final int[] backups;
  private final int returnSlot;
  private final int thrownSlot;
  private final int exitBlock;

  private final Label bodyStart = new Label();
  private final Label exitStart = new Label();
  private Label skip;

  AdviceLayer(MethodVisitor next, Weaver.ClassInfo owner, int access, String name, String descriptor,
      AdviceClass advice) {
    super(next, new ParameterSlots(access, descriptor));
    this.owner = owner;
    this.methodName = name;
    this.methodDescriptor = descriptor;
    this.isStatic = (access & Opcodes.ACC_STATIC) != 0;
    this.constructor = "<init>".equals(name);
    this.arguments = Type.getArgumentTypes(descriptor);
    this.returnType = Type.getReturnType(descriptor);
    this.advice = advice;
    this.enter = advice.enter;
    this.exit = advice.exit;
    check();

    int size = isStatic ? 0 : 1;
    for (Type argument : arguments) {
      size += argument.getSize();
    }
    parameterSize = size;
    int next0 = size;
    enterBlock = next0;
    next0 += enter == null ? 0 : enter.maxLocals;
    enterValue = next0;
    next0 += enter == null ? 0 : enter.returnType.getSize();
    backups = new int[arguments.length];
    java.util.Arrays.fill(backups, -1);
    if (exit != null && exit.backupArguments) {
      for (Parameter parameter : exit.parameters) {
        if (parameter.binding == Binding.ARGUMENT || parameter.binding == Binding.ALL_ARGUMENTS) {
          for (int i = 0; i < arguments.length; i++) {
            if (backups[i] < 0 && (parameter.binding == Binding.ALL_ARGUMENTS || parameter.index == i)) {
              backups[i] = next0;
              next0 += arguments[i].getSize();
            }
          }
        }
      }
    }
    returnSlot = next0;
    next0 += exit == null ? 0 : returnType.getSize();
    thrownSlot = exit != null && exit.onThrowable != null ? next0 : -1;
    next0 += thrownSlot < 0 ? 0 : 1;
    exitBlock = next0;
    next0 += exit == null ? 0 : exit.maxLocals;
    inserted = next0 - size;
  }

  /** Refuses what Byte Buddy refuses too, or what this weaver leaves to it. */
  private void check() {
    for (AdviceMethod method : new AdviceMethod[] {enter, exit}) {
      if (method == null) {
        continue;
      }
      for (Parameter parameter : method.parameters) {
        boolean needsThis = parameter.binding == Binding.THIS
            || parameter.binding == Binding.FIELD_VALUE && !owner.isStaticField(parameter.value);
        if (needsThis && (isStatic || constructor && method == enter)) {
          throw new CannotWeave(parameter.binding + " in " + (isStatic ? "a static method" : "a constructor's enter advice"));
        }
        if (parameter.binding == Binding.ARGUMENT && parameter.index >= arguments.length) {
          throw new CannotWeave("argument " + parameter.index + " of " + methodName + methodDescriptor);
        }
        if (parameter.binding == Binding.ENTER && (enter == null || enter.returnType.getSort() == Type.VOID)) {
          throw new CannotWeave("@Enter without an enter value");
        }
      }
    }
    if (constructor && exit != null && exit.onThrowable != null) {
      throw new CannotWeave("onThrowable in a constructor");
    }
    if (constructor && enter != null && enter.skipOn != null) {
      throw new CannotWeave("skipOn in a constructor");
    }
  }

  private int shift(int slot) {
    return slot < parameterSize ? slot : slot + inserted;
  }

  private int argumentSlot(int index) {
    int slot = isStatic ? 0 : 1;
    for (int i = 0; i < index; i++) {
      slot += arguments[i].getSize();
    }
    return slot;
  }

  // ---- the method's own code, as it streams through ----

  @Override
  public void visitCode() {
    super.visitCode();
    if (enter != null) {
      adviceBlock(enter, enterBlock);
      if (enter.skipOn != null) {
        skip = new Label();
        boolean reference = enter.returnType.getSort() >= Type.ARRAY;
        super.visitVarInsn(enter.returnType.getOpcode(Opcodes.ILOAD), enterValue);
        int jump = enter.isSkipOnDefault() ? (reference ? Opcodes.IFNULL : Opcodes.IFEQ)
            : (reference ? Opcodes.IFNONNULL : Opcodes.IFNE);
        super.visitJumpInsn(jump, skip);
      }
    }
    for (int i = 0; i < arguments.length; i++) {
      if (backups[i] >= 0) {
        super.visitVarInsn(arguments[i].getOpcode(Opcodes.ILOAD), argumentSlot(i));
        super.visitVarInsn(arguments[i].getOpcode(Opcodes.ISTORE), backups[i]);
      }
    }
    super.visitLabel(bodyStart);
  }

  @Override
  public void visitVarInsn(int opcode, int slot) {
    if (opcode == Opcodes.RET) {
      throw new CannotWeave("a subroutine (jsr/ret) in " + methodName);
    }
    super.visitVarInsn(opcode, shift(slot));
  }

  @Override
  public void visitJumpInsn(int opcode, Label label) {
    if (opcode == Opcodes.JSR) {
      throw new CannotWeave("a subroutine (jsr/ret) in " + methodName);
    }
    super.visitJumpInsn(opcode, label);
  }

  @Override
  public void visitIincInsn(int slot, int increment) {
    super.visitIincInsn(shift(slot), increment);
  }

  @Override
  public void visitLocalVariable(String name, String descriptor, String signature, Label start, Label end, int slot) {
    super.visitLocalVariable(name, descriptor, signature, start, end, shift(slot));
  }

  @Override
  public AnnotationVisitor visitLocalVariableAnnotation(int typeRef, TypePath typePath, Label[] start, Label[] end,
      int[] slots, String descriptor, boolean visible) {
    int[] moved = new int[slots.length];
    for (int i = 0; i < slots.length; i++) {
      moved[i] = shift(slots[i]);
    }
    return super.visitLocalVariableAnnotation(typeRef, typePath, start, end, moved, descriptor, visible);
  }

  @Override
  public void visitFrame(int type, int localCount, Object[] locals, int stackCount, Object[] stack) {
    // Frames are computed afresh by the class writer.
  }

  @Override
  public void visitInsn(int opcode) {
    if (exit == null || opcode < Opcodes.IRETURN || opcode > Opcodes.RETURN) {
      super.visitInsn(opcode);
      return;
    }
    // A return: keep the value (anything below it on the stack is dropped) and run the exit advice.
    if (returnType.getSort() == Type.VOID) {
      drainStack();
    } else {
      drainStack(returnType.getOpcode(Opcodes.ISTORE), returnType.getOpcode(Opcodes.ILOAD),
          returnType.getSize() == 2 ? StackSize.DOUBLE : StackSize.SINGLE);
      super.visitVarInsn(returnType.getOpcode(Opcodes.ISTORE), returnSlot);
    }
    if (thrownSlot >= 0) {
      super.visitInsn(Opcodes.ACONST_NULL);
      super.visitVarInsn(Opcodes.ASTORE, thrownSlot);
    }
    super.visitJumpInsn(Opcodes.GOTO, exitStart);
  }

  @Override
  public void visitMaxs(int maxStack, int maxLocals) {
    Label bodyEnd = new Label();
    super.visitLabel(bodyEnd);
    if (skip != null) {
      super.visitLabel(skip);
      if (exit == null) {
        pushDefault(returnType);
        super.visitInsn(returnType.getOpcode(Opcodes.IRETURN));
      } else {
        storeDefaultReturn();
        if (thrownSlot >= 0) {
          super.visitInsn(Opcodes.ACONST_NULL);
          super.visitVarInsn(Opcodes.ASTORE, thrownSlot);
        }
        super.visitJumpInsn(Opcodes.GOTO, exitStart);
      }
    }
    if (exit != null) {
      if (thrownSlot >= 0) {
        Label handler = new Label();
        // Registered last: the method's own handlers, and inner layers', come first.
        super.visitTryCatchBlock(bodyStart, bodyEnd, handler, exit.onThrowable);
        super.visitLabel(handler);
        super.visitVarInsn(Opcodes.ASTORE, thrownSlot);
        storeDefaultReturn();
      }
      super.visitLabel(exitStart);
      adviceBlock(exit, exitBlock);
      if (thrownSlot >= 0) {
        Label noThrowable = new Label();
        super.visitVarInsn(Opcodes.ALOAD, thrownSlot);
        super.visitJumpInsn(Opcodes.IFNULL, noThrowable);
        super.visitVarInsn(Opcodes.ALOAD, thrownSlot);
        super.visitInsn(Opcodes.ATHROW);
        super.visitLabel(noThrowable);
      }
      if (returnType.getSort() != Type.VOID) {
        super.visitVarInsn(returnType.getOpcode(Opcodes.ILOAD), returnSlot);
      }
      super.visitInsn(returnType.getOpcode(Opcodes.IRETURN));
    }
    super.visitMaxs(maxStack, maxLocals);
  }

  private void storeDefaultReturn() {
    if (returnType.getSort() != Type.VOID) {
      pushDefault(returnType);
      super.visitVarInsn(returnType.getOpcode(Opcodes.ISTORE), returnSlot);
    }
  }

  // ---- one advice method, inlined ----

  /**
   * The advice method's parameters filled, its code, its writable parameters copied back, all
   * under its exception handler when it suppresses; a suppressed exception leaves the enter value
   * at its default, as Byte Buddy does.
   */
  private void adviceBlock(AdviceMethod method, int block) {
    Label start = new Label();
    Label end = new Label();
    Label handler = new Label();
    Label done = new Label();
    Label returned = new Label();
    boolean enterValue = method == enter && method.returnType.getSort() != Type.VOID;
    if (enterValue && method.suppress != null) {
      // Defined on every path, for the verifier.
      pushDefault(method.returnType);
      super.visitVarInsn(method.returnType.getOpcode(Opcodes.ISTORE), this.enterValue);
    }
    super.visitLabel(start);
    for (Parameter parameter : method.parameters) {
      load(method, parameter);
      super.visitVarInsn(parameter.type.getOpcode(Opcodes.ISTORE), block + parameter.slot);
    }
    inline(method, block, returned);
    super.visitLabel(returned);
    for (Parameter parameter : method.parameters) {
      if (!parameter.readOnly) {
        writeBack(method, parameter, block);
      }
    }
    super.visitLabel(end);
    if (method.suppress != null) {
      // After the advice's own handlers, which take precedence over it.
      super.visitTryCatchBlock(start, end, handler, method.suppress);
      super.visitJumpInsn(Opcodes.GOTO, done);
      super.visitLabel(handler);
      super.visitMethodInsn(Opcodes.INVOKESTATIC, HOOKS, "suppressed", "(Ljava/lang/Throwable;)V", false);
      if (enterValue) {
        pushDefault(method.returnType);
        super.visitVarInsn(method.returnType.getOpcode(Opcodes.ISTORE), this.enterValue);
      }
      super.visitLabel(done);
    }
  }

  /** Pushes the value a parameter is bound to, as the parameter's type. */
  private void load(AdviceMethod method, Parameter parameter) {
    switch (parameter.binding) {
      case THIS:
        super.visitVarInsn(Opcodes.ALOAD, 0);
        convert(Type.getObjectType(owner.name), parameter.type, parameter.dynamic);
        break;
      case ARGUMENT: {
        int index = parameter.index;
        int slot = method == exit && backups[index] >= 0 ? backups[index] : argumentSlot(index);
        super.visitVarInsn(arguments[index].getOpcode(Opcodes.ILOAD), slot);
        convert(arguments[index], parameter.type, parameter.dynamic);
        break;
      }
      case ALL_ARGUMENTS:
        if (!"[Ljava/lang/Object;".equals(parameter.type.getDescriptor())) {
          throw new CannotWeave("@AllArguments of " + parameter.type);
        }
        push(arguments.length);
        super.visitTypeInsn(Opcodes.ANEWARRAY, OBJECT);
        for (int i = 0; i < arguments.length; i++) {
          super.visitInsn(Opcodes.DUP);
          push(i);
          int slot = method == exit && backups[i] >= 0 ? backups[i] : argumentSlot(i);
          super.visitVarInsn(arguments[i].getOpcode(Opcodes.ILOAD), slot);
          convert(arguments[i], Type.getObjectType(OBJECT), false);
          super.visitInsn(Opcodes.AASTORE);
        }
        break;
      case ENTER:
        super.visitVarInsn(enter.returnType.getOpcode(Opcodes.ILOAD), enterValue);
        convert(enter.returnType, parameter.type, parameter.dynamic);
        break;
      case RETURN:
        if (returnType.getSort() == Type.VOID) {
          pushDefault(parameter.type);
        } else {
          super.visitVarInsn(returnType.getOpcode(Opcodes.ILOAD), returnSlot);
          convert(returnType, parameter.type, parameter.dynamic);
        }
        break;
      case THROWN:
        if (thrownSlot < 0) {
          super.visitInsn(Opcodes.ACONST_NULL);
        } else {
          super.visitVarInsn(Opcodes.ALOAD, thrownSlot);
          convert(Type.getObjectType("java/lang/Throwable"), parameter.type, parameter.dynamic);
        }
        break;
      case ORIGIN:
        origin(parameter);
        break;
      case FIELD_VALUE: {
        Weaver.Field field = field(parameter);
        if (field.isStatic) {
          super.visitFieldInsn(Opcodes.GETSTATIC, owner.name, field.name, field.descriptor);
        } else {
          super.visitVarInsn(Opcodes.ALOAD, 0);
          super.visitFieldInsn(Opcodes.GETFIELD, owner.name, field.name, field.descriptor);
        }
        convert(Type.getType(field.descriptor), parameter.type, parameter.dynamic);
        break;
      }
      default:
        throw new CannotWeave(String.valueOf(parameter.binding));
    }
  }

  /** Copies a writable parameter back to what it is bound to. */
  private void writeBack(AdviceMethod method, Parameter parameter, int block) {
    switch (parameter.binding) {
      case ARGUMENT: {
        int index = parameter.index;
        super.visitVarInsn(parameter.type.getOpcode(Opcodes.ILOAD), block + parameter.slot);
        convert(parameter.type, arguments[index], true);
        int slot = method == exit && backups[index] >= 0 ? backups[index] : argumentSlot(index);
        super.visitVarInsn(arguments[index].getOpcode(Opcodes.ISTORE), slot);
        break;
      }
      case ENTER:
        super.visitVarInsn(parameter.type.getOpcode(Opcodes.ILOAD), block + parameter.slot);
        convert(parameter.type, enter.returnType, true);
        super.visitVarInsn(enter.returnType.getOpcode(Opcodes.ISTORE), enterValue);
        break;
      case RETURN:
        if (returnType.getSort() != Type.VOID) {
          super.visitVarInsn(parameter.type.getOpcode(Opcodes.ILOAD), block + parameter.slot);
          convert(parameter.type, returnType, true);
          super.visitVarInsn(returnType.getOpcode(Opcodes.ISTORE), returnSlot);
        }
        break;
      case THROWN:
        if (thrownSlot >= 0) {
          super.visitVarInsn(Opcodes.ALOAD, block + parameter.slot);
          convert(parameter.type, Type.getObjectType("java/lang/Throwable"), true);
          super.visitVarInsn(Opcodes.ASTORE, thrownSlot);
        }
        break;
      case FIELD_VALUE: {
        Weaver.Field field = field(parameter);
        if (!field.declared || field.isFinal) {
          throw new CannotWeave("writes field " + field.name);
        }
        if (!field.isStatic) {
          super.visitVarInsn(Opcodes.ALOAD, 0);
        }
        super.visitVarInsn(parameter.type.getOpcode(Opcodes.ILOAD), block + parameter.slot);
        convert(parameter.type, Type.getType(field.descriptor), true);
        super.visitFieldInsn(field.isStatic ? Opcodes.PUTSTATIC : Opcodes.PUTFIELD, owner.name, field.name,
            field.descriptor);
        break;
      }
      default:
        throw new CannotWeave("writes " + parameter.binding);
    }
  }

  /**
   * The field a {@code @FieldValue} names: declared by the class, or, for a primitive, inherited
   * (found by the JVM's field resolution from this class up).
   */
  private Weaver.Field field(Parameter parameter) {
    Weaver.Field field = owner.field(parameter.value);
    if (field != null) {
      return field;
    }
    if (parameter.type.getSort() >= Type.ARRAY) {
      throw new CannotWeave("field " + parameter.value + " is not declared by " + owner.name);
    }
    return new Weaver.Field(parameter.value, parameter.type.getDescriptor(), false, false, false);
  }

  private void origin(Parameter parameter) {
    String type = parameter.type.getDescriptor();
    if ("Ljava/lang/Class;".equals(type)) {
      if (owner.version < Opcodes.V1_5) {
        throw new CannotWeave("a class constant in a class file older than Java 5");
      }
      super.visitLdcInsn(Type.getObjectType(owner.name));
      return;
    }
    if (!"Ljava/lang/String;".equals(type) || parameter.value.isEmpty()) {
      throw new CannotWeave("@Origin " + parameter.value + " as " + type);
    }
    StringBuilder text = new StringBuilder();
    String pattern = parameter.value;
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      if (c != '#' || i + 1 == pattern.length()) {
        text.append(c);
        continue;
      }
      char key = pattern.charAt(++i);
      switch (key) {
        case 't':
          text.append(owner.name.replace('/', '.'));
          break;
        case 'm':
          text.append(methodName);
          break;
        case 'd':
          text.append(methodDescriptor);
          break;
        case 'r':
          text.append(returnType.getClassName());
          break;
        case 's': {
          text.append('(');
          for (int a = 0; a < arguments.length; a++) {
            text.append(a == 0 ? "" : ",").append(arguments[a].getClassName());
          }
          text.append(')');
          break;
        }
        default:
          throw new CannotWeave("@Origin pattern " + pattern);
      }
    }
    super.visitLdcInsn(text.toString());
  }

  /** Converts the value on the stack from {@code from} to {@code to}: boxing, unboxing or a cast. */
  private void convert(Type from, Type to, boolean dynamic) {
    if (from.equals(to)) {
      return;
    }
    boolean fromPrimitive = from.getSort() < Type.ARRAY;
    boolean toPrimitive = to.getSort() < Type.ARRAY;
    if (fromPrimitive && toPrimitive) {
      throw new CannotWeave("assigns " + from + " to " + to);
    }
    if (fromPrimitive) {
      Type boxed = boxed(from);
      super.visitMethodInsn(Opcodes.INVOKESTATIC, boxed.getInternalName(), "valueOf",
          Type.getMethodDescriptor(boxed, from), false);
      if (!to.equals(boxed) && !OBJECT.equals(to.getInternalName())) {
        super.visitTypeInsn(Opcodes.CHECKCAST, to.getInternalName());
      }
      return;
    }
    if (toPrimitive) {
      Type boxed = boxed(to);
      if (!from.equals(boxed)) {
        if (!dynamic && !OBJECT.equals(from.getInternalName()) && !"java/lang/Number".equals(from.getInternalName())) {
          throw new CannotWeave("assigns " + from + " to " + to);
        }
        super.visitTypeInsn(Opcodes.CHECKCAST, boxed.getInternalName());
      }
      super.visitMethodInsn(Opcodes.INVOKEVIRTUAL, boxed.getInternalName(), to.getClassName() + "Value",
          Type.getMethodDescriptor(to), false);
      return;
    }
    if (!OBJECT.equals(to.getInternalName())) {
      super.visitTypeInsn(Opcodes.CHECKCAST, to.getInternalName());
    }
  }

  private static Type boxed(Type primitive) {
    switch (primitive.getSort()) {
      case Type.BOOLEAN:
        return Type.getObjectType("java/lang/Boolean");
      case Type.CHAR:
        return Type.getObjectType("java/lang/Character");
      case Type.BYTE:
        return Type.getObjectType("java/lang/Byte");
      case Type.SHORT:
        return Type.getObjectType("java/lang/Short");
      case Type.INT:
        return Type.getObjectType("java/lang/Integer");
      case Type.FLOAT:
        return Type.getObjectType("java/lang/Float");
      case Type.LONG:
        return Type.getObjectType("java/lang/Long");
      case Type.DOUBLE:
        return Type.getObjectType("java/lang/Double");
      default:
        throw new CannotWeave("boxes " + primitive);
    }
  }

  private void pushDefault(Type type) {
    switch (type.getSort()) {
      case Type.VOID:
        return;
      case Type.LONG:
        super.visitInsn(Opcodes.LCONST_0);
        return;
      case Type.FLOAT:
        super.visitInsn(Opcodes.FCONST_0);
        return;
      case Type.DOUBLE:
        super.visitInsn(Opcodes.DCONST_0);
        return;
      case Type.ARRAY:
      case Type.OBJECT:
        super.visitInsn(Opcodes.ACONST_NULL);
        return;
      default:
        super.visitInsn(Opcodes.ICONST_0);
    }
  }

  private void push(int value) {
    if (value <= 5) {
      super.visitInsn(Opcodes.ICONST_0 + value);
    } else if (value <= Byte.MAX_VALUE) {
      super.visitIntInsn(Opcodes.BIPUSH, value);
    } else {
      super.visitIntInsn(Opcodes.SIPUSH, value);
    }
  }

  /** Copies the advice method's code here, its locals moved to {@code block}, its returns to {@code returned}. */
  private void inline(AdviceMethod method, int block, Label returned) {
    advice.reader.accept(new ClassVisitor(Opcodes.ASM9) {
      @Override
      public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
          String[] exceptions) {
        return name.equals(method.name) && descriptor.equals(method.descriptor) ? new Inliner(method, block, returned)
            : null;
      }
    }, ClassReader.SKIP_FRAMES | ClassReader.SKIP_DEBUG);
  }

  /** Receives the advice method's code and passes it on, moved, to the method being woven. */
  private final class Inliner extends MethodVisitor {
    private final AdviceMethod method;
    private final int block;
    private final Label returned;

    Inliner(AdviceMethod method, int block, Label returned) {
      super(Opcodes.ASM9);
      this.method = method;
      this.block = block;
      this.returned = returned;
    }

    @Override
    public void visitInsn(int opcode) {
      if (opcode < Opcodes.IRETURN || opcode > Opcodes.RETURN) {
        AdviceLayer.super.visitInsn(opcode);
        return;
      }
      if (opcode != Opcodes.RETURN) {
        if (method == enter) {
          AdviceLayer.super.visitVarInsn(method.returnType.getOpcode(Opcodes.ISTORE), enterValue);
        } else {
          AdviceLayer.super.visitInsn(method.returnType.getSize() == 2 ? Opcodes.POP2 : Opcodes.POP);
        }
      }
      AdviceLayer.super.visitJumpInsn(Opcodes.GOTO, returned);
    }

    @Override
    public void visitVarInsn(int opcode, int slot) {
      AdviceLayer.super.visitVarInsn(opcode, block + slot);
    }

    @Override
    public void visitIincInsn(int slot, int increment) {
      AdviceLayer.super.visitIincInsn(block + slot, increment);
    }

    @Override
    public void visitIntInsn(int opcode, int operand) {
      AdviceLayer.super.visitIntInsn(opcode, operand);
    }

    @Override
    public void visitTypeInsn(int opcode, String type) {
      AdviceLayer.super.visitTypeInsn(opcode, type);
    }

    @Override
    public void visitFieldInsn(int opcode, String owner, String name, String descriptor) {
      AdviceLayer.super.visitFieldInsn(opcode, owner, name, descriptor);
    }

    @Override
    public void visitMethodInsn(int opcode, String owner, String name, String descriptor, boolean isInterface) {
      AdviceLayer.super.visitMethodInsn(opcode, owner, name, descriptor, isInterface);
    }

    @Override
    public void visitInvokeDynamicInsn(String name, String descriptor, Handle bootstrap, Object... arguments) {
      throw new CannotWeave("invokedynamic in advice");
    }

    @Override
    public void visitJumpInsn(int opcode, Label label) {
      AdviceLayer.super.visitJumpInsn(opcode, label);
    }

    @Override
    public void visitLabel(Label label) {
      AdviceLayer.super.visitLabel(label);
    }

    @Override
    public void visitLdcInsn(Object value) {
      AdviceLayer.super.visitLdcInsn(value);
    }

    @Override
    public void visitTableSwitchInsn(int min, int max, Label dflt, Label... labels) {
      AdviceLayer.super.visitTableSwitchInsn(min, max, dflt, labels);
    }

    @Override
    public void visitLookupSwitchInsn(Label dflt, int[] keys, Label[] labels) {
      AdviceLayer.super.visitLookupSwitchInsn(dflt, keys, labels);
    }

    @Override
    public void visitMultiANewArrayInsn(String descriptor, int dimensions) {
      AdviceLayer.super.visitMultiANewArrayInsn(descriptor, dimensions);
    }

    @Override
    public void visitTryCatchBlock(Label start, Label end, Label handler, String type) {
      AdviceLayer.super.visitTryCatchBlock(start, end, handler, type);
    }
  }

  /**
   * All that {@link StackAwareMethodVisitor} asks of the method: the local variable slots its
   * parameters take. Given from the descriptor, so that weaving never builds Byte Buddy's type
   * descriptions.
   */
  private static final class ParameterSlots extends MethodDescription.InDefinedShape.AbstractBase {
    private final int slots;

    ParameterSlots(int access, String descriptor) {
      int withThis = Type.getArgumentsAndReturnSizes(descriptor) >> 2; // counts "this" in
      this.slots = (access & Opcodes.ACC_STATIC) != 0 ? withThis - 1 : withThis;
    }

    @Override
    public int getStackSize() {
      return slots;
    }

    @Override
    public TypeDescription getDeclaringType() {
      throw new UnsupportedOperationException();
    }

    @Override
    public ParameterList<ParameterDescription.InDefinedShape> getParameters() {
      throw new UnsupportedOperationException();
    }

    @Override
    public TypeDescription.Generic getReturnType() {
      throw new UnsupportedOperationException();
    }

    @Override
    public TypeList.Generic getExceptionTypes() {
      throw new UnsupportedOperationException();
    }

    @Override
    public AnnotationValue<?, ?> getDefaultValue() {
      throw new UnsupportedOperationException();
    }

    @Override
    public TypeList.Generic getTypeVariables() {
      throw new UnsupportedOperationException();
    }

    @Override
    public AnnotationList getDeclaredAnnotations() {
      throw new UnsupportedOperationException();
    }

    @Override
    public int getModifiers() {
      throw new UnsupportedOperationException();
    }

    @Override
    public String getInternalName() {
      throw new UnsupportedOperationException();
    }
  }
}
