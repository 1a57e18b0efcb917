//! Rows of cells as a GitHub-flavoured Markdown table, bounded in rows, columns and cell
//! length, so one spreadsheet cannot fill a model's context by itself.

use super::Limits;

/// Collects rows; renders them with the first row as the header.
#[derive(Debug, Default)]
pub struct Table {
    rows: Vec<Vec<String>>,
    /// Rows seen, including those beyond the limit (which are counted, not kept).
    total_rows: usize,
    widest: usize,
}

impl Table {
    pub fn new() -> Table {
        Table::default()
    }

    /// Adds a row; rows past the limit (header included) are only counted.
    pub fn push(&mut self, row: Vec<String>, limits: &Limits) {
        self.total_rows += 1;
        self.widest = self.widest.max(row.len());
        if self.rows.len() <= limits.max_table_rows {
            self.rows.push(row);
        }
    }

    /// Records that the source had `width` columns, some of which were not stored.
    pub fn note_width(&mut self, width: usize) {
        self.widest = self.widest.max(width);
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The table as Markdown, plus a note when rows or columns were left out.
    pub fn render(&self, limits: &Limits, what: &str) -> (String, Option<String>) {
        let stored = self.rows.iter().map(Vec::len).max().unwrap_or(0);
        let columns = stored.clamp(1, limits.max_table_columns.max(1));
        let mut out = String::new();
        for (i, row) in self.rows.iter().enumerate() {
            out.push('|');
            for c in 0..columns {
                out.push(' ');
                out.push_str(&cell(row.get(c).map(String::as_str), limits));
                out.push_str(" |");
            }
            out.push('\n');
            if i == 0 {
                out.push('|');
                out.push_str(&"---|".repeat(columns));
                out.push('\n');
            }
        }
        let shown = self.rows.len().saturating_sub(1);
        let data_rows = self.total_rows.saturating_sub(1);
        let mut missing = Vec::new();
        if data_rows > shown {
            out.push_str(&format!("\n[{} more rows not shown]\n", data_rows - shown));
            missing.push(format!("rows {}–{data_rows}", shown + 1));
        }
        if self.widest > columns {
            missing.push(format!("columns {}–{}", columns + 1, self.widest));
        }
        let note = (!missing.is_empty()).then(|| {
            format!(
                "{what}: {} of {data_rows} data rows and {columns} of {} columns shown ({} left out by the table limits)",
                shown,
                self.widest,
                missing.join(", ")
            )
        });
        (out, note)
    }
}

/// One cell's text, made safe for a table row: pipes escaped, line breaks as `<br>`,
/// whitespace runs collapsed, long text cut with an ellipsis.
fn cell(text: Option<&str>, limits: &Limits) -> String {
    let text = text.unwrap_or_default().trim();
    let mut out = String::with_capacity(text.len().min(limits.max_cell_chars * 2));
    let mut chars = 0;
    let mut last_space = false;
    for ch in text.chars() {
        if chars >= limits.max_cell_chars {
            out.push('…');
            break;
        }
        match ch {
            '\n' => {
                out.push_str("<br>");
                last_space = false;
            }
            '\r' => continue,
            c if c.is_whitespace() => {
                if !last_space {
                    out.push(' ');
                }
                last_space = true;
            }
            '|' => {
                out.push_str("\\|");
                last_space = false;
            }
            c => {
                out.push(c);
                last_space = false;
            }
        }
        chars += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(rows: &[&[&str]], limits: &Limits) -> (String, Option<String>) {
        let mut t = Table::new();
        for r in rows {
            t.push(r.iter().map(|s| (*s).to_owned()).collect(), limits);
        }
        t.render(limits, "the table")
    }

    #[test]
    fn header_row_then_cells() {
        let (md, note) = table(&[&["a", "b"], &["1", "x|y"], &["2"]], &Limits::default());
        assert_eq!(md, "| a | b |\n|---|---|\n| 1 | x\\|y |\n| 2 |  |\n");
        assert_eq!(note, None);
    }

    #[test]
    fn rows_columns_and_cells_are_bounded() {
        let limits = Limits {
            max_table_rows: 2,
            max_table_columns: 2,
            max_cell_chars: 3,
            ..Limits::default()
        };
        let (md, note) = table(
            &[
                &["h1", "h2", "h3"],
                &["abcdef", "b"],
                &["c", "d"],
                &["e", "f"],
            ],
            &limits,
        );
        assert!(md.contains("| abc… | b |"), "{md}");
        assert!(!md.contains("h3") && !md.contains("| e |"), "{md}");
        assert!(md.contains("[1 more rows not shown]"), "{md}");
        let note = note.unwrap_or_default();
        assert!(
            note.contains("rows 3–3") && note.contains("columns 3–3"),
            "{note}"
        );
    }
}
