package io.sightline.instrumentation.servlet;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Proxy;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;

/**
 * The servlet API of one flavour ({@code javax.servlet} or {@code jakarta.servlet}) as loaded by
 * one class loader, called through method handles: the agent class loader cannot see servlet
 * types, and a container may load the API in any loader. Built once per API class loader and
 * cached per request class.
 */
final class ServletApi {
  private static final MethodHandles.Lookup LOOKUP = MethodHandles.publicLookup();

  final String prefix;
  private final Class<?> requestType;
  private final Class<?> responseType;
  private final Class<?> asyncListenerType;
  private final MethodHandle getAttribute;
  private final MethodHandle setAttribute;
  private final MethodHandle getHeader;
  private final MethodHandle getHeaderNames;
  private final MethodHandle getMethod;
  private final MethodHandle getScheme;
  private final MethodHandle getRequestUri;
  private final MethodHandle getQueryString;
  private final MethodHandle getServerName;
  private final MethodHandle getServerPort;
  private final MethodHandle getRemoteAddr;
  private final MethodHandle getProtocol;
  private final MethodHandle getContextPath;
  private final MethodHandle getServletPath;
  private final MethodHandle getPathInfo;
  private final MethodHandle isAsyncStarted;
  private final MethodHandle getAsyncContext;
  private final MethodHandle addListener;
  private final MethodHandle eventThrowable;
  private final MethodHandle eventAsyncContext;
  /** Servlet 4.0+; null on older APIs. */
  private final MethodHandle getHttpServletMapping;
  private final MethodHandle mappingPattern;
  private final MethodHandle mappingMatch;
  private final MethodHandle setHeader;
  private final MethodHandle getStatus;
  private final MethodHandle isCommitted;

  private ServletApi(String prefix, Class<?> requestType) throws ReflectiveOperationException {
    this.prefix = prefix;
    this.requestType = requestType;
    ClassLoader loader = requestType.getClassLoader();
    this.responseType = Class.forName(prefix + ".http.HttpServletResponse", false, loader);
    Class<?> asyncContext = Class.forName(prefix + ".AsyncContext", false, loader);
    this.asyncListenerType = Class.forName(prefix + ".AsyncListener", false, loader);
    Class<?> asyncEvent = Class.forName(prefix + ".AsyncEvent", false, loader);

    getAttribute = handle(requestType, "getAttribute", Object.class, String.class);
    setAttribute = handle(requestType, "setAttribute", void.class, String.class, Object.class);
    getHeader = handle(requestType, "getHeader", String.class, String.class);
    getHeaderNames = handle(requestType, "getHeaderNames", Enumeration.class);
    getMethod = handle(requestType, "getMethod", String.class);
    getScheme = handle(requestType, "getScheme", String.class);
    getRequestUri = handle(requestType, "getRequestURI", String.class);
    getQueryString = handle(requestType, "getQueryString", String.class);
    getServerName = handle(requestType, "getServerName", String.class);
    getServerPort = handle(requestType, "getServerPort", int.class);
    getRemoteAddr = handle(requestType, "getRemoteAddr", String.class);
    getProtocol = handle(requestType, "getProtocol", String.class);
    getContextPath = handle(requestType, "getContextPath", String.class);
    getServletPath = handle(requestType, "getServletPath", String.class);
    getPathInfo = handle(requestType, "getPathInfo", String.class);
    isAsyncStarted = handle(requestType, "isAsyncStarted", boolean.class);
    getAsyncContext = handle(requestType, "getAsyncContext", asyncContext);
    addListener = handle(asyncContext, "addListener", void.class, asyncListenerType);
    eventThrowable = handle(asyncEvent, "getThrowable", Throwable.class);
    eventAsyncContext = handle(asyncEvent, "getAsyncContext", asyncContext);
    setHeader = handle(responseType, "setHeader", void.class, String.class, String.class);
    getStatus = handle(responseType, "getStatus", int.class);
    isCommitted = handle(responseType, "isCommitted", boolean.class);

    MethodHandle mapping = null;
    MethodHandle pattern = null;
    MethodHandle match = null;
    try {
      Class<?> mappingType = Class.forName(prefix + ".http.HttpServletMapping", false, loader);
      Class<?> matchType = Class.forName(prefix + ".http.MappingMatch", false, loader);
      mapping = handle(requestType, "getHttpServletMapping", mappingType);
      pattern = handle(mappingType, "getPattern", String.class);
      match = handle(mappingType, "getMappingMatch", matchType);
    } catch (ReflectiveOperationException | LinkageError e) {
      // Servlet 3.x: no mapping API; routes come from servlet path and path info.
    }
    getHttpServletMapping = mapping;
    mappingPattern = pattern;
    mappingMatch = match;
  }

  private static MethodHandle handle(Class<?> owner, String name, Class<?> returnType, Class<?>... parameters)
      throws ReflectiveOperationException {
    MethodHandle handle = LOOKUP.findVirtual(owner, name, MethodType.methodType(returnType, parameters));
    // All-Object signature, so that the agent can call it without naming servlet types.
    MethodType generic = handle.type().generic();
    return handle.asType(returnType == void.class ? generic.changeReturnType(void.class) : generic);
  }

  private static final ClassValue<ServletApi> JAVAX = new PerRequestClass("javax.servlet");
  private static final ClassValue<ServletApi> JAKARTA = new PerRequestClass("jakarta.servlet");

  /** The API of the given flavour that {@code request} implements as an HTTP request, or null. */
  static ServletApi of(String prefix, Object request) {
    if (request == null) {
      return null;
    }
    return ("javax.servlet".equals(prefix) ? JAVAX : JAKARTA).get(request.getClass());
  }

