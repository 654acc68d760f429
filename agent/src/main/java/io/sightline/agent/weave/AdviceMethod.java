package io.sightline.agent.weave;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;
import net.bytebuddy.jar.asm.AnnotationVisitor;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.Handle;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;

/**
 * One advice method ({@code @Advice.OnMethodEnter} or {@code @Advice.OnMethodExit}), read from its
 * class file: what each parameter is bound to, and what the annotation asks for. Only the forms
 * the {@link Weaver} can inline are accepted; for anything else {@link #unsupported} says why, and
 * the classes that would get this advice are left to Byte Buddy.
 */
final class AdviceMethod {
  static final String ENTER = Type.getDescriptor(Advice.OnMethodEnter.class);
  static final String EXIT = Type.getDescriptor(Advice.OnMethodExit.class);
  /** Byte Buddy's marker for "no exception type" (a private class, so named from a public sibling). */
  private static final String NO_HANDLER = Type.getInternalName(Advice.OnDefaultValue.class)
      .replace("$OnDefaultValue", "$NoExceptionHandler");
  private static final String ON_DEFAULT = Type.getInternalName(Advice.OnDefaultValue.class);
  private static final String ON_NON_DEFAULT = Type.getInternalName(Advice.OnNonDefaultValue.class);
  private static final String TYPING = Type.getDescriptor(Assigner.Typing.class);
  private static final Map<String, Binding> BINDINGS = new HashMap<>();

  static {
    BINDINGS.put(Type.getDescriptor(Advice.This.class), Binding.THIS);
    BINDINGS.put(Type.getDescriptor(Advice.Argument.class), Binding.ARGUMENT);
    BINDINGS.put(Type.getDescriptor(Advice.AllArguments.class), Binding.ALL_ARGUMENTS);
    BINDINGS.put(Type.getDescriptor(Advice.Enter.class), Binding.ENTER);
    BINDINGS.put(Type.getDescriptor(Advice.Return.class), Binding.RETURN);
    BINDINGS.put(Type.getDescriptor(Advice.Thrown.class), Binding.THROWN);
    BINDINGS.put(Type.getDescriptor(Advice.Origin.class), Binding.ORIGIN);
    BINDINGS.put(Type.getDescriptor(Advice.FieldValue.class), Binding.FIELD_VALUE);
  }

  /** What an advice parameter receives. */
  enum Binding { THIS, ARGUMENT, ALL_ARGUMENTS, ENTER, RETURN, THROWN, ORIGIN, FIELD_VALUE }

  /** Whether the method runs before or after the instrumented method's body. */
  enum Kind { ENTER, EXIT }

  /** One parameter of the advice method. */
  static final class Parameter {
    final Type type;
    /** Its local variable in the advice method (long and double take two). */
    final int slot;
    Binding binding;
    /** The argument's index, for {@code @Argument}. */
    int index = -1;
    /** The pattern of {@code @Origin}, the field name of {@code @FieldValue}. */
    String value = "";
    boolean readOnly = true;
    boolean dynamic;

    Parameter(Type type, int slot) {
      this.type = type;
      this.slot = slot;
    }
  }

  final String name;
  final String descriptor;
  final Kind kind;
  final Type returnType;
  final List<Parameter> parameters;
  /** The catch type of the advice's own exceptions (internal name; null: not suppressed). */
  String suppress;
  /** The catch type of the body's exceptions that exit advice sees (null: exit advice runs on return only). */
  String onThrowable;
  /** Whether to skip the body: null (never), or the {@code skipOn} class's internal name. */
  String skipOn;
  boolean backupArguments = true;
  int maxLocals;
  /** Why this method cannot be inlined here; null when it can. */
  String unsupported;

