//! Output: tables with `avn`'s columns and cell formatting, and pretty JSON.

use comfy_table::{CellAlignment, ContentArrangement, Table};
use serde::Serialize;
use serde_json::{Map, Value};

/// No borders: a header, a `=` rule under it, and columns two spaces apart.
const PRESET: &str = "     =             ";

/// A table of `rows` (JSON objects) with one column per key in `columns`; headers are the keys
/// upper-cased, as `avn` prints them.
pub fn table(columns: &[&str], rows: &[Value]) -> String {
    let mut t = Table::new();
    t.load_preset(PRESET).set_content_arrangement(ContentArrangement::Disabled);
    t.set_header(columns.iter().map(|c| c.to_uppercase()));
    for row in rows {
        t.add_row(columns.iter().map(|c| cell(&row[*c])));
    }
    let last = columns.len().saturating_sub(1);
    for (i, col) in t.column_iter_mut().enumerate() {
        col.set_padding((0, if i == last { 0 } else { 2 })).set_cell_alignment(CellAlignment::Left);
    }
    // comfy-table rules the padding too; `avn` leaves the gaps between columns blank.
    let rule = t.column_max_content_widths().iter().map(|w| "=".repeat(usize::from(*w))).collect::<Vec<_>>().join("  ");
    let mut lines: Vec<String> = t.lines().map(|l| l.trim_end().to_string()).collect();
    if lines.len() > 1 && lines[1].starts_with('=') {
        lines[1] = rule;
    }
    lines.join("\n")
}

/// Every key of each object, nested objects flattened to `parent.child`, sorted: what `avn` prints
/// for responses it has no layout for (peering-connection create and delete).
pub fn wide(rows: &[Value]) -> String {
    let flat: Vec<Value> = rows.iter().map(|r| Value::Object(flatten(r))).collect();
    let mut columns: Vec<&str> =
        flat.iter().filter_map(Value::as_object).flat_map(|o| o.keys().map(String::as_str)).collect();
    columns.sort_unstable();
    columns.dedup();
    table(&columns, &flat)
}

fn flatten(v: &Value) -> Map<String, Value> {
    let mut out = Map::new();
    if let Some(o) = v.as_object() {
        for (k, v) in o {
            match v.as_object() {
                Some(_) => {
                    for (ck, cv) in flatten(v) {
                        out.insert(format!("{k}.{ck}"), cv);
                    }
                }
                None => {
                    out.insert(k.clone(), v.clone());
                }
            }
        }
    }
    out
}

/// One cell as `avn` shows it: strings bare, lists joined with `, `, anything else JSON (`null`).
pub fn cell(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Array(items) => items
            .iter()
            .map(|i| match i {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect::<Vec<_>>()
            .join(", "),
        other => other.to_string(),
    }
}

/// Pretty JSON with `avn`'s four-space indent.
pub fn json(v: &Value) -> String {
    let mut out = Vec::new();
    let mut ser =
        serde_json::Serializer::with_formatter(&mut out, serde_json::ser::PrettyFormatter::with_indent(b"    "));
    v.serialize(&mut ser).expect("a JSON value serialises");
    String::from_utf8(out).expect("JSON is UTF-8")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn tables_have_upper_case_headers_a_rule_and_no_trailing_space() {
        let rows = [json!({"project_vpc_id": "v1", "state": "ACTIVE", "x": null, "l": ["a", "b"]})];
        let out = table(&["project_vpc_id", "state", "x", "l"], &rows);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines[0], "PROJECT_VPC_ID  STATE   X     L");
        assert_eq!(lines[1], "==============  ======  ====  ====");
        assert_eq!(lines[2], "v1              ACTIVE  null  a, b");
    }

    #[test]
    fn wide_tables_flatten_nested_objects_in_sorted_columns() {
        let out = wide(&[json!({"state": "PENDING_PEER", "state_info": {"message": "m", "to-network-id": "n"}})]);
        assert!(out.starts_with("STATE         STATE_INFO.MESSAGE  STATE_INFO.TO-NETWORK-ID"), "{out}");
    }
}
