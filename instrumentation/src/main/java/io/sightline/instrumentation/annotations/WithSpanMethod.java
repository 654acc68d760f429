package io.sightline.instrumentation.annotations;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.sightline.bootstrap.AgentLog;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * What one {@code @WithSpan} method needs at every call, read reflectively once: the annotations
 * belong to the application's class loader, which the agent cannot link against.
 */
final class WithSpanMethod {
  static final AttributeKey<String> CODE_FUNCTION = AttributeKey.stringKey("code.function.name");

  final String spanName;
  final SpanKind kind;
  final boolean inheritContext;
  final String codeFunction;
  private final int[] attributeIndexes;
  private final String[] attributeNames;

  private WithSpanMethod(String spanName, SpanKind kind, boolean inheritContext, String codeFunction,
      int[] attributeIndexes, String[] attributeNames) {
    this.spanName = spanName;
    this.kind = kind;
    this.inheritContext = inheritContext;
    this.codeFunction = codeFunction;
    this.attributeIndexes = attributeIndexes;
    this.attributeNames = attributeNames;
  }

  /** Null when the method cannot be found or read: the call then runs without a span. */
  static WithSpanMethod resolve(Class<?> type, String nameAndDescriptor) {
    try {
      Method method = find(type, nameAndDescriptor);
      if (method == null) {
        return null;
      }
      Annotation withSpan = annotation(method.getDeclaredAnnotations(), ApplicationApiNames.WITH_SPAN);
      if (withSpan == null) {
        return null;
      }
      String value = (String) element(withSpan, "value", "");
      String name = value == null || value.isEmpty() ? type.getSimpleName() + "." + method.getName() : value;
      Object kindValue = element(withSpan, "kind", null);
      SpanKind kind = kindValue instanceof Enum ? SpanKind.valueOf(((Enum<?>) kindValue).name()) : SpanKind.INTERNAL;
      // inheritContext exists from annotations 2.14 on; older ones always inherit.
      boolean inherit = !Boolean.FALSE.equals(element(withSpan, "inheritContext", Boolean.TRUE));

      List<Integer> indexes = new ArrayList<>();
      List<String> names = new ArrayList<>();
      Parameter[] parameters = method.getParameters();
      Annotation[][] parameterAnnotations = method.getParameterAnnotations();
      for (int i = 0; i < parameters.length; i++) {
        Annotation spanAttribute = annotation(parameterAnnotations[i], ApplicationApiNames.SPAN_ATTRIBUTE);
        if (spanAttribute == null) {
          continue;
        }
        String attributeName = (String) element(spanAttribute, "value", "");
        if (attributeName == null || attributeName.isEmpty()) {
          if (!parameters[i].isNamePresent()) {
            // Without -parameters the name is arg0: not a useful attribute name.
            continue;
          }
          attributeName = parameters[i].getName();
        }
        indexes.add(i);
        names.add(attributeName);
      }
      int[] indexArray = new int[indexes.size()];
      for (int i = 0; i < indexArray.length; i++) {
        indexArray[i] = indexes.get(i);
      }
      return new WithSpanMethod(name, kind, inherit, type.getName() + "." + method.getName(),
          indexArray, names.toArray(new String[0]));
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      AgentLog.debug(AnnotationsInstrumentationModule.NAME + ": cannot read " + type.getName() + "." + nameAndDescriptor + ": " + e);
      return null;
    }
  }

  void addAttributes(SpanBuilder builder, Object[] args) {
    if (args == null) {
      return;
    }
    for (int i = 0; i < attributeIndexes.length; i++) {
      int index = attributeIndexes[i];
      if (index < args.length && args[index] != null) {
        setAttribute(builder, attributeNames[i], args[index]);
      }
    }
  }

  private static void setAttribute(SpanBuilder builder, String name, Object value) {
    if (value instanceof String) {
      builder.setAttribute(name, (String) value);
    } else if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
      builder.setAttribute(name, ((Number) value).longValue());
    } else if (value instanceof Double || value instanceof Float) {
      builder.setAttribute(name, ((Number) value).doubleValue());
    } else if (value instanceof Boolean) {
      builder.setAttribute(name, (Boolean) value);
    } else if (value instanceof Collection || value instanceof Object[]) {
      Iterable<?> items = value instanceof Collection ? (Collection<?>) value : java.util.Arrays.asList((Object[]) value);
      List<String> strings = new ArrayList<>();
      for (Object item : items) {
        strings.add(String.valueOf(item));
      }
      builder.setAttribute(AttributeKey.stringArrayKey(name), strings);
    } else {
      builder.setAttribute(name, String.valueOf(value));
    }
  }

  private static Method find(Class<?> type, String nameAndDescriptor) {
    for (Method method : type.getDeclaredMethods()) {
      if (nameAndDescriptor.equals(method.getName() + descriptor(method))) {
        return method;
      }
    }
    return null;
  }

  private static Annotation annotation(Annotation[] annotations, String typeName) {
    for (Annotation annotation : annotations) {
      if (annotation.annotationType().getName().equals(typeName)) {
        return annotation;
      }
    }
    return null;
  }

  private static Object element(Annotation annotation, String name, Object absent) throws ReflectiveOperationException {
    Method element;
    try {
      element = annotation.annotationType().getMethod(name);
    } catch (NoSuchMethodException e) {
      return absent;
    }
    return element.invoke(annotation);
  }

  static String descriptor(Method method) {
    StringBuilder out = new StringBuilder("(");
    for (Class<?> parameter : method.getParameterTypes()) {
      out.append(descriptor(parameter));
    }
    return out.append(')').append(descriptor(method.getReturnType())).toString();
  }

  private static String descriptor(Class<?> type) {
    if (type.isArray()) {
      return type.getName().replace('.', '/');
    }
    if (type.isPrimitive()) {
      if (type == void.class) return "V";
      if (type == boolean.class) return "Z";
      if (type == byte.class) return "B";
      if (type == char.class) return "C";
      if (type == short.class) return "S";
      if (type == int.class) return "I";
      if (type == long.class) return "J";
      if (type == float.class) return "F";
      return "D";
    }
    return "L" + type.getName().replace('.', '/') + ";";
  }
}
