package io.sightline.instrumentation.jdbc;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns SQL text into what telemetry may carry: every literal (strings, numbers, hex, dollar-quoted
 * text, booleans) becomes {@code ?}, {@code IN (?, ?, ...)} becomes {@code IN (?)}, comments go and
 * whitespace runs become one space; the operation and the single table are read from the result.
 *
 * <p>One pass over at most {@link #MAX_LENGTH} characters (the rest is dropped, never exposed), and
 * results are cached per SQL string in a bounded map, so the work per statement string is done once.
 * When in doubt the sanitiser hides more, never less: an unterminated literal hides everything after
 * it. A backslash inside a string literal is read as the dialect reads it ({@link Backslash}): where
 * the dialect is not known, a backslash before a quote could end the literal or escape the quote,
 * and since one reading exposes what the other hides, everything from that literal on is hidden.
 */
public final class SqlSanitizer {
  /** Characters of SQL text looked at; longer texts are cut (inside a literal, that is hidden too). */
  public static final int MAX_LENGTH = 16 * 1024;
  private static final int CACHE_ENTRIES = 512;
  private static final int CACHE_MAX_KEY_LENGTH = 4096;

  /** Words after which a sign belongs to the number that follows ({@code WHERE x = -1}, {@code SELECT -1}). */
  private static final Set<String> OPERAND_KEYWORDS = new HashSet<>(Arrays.asList(
      "SELECT", "WHERE", "AND", "OR", "NOT", "ON", "WHEN", "THEN", "ELSE", "CASE", "BY", "LIMIT", "OFFSET",
      "VALUES", "SET", "IN", "IS", "LIKE", "BETWEEN", "RETURN", "HAVING", "AS", "DEFAULT", "TOP", "FETCH",
      "INTERVAL", "ANY", "ALL", "SOME", "EXISTS", "DISTINCT"));

  /** Words that end a table reference, so they are not taken for its alias. */
  private static final Set<String> CLAUSE_WORDS = new HashSet<>(Arrays.asList(
      "WHERE", "JOIN", "INNER", "LEFT", "RIGHT", "FULL", "CROSS", "NATURAL", "OUTER", "GROUP", "ORDER", "LIMIT",
      "OFFSET", "FETCH", "FOR", "UNION", "HAVING", "WINDOW", "ON", "USING", "SET", "VALUES", "RETURNING",
      "INTERSECT", "EXCEPT", "LATERAL", "STRAIGHT_JOIN", "WITH", "SELECT", "DEFAULT", "OUTPUT", "AS", "TABLESAMPLE"));

  private static final Set<String> JOIN_WORDS = new HashSet<>(Arrays.asList(
      "JOIN", "INNER", "LEFT", "RIGHT", "FULL", "CROSS", "NATURAL", "OUTER", "STRAIGHT_JOIN", "LATERAL"));

  /** How a backslash reads inside a string literal. */
  public enum Backslash {
    /** It escapes the next character (MySQL, MariaDB, ClickHouse; PostgreSQL's {@code E'...'}). */
    ESCAPES,
    /** It is a character like any other (standard SQL: PostgreSQL, Oracle, SQL Server, H2, ...). */
    PLAIN,
    /** Not known: a backslash before a quote hides the rest of the statement. */
    EITHER
  }

  private final boolean mysqlQuotes;
  private final Backslash backslash;
  private final boolean sanitize;
  private final ConcurrentHashMap<String, SqlStatementInfo> cache = new ConcurrentHashMap<>();

  /**
   * @param mysqlQuotes MySQL rules: {@code "text"} is a string literal and {@code #} starts a comment;
   *     otherwise ANSI rules, where {@code "name"} is a quoted identifier and is kept
   * @param backslash how a backslash reads inside a string literal
   * @param sanitize false keeps the query text as written (only for
   *     {@code otel.instrumentation.common.db-statement-sanitizer.enabled=false})
   */
  public SqlSanitizer(boolean mysqlQuotes, Backslash backslash, boolean sanitize) {
    this.mysqlQuotes = mysqlQuotes;
    this.backslash = backslash;
    this.sanitize = sanitize;
  }

  public SqlStatementInfo info(String sql) {
    if (sql == null) {
      return null;
    }
    SqlStatementInfo cached = cache.get(sql);
    if (cached != null) {
      return cached;
    }
    String sanitized = sanitize(sql, mysqlQuotes, backslash);
    String queryText = sanitize ? sanitized : (sql.length() > MAX_LENGTH ? sql.substring(0, MAX_LENGTH) : sql);
    SqlStatementInfo info = describe(sanitized, queryText);
    if (sql.length() <= CACHE_MAX_KEY_LENGTH) {
      if (cache.size() >= CACHE_ENTRIES) {
        // Crude but bounded: applications have far fewer distinct statements than this.
        cache.clear();
      }
      cache.put(sql, info);
    }
    return info;
  }

  // ---------------------------------------------------------------------------------------------
  // Literal replacement

  private static final int LAST_NONE = 0;
  private static final int LAST_OPERATOR = 1;
  private static final int LAST_VALUE = 2;

  /**
   * Text that may quote SQL (a driver's error message): string and number literals become
   * {@code ?} as in a statement, whatever the dialect ({@code "} and {@code `} quote names, and a
   * backslash before a quote hides the rest); comments are dropped and whitespace runs become one
   * space.
   */
  public static String hideLiterals(String text) {
    return sanitize(text, false, Backslash.EITHER);
  }

  static String sanitize(String sql, boolean mysqlQuotes, Backslash backslash) {
    int n = Math.min(sql.length(), MAX_LENGTH);
    StringBuilder out = new StringBuilder(Math.min(n, 1024) + 8);
    int last = LAST_NONE;
    boolean space = false;
    int i = 0;
    while (i < n) {
      char c = sql.charAt(i);
      char next = i + 1 < n ? sql.charAt(i + 1) : '\0';
      if (Character.isWhitespace(c)) {
        space = true;
        i++;
        continue;
      }
      if ((c == '-' && next == '-') || (mysqlQuotes && c == '#')) {
        while (i < n && sql.charAt(i) != '\n' && sql.charAt(i) != '\r') {
          i++;
        }
        space = true;
        continue;
      }
      if (c == '/' && next == '*') {
        i = skipBlockComment(sql, i, n);
        space = true;
        continue;
      }
      if (space) {
        if (out.length() > 0) {
          out.append(' ');
        }
        space = false;
      }
      if (c == '\'' || (c == '"' && mysqlQuotes)) {
        i = skipQuoted(sql, i, n, c, backslash);
        out.append('?');
        last = LAST_VALUE;
      } else if (c == '"' || c == '`') {
        int end = endOfQuotedIdentifier(sql, i, n, c);
        out.append(sql, i, end);
        i = end;
        last = LAST_VALUE;
      } else if (c == '$') {
        if (isDigit(next)) {
          // PostgreSQL positional parameter $1: a placeholder, not a literal.
          int end = i + 1;
          while (end < n && isDigit(sql.charAt(end))) {
            end++;
          }
          out.append(sql, i, end);
          i = end;
          last = LAST_VALUE;
        } else {
          int tagEnd = dollarTagEnd(sql, i, n);
          if (tagEnd > 0) {
            String tag = sql.substring(i, tagEnd);
            int close = sql.indexOf(tag, tagEnd);
            i = close < 0 || close >= n ? n : close + tag.length();
            out.append('?');
            last = LAST_VALUE;
          } else {
            out.append(c);
            i++;
            last = LAST_OPERATOR;
          }
        }
      } else if (isDigit(c) || (c == '.' && isDigit(next) && last != LAST_VALUE)) {
        i = skipNumber(sql, i, n);
        out.append('?');
        last = LAST_VALUE;
      } else if ((c == '-' || c == '+') && last != LAST_VALUE
          && (isDigit(next) || (next == '.' && i + 2 < n && isDigit(sql.charAt(i + 2))))) {
        i = skipNumber(sql, i + 1, n);
        out.append('?');
        last = LAST_VALUE;
      } else if (isWordStart(c)) {
        int end = i + 1;
        while (end < n && isWordPart(sql.charAt(end))) {
          end++;
        }
        int length = end - i;
        if (end < n && sql.charAt(end) == '\'' && length == 1 && "EeNnXxBb".indexOf(c) >= 0) {
          // E'...' (escapes), N'...' (national), X'ff' and B'0101' are literals with a prefix.
          i = skipQuoted(sql, end, n, '\'', c == 'E' || c == 'e' ? Backslash.ESCAPES : backslash);
          out.append('?');
          last = LAST_VALUE;
          continue;
        }
        if ((length == 4 && sql.regionMatches(true, i, "TRUE", 0, 4))
            || (length == 5 && sql.regionMatches(true, i, "FALSE", 0, 5))) {
          out.append('?');
          last = LAST_VALUE;
        } else {
          out.append(sql, i, end);
          last = length <= 9 && OPERAND_KEYWORDS.contains(sql.substring(i, end).toUpperCase(Locale.ROOT))
              ? LAST_OPERATOR : LAST_VALUE;
        }
        i = end;
      } else {
        out.append(c);
        i++;
        last = c == ')' || c == ']' || c == '?' ? LAST_VALUE : LAST_OPERATOR;
      }
    }
    return collapseInLists(out);
  }

  /** {@code IN (?, ?, ?)} becomes {@code IN (?)}: list length is no business of telemetry. */
  private static String collapseInLists(StringBuilder sql) {
    int n = sql.length();
    StringBuilder out = null;
    int copied = 0;
    for (int i = 0; i + 1 < n; i++) {
      char c = sql.charAt(i);
      if ((c != 'I' && c != 'i') || (sql.charAt(i + 1) != 'N' && sql.charAt(i + 1) != 'n')
          || (i > 0 && isWordPart(sql.charAt(i - 1)))) {
        continue;
      }
      int j = i + 2;
      if (j < n && sql.charAt(j) == ' ') {
        j++;
      }
      if (j >= n || sql.charAt(j) != '(') {
        continue;
      }
      int open = j;
      int items = 0;
      j = skipSpace(sql, j + 1);
      while (j < n && sql.charAt(j) == '?') {
        items++;
        j = skipSpace(sql, j + 1);
        if (j < n && sql.charAt(j) == ',') {
          j = skipSpace(sql, j + 1);
        } else {
          break;
        }
      }
      if (items > 1 && j < n && sql.charAt(j) == ')') {
        if (out == null) {
          out = new StringBuilder(n);
        }
        out.append(sql, copied, open).append("(?)");
        copied = j + 1;
        i = j;
      }
    }
    if (out == null) {
      return sql.toString();
    }
    return out.append(sql, copied, n).toString();
  }

  private static int skipSpace(CharSequence s, int i) {
    while (i < s.length() && s.charAt(i) == ' ') {
      i++;
    }
    return i;
  }

  private static int skipBlockComment(String sql, int start, int n) {
    int depth = 0;
    int i = start;
    while (i < n) {
      if (i + 1 < n && sql.charAt(i) == '/' && sql.charAt(i + 1) == '*') {
        depth++;
        i += 2;
      } else if (i + 1 < n && sql.charAt(i) == '*' && sql.charAt(i + 1) == '/') {
        depth--;
        i += 2;
        if (depth == 0) {
          return i;
        }
      } else {
        i++;
      }
    }
    return n;
  }

  /**
   * The index after the closing quote; doubled quotes (and backslash escapes, where the dialect has
   * them) stay inside. The end of the text when the literal is not closed, or when its end depends
   * on the unknown dialect.
   */
  private static int skipQuoted(String sql, int start, int n, char quote, Backslash backslash) {
    int i = start + 1;
    while (i < n) {
      char c = sql.charAt(i);
      if (c == '\\' && backslash != Backslash.PLAIN) {
        if (backslash == Backslash.EITHER && i + 1 < n && sql.charAt(i + 1) == quote) {
          return n;
        }
        i += 2;
      } else if (c == quote) {
        if (i + 1 < n && sql.charAt(i + 1) == quote) {
          i += 2;
        } else {
          return i + 1;
        }
      } else {
        i++;
      }
    }
    return n;
  }

  private static int endOfQuotedIdentifier(String sql, int start, int n, char quote) {
    int i = start + 1;
    while (i < n) {
      if (sql.charAt(i) == quote) {
        if (i + 1 < n && sql.charAt(i + 1) == quote) {
          i += 2;
        } else {
          return i + 1;
        }
      } else {
        i++;
      }
    }
    return n;
  }

  /** For {@code $tag$} or {@code $$} at start, the index after the opening tag; else -1. */
  private static int dollarTagEnd(String sql, int start, int n) {
    int i = start + 1;
    while (i < n) {
      char c = sql.charAt(i);
      if (c == '$') {
        return i + 1;
      }
      if (!(Character.isLetterOrDigit(c) || c == '_') || (i == start + 1 && isDigit(c))) {
        return -1;
      }
      i++;
    }
    return -1;
  }

  private static int skipNumber(String sql, int start, int n) {
    int i = start;
    if (i + 1 < n && sql.charAt(i) == '0' && (sql.charAt(i + 1) == 'x' || sql.charAt(i + 1) == 'X')) {
      i += 2;
      while (i < n && Character.digit(sql.charAt(i), 16) >= 0) {
        i++;
      }
      return i;
    }
    while (i < n && (isDigit(sql.charAt(i)) || sql.charAt(i) == '_')) {
      i++;
    }
    if (i < n && sql.charAt(i) == '.') {
      i++;
      while (i < n && isDigit(sql.charAt(i))) {
        i++;
      }
    }
    if (i < n && (sql.charAt(i) == 'e' || sql.charAt(i) == 'E')) {
      int j = i + 1;
      if (j < n && (sql.charAt(j) == '+' || sql.charAt(j) == '-')) {
        j++;
      }
      if (j < n && isDigit(sql.charAt(j))) {
        i = j;
        while (i < n && isDigit(sql.charAt(i))) {
          i++;
        }
      }
    }
    // Type suffixes of some dialects (1L, 2.5f, 3.0d, 10BD) belong to the literal.
    while (i < n && Character.isLetter(sql.charAt(i))) {
      i++;
    }
    return i;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isWordStart(char c) {
    return Character.isLetter(c) || c == '_' || c == '@';
  }

  private static boolean isWordPart(char c) {
    return Character.isLetterOrDigit(c) || c == '_' || c == '$' || c == '@' || c == '#';
  }

  // ---------------------------------------------------------------------------------------------
  // Operation and collection

  private static final class Token {
    final String text;
    /** A bare word (keyword or unquoted name) of one part: a candidate keyword. */
    final boolean word;
    /** A name: words and quoted identifiers joined by dots. */
    final boolean name;

    Token(String text, boolean word, boolean name) {
      this.text = text;
      this.word = word;
      this.name = name;
    }

    boolean is(String keyword) {
      return word && text.equalsIgnoreCase(keyword);
    }

    boolean isPunct(char c) {
      return !name && text.length() == 1 && text.charAt(0) == c;
    }
  }

  private static SqlStatementInfo describe(String sanitized, String queryText) {
    List<Token> tokens = tokenize(sanitized);
    int i = 0;
    // JDBC escape syntax: {call proc(?)} and {? = call func(?)}
    if (i < tokens.size() && tokens.get(i).isPunct('{')) {
      i++;
      if (i + 1 < tokens.size() && tokens.get(i).isPunct('?') && tokens.get(i + 1).isPunct('=')) {
        i += 2;
      }
    }
    // A parenthesised query first: (SELECT ...) UNION (SELECT ...)
    while (i < tokens.size() && tokens.get(i).isPunct('(')) {
      i++;
    }
    if (i >= tokens.size() || !tokens.get(i).word || !isPlainKeyword(tokens.get(i).text)) {
      return new SqlStatementInfo(queryText, null, null);
    }
    String operation = tokens.get(i).text.toUpperCase(Locale.ROOT);
    if (operation.equals("WITH")) {
      int depth = 0;
      for (int j = i + 1; j < tokens.size(); j++) {
        Token t = tokens.get(j);
        if (t.isPunct('(')) {
          depth++;
        } else if (t.isPunct(')')) {
          depth--;
        } else if (depth == 0 && (t.is("SELECT") || t.is("INSERT") || t.is("UPDATE") || t.is("DELETE") || t.is("MERGE"))) {
          i = j;
          operation = t.text.toUpperCase(Locale.ROOT);
          break;
        }
      }
    }
    return new SqlStatementInfo(queryText, operation, collection(operation, tokens, i + 1));
  }

  private static String collection(String operation, List<Token> tokens, int i) {
    switch (operation) {
      case "SELECT":
        return selectCollection(tokens, i);
      case "INSERT":
      case "REPLACE":
        i = skipWords(tokens, i, "IGNORE", "LOW_PRIORITY", "DELAYED", "HIGH_PRIORITY", "INTO", "OR", "REPLACE", "ROLLBACK", "ABORT", "FAIL");
        return singleName(tokens, i, false);
      case "UPDATE":
        i = skipWords(tokens, i, "ONLY", "LOW_PRIORITY", "IGNORE", "OR", "REPLACE", "ROLLBACK", "ABORT", "FAIL");
        return singleName(tokens, i, true);
      case "DELETE":
        i = skipWords(tokens, i, "LOW_PRIORITY", "QUICK", "IGNORE", "FROM", "ONLY");
        return singleName(tokens, i, true);
      case "MERGE":
        i = skipWords(tokens, i, "INTO");
        return singleName(tokens, i, false);
      case "TRUNCATE":
        i = skipWords(tokens, i, "TABLE", "ONLY");
        return singleName(tokens, i, false);
      case "CREATE":
      case "DROP":
      case "ALTER":
        i = skipWords(tokens, i, "OR", "REPLACE", "GLOBAL", "LOCAL", "TEMPORARY", "TEMP", "UNLOGGED");
        if (i < tokens.size() && tokens.get(i).is("TABLE")) {
          i = skipWords(tokens, i + 1, "IF", "NOT", "EXISTS", "ONLY");
          return singleName(tokens, i, false);
        }
        return null;
      default:
        return null;
    }
  }

  private static String selectCollection(List<Token> tokens, int start) {
    int depth = 0;
    int from = -1;
    for (int j = start; j < tokens.size(); j++) {
      Token t = tokens.get(j);
      if (t.isPunct('(')) {
        depth++;
      } else if (t.isPunct(')')) {
        depth--;
        // below 0: out of the parentheses a statement opened with, (SELECT ...) UNION (SELECT ...)
      } else if (depth <= 0 && (t.is("UNION") || t.is("INTERSECT") || t.is("EXCEPT") || t.is("MINUS"))) {
        return null; // several selects, several tables
      } else if (depth == 0 && from < 0 && t.is("FROM")) {
        from = j;
      }
    }
    return from < 0 ? null : singleName(tokens, skipWords(tokens, from + 1, "ONLY"), true);
  }

  /**
   * The name at {@code i} if it is the only table: an alias may follow, but a comma or a join means
   * several tables, and then there is no single collection.
   */
  private static String singleName(List<Token> tokens, int i, boolean checkJoins) {
    if (i >= tokens.size() || !tokens.get(i).name || (tokens.get(i).word && CLAUSE_WORDS.contains(tokens.get(i).text.toUpperCase(Locale.ROOT)))) {
      return null;
    }
    String name = tokens.get(i).text;
    if (!checkJoins) {
      return name;
    }
    int j = i + 1;
    if (j < tokens.size() && tokens.get(j).is("AS")) {
      j += 2;
    } else if (j < tokens.size() && tokens.get(j).name
        && !(tokens.get(j).word && CLAUSE_WORDS.contains(tokens.get(j).text.toUpperCase(Locale.ROOT)))) {
      j++;
    }
    if (j < tokens.size()) {
      Token t = tokens.get(j);
      if (t.isPunct(',') || (t.word && JOIN_WORDS.contains(t.text.toUpperCase(Locale.ROOT)))) {
        return null;
      }
    }
    return name;
  }

  private static int skipWords(List<Token> tokens, int i, String... words) {
    outer:
    while (i < tokens.size()) {
      for (String w : words) {
        if (tokens.get(i).is(w)) {
          i++;
          continue outer;
        }
      }
      return i;
    }
    return i;
  }

  private static boolean isPlainKeyword(String text) {
    if (text.length() > 30) {
      return false;
    }
    for (int k = 0; k < text.length(); k++) {
      char c = text.charAt(k);
      if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_')) {
        return false;
      }
    }
    return true;
  }

  private static List<Token> tokenize(String s) {
    List<Token> tokens = new ArrayList<>();
    int n = s.length();
    int i = 0;
    while (i < n) {
      char c = s.charAt(i);
      if (c == ' ') {
        i++;
        continue;
      }
      if (isNamePartStart(c)) {
        int start = i;
        int parts = 0;
        boolean quoted = false;
        while (true) {
          char p = s.charAt(i);
          if (p == '"' || p == '`' || p == '[') {
            i = endOfQuotedIdentifier(s, i, n, p == '[' ? ']' : p);
            quoted = true;
          } else {
            i++;
            while (i < n && isWordPart(s.charAt(i))) {
              i++;
            }
          }
          parts++;
          if (i + 1 < n && s.charAt(i) == '.' && isNamePartStart(s.charAt(i + 1))) {
            i++;
          } else {
            break;
          }
        }
        tokens.add(new Token(s.substring(start, i), parts == 1 && !quoted, true));
        continue;
      }
      tokens.add(new Token(String.valueOf(c), false, false));
      i++;
    }
    return tokens;
  }

  private static boolean isNamePartStart(char c) {
    return isWordStart(c) || c == '"' || c == '`' || c == '[';
  }
}
