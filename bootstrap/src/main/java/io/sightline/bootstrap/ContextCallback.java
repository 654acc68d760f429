package io.sightline.bootstrap;

import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The functional-interface siblings of {@link ContextTask}: a {@code CompletableFuture} stage's
 * callback ({@code thenApply}, {@code whenComplete}, {@code supplyAsync}...) wrapped with the
 * context current when the stage was created, which the hook registered under {@code hookId}
 * makes current while the callback runs, on whichever thread completes the stage.
 *
 * <p>Why wrappers and not a weak map keyed on the stage's task object: a stage is created for
 * nearly every step of asynchronous JDK code (the HTTP client makes dozens per request), and a
 * wrapper is one small object that dies with the stage, where a map entry costs a weak reference,
 * a hash-map node, reference processing by the collector, and keeps the context (and its span)
 * reachable until the entry is purged.
 */
public abstract class ContextCallback {
  private final int hookId;
  private final Object context;

  ContextCallback(int hookId, Object context) {
    this.hookId = hookId;
    this.context = context;
  }

  final Object enter() {
    return Hooks.enter(hookId, this, context, null);
  }

  final void exit(Object scope) {
    Hooks.exit(hookId, scope, this, null, null);
  }

  public static <T, R> Function<T, R> function(int hookId, Function<T, R> delegate, Object context) {
    return new OfFunction<>(hookId, delegate, context);
  }

  public static <T, U, R> BiFunction<T, U, R> biFunction(int hookId, BiFunction<T, U, R> delegate, Object context) {
    return new OfBiFunction<>(hookId, delegate, context);
  }

  public static <T> Consumer<T> consumer(int hookId, Consumer<T> delegate, Object context) {
    return new OfConsumer<>(hookId, delegate, context);
  }

  public static <T, U> BiConsumer<T, U> biConsumer(int hookId, BiConsumer<T, U> delegate, Object context) {
    return new OfBiConsumer<>(hookId, delegate, context);
  }

  public static <T> Supplier<T> supplier(int hookId, Supplier<T> delegate, Object context) {
    return new OfSupplier<>(hookId, delegate, context);
  }

  private static final class OfFunction<T, R> extends ContextCallback implements Function<T, R> {
    private final Function<T, R> delegate;

    OfFunction(int hookId, Function<T, R> delegate, Object context) {
      super(hookId, context);
      this.delegate = delegate;
    }

    @Override
    public R apply(T t) {
      Object scope = enter();
      try {
        return delegate.apply(t);
      } finally {
        exit(scope);
      }
    }

    @Override
    public String toString() {
      return String.valueOf(delegate);
    }
  }

  private static final class OfBiFunction<T, U, R> extends ContextCallback implements BiFunction<T, U, R> {
    private final BiFunction<T, U, R> delegate;

    OfBiFunction(int hookId, BiFunction<T, U, R> delegate, Object context) {
      super(hookId, context);
      this.delegate = delegate;
    }

    @Override
    public R apply(T t, U u) {
      Object scope = enter();
      try {
        return delegate.apply(t, u);
      } finally {
        exit(scope);
      }
    }

    @Override
    public String toString() {
      return String.valueOf(delegate);
    }
  }

  private static final class OfConsumer<T> extends ContextCallback implements Consumer<T> {
    private final Consumer<T> delegate;

    OfConsumer(int hookId, Consumer<T> delegate, Object context) {
      super(hookId, context);
      this.delegate = delegate;
    }

    @Override
    public void accept(T t) {
      Object scope = enter();
      try {
        delegate.accept(t);
      } finally {
        exit(scope);
      }
    }

    @Override
    public String toString() {
      return String.valueOf(delegate);
    }
  }

  private static final class OfBiConsumer<T, U> extends ContextCallback implements BiConsumer<T, U> {
    private final BiConsumer<T, U> delegate;

    OfBiConsumer(int hookId, BiConsumer<T, U> delegate, Object context) {
      super(hookId, context);
      this.delegate = delegate;
    }

    @Override
    public void accept(T t, U u) {
      Object scope = enter();
      try {
        delegate.accept(t, u);
      } finally {
        exit(scope);
      }
    }

    @Override
    public String toString() {
      return String.valueOf(delegate);
    }
  }

  private static final class OfSupplier<T> extends ContextCallback implements Supplier<T> {
    private final Supplier<T> delegate;

    OfSupplier(int hookId, Supplier<T> delegate, Object context) {
      super(hookId, context);
      this.delegate = delegate;
    }

    @Override
    public T get() {
      Object scope = enter();
      try {
        return delegate.get();
      } finally {
        exit(scope);
      }
    }

    @Override
    public String toString() {
      return String.valueOf(delegate);
    }
  }
}