  /** Finds {@code HttpServletRequest} among the interfaces of a request class. */
  private static final class PerRequestClass extends ClassValue<ServletApi> {
    private final String prefix;
    private final String requestInterface;
    /** One API instance per servlet API class (usually exactly one in a JVM). */
    private final ClassValue<ServletApi> perApiClass;

    PerRequestClass(String prefix) {
      this.prefix = prefix;
      this.requestInterface = prefix + ".http.HttpServletRequest";
      this.perApiClass = new ClassValue<ServletApi>() {
        @Override
        protected ServletApi computeValue(Class<?> requestType) {
          try {
            return new ServletApi(PerRequestClass.this.prefix, requestType);
          } catch (ReflectiveOperationException | LinkageError e) {
            return null;
          }
        }
      };
    }

    @Override
    protected ServletApi computeValue(Class<?> type) {
      Class<?> api = find(type);
      return api == null ? null : perApiClass.get(api);
    }

    private Class<?> find(Class<?> type) {
      for (Class<?> c = type; c != null; c = c.getSuperclass()) {
        for (Class<?> i : c.getInterfaces()) {
          Class<?> found = findInterface(i);
          if (found != null) {
            return found;
          }
        }
      }
      return null;
    }

    private Class<?> findInterface(Class<?> type) {
      if (type.getName().equals(requestInterface)) {
        return type;
      }
      for (Class<?> i : type.getInterfaces()) {
        Class<?> found = findInterface(i);
        if (found != null) {
          return found;
        }
      }
      return null;
    }
  }

  boolean isResponse(Object response) {
    return responseType.isInstance(response);
  }

  Object getAttribute(Object request, String name) throws Throwable {
    return (Object) getAttribute.invokeExact(request, (Object) name);
  }

  void setAttribute(Object request, String name, Object value) throws Throwable {
    setAttribute.invokeExact(request, (Object) name, value);
  }

  String header(Object request, String name) throws Throwable {
    return (String) (Object) getHeader.invokeExact(request, (Object) name);
  }

  List<String> headerNames(Object request) throws Throwable {
    Enumeration<?> names = (Enumeration<?>) (Object) getHeaderNames.invokeExact(request);
    if (names == null) {
      return Collections.emptyList();
    }
    @SuppressWarnings("unchecked")
    List<String> list = (List<String>) (List<?>) Collections.list(names);
    return list;
  }

  String method(Object request) throws Throwable {
    return (String) (Object) getMethod.invokeExact(request);
  }

  String scheme(Object request) throws Throwable {
    return (String) (Object) getScheme.invokeExact(request);
  }

  String requestUri(Object request) throws Throwable {
    return (String) (Object) getRequestUri.invokeExact(request);
  }

  String queryString(Object request) throws Throwable {
    return (String) (Object) getQueryString.invokeExact(request);
  }

  String serverName(Object request) throws Throwable {
    return (String) (Object) getServerName.invokeExact(request);
  }

  int serverPort(Object request) throws Throwable {
    return (Integer) (Object) getServerPort.invokeExact(request);
  }

  String remoteAddr(Object request) throws Throwable {
    return (String) (Object) getRemoteAddr.invokeExact(request);
  }

  String protocol(Object request) throws Throwable {
    return (String) (Object) getProtocol.invokeExact(request);
  }

  String contextPath(Object request) throws Throwable {
    return (String) (Object) getContextPath.invokeExact(request);
  }

  String servletPath(Object request) throws Throwable {
    return (String) (Object) getServletPath.invokeExact(request);
  }

  String pathInfo(Object request) throws Throwable {
    return (String) (Object) getPathInfo.invokeExact(request);
  }

  boolean isAsyncStarted(Object request) throws Throwable {
    return (Boolean) (Object) isAsyncStarted.invokeExact(request);
  }

  /** Calls {@code listener} back when the request's asynchronous processing ends. */
  void addAsyncListener(Object request, ServletAsyncListener listener) throws Throwable {
    Object context = (Object) getAsyncContext.invokeExact(request);
    addListenerTo(context, listener);
  }

  void addListenerTo(Object asyncContext, ServletAsyncListener listener) throws Throwable {
    Object proxy = Proxy.newProxyInstance(asyncListenerType.getClassLoader(), new Class<?>[] {asyncListenerType}, listener);
    addListener.invokeExact(asyncContext, proxy);
  }

  Throwable eventThrowable(Object event) throws Throwable {
    return (Throwable) (Object) eventThrowable.invokeExact(event);
  }

  Object eventAsyncContext(Object event) throws Throwable {
    return (Object) eventAsyncContext.invokeExact(event);
  }

  /** The servlet mapping's match kind ({@code EXACT}, {@code PATH}, ...) and pattern, or null. */
  String[] mapping(Object request) throws Throwable {
    if (getHttpServletMapping == null) {
      return null;
    }
    Object mapping = (Object) getHttpServletMapping.invokeExact(request);
    if (mapping == null) {
      return null;
    }
    Object match = (Object) mappingMatch.invokeExact(mapping);
    if (match == null) {
      return null;
    }
    return new String[] {((Enum<?>) match).name(), (String) (Object) mappingPattern.invokeExact(mapping)};
  }

  void setHeader(Object response, String name, String value) throws Throwable {
    setHeader.invokeExact(response, (Object) name, (Object) value);
  }

  int status(Object response) throws Throwable {
    return (Integer) (Object) getStatus.invokeExact(response);
  }

  boolean isCommitted(Object response) throws Throwable {
    return (Boolean) (Object) isCommitted.invokeExact(response);
  }

  boolean isRequest(Object request) {
    return requestType.isInstance(request);
  }
}
