//! A chart's data file as a table of text cells: CSV (a header line, then records) or
//! JSON (an array of objects, Vega-Lite's shape), each bounded in rows and columns. Cells
//! keep the text as written, so the table readers see shows the file's own values; the
//! chart reads numbers and dates from them (`values`).

use indexmap::IndexMap;

use super::{Limits, Problem};

/// Rows of text cells under named columns; `lines[i]` says where row `i` is in the file
/// (its line in a CSV file, its item number in a JSON array).
#[derive(Debug)]
pub(crate) struct Table {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<String>>,
    pub lines: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    Csv,
    Json,
}

impl Format {
    pub(crate) fn named(name: &str) -> Option<Format> {
        match name.to_ascii_lowercase().as_str() {
            "csv" => Some(Format::Csv),
            "json" => Some(Format::Json),
            _ => None,
        }
    }
}

/// Reads `text`, the file `name`, as `format`.
pub(crate) fn parse(text: &str, name: &str, format: Format, limits: &Limits) -> Result<Table, Problem> {
    let table = match format {
        Format::Csv => csv_table(text, name, limits)?,
        Format::Json => json_table(text, name, limits)?,
    };
    if table.rows.is_empty() {
        return Err(Problem::at_url(format!("`{name}` has no rows of data")).hint(
            "a CSV file needs a header line and at least one record; a JSON file an array of objects",
        ));
    }
    Ok(table)
}

fn too_many_rows(name: &str, limits: &Limits) -> Problem {
    Problem::at_url(format!(
        "`{name}` has more than {} rows, the most a chart reads",
        limits.rows
    ))
    .hint("a chart shows its data as a table too: summarise the file (monthly rather than daily values, say) and link the full data from the text")
}

fn too_many_columns(name: &str, limits: &Limits) -> Problem {
    Problem::at_url(format!(
        "`{name}` has more than {} columns, the most a chart reads",
        limits.columns
    ))
    .hint("keep the columns the chart uses in a file of their own")
}

fn csv_table(text: &str, name: &str, limits: &Limits) -> Result<Table, Problem> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(text.as_bytes());
    let bad = |e: csv::Error| {
        let line = e
            .position()
            .map(|p| format!(" at line {}", p.line()))
            .unwrap_or_default();
        let what = match e.kind() {
            csv::ErrorKind::UnequalLengths {
                expected_len, len, ..
            } => format!("a record has {len} fields where the header has {expected_len}"),
            _ => e.to_string(),
        };
        Problem::at_url(format!("`{name}` is not valid CSV{line}: {what}"))
            .hint("each line needs as many comma-separated fields as the header; quote a field holding a comma: \"12,5\"")
    };
    let columns: Vec<String> = reader
        .headers()
        .map_err(bad)?
        .iter()
        .map(|h| h.trim().to_owned())
        .collect();
    if columns.len() > limits.columns {
        return Err(too_many_columns(name, limits));
    }
    let mut rows = Vec::new();
    let mut lines = Vec::new();
    for record in reader.records() {
        let record = record.map_err(bad)?;
        if rows.len() == limits.rows {
            return Err(too_many_rows(name, limits));
        }
        let line = record.position().map_or(rows.len() + 2, |p| p.line() as usize);
        lines.push(format!("line {line}"));
        rows.push(record.iter().map(|c| c.trim().to_owned()).collect());
    }
    Ok(Table { columns, rows, lines })
}

fn json_table(text: &str, name: &str, limits: &Limits) -> Result<Table, Problem> {
    let shape_hint =
        "chart data in JSON is an array of objects, one per row: [{\"year\": 2024, \"value\": 3.5}, …]";
    // Read as rows of ordered objects, so the columns keep the file's order; when that
    // fails, read the file again as any JSON to say what is wrong with its shape.
    let objects: Vec<IndexMap<String, serde_json::Value>> = match serde_json::from_str(text) {
        Ok(objects) => objects,
        Err(_) => return Err(json_shape_problem(text, name, shape_hint)),
    };
    if objects.len() > limits.rows {
        return Err(too_many_rows(name, limits));
    }
    let mut columns: Vec<String> = Vec::new();
    for object in &objects {
        for key in object.keys() {
            if !columns.contains(key) {
                if columns.len() == limits.columns {
                    return Err(too_many_columns(name, limits));
                }
                columns.push(key.clone());
            }
        }
    }
    let rows = objects
        .iter()
        .map(|object| {
            columns
                .iter()
                .map(|c| match object.get(c) {
                    None | Some(serde_json::Value::Null) => String::new(),
                    Some(serde_json::Value::String(s)) => s.trim().to_owned(),
                    Some(other) => other.to_string(),
                })
                .collect()
        })
        .collect();
    let lines = (1..=objects.len()).map(|i| format!("item {i}")).collect();
    Ok(Table { columns, rows, lines })
}

