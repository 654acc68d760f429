package org.example.filter;

import java.sql.ResultSet;
import java.sql.Statement;

/** Application-like classes for the class filter's tests, outside the agent's own (ignored) packages. */
public final class FilterFixtures {
  private FilterFixtures() {}

  /** A driver's statement: declares an advised method, below {@code java.sql.Statement}. */
  public abstract static class DriverStatement implements Statement {
    @Override
    public ResultSet executeQuery(String sql) {
      return null;
    }
  }

  /** Declares a method of that name, but is no statement. */
  public static class NotAStatement {
    public ResultSet executeQuery(String sql) {
      return null;
    }
  }
}
