package io.sightline.agent.weave;

import io.sightline.instrumentation.api.MethodMatcher;
import java.lang.annotation.Annotation;
import java.lang.annotation.ElementType;
import java.lang.annotation.RetentionPolicy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import net.bytebuddy.description.annotation.AnnotationDescription;
import net.bytebuddy.description.annotation.AnnotationValue;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.method.ParameterDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.jar.asm.AnnotationVisitor;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.FieldVisitor;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * Inlines the agent's advice into a class file with ASM alone: no type pool, no {@code
 * AgentBuilder}, no {@code Advice} resolution (docs/design.md, "The weaver").
 *
 * <p>A class is read twice. The first pass reads only its header, fields and method signatures,
 * and asks each advice's method matcher about each method entry: a {@link MethodMatcher} (what the
 * instrumentations use) about the entry itself, any other matcher about a Byte Buddy description
 * built from it; a class none of whose methods match is left as it is. The second
 * pass copies the class, its untouched methods byte for byte, and passes each matched method
 * through one {@link AdviceLayer} per advice class. Stack map frames of the woven methods are
 * computed by ASM, whose questions about common super classes are answered from class file headers
 * read through the class's loader ({@link Headers}), never by loading a class.
 *
 * <p>Whatever it cannot do the same way as Byte Buddy it refuses with {@link CannotWeave}, and the
 * class is left to Byte Buddy.
 */
public final class Weaver {
  private static final String OBJECT = "java/lang/Object";
  private static final int MAX_DEPTH = 64;

  /** A class file's access flags and super class, as far as common super classes need them. */
  public static final class Header {
    final boolean isInterface;
    /** Null for {@code java/lang/Object}. */
    final String superName;

    public Header(boolean isInterface, String superName) {
      this.isInterface = isInterface;
      this.superName = superName;
    }
  }

  /** Class file headers, read through a class loader (null: the boot loader). */
  public interface Headers {
    /** The header of {@code internalName} as {@code loader} sees it; null when it cannot be read. */
    Header header(ClassLoader loader, String internalName);
  }

  /** Where advice class files are read from (the agent's own class loader). */
  public interface AdviceClassFiles {
    /** The class file of the advice class of this binary name; null if there is none. */
    byte[] read(String className);
  }

  /** One advice class, and the methods it goes into. */
  public static final class Advice {
    final ElementMatcher<? super MethodDescription> methods;
    final String className;

    public Advice(ElementMatcher<? super MethodDescription> methods, String className) {
      this.methods = methods;
      this.className = className;
    }

    public ElementMatcher<? super MethodDescription> methods() {
      return methods;
    }

    public String className() {
      return className;
    }
  }

  private final Headers headers;
  private final AdviceClassFiles adviceClassFiles;
  private final Map<String, AdviceClass> adviceClasses = new ConcurrentHashMap<>();

  public Weaver(Headers headers, AdviceClassFiles adviceClassFiles) {
    this.headers = headers;
    this.adviceClassFiles = adviceClassFiles;
  }