  private AdviceMethod(String name, String descriptor, Kind kind) {
    this.name = name;
    this.descriptor = descriptor;
    this.kind = kind;
    this.returnType = Type.getReturnType(descriptor);
    Type[] types = Type.getArgumentTypes(descriptor);
    List<Parameter> list = new ArrayList<>(types.length);
    int slot = 0;
    for (Type type : types) {
      list.add(new Parameter(type, slot));
      slot += type.getSize();
    }
    this.parameters = Collections.unmodifiableList(list);
  }

  boolean isSkipOnDefault() {
    return ON_DEFAULT.equals(skipOn);
  }

  /** Whether some parameter is bound to {@code binding}. */
  boolean uses(Binding binding) {
    for (Parameter parameter : parameters) {
      if (parameter.binding == binding) {
        return true;
      }
    }
    return false;
  }

  private void unsupported(String reason) {
    if (unsupported == null) {
      unsupported = reason;
    }
  }

  /** The advice methods of an advice class: at most one of each kind. */
  static final class Pair {
    AdviceMethod enter;
    AdviceMethod exit;
    String unsupported;
  }

  /** Reads the enter and exit advice of the class file {@code classFile} of {@code internalName}. */
  static Pair read(String internalName, byte[] classFile) {
    Pair pair = new Pair();
    new ClassReader(classFile).accept(new ClassVisitor(Opcodes.ASM9) {
      @Override
      public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
          String[] exceptions) {
        return (access & Opcodes.ACC_STATIC) == 0 ? null : new Reader(internalName, pair, name, descriptor);
      }
    }, ClassReader.SKIP_FRAMES | ClassReader.SKIP_DEBUG);
    for (AdviceMethod method : new AdviceMethod[] {pair.enter, pair.exit}) {
      if (method != null && method.unsupported != null && pair.unsupported == null) {
        pair.unsupported = method.name + ": " + method.unsupported;
      }
    }
    if (pair.enter == null && pair.exit == null && pair.unsupported == null) {
      pair.unsupported = "no advice method";
    }
    return pair;
  }

  /** Reads one static method; it becomes advice if annotated as such. */
  private static final class Reader extends MethodVisitor {
    private final String owner;
    private final Pair pair;
    private final String name;
    private final String descriptor;
    private AdviceMethod method;

    Reader(String owner, Pair pair, String name, String descriptor) {
      super(Opcodes.ASM9);
      this.owner = owner;
      this.pair = pair;
      this.name = name;
      this.descriptor = descriptor;
    }

    @Override
    public AnnotationVisitor visitAnnotation(String annotation, boolean visible) {
      Kind kind = ENTER.equals(annotation) ? Kind.ENTER : EXIT.equals(annotation) ? Kind.EXIT : null;
      if (kind == null) {
        return null;
      }
      AdviceMethod found = new AdviceMethod(name, descriptor, kind);
      if ((kind == Kind.ENTER ? pair.enter : pair.exit) != null) {
        pair.unsupported = "more than one " + kind + " advice method";
      } else if (kind == Kind.ENTER) {
        pair.enter = found;
      } else {
        pair.exit = found;
      }
      method = found;
      return new AnnotationVisitor(Opcodes.ASM9) {
        @Override
        public void visit(String attribute, Object value) {
          switch (attribute) {
            case "suppress":
              found.suppress = handler((Type) value);
              break;
            case "onThrowable":
              found.onThrowable = handler((Type) value);
              break;
            case "skipOn":
              String skip = ((Type) value).getInternalName();
              if (ON_DEFAULT.equals(skip) || ON_NON_DEFAULT.equals(skip)) {
                found.skipOn = skip;
              } else if (!"void".equals(((Type) value).getClassName())) {
                found.unsupported("skipOn " + skip);
              }
              break;
            case "backupArguments":
              found.backupArguments = (Boolean) value;
              break;
            case "prependLineNumber":
              break; // no line numbers are copied
            case "inline":
              if (!((Boolean) value)) {
                found.unsupported("inline = false");
              }
              break;
            case "skipOnIndex":
            case "repeatOnIndex":
              if (((Integer) value) != -1) {
                found.unsupported(attribute);
              }
              break;
            case "repeatOn":
              if (!"void".equals(((Type) value).getClassName())) {
                found.unsupported("repeatOn");
              }
              break;
            default:
              found.unsupported(attribute);
          }
        }
      };
    }

    private static String handler(Type type) {
      String name = type.getInternalName();
      return NO_HANDLER.equals(name) ? null : name;
    }

    @Override
    public AnnotationVisitor visitParameterAnnotation(int index, String annotation, boolean visible) {
      Binding binding = BINDINGS.get(annotation);
      if (method == null || binding == null) {
        if (method != null) {
          method.unsupported("parameter annotation " + annotation);
        }
        return null;
      }
      AdviceMethod current = method;
      if (index >= current.parameters.size()) {
        current.unsupported("parameter " + index);
        return null;
      }
      Parameter parameter = current.parameters.get(index);
      if (parameter.binding != null) {
        current.unsupported("parameter " + index + " bound twice");
      }
      parameter.binding = binding;
      return new AnnotationVisitor(Opcodes.ASM9) {
        @Override
        public void visit(String attribute, Object value) {
          switch (attribute) {
            case "value":
              if (value instanceof Integer) {
                parameter.index = (Integer) value;
              } else {
                parameter.value = (String) value;
              }
              break;
            case "readOnly":
              parameter.readOnly = (Boolean) value;
              break;
            case "optional":
            case "includeSelf":
            case "nullIfEmpty":
              if ((Boolean) value) {
                current.unsupported(attribute);
              }
              break;
            default:
              current.unsupported(attribute);
          }
        }

        @Override
        public void visitEnum(String attribute, String descriptor, String value) {
          if ("typing".equals(attribute) && TYPING.equals(descriptor)) {
            parameter.dynamic = "DYNAMIC".equals(value);
          } else {
            current.unsupported(attribute);
          }
        }
      };
    }

    @Override
    public void visitMethodInsn(int opcode, String owner, String name, String descriptor, boolean isInterface) {
      ownInstruction(owner);
    }

    @Override
    public void visitFieldInsn(int opcode, String owner, String name, String descriptor) {
      ownInstruction(owner);
    }

    /** Code inlined elsewhere cannot reach the advice class's own members (Byte Buddy's rule too). */
    private void ownInstruction(String instructionOwner) {
      if (method != null && owner.equals(instructionOwner)) {
        method.unsupported("refers to its own class");
      }
    }

    @Override
    public void visitInvokeDynamicInsn(String name, String descriptor, Handle bootstrap, Object... arguments) {
      if (method != null) {
        method.unsupported("invokedynamic");
      }
    }

    @Override
    public void visitMaxs(int maxStack, int maxLocals) {
      if (method != null) {
        method.maxLocals = maxLocals;
      }
    }

    @Override
    public void visitEnd() {
      if (method == null) {
        return;
      }
      for (Parameter parameter : method.parameters) {
        if (parameter.binding == null) {
          method.unsupported("a parameter without annotation");
        } else if (parameter.binding == Binding.ARGUMENT && parameter.index < 0) {
          method.unsupported("@Argument without index");
        } else if (!parameter.readOnly && (parameter.binding == Binding.THIS
            || parameter.binding == Binding.ALL_ARGUMENTS || parameter.binding == Binding.ORIGIN)) {
          method.unsupported("writes " + parameter.binding);
        }
      }
      if (method.kind == Kind.ENTER && (method.uses(Binding.ENTER) || method.uses(Binding.RETURN)
          || method.uses(Binding.THROWN))) {
        method.unsupported("enter advice bound to the enter value, return value or exception");
      }
      if (method.skipOn != null) {
        int sort = method.returnType.getSort();
        if (sort == Type.VOID || sort == Type.LONG || sort == Type.FLOAT || sort == Type.DOUBLE) {
          method.unsupported("skipOn with " + method.returnType);
        }
      }
    }
  }
}
