package io.sightline.agent;

import static net.bytebuddy.matcher.ElementMatchers.declaresMethod;
import static net.bytebuddy.matcher.ElementMatchers.hasSuperType;
import static net.bytebuddy.matcher.ElementMatchers.isInterface;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashSet;
import java.util.Set;
import net.bytebuddy.description.type.TypeDescription;
import org.junit.jupiter.api.Test;

class ClassHeadersTest {
  private static final Set<String> STATEMENT = Collections.singleton("java.sql.Statement");

  abstract static class BaseStatement implements Statement {}

  abstract static class DriverStatement extends BaseStatement {}

  interface VendorStatement extends PreparedStatement {}

  abstract static class VendorStatementImpl implements Runnable, VendorStatement {}

  abstract static class Ünïcödé extends DriverStatement {}

  static class NotJdbc extends java.util.ArrayList<String> implements Runnable {
    @Override
    public void run() {}
  }

  @Test
  void readsTheHeaderOfAClassFile() throws IOException {
    ClassHeaders.Header list = ClassHeaders.Header.parse(bytes(java.util.ArrayList.class));
    assertThat(list.name).isEqualTo("java/util/ArrayList");
    assertThat(list.superName).isEqualTo("java/util/AbstractList");
    assertThat(list.interfaces).containsExactly("java/util/List", "java/util/RandomAccess", "java/lang/Cloneable",
        "java/io/Serializable");
    assertThat(list.access & 0x0200).isZero();

    ClassHeaders.Header prepared = ClassHeaders.Header.parse(bytes(PreparedStatement.class));
    assertThat(prepared.access & 0x0200).isNotZero();
    assertThat(prepared.superName).isEqualTo("java/lang/Object");
    assertThat(prepared.interfaces).containsExactly("java/sql/Statement");

    ClassHeaders.Header unicode = ClassHeaders.Header.parse(bytes(Ünïcödé.class));
    assertThat(unicode.name).isEqualTo(Ünïcödé.class.getName().replace('.', '/'));
  }

  @Test
  void notAClassFile() {
    assertThat(ClassHeaders.Header.parse(new byte[] {1, 2, 3})).isNull();
    assertThat(ClassHeaders.Header.parse(new byte[0])).isNull();
  }

  @Test
  void answersAsByteBuddysHierarchyMatcherDoes() throws IOException {
    ClassHeaders headers = new ClassHeaders();
    Class<?>[] types = {BaseStatement.class, DriverStatement.class, VendorStatement.class, VendorStatementImpl.class,
        Ünïcödé.class, NotJdbc.class, Statement.class, PreparedStatement.class, Object.class, String.class};
    for (Class<?> type : types) {
      for (Set<String> names : Set.of(STATEMENT, Set.of("java.sql.PreparedStatement", "java.lang.Runnable"),
          Set.of("java.util.List"))) {
        boolean byteBuddy = not(isInterface()).and(hasSuperType(namedOneOf(names.toArray(new String[0]))))
            .matches(TypeDescription.ForLoadedType.of(type));
        assertThat(whileTransforming(headers, getClass().getClassLoader(), type, names))
            .as(type + " below " + names).isEqualTo(byteBuddy);
      }
    }
  }

  /** Fields with attributes of several kinds before the methods, which must be skipped exactly. */
  abstract static class WithFields implements Statement {
    static final long CONSTANT = 42L;
    @Deprecated
    java.util.List<String> generic;
    double[] values = {1.5};

    @Override
    public boolean execute(String sql) {
      return false;
    }

    @Override
    public void close() {}
  }

  @Test
  void answersWhichMethodsAreDeclaredAsByteBuddyDoes() throws IOException {
    Class<?>[] types = {WithFields.class, BaseStatement.class, NotJdbc.class, java.util.ArrayList.class,
        java.io.InputStream.class, PreparedStatement.class, Ünïcödé.class, Object.class};
    for (Class<?> type : types) {
      for (Set<String> names : Set.of(Set.of("execute", "executeQuery"), Set.of("close"), Set.of("run"),
          Set.of("add", "removeIf"), Set.of("nothing"), Set.of("executeBatch", "addBatch", "read"))) {
        boolean byteBuddy = declaresMethod(namedOneOf(names.toArray(new String[0])))
            .matches(TypeDescription.ForLoadedType.of(type));
        assertThat(ClassHeaders.Header.declaresMethodNamed(bytes(type), internalName(type), names))
            .as(type + " declares one of " + names).isEqualTo(byteBuddy);
      }
    }
    assertThat(ClassHeaders.Header.declaresMethodNamed(bytes(WithFields.class), internalName(NotJdbc.class),
        Set.of("close"))).as("not that class's file").isNull();
    assertThat(ClassHeaders.Header.declaresMethodNamed(new byte[] {1, 2, 3}, "x", Set.of("close"))).isNull();
    // A truncated class file: cannot tell, and no exception leaves.
    byte[] whole = bytes(WithFields.class);
    assertThat(whileDeclaring(new ClassHeaders(), WithFields.class, java.util.Arrays.copyOf(whole, whole.length / 2),
        "nothing")).isNull();
    assertThat(whileDeclaring(new ClassHeaders(), WithFields.class, whole, "nothing")).isFalse();
    assertThat(whileDeclaring(new ClassHeaders(), WithFields.class, whole, "close")).isTrue();
  }