  /**
   * The class file with {@code advice} woven in; null when none of its methods is matched.
   *
   * @throws CannotWeave when this class is to be left to Byte Buddy
   */
  public byte[] weave(ClassLoader loader, byte[] classFile, List<Advice> advice) {
    try {
      ClassReader reader = new ClassReader(classFile);
      ClassInfo info = new ClassInfo();
      reader.accept(info, ClassReader.SKIP_CODE | ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
      Map<String, List<AdviceClass>> plan = plan(info, advice);
      if (plan.isEmpty()) {
        return null;
      }
      boolean frames = (info.version & 0xFFFF) >= Opcodes.V1_6;
      ClassWriter writer = new Writer(reader, frames ? ClassWriter.COMPUTE_FRAMES : ClassWriter.COMPUTE_MAXS, loader, info);
      reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
        @Override
        public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
            String[] exceptions) {
          MethodVisitor visitor = super.visitMethod(access, name, descriptor, signature, exceptions);
          List<AdviceClass> layers = plan.get(name + descriptor);
          if (layers != null) {
            for (AdviceClass layer : layers) {
              visitor = new AdviceLayer(visitor, info, access, name, descriptor, layer);
            }
          }
          return visitor;
        }
      }, frames ? ClassReader.SKIP_FRAMES : 0);
      return writer.toByteArray();
    } catch (CannotWeave e) {
      throw e;
    } catch (RuntimeException | LinkageError e) {
      throw new CannotWeave("weaving failed", e);
    }
  }

  /** For each method with code: the advice classes whose matcher matches it, in the order given. */
  private Map<String, List<AdviceClass>> plan(ClassInfo info, List<Advice> advice) {
    Map<String, List<AdviceClass>> plan = new LinkedHashMap<>();
    for (MethodInfo method : info.methods.values()) {
      if ((method.access & (Opcodes.ACC_ABSTRACT | Opcodes.ACC_NATIVE)) != 0) {
        continue;
      }
      for (Advice one : advice) {
        // A MethodMatcher is asked about the class file's method entry; any other matcher about a
        // Byte Buddy description of it.
        boolean matches = one.methods instanceof MethodMatcher ? ((MethodMatcher) one.methods).matches(method)
            : one.methods.matches(method.description());
        if (matches) {
          plan.computeIfAbsent(method.name + method.descriptor, k -> new ArrayList<>()).add(adviceClass(one.className));
        }
      }
    }
    return plan;
  }

  private AdviceClass adviceClass(String className) {
    AdviceClass found = adviceClasses.get(className);
    if (found == null) {
      byte[] classFile = adviceClassFiles.read(className);
      if (classFile == null) {
        throw new CannotWeave("advice class " + className + " not found");
      }
      found = new AdviceClass(classFile);
      adviceClasses.putIfAbsent(className, found);
    }
    if (found.unsupported != null) {
      throw new CannotWeave(className + ": " + found.unsupported);
    }
    return found;
  }

  /** A field the class declares. */
  static final class Field {
    final String name;
    final String descriptor;
    final boolean isStatic;
    final boolean isFinal;
    final boolean declared;

    Field(String name, String descriptor, boolean isStatic, boolean isFinal, boolean declared) {
      this.name = name;
      this.descriptor = descriptor;
      this.isStatic = isStatic;
      this.isFinal = isFinal;
      this.declared = declared;
    }
  }

  /** A method's signature and visible annotations, from the first pass. */
  private static final class MethodInfo extends MethodMatcher.ClassFileMethod {
    final ClassInfo owner;
    private MethodDescription description;

    MethodInfo(ClassInfo owner, int access, String name, String descriptor) {
      super(owner.name, access, name, descriptor);
      this.owner = owner;
    }

    MethodDescription description() {
      if (description == null) {
        List<ParameterDescription.Token> parameters = new ArrayList<>();
        for (Type argument : Type.getArgumentTypes(descriptor)) {
          parameters.add(new ParameterDescription.Token(Descriptions.of(argument).asGenericType()));
        }
        List<AnnotationDescription> visible = new ArrayList<>(annotations.size());
        for (String annotation : annotations) {
          visible.add(new Descriptions.LatentAnnotation(Type.getType(annotation).getClassName()));
        }
        // Modifiers as Byte Buddy reads them from a class file: the JVM's flags, less ASM's own.
        description = new MethodDescription.Latent(owner.description(), name, access & 0xFFFF,
            Collections.emptyList(), Descriptions.of(Type.getReturnType(descriptor)).asGenericType(), parameters,
            Collections.emptyList(), visible, AnnotationValue.UNDEFINED, TypeDescription.Generic.UNDEFINED);
      }
      return description;
    }
  }

  /** The class being woven, from the first pass. */
  static final class ClassInfo extends ClassVisitor {
    int version;
    int access;
    String name;
    String superName;
    String[] interfaces;
    final Map<String, Field> fields = new HashMap<>();
    final Map<String, MethodInfo> methods = new LinkedHashMap<>();
    private TypeDescription description;

    ClassInfo() {
      super(Opcodes.ASM9);
    }

    @Override
    public void visit(int version, int access, String name, String signature, String superName, String[] interfaces) {
      this.version = version;
      this.access = access;
      this.name = name;
      this.superName = superName;
      this.interfaces = interfaces == null ? new String[0] : interfaces;
    }

    @Override
    public FieldVisitor visitField(int access, String name, String descriptor, String signature, Object value) {
      fields.put(name, new Field(name, descriptor, (access & Opcodes.ACC_STATIC) != 0, (access & Opcodes.ACC_FINAL) != 0,
          true));
      return null;
    }

    @Override
    public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
      MethodInfo method = new MethodInfo(this, access, name, descriptor);
      methods.put(name + descriptor, method);
      return new MethodVisitor(Opcodes.ASM9) {
        @Override
        public AnnotationVisitor visitAnnotation(String annotation, boolean visible) {
          if (visible) {
            method.annotations.add(annotation);
          }
          return null;
        }
      };
    }

    Field field(String fieldName) {
      return fields.get(fieldName);
    }

    boolean isStaticField(String fieldName) {
      Field field = fields.get(fieldName);
      return field != null && field.isStatic;
    }

    TypeDescription description() {
      if (description == null) {
        List<TypeDescription.Generic> implemented = new ArrayList<>(interfaces.length);
        for (String type : interfaces) {
          implemented.add(Descriptions.named(type).asGenericType());
        }
        description = new TypeDescription.Latent(name.replace('/', '.'), access & 0xFFFF,
            superName == null ? null : Descriptions.named(superName).asGenericType(), implemented);
      }
      return description;
    }
  }

  /** A class writer whose common super classes come from class file headers, never from loading a class. */
  private final class Writer extends ClassWriter {
    private final ClassLoader loader;
    private final ClassInfo self;

    Writer(ClassReader reader, int flags, ClassLoader loader, ClassInfo self) {
      super(reader, flags);
      this.loader = loader;
      this.self = self;
    }

    @Override
    protected String getCommonSuperClass(String first, String second) {
      if (first.equals(second)) {
        return first;
      }
      if (OBJECT.equals(first) || OBJECT.equals(second)) {
        return OBJECT;
      }
      Header a = header(first);
      Header b = header(second);
      if (a.isInterface || b.isInterface) {
        return OBJECT; // as the verifier treats interfaces
      }
      Set<String> above = new HashSet<>();
      String type = first;
      for (int depth = 0; type != null; depth++) {
        above.add(type);
        type = depth > MAX_DEPTH ? null : header(type).superName;
      }
      type = second;
      for (int depth = 0; type != null; depth++) {
        if (above.contains(type)) {
          return type;
        }
        type = depth > MAX_DEPTH ? null : header(type).superName;
      }
      return OBJECT;
    }

    private Header header(String internalName) {
      if (internalName.equals(self.name)) {
        return new Header((self.access & Opcodes.ACC_INTERFACE) != 0, self.superName);
      }
      if (OBJECT.equals(internalName)) {
        return new Header(false, null);
      }
      Header header = headers.header(loader, internalName);
      if (header == null) {
        throw new CannotWeave("cannot read the class file of " + internalName);
      }
      return header;
    }
  }

  /** Byte Buddy type descriptions of names alone, as the method matchers need them. */
  static final class Descriptions {
    private static final Map<Integer, TypeDescription> PRIMITIVES = new HashMap<>();

    static {
      Class<?>[] types = {void.class, boolean.class, char.class, byte.class, short.class, int.class, float.class,
          long.class, double.class};
      int[] sorts = {Type.VOID, Type.BOOLEAN, Type.CHAR, Type.BYTE, Type.SHORT, Type.INT, Type.FLOAT, Type.LONG,
          Type.DOUBLE};
      for (int i = 0; i < types.length; i++) {
        PRIMITIVES.put(sorts[i], TypeDescription.ForLoadedType.of(types[i]));
      }
    }

    static TypeDescription of(Type type) {
      switch (type.getSort()) {
        case Type.ARRAY:
          return TypeDescription.ArrayProjection.of(of(type.getElementType()), type.getDimensions());
        case Type.OBJECT:
          return named(type.getInternalName());
        default:
          return PRIMITIVES.get(type.getSort());
      }
    }

    static TypeDescription named(String internalName) {
      return new TypeDescription.Latent(internalName.replace('/', '.'), Opcodes.ACC_PUBLIC, null,
          Collections.emptyList());
    }

    /** An annotation known by its type's name only: enough for {@code isAnnotatedWith(named(...))}. */
    static final class LatentAnnotation extends AnnotationDescription.AbstractBase {
      private final TypeDescription type;

      LatentAnnotation(String typeName) {
        this.type = new TypeDescription.Latent(typeName,
            Opcodes.ACC_PUBLIC | Opcodes.ACC_INTERFACE | Opcodes.ACC_ABSTRACT | Opcodes.ACC_ANNOTATION, null,
            Collections.emptyList());
      }

      @Override
      public TypeDescription getAnnotationType() {
        return type;
      }

      @Override
      public AnnotationValue<?, ?> getValue(MethodDescription.InDefinedShape property) {
        throw new CannotWeave("an annotation value asked by a method matcher");
      }

      @Override
      public <T extends Annotation> Loadable<T> prepare(Class<T> annotationType) {
        throw new CannotWeave("an annotation loaded by a method matcher");
      }

      @Override
      public RetentionPolicy getRetention() {
        return RetentionPolicy.RUNTIME;
      }

      @Override
      public Set<ElementType> getElementTypes() {
        throw new CannotWeave("annotation targets asked by a method matcher");
      }

      @Override
      public boolean isInherited() {
        return false;
      }

      @Override
      public boolean isDocumented() {
        return false;
      }
    }
  }
}
