package io.sightline.agent;

import io.sightline.agent.weave.Weaver;
import io.sightline.instrumentation.api.SuperTypes;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.ref.SoftReference;
import java.lang.ref.WeakReference;
import java.nio.charset.StandardCharsets;
import java.security.ProtectionDomain;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.pool.TypePool;
import net.bytebuddy.utility.JavaModule;

/**
 * Answers {@link SuperTypes} matchers from class file headers. Every class file the transformer
 * sees is at hand here (Byte Buddy passes it to this buffer strategy before matching, and it is
 * remembered for the thread until the listener hears that the class is done); its
 * super class and interfaces are read from the header (the constant pool is skipped, not parsed),
 * and those super types are looked up once per class loader and remembered, as names and as
 * answers. Byte Buddy's {@code hasSuperType} would parse every class the application loads in
 * full, and walk the whole hierarchy again for each of them.
 *
 * <p>The super types of a class being loaded are read from its class loader's resources, as Byte
 * Buddy's type pool does; {@code java.*} types can only be the JDK's, so theirs are shared by all
 * loaders. Caches are held softly (the JVM may drop them under memory pressure) and per loader,
 * weakly keyed. When anything cannot be read, the answer is "cannot tell" and Byte Buddy's matcher
 * decides.
 *
 * <p>It also answers which methods the class being loaded declares, from its method table: the
 * hierarchy matchers ask that first, so that only the classes that declare a method the advice
 * would go into have their super types read.
 */
