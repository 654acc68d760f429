package io.sightline.bootstrap;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.MalformedURLException;
import java.net.URL;
import java.security.CodeSource;
import java.security.ProtectionDomain;
import java.security.cert.Certificate;
import java.util.Collections;
import java.util.Enumeration;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * Loads the agent's implementation and its (relocated) dependencies from the {@code inst/}
 * folder of the agent jar, where classes are stored as {@code .classdata} so that neither the
 * bootstrap nor the system class loader can ever pick them up. The parent is the platform class
 * loader: the agent sees the JDK and the bootstrap bridge, never the application's classes.
 */
final class AgentClassLoader extends ClassLoader {
  static final String PREFIX = "inst/";

  static {
    registerAsParallelCapable();
  }

  private final JarFile jar;
  private final String jarUrl;
  private final ProtectionDomain protectionDomain;

  AgentClassLoader(JarFile jar, File jarFile) throws MalformedURLException {
    super("sightline", ClassLoader.getPlatformClassLoader());
    this.jar = jar;
    URL url = jarFile.toURI().toURL();
    this.jarUrl = url.toExternalForm();
    this.protectionDomain = new ProtectionDomain(new CodeSource(url, (Certificate[]) null), null, this, null);
  }

  /**
   * The agent's own packages are defined here and nowhere else (the bootstrap search path only
   * holds {@code io.sightline.bootstrap}): no need to ask the platform and bootstrap loaders first
   * for each of the two thousand classes the agent loads at startup.
   */
  @Override
  protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
    if (!isOwn(name)) {
      return super.loadClass(name, resolve);
    }
    synchronized (getClassLoadingLock(name)) {
      Class<?> type = findLoadedClass(name);
      if (type == null) {
        type = findClass(name);
      }
      if (resolve) {
        resolveClass(type);
      }
      return type;
    }
  }

  private static boolean isOwn(String name) {
    return name.startsWith("io.sightline.shaded.") || name.startsWith("io.sightline.agent.")
        || name.startsWith("io.sightline.instrumentation.");
  }

  @Override
  protected Class<?> findClass(String name) throws ClassNotFoundException {
    JarEntry entry = jar.getJarEntry(PREFIX + name.replace('.', '/') + ".classdata");
    if (entry == null) {
      throw new ClassNotFoundException(name);
    }
    byte[] bytes;
    try (InputStream in = jar.getInputStream(entry)) {
      bytes = in.readAllBytes();
    } catch (IOException e) {
      throw new ClassNotFoundException(name, e);
    }
    int dot = name.lastIndexOf('.');
    if (dot > 0) {
      String pkg = name.substring(0, dot);
      if (getDefinedPackage(pkg) == null) {
        try {
          definePackage(pkg, null, null, null, null, null, null, null);
        } catch (IllegalArgumentException racedWithAnotherThread) {
          // defined concurrently: fine
        }
      }
    }
    return defineClass(name, bytes, 0, bytes.length, protectionDomain);
  }

  @Override
  protected URL findResource(String name) {
    String entry = PREFIX + name;
    if (jar.getJarEntry(entry) == null) {
      // Class files are stored as .classdata; Byte Buddy reads advice classes as resources.
      if (!name.endsWith(".class")) {
        return null;
      }
      entry = PREFIX + name.substring(0, name.length() - ".class".length()) + ".classdata";
      if (jar.getJarEntry(entry) == null) {
        return null;
      }
    }
    try {
      return new URL("jar:" + jarUrl + "!/" + entry);
    } catch (MalformedURLException e) {
      return null;
    }
  }

  /**
   * The agent's own class files straight from the jar: Byte Buddy reads advice classes (and the
   * type pool reads agent types) this way, once per transformed class. The default lookup would
   * first ask the parent loaders, whose search of every JDK module for a name that no module has
   * is slow, then open a {@code jar:} URL connection. Class files under {@code inst/} are the
   * agent's own and exist nowhere else, so answering them first changes no answer.
   */
  @Override
  public InputStream getResourceAsStream(String name) {
    if (name.endsWith(".class")) {
      JarEntry entry = jar.getJarEntry(PREFIX + name.substring(0, name.length() - ".class".length()) + ".classdata");
      if (entry != null) {
        try {
          return jar.getInputStream(entry);
        } catch (IOException e) {
          // fall back to the default lookup
        }
      }
    }
    return super.getResourceAsStream(name);
  }

  @Override
  protected Enumeration<URL> findResources(String name) {
    URL url = findResource(name);
    return url == null ? Collections.emptyEnumeration() : Collections.enumeration(Collections.singletonList(url));
  }
}