  @Test
  void cannotTellOutsideATransformationOrForAnotherType() throws IOException {
    ClassHeaders headers = new ClassHeaders();
    ClassLoader loader = getClass().getClassLoader();
    assertThat(headers.isClassBelow(DriverStatement.class.getName(), STATEMENT)).isNull();
    headers.resolve(DriverStatement.class.getName(), bytes(DriverStatement.class), loader, null, null);
    assertThat(headers.isClassBelow(BaseStatement.class.getName(), STATEMENT)).isNull();
    assertThat(headers.isClassBelow(DriverStatement.class.getName(), STATEMENT)).isTrue();
    // Another class's completion does not forget this one; its own does.
    headers.onComplete(BaseStatement.class.getName(), loader, null, false);
    assertThat(headers.isClassBelow(DriverStatement.class.getName(), STATEMENT)).isTrue();
    headers.onComplete(DriverStatement.class.getName(), loader, null, false);
    assertThat(headers.isClassBelow(DriverStatement.class.getName(), STATEMENT)).isNull();
  }

  @Test
  void cannotTellWhenASuperTypeCannotBeRead() throws IOException {
    ClassHeaders headers = new ClassHeaders();
    ClassLoader blind = new ClassLoader(null) {
      @Override
      public URL getResource(String name) {
        return null;
      }

      @Override
      public Enumeration<URL> getResources(String name) {
        return Collections.emptyEnumeration();
      }

      @Override
      public InputStream getResourceAsStream(String name) {
        return null;
      }
    };
    assertThat(whileTransforming(headers, blind, DriverStatement.class, STATEMENT)).isNull();
    // The interface itself is named: no need to read anything.
    assertThat(whileTransforming(headers, blind, BaseStatement.class, STATEMENT)).isTrue();
  }

  @Test
  void afterANestedTransformationTheOuterOneFallsBackToByteBuddy() throws IOException {
    ClassHeaders headers = new ClassHeaders();
    ClassLoader loader = getClass().getClassLoader();
    headers.resolve(DriverStatement.class.getName(), bytes(DriverStatement.class), loader, null, null);
    headers.resolve(NotJdbc.class.getName(), bytes(NotJdbc.class), loader, null, null);
    assertThat(headers.isClassBelow(NotJdbc.class.getName(), STATEMENT)).isFalse();
    headers.onComplete(NotJdbc.class.getName(), loader, null, false);
    assertThat(headers.isClassBelow(DriverStatement.class.getName(), STATEMENT)).isNull();
    headers.onComplete(DriverStatement.class.getName(), loader, null, false);
  }

  private static Boolean whileTransforming(ClassHeaders headers, ClassLoader loader, Class<?> type, Set<String> names)
      throws IOException {
    headers.resolve(type.getName(), bytes(type), loader, null, null);
    try {
      return headers.isClassBelow(type.getName(), new LinkedHashSet<>(names));
    } finally {
      headers.onComplete(type.getName(), loader, null, false);
    }
  }

  private static Boolean whileDeclaring(ClassHeaders headers, Class<?> type, byte[] classFile, String methodName) {
    ClassLoader loader = ClassHeadersTest.class.getClassLoader();
    headers.resolve(type.getName(), classFile, loader, null, null);
    try {
      return headers.declaresMethodNamed(type.getName(), Set.of(methodName));
    } finally {
      headers.onComplete(type.getName(), loader, null, false);
    }
  }

  private static String internalName(Class<?> type) {
    return type.getName().replace('.', '/');
  }

  private static byte[] bytes(Class<?> type) throws IOException {
    String resource = "/" + internalName(type) + ".class";
    try (InputStream in = type.getResourceAsStream(resource)) {
      return in.readAllBytes();
    }
  }
}