/// Why `text` is not an array of objects: not JSON, not an array, or an item that is
/// not an object.
fn json_shape_problem(text: &str, name: &str, shape_hint: &str) -> Problem {
    let items = match serde_json::from_str::<serde_json::Value>(text) {
        Err(e) => {
            return Problem::at_url(format!(
                "`{name}` is not valid JSON at line {}, column {}: {e}",
                e.line(),
                e.column()
            ))
            .hint(shape_hint);
        }
        Ok(serde_json::Value::Array(items)) => items,
        Ok(_) => return Problem::at_url(format!("`{name}` is not an array")).hint(shape_hint),
    };
    let first = items.iter().position(|i| !i.is_object()).unwrap_or(0);
    Problem::at_url(format!("item {} of `{name}` is not an object", first + 1)).hint(shape_hint)
}

impl Table {
    pub(crate) fn column(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c == name)
    }

    /// The cells of column `index`, in order.
    pub(crate) fn cells(&self, index: usize) -> impl Iterator<Item = &str> {
        self.rows
            .iter()
            .map(move |r| r.get(index).map_or("", String::as_str))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_and_json_read_alike() {
        let limits = Limits::default();
        let csv = parse(
            "year,value\n2023,1.5\n2024,\"2\"\n",
            "a.csv",
            Format::Csv,
            &limits,
        )
        .unwrap();
        let json = parse(
            r#"[{"year": 2023, "value": 1.5}, {"year": 2024, "value": "2"}]"#,
            "a.json",
            Format::Json,
            &limits,
        )
        .unwrap();
        assert_eq!(csv.columns, ["year", "value"]);
        assert_eq!(json.columns, ["year", "value"]);
        let cell = |t: &Table, row: usize, column: &str| t.rows[row][t.column(column).unwrap()].clone();
        for (row, column) in [(0, "year"), (1, "value"), (0, "value")] {
            assert_eq!(cell(&csv, row, column), cell(&json, row, column));
        }
        assert_eq!(csv.lines, ["line 2", "line 3"]);
    }

    #[test]
    fn json_columns_keep_the_file_order_and_a_later_key_comes_last() {
        let json = parse(
            r#"[{"zone": "north", "year": 2023, "amount": 1}, {"year": 2024, "zone": "south", "note": "est."}]"#,
            "a.json",
            Format::Json,
            &Limits::default(),
        )
        .unwrap();
        assert_eq!(json.columns, ["zone", "year", "amount", "note"]);
        assert_eq!(json.rows[1], ["south", "2024", "", "est."]);
    }

    #[test]
    fn a_json_file_of_the_wrong_shape_says_what_is_wrong() {
        let limits = Limits::default();
        let message = |text: &str| format!("{:?}", parse(text, "a.json", Format::Json, &limits).unwrap_err());
        assert!(message("[{\"a\": 1},").contains("is not valid JSON at line 1"));
        assert!(message("{\"a\": 1}").contains("is not an array"));
        assert!(message("[{\"a\": 1}, 2, {}]").contains("item 2 of `a.json` is not an object"));
    }

    #[test]
    fn limits_are_errors() {
        let limits = Limits {
            rows: 2,
            ..Limits::default()
        };
        let e = parse("a\n1\n2\n3\n", "a.csv", Format::Csv, &limits).unwrap_err();
        assert!(e.message.contains("more than 2 rows"), "{}", e.message);
        assert!(parse("[1, 2]", "a.json", Format::Json, &limits).is_err());
        assert!(parse("a,b\n1\n", "a.csv", Format::Csv, &limits).is_err());
        assert!(parse("a\n", "a.csv", Format::Csv, &limits).is_err());
    }
}
