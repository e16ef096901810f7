package org.p11ca.tokens;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Rows printed as an aligned table for people or as tab-separated values (header line first) for scripts. */
final class TextTable {

  enum Format { TABLE, TSV }

  private final List<String> header;
  private final List<List<String>> rows = new ArrayList<>();

  TextTable(String... header) {
    this.header = List.of(header);
  }

  void add(String... cells) {
    if (cells.length != header.size()) {
      throw new IllegalArgumentException("a row of " + cells.length + " cells in a table of " + header.size());
    }
    List<String> row = new ArrayList<>(cells.length);
    for (String cell : cells) {
      // A tab or line break inside a label would shift every later column for the scripts that read this.
      row.add(cell.replaceAll("[\\t\\r\\n]", " "));
    }
    rows.add(row);
  }

  void print(PrintWriter out, Format format) {
    if (format == Format.TSV) {
      out.println(String.join("\t", header));
      rows.forEach(r -> out.println(String.join("\t", r)));
      return;
    }
    int[] widths = new int[header.size()];
    for (List<String> row : allRows()) {
      for (int i = 0; i < row.size(); i++) {
        widths[i] = Math.max(widths[i], row.get(i).length());
      }
    }
    for (List<String> row : allRows()) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.size(); i++) {
        String cell = row.get(i);
        line.append(cell).append(" ".repeat(i == row.size() - 1 ? 0 : widths[i] - cell.length() + 2));
      }
      out.println(line.toString().stripTrailing());
    }
  }

  private List<List<String>> allRows() {
    List<List<String>> all = new ArrayList<>();
    all.add(header.stream().map(h -> h.toUpperCase(Locale.ROOT)).toList());
    all.addAll(rows);
    return all;
  }

  static String yesNo(boolean value) {
    return value ? "yes" : "no";
  }
}
