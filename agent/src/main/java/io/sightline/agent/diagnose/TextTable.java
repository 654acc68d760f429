package io.sightline.agent.diagnose;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** Columns aligned with two spaces between them; text columns left, number columns right. */
final class TextTable {
  private final String[] headers;
  private final boolean[] right;
  private final List<String[]> rows = new ArrayList<>();

  /** A header starting with {@code >} names a right-aligned column. */
  TextTable(String... headers) {
    this.headers = new String[headers.length];
    this.right = new boolean[headers.length];
    for (int i = 0; i < headers.length; i++) {
      right[i] = headers[i].startsWith(">");
      this.headers[i] = right[i] ? headers[i].substring(1) : headers[i];
    }
  }

  void row(String... cells) {
    rows.add(cells);
  }

  void print(PrintWriter out, String indent) {
    int[] widths = new int[headers.length];
    for (int i = 0; i < headers.length; i++) {
      widths[i] = headers[i].length();
      for (String[] row : rows) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    printRow(out, indent, headers, widths);
    for (String[] row : rows) {
      printRow(out, indent, row, widths);
    }
  }

  private void printRow(PrintWriter out, String indent, String[] cells, int[] widths) {
    StringBuilder line = new StringBuilder(indent);
    for (int i = 0; i < cells.length; i++) {
      if (i > 0) {
        line.append("  ");
      }
      int pad = widths[i] - cells[i].length();
      if (right[i]) {
        line.append(" ".repeat(pad)).append(cells[i]);
      } else {
        line.append(cells[i]);
        if (i < cells.length - 1) {
          line.append(" ".repeat(pad));
        }
      }
    }
    out.println(line);
  }
}
