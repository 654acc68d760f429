package io.sightline.instrumentation.api;

import java.util.Collections;
import java.util.List;

/**
 * One library family, switched on and off as a whole by
 * {@code otel.instrumentation.<name>.enabled}. Found with {@link java.util.ServiceLoader}.
 */
public abstract class InstrumentationModule {
  private final String name;

  protected InstrumentationModule(String name) {
    this.name = name;
  }

  /** The name used in {@code otel.instrumentation.<name>.enabled}. */
  public final String name() {
    return name;
  }

  /** Whether the module is on when neither its own setting nor the common default says. */
  public boolean defaultEnabled() {
    return true;
  }

  /**
   * Classes that a class loader must be able to load before any of its types is matched: a
   * cheap pre-check that spares type matching in loaders that lack the library.
   */
  public List<String> requiredClassNames() {
    return Collections.emptyList();
  }

  /**
   * JDK classes this module instruments that an application may load only later. They are loaded
   * (not initialised) before the class transformer is installed, so that the install transforms
   * them with the classes already loaded. Loaded later, such a class could first be loaded while
   * another class is being transformed on the same thread (by reflection the transformer's
   * matching causes, say), and no transformer sees a class loaded there. The agent retransforms
   * such classes loaded during the install just after it, but one named here has its advice
   * before premain returns.
   */
  public List<String> jdkClassesToLoadFirst() {
    return Collections.emptyList();
  }

  public abstract List<TypeInstrumentation> typeInstrumentations();

  /**
   * Registers the hooks behind this module's advice. Runs once, before premain returns, on the
   * agent's start thread once the SDK is built, while the transformer may already be installed:
   * advice that runs before its hook is registered finds no hook and does nothing. A module with no
   * type instrumentations (only metrics read when a reader collects) registers on the same thread
   * just after premain returns, off the application's startup path.
   */
  public abstract void registerHooks(AgentContext context);
}
