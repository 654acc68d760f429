package io.sightline.instrumentation.okhttp;

import java.lang.reflect.Method;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The OkHttp methods the hooks call, looked up once per class loader that has OkHttp (the agent
 * does not see OkHttp at compile time of its hooks, only through reflection).
 */
final class OkHttpTypes {
  private static final Map<ClassLoader, OkHttpTypes> BY_LOADER = Collections.synchronizedMap(new WeakHashMap<>());

  final ClassLoader loader;
  final Class<?> interceptor;
  final Class<?> callback;
  final Method chainRequest;
  final Method chainProceed;
  final Method requestMethod;
  final Method requestUrl;
  final Method requestNewBuilder;
  final Method builderHeader;
  final Method builderBuild;
  final Method responseCode;
  final Method callRequest;
  final Method addNetworkInterceptor;
  final Method networkInterceptors;
  /** The one tracing interceptor of this loader (set by {@link OkHttpTracing}). */
  volatile Object tracingInterceptor;

  private OkHttpTypes(ClassLoader loader) throws ReflectiveOperationException {
    this.loader = loader;
    interceptor = Class.forName("okhttp3.Interceptor", false, loader);
    callback = Class.forName("okhttp3.Callback", false, loader);
    Class<?> chain = Class.forName("okhttp3.Interceptor$Chain", false, loader);
    Class<?> request = Class.forName("okhttp3.Request", false, loader);
    Class<?> requestBuilder = Class.forName("okhttp3.Request$Builder", false, loader);
    Class<?> response = Class.forName("okhttp3.Response", false, loader);
    Class<?> call = Class.forName("okhttp3.Call", false, loader);
    Class<?> clientBuilder = Class.forName("okhttp3.OkHttpClient$Builder", false, loader);
    chainRequest = chain.getMethod("request");
    chainProceed = chain.getMethod("proceed", request);
    requestMethod = request.getMethod("method");
    requestUrl = request.getMethod("url");
    requestNewBuilder = request.getMethod("newBuilder");
    builderHeader = requestBuilder.getMethod("header", String.class, String.class);
    builderBuild = requestBuilder.getMethod("build");
    responseCode = response.getMethod("code");
    callRequest = call.getMethod("request");
    addNetworkInterceptor = clientBuilder.getMethod("addNetworkInterceptor", interceptor);
    networkInterceptors = clientBuilder.getMethod("networkInterceptors");
  }

  static OkHttpTypes of(Class<?> okHttpClass) throws ReflectiveOperationException {
    ClassLoader loader = okHttpClass.getClassLoader();
    OkHttpTypes types = BY_LOADER.get(loader);
    if (types == null) {
      types = new OkHttpTypes(loader);
      BY_LOADER.put(loader, types);
    }
    return types;
  }
}