final class ClassHeaders extends AgentBuilder.Listener.Adapter
    implements AgentBuilder.ClassFileBufferStrategy, SuperTypes.Resolver {
  private static final int ACC_INTERFACE = 0x0200;
  private static final int MAX_DEPTH = 64;

  private final ThreadLocal<Current> current = new ThreadLocal<>();
  private final Map<ClassLoader, SoftReference<Cache>> byLoader = new WeakHashMap<>();
  private volatile SoftReference<Cache> jdk = new SoftReference<>(new Cache(true));

  /** The class file being transformed on a thread. */
  static final class Current {
    final String typeName;
    final byte[] classFile;
    final WeakReference<ClassLoader> loader;

    // Several matchers ask about the same class file: its constant pool is indexed once, and the
    // last answer about declared methods is kept (the javax and jakarta servlet matchers ask the same).
    private int[] constantPool;
    private Set<String> lastMethodNames;
    private Boolean lastDeclares;

    Current(String typeName, byte[] classFile, ClassLoader loader) {
      this.typeName = typeName;
      this.classFile = classFile;
      this.loader = new WeakReference<>(loader);
    }

    int[] constantPool() {
      if (constantPool == null) {
        constantPool = Header.constantPool(classFile);
      }
      return constantPool;
    }

    Boolean declaresMethodNamed(Set<String> methodNames) {
      if (!methodNames.equals(lastMethodNames)) {
        int[] offsets = constantPool();
        lastDeclares = offsets == null ? null
            : Header.declaresMethodNamed(classFile, offsets, typeName.replace('.', '/'), methodNames);
        lastMethodNames = methodNames;
      }
      return lastDeclares;
    }
  }

  /**
   * Byte Buddy hands every class file it is about to match to its buffer strategy first: remember
   * it for the thread. A nested transformation (a class loaded while matching another) replaces
   * it; the outer one then finds a name that is not its own and falls back to Byte Buddy's matcher.
   */
  @Override
  public ClassFileLocator resolve(String name, byte[] binaryRepresentation, ClassLoader classLoader, JavaModule module,
      ProtectionDomain protectionDomain) {
    current.set(new Current(name, binaryRepresentation, classLoader));
    return AgentBuilder.ClassFileBufferStrategy.Default.RETAINING.resolve(name, binaryRepresentation, classLoader, module,
        protectionDomain);
  }

  @Override
  public TypePool typePool(AgentBuilder.PoolStrategy poolStrategy, ClassFileLocator classFileLocator, ClassLoader classLoader,
      String name) {
    return AgentBuilder.ClassFileBufferStrategy.Default.RETAINING.typePool(poolStrategy, classFileLocator, classLoader, name);
  }

  /** After each class: forget its class file (not kept alive until the thread's next class). */
  @Override
  public void onComplete(String typeName, ClassLoader classLoader, JavaModule module, boolean loaded) {
    Current now = current.get();
    if (now != null && now.typeName.equals(typeName)) {
      current.remove();
    }
  }

  /**
   * Makes {@code classFile} the class file at hand on this thread, for matchers asked before Byte
   * Buddy sees it ({@link ClassFilter}); {@link #forget} undoes it when Byte Buddy is not called.
   */
  void remember(String internalName, byte[] classFile, ClassLoader loader) {
    current.set(new Current(internalName.replace('/', '.'), classFile, loader));
  }

  void forget() {
    current.remove();
  }

  /** The class file at hand on this thread, if it is that of {@code typeName}; null otherwise. */
  private Current at(String typeName) {
    Current now = current.get();
    return now == null || now.classFile == null || !now.typeName.equals(typeName) ? null : now;
  }

  @Override
  public Boolean hasConstant(String typeName, String text) {
    Current now = at(typeName);
    if (now == null) {
      return null;
    }
    try {
      int[] offsets = now.constantPool();
      return offsets == null ? null : Header.hasUtf8(now.classFile, offsets, text);
    } catch (RuntimeException e) {
      return null;
    }
  }

  @Override
  public Boolean isClassBelow(String typeName, Set<String> names) {
    Current now = at(typeName);
    ClassLoader loader = now == null ? null : now.loader.get();
    if (loader == null) {
      return null;
    }
    try {
      int[] offsets = now.constantPool();
      Header header = offsets == null ? null : Header.parse(now.classFile, offsets);
      if (header == null || !header.name.equals(typeName.replace('.', '/'))) {
        return null;
      }
      if (!header.name.startsWith("java/")) {
        // Read once, here: later classes of this loader may name it as a super type.
        cache(loader).remember(header);
      }
      if ((header.access & ACC_INTERFACE) != 0) {
        return false;
      }
      return anyBelow(loader, header, names, 0);
    } catch (RuntimeException e) {
      return null; // a class file we cannot read: Byte Buddy's matcher decides
    }
  }

  @Override
  public Boolean declaresMethodNamed(String typeName, Set<String> methodNames) {
    Current now = at(typeName);
    if (now == null) {
      return null;
    }
    try {
      return now.declaresMethodNamed(methodNames);
    } catch (RuntimeException e) {
      return null; // a class file we cannot read: Byte Buddy's matcher decides
    }
  }

  /**
   * For the weaver's stack map frames: whether a type is an interface and its super class, as
   * {@code loader} (null: the boot loader) sees it; null when its class file cannot be read.
   */
  Weaver.Header weaverHeader(ClassLoader loader, String internalName) {
    Cache cache = internalName.startsWith("java/") ? jdkCache() : cache(loader);
    Header header = cache.header(loader, internalName);
    return header == null ? null : new Weaver.Header((header.access & ACC_INTERFACE) != 0, header.superName);
  }

  /** Whether one of the header's super types is, or is below, one of {@code names}. */
  private Boolean anyBelow(ClassLoader loader, Header header, Set<String> names, int depth) {
    boolean unknown = false;
    if (header.superName != null) {
      Boolean answer = isOrBelow(loader, header.superName, names, depth + 1);
      if (answer == null) {
        unknown = true;
      } else if (answer) {
        return true;
      }
    }
    for (String type : header.interfaces) {
      Boolean answer = isOrBelow(loader, type, names, depth + 1);
      if (answer == null) {
        unknown = true;
      } else if (answer) {
        return true;
      }
    }
    return unknown ? null : Boolean.FALSE;
  }

  private Boolean isOrBelow(ClassLoader loader, String internalName, Set<String> names, int depth) {
    if (names.contains(internalName.replace('/', '.'))) {
      return true;
    }
    if ("java/lang/Object".equals(internalName)) {
      return false;
    }
    if (depth > MAX_DEPTH) {
      return null;
    }
    // A class loader cannot define java.* classes: those are the JDK's whoever asks.
    Cache cache = internalName.startsWith("java/") ? jdkCache() : cache(loader);
    Map<String, Boolean> answers = cache.answers(names);
    Boolean known = answers.get(internalName);
    if (known != null) {
      return known;
    }
    Header header = cache.header(loader, internalName);
    if (header == null) {
      return null;
    }
    Boolean answer = anyBelow(loader, header, names, depth);
    if (answer != null) {
      answers.put(internalName, answer);
    }
    return answer;
  }

  private Cache jdkCache() {
    Cache cache = jdk.get();
    if (cache == null) {
      cache = new Cache(true);
      jdk = new SoftReference<>(cache);
    }
    return cache;
  }

  private Cache cache(ClassLoader loader) {
    synchronized (byLoader) {
      SoftReference<Cache> reference = byLoader.get(loader);
      Cache cache = reference == null ? null : reference.get();
      if (cache == null) {
        cache = new Cache(false);
        byLoader.put(loader, new SoftReference<>(cache));
      }
      return cache;
    }
  }

  /** Headers and answers for the types seen through one class loader (never holds the loader). */
  private static final class Cache {
    private static final Header MISSING = new Header(0, "", null, new String[0]);
    private final Map<String, Header> headers = new ConcurrentHashMap<>();
    private final Map<Set<String>, Map<String, Boolean>> answers = new ConcurrentHashMap<>();
    // Shared by all loaders (java.*): a type one loader cannot see may be visible to the next.
    private final boolean shared;

    Cache(boolean shared) {
      this.shared = shared;
    }

    Map<String, Boolean> answers(Set<String> names) {
      return answers.computeIfAbsent(names, n -> new ConcurrentHashMap<>());
    }

    void remember(Header header) {
      headers.putIfAbsent(header.name, header);
    }

    Header header(ClassLoader loader, String internalName) {
      Header header = headers.get(internalName);
      if (header == null) {
        header = read(loader, internalName);
        if (header != null || !shared) {
          headers.put(internalName, header == null ? MISSING : header);
        }
      }
      return header == MISSING ? null : header;
    }

    private static Header read(ClassLoader loader, String internalName) {
      ClassLoader from = loader != null ? loader : ClassLoader.getSystemClassLoader(); // the boot loader's, through it
      try (InputStream in = from.getResourceAsStream(internalName + ".class")) {
        return in == null ? null : Header.parse(in.readAllBytes());
      } catch (IOException | RuntimeException e) {
        return null;
      }
    }
  }

  /** Access flags, name, super class and interfaces of a class file; the rest is skipped. */
  static final class Header {
    final int access;
    final String name;
    final String superName;
    final String[] interfaces;

    Header(int access, String name, String superName, String[] interfaces) {
      this.access = access;
      this.name = name;
      this.superName = superName;
      this.interfaces = interfaces;
    }

    /** The header, or null when this is not a class file we understand. */
    static Header parse(byte[] b) {
      int[] offsets = constantPool(b);
      return offsets == null ? null : parse(b, offsets);
    }

    /** The header of a class file whose constant pool is indexed by {@code offsets}. */
    static Header parse(byte[] b, int[] offsets) {
      int p = offsets[0];
      int access = u2(b, p);
      String name = className(b, offsets, u2(b, p + 2));
      int superIndex = u2(b, p + 4);
      String superName = superIndex == 0 ? null : className(b, offsets, superIndex);
      int interfaceCount = u2(b, p + 6);
      String[] interfaces = new String[interfaceCount];
      for (int i = 0; i < interfaceCount; i++) {
        interfaces[i] = className(b, offsets, u2(b, p + 8 + 2 * i));
      }
      return new Header(access, name, superName, interfaces);
    }

    /**
     * Whether the class file of {@code internalName} declares a method named one of {@code
     * methodNames} (ASCII names, compared in place: nothing is allocated per method); null when
     * this is not that class file, or not one we understand.
     */
    static Boolean declaresMethodNamed(byte[] b, String internalName, Set<String> methodNames) {
      int[] offsets = constantPool(b);
      return offsets == null ? null : declaresMethodNamed(b, offsets, internalName, methodNames);
    }

    static Boolean declaresMethodNamed(byte[] b, int[] offsets, String internalName, Set<String> methodNames) {
      int p = offsets[0];
      if (!className(b, offsets, u2(b, p + 2)).equals(internalName)) {
        return null;
      }
      p += 8 + 2 * u2(b, p + 6); // access, this, super, interfaces
      p = skipMembers(b, p); // fields
      int methods = u2(b, p);
      p += 2;
      for (int i = 0; i < methods; i++) {
        int nameIndex = u2(b, p + 2);
        for (String methodName : methodNames) {
          if (utf8Equals(b, offsets, nameIndex, methodName)) {
            return true;
          }
        }
        p = skipAttributes(b, p + 6);
      }
      return false;
    }

    /** Skips a fields or methods table, returning the offset after it. */
    private static int skipMembers(byte[] b, int p) {
      int count = u2(b, p);
      p += 2;
      for (int i = 0; i < count; i++) {
        p = skipAttributes(b, p + 6); // access, name, descriptor
      }
      return p;
    }

    private static int skipAttributes(byte[] b, int p) {
      int count = u2(b, p);
      p += 2;
      for (int i = 0; i < count; i++) {
        int length = (u2(b, p + 2) << 16) | u2(b, p + 4);
        if (length < 0 || p + 6 + length > b.length) {
          throw new IllegalArgumentException("attribute length");
        }
        p += 6 + length;
      }
      return p;
    }

    /** Whether one of the constant pool's Utf8 entries is the ASCII string {@code text}. */
    static boolean hasUtf8(byte[] b, int[] offsets, String text) {
      for (int i = 1; i < offsets.length; i++) {
        int entry = offsets[i];
        if (entry != 0 && b[entry] == 1 && utf8Equals(b, offsets, i, text)) {
          return true;
        }
      }
      return false;
    }

    /** Whether constant {@code index} is a Utf8 entry equal to the ASCII string {@code text}. */
    private static boolean utf8Equals(byte[] b, int[] offsets, int index, String text) {
      if (index <= 0 || index >= offsets.length) {
        throw new IllegalArgumentException("constant index");
      }
      int entry = offsets[index];
      if (b[entry] != 1) {
        throw new IllegalArgumentException("not a utf8 entry");
      }
      int length = u2(b, entry + 1);
      if (length != text.length()) {
        return false;
      }
      for (int i = 0; i < length; i++) {
        if (b[entry + 3 + i] != text.charAt(i)) {
          return false;
        }
      }
      return true;
    }

    /**
     * Offsets of the constant pool's entries by index, with the offset just after the pool (the
     * access flags) in slot 0, which no entry uses; null when this is not a class file.
     */
    static int[] constantPool(byte[] b) {
      if (b.length < 10 || u2(b, 0) != 0xCAFE || u2(b, 2) != 0xBABE) {
        return null;
      }
      int count = u2(b, 8);
      int[] offsets = new int[Math.max(count, 1)];
      int p = 10;
      for (int i = 1; i < count; i++) {
        offsets[i] = p;
        switch (b[p] & 0xFF) {
          case 1: // Utf8
            p += 3 + u2(b, p + 1);
            break;
          case 3: case 4: case 9: case 10: case 11: case 12: case 17: case 18:
            p += 5;
            break;
          case 5: case 6: // Long, Double: two slots
            p += 9;
            i++;
            break;
          case 7: case 8: case 16: case 19: case 20:
            p += 3;
            break;
          case 15: // MethodHandle
            p += 4;
            break;
          default:
            return null;
        }
      }
      offsets[0] = p;
      return offsets;
    }

    private static String className(byte[] b, int[] offsets, int index) {
      int entry = offsets[index];
      if (b[entry] != 7) {
        throw new IllegalArgumentException("not a class entry");
      }
      int utf = offsets[u2(b, entry + 1)];
      if (b[utf] != 1) {
        throw new IllegalArgumentException("not a utf8 entry");
      }
      int length = u2(b, utf + 1);
      for (int i = utf + 3, end = utf + 3 + length; i < end; i++) {
        if (b[i] < 0 || b[i] == 0) {
          return modifiedUtf8(b, utf + 1, length);
        }
      }
      return new String(b, utf + 3, length, StandardCharsets.ISO_8859_1);
    }

    private static String modifiedUtf8(byte[] b, int offset, int length) {
      try {
        return new DataInputStream(new ByteArrayInputStream(b, offset, length + 2)).readUTF();
      } catch (IOException e) {
        throw new IllegalArgumentException(e);
      }
    }

    private static int u2(byte[] b, int offset) {
      return ((b[offset] & 0xFF) << 8) | (b[offset + 1] & 0xFF);
    }
  }
}
