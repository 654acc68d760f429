package io.sightline.agent.weave;

/** A class the weaver leaves to Byte Buddy, and why. */
public final class CannotWeave extends RuntimeException {
  private static final long serialVersionUID = 1L;

  CannotWeave(String reason) {
    super(reason, null, false, false);
  }

  CannotWeave(String reason, Throwable cause) {
    super(reason + ": " + cause, cause, false, false);
  }
}
