package org.snplab.ctl;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** A plain text table: columns as wide as their widest cell, two spaces apart, no borders (easy to grep and cut). */
final class Table {

	private final List<String[]> rows = new ArrayList<>();

	Table(String... header) {
		rows.add(header);
	}

	Table row(Object... cells) {
		String[] row = new String[cells.length];
		for (int i = 0; i < cells.length; i++) {
			row[i] = cells[i] == null ? "-" : cells[i].toString().replaceAll("\\s+", " ");
		}
		rows.add(row);
		return this;
	}

	void print(PrintWriter out) {
		int columns = rows.get(0).length;
		int[] widths = new int[columns];
		for (String[] row : rows) {
			for (int i = 0; i < columns; i++) {
				widths[i] = Math.max(widths[i], row[i].length());
			}
		}
		for (String[] row : rows) {
			StringBuilder line = new StringBuilder();
			for (int i = 0; i < columns; i++) {
				line.append(i == columns - 1 ? row[i] : String.format("%-" + widths[i] + "s  ", row[i]));
			}
			out.println(line.toString().stripTrailing());
		}
		out.flush();
	}
}
