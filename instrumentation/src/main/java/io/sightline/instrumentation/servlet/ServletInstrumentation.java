package io.sightline.instrumentation.servlet;

import static io.sightline.instrumentation.api.Methods.isAbstract;
import static io.sightline.instrumentation.api.Methods.isPublic;
import static io.sightline.instrumentation.api.Methods.named;
import static io.sightline.instrumentation.api.Methods.not;
import static io.sightline.instrumentation.api.Methods.takesArgument;
import static io.sightline.instrumentation.api.Methods.takesArguments;

import io.sightline.bootstrap.Hooks;
import io.sightline.instrumentation.api.AdviceTarget;
import io.sightline.instrumentation.api.HookIds;
import io.sightline.instrumentation.api.SuperTypes;
import io.sightline.instrumentation.api.TypeInstrumentation;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * Every {@code Filter.doFilter(request, response, chain)} and {@code Servlet.service(request,
 * response)} of one servlet API flavour: whichever the container calls first for a request is the
 * SERVER span's boundary, so the span covers the application's filters too.
 */
final class ServletInstrumentation implements TypeInstrumentation {
  private final String prefix;
  private final String adviceClassName;

  ServletInstrumentation(String prefix, boolean jakarta) {
    this.prefix = prefix;
    this.adviceClassName = ServletInstrumentation.class.getName() + (jakarta ? "$JakartaAdvice" : "$JavaxAdvice");
  }

  @Override
  public ElementMatcher<TypeDescription> typeMatcher() {
    // The method names first: most classes declare neither, and then no super type is read.
    return SuperTypes.declaresMethodNamed("doFilter", "service")
        .and(SuperTypes.classBelow(prefix + ".Filter", prefix + ".Servlet"));
  }

  @Override
  public void transform(AdviceTarget target) {
    String servletRequest = prefix + ".ServletRequest";
    String servletResponse = prefix + ".ServletResponse";
    target.applyAdvice(
        named("doFilter").and(takesArguments(3)).and(takesArgument(0, servletRequest))
            .and(takesArgument(1, servletResponse)).and(not(isAbstract()))
            .or(named("service").and(isPublic()).and(takesArguments(2)).and(takesArgument(0, servletRequest))
                .and(takesArgument(1, servletResponse)).and(not(isAbstract()))),
        adviceClassName);
  }

  public static final class JavaxAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static Object onEnter(@Advice.Argument(0) Object request, @Advice.Argument(1) Object response) {
      return Hooks.enter(HookIds.SERVLET_JAVAX_ENTRY, null, request, response);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void onExit(@Advice.Enter Object state, @Advice.Thrown Throwable thrown) {
      Hooks.exit(HookIds.SERVLET_JAVAX_ENTRY, state, null, null, thrown);
    }
  }

  public static final class JakartaAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static Object onEnter(@Advice.Argument(0) Object request, @Advice.Argument(1) Object response) {
      return Hooks.enter(HookIds.SERVLET_JAKARTA_ENTRY, null, request, response);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void onExit(@Advice.Enter Object state, @Advice.Thrown Throwable thrown) {
      Hooks.exit(HookIds.SERVLET_JAKARTA_ENTRY, state, null, null, thrown);
    }
  }
}
