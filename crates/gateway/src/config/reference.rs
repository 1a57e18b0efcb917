//! The configuration reference (docs/configuration.md), generated from the configuration
//! types' JSON schema, so every key's documentation is its doc comment and cannot drift: a
//! test compares the file with this output.

use serde_json::{Map, Value};

use super::Config;

/// Markdown: one table per TOML table, each key with its type, default and description.
pub fn reference_markdown() -> String {
    let schema = serde_json::to_value(schemars::schema_for!(Config)).unwrap_or_default();
    let empty = Map::new();
    let defs = schema
        .get("$defs")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let mut out = String::from(
        "# Configuration reference\n\n\
         Generated from the configuration types by `UPDATE_CONFIG_REFERENCE=1 cargo test -p gateway \
         config_reference` (a test fails when this file is out of date). `confluence-gateway init` \
         writes a commented starter file.\n\n\
         Toolset selectors (in `[[servers]].toolsets` and policy rules' `toolsets`): a family name such as \
         `pages` selects all of its tools, `pages:read` only its read-only ones, `*` every tool \
         and `*:read` every read-only tool. Secrets (`token`, `key_secret`) can come from \
         environment variables instead (`token_env`, `key_secret_env`).\n\n",
    );
    let mut top = Vec::new();
    let mut tables = Vec::new();
    for (key, prop) in properties(&schema) {
        match table_of(prop, defs) {
            Some((name, fields)) => tables.push((key.clone(), name, fields)),
            None => top.push((key.clone(), prop)),
        }
    }
    out.push_str("## Top level\n\n| key | type | default | description |\n|---|---|---|---|\n");
    let root_required = required(&schema);
    for (key, prop) in &top {
        out.push_str(&row(key, prop, defs, &root_required));
    }
    let root_props: Map<String, Value> = schema
        .get("properties")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    for (key, header, fields) in tables {
        let header = header.replace("KEY", &key);
        out.push_str(&format!("\n## `{header}`\n\n"));
        let text = root_props
            .get(&key)
            .and_then(description)
            .or_else(|| description(fields));
        if let Some(text) = text {
            out.push_str(&format!("{text}\n\n"));
        }
        let props = properties(fields);
        if props.is_empty() {
            continue;
        }
        let required = required(fields);
        out.push_str("| key | type | default | description |\n|---|---|---|---|\n");
        for (field, prop) in props {
            out.push_str(&row(field, prop, defs, &required));
        }
    }
    out
}

fn properties(schema: &Value) -> Vec<(&String, &Value)> {
    schema
        .get("properties")
        .and_then(Value::as_object)
        .map(|m| m.iter().collect())
        .unwrap_or_default()
}

/// The definition a `$ref` points at.
fn resolve<'a>(value: &'a Value, defs: &'a Map<String, Value>) -> &'a Value {
    value
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/$defs/"))
        .and_then(|name| defs.get(name))
        .unwrap_or(value)
}

/// For a property holding a TOML table (`[KEY]`), an array of tables (`[[KEY]]`) or a map of
/// tables (`[KEY.NAME]`): the header and the table's schema.
fn table_of<'a>(prop: &'a Value, defs: &'a Map<String, Value>) -> Option<(String, &'a Value)> {
    let direct = resolve(prop, defs);
    if direct.get("properties").is_some()
        || direct.get("type") == Some(&Value::from("object"))
            && direct.get("additionalProperties").is_none()
    {
        return Some(("[KEY]".to_owned(), direct));
    }
    if let Some(items) = direct.get("items") {
        let item = resolve(items, defs);
        if item.get("properties").is_some() {
            return Some(("[[KEY]]".to_owned(), item));
        }
    }
    if let Some(values) = direct.get("additionalProperties").filter(|v| v.is_object()) {
        let value = resolve(values, defs);
        if value.get("properties").is_some() || value.get("type") == Some(&Value::from("object")) {
            return Some(("[KEY.NAME]".to_owned(), value));
        }
    }
    None
}

fn description(schema: &Value) -> Option<String> {
    schema
        .get("description")
        .and_then(Value::as_str)
        .map(|d| d.replace('\n', " "))
}

fn type_name(prop: &Value, defs: &Map<String, Value>) -> String {
    let prop = resolve(prop, defs);
    if let Some(variants) = prop
        .get("oneOf")
        .or_else(|| prop.get("enum"))
        .and_then(Value::as_array)
    {
        let names: Vec<String> = variants
            .iter()
            .filter_map(|v| {
                v.get("const")
                    .or(Some(v))
                    .and_then(Value::as_str)
                    .map(|s| format!("`\"{s}\"`"))
            })
            .collect();
        if !names.is_empty() {
            return names.join(" \\| ");
        }
    }
    if let Some(variants) = prop.get("anyOf").and_then(Value::as_array) {
        let names: Vec<String> = variants
            .iter()
            .filter(|v| v.get("type") != Some(&Value::from("null")))
            .map(|v| type_name(v, defs))
            .collect();
        return names.join(" or ");
    }
    let kinds: Vec<&str> = match prop.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts
            .iter()
            .filter_map(Value::as_str)
            .filter(|t| *t != "null")
            .collect(),
        _ => Vec::new(),
    };
    match kinds.as_slice() {
        ["array"] => format!(
            "array of {}",
            prop.get("items")
                .map(|i| type_name(i, defs))
                .unwrap_or_else(|| "values".into())
        ),
        ["object"] => match prop.get("additionalProperties") {
            Some(v) if v.is_object() => format!("table of {}", type_name(v, defs)),
            _ => "table".to_owned(),
        },
        [one] => (*one).to_owned(),
        _ => "value".to_owned(),
    }
}

fn required(schema: &Value) -> Vec<String> {
    schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| {
            r.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

fn row(key: &str, prop: &Value, defs: &Map<String, Value>, required: &[String]) -> String {
    let default = match prop.get("default") {
        _ if required.iter().any(|r| r == key) => "required".to_owned(),
        Some(Value::Null) | None => "—".to_owned(),
        Some(d) if d.to_string().len() > 60 => "built in".to_owned(),
        Some(d) => format!("`{d}`"),
    };
    let text = description(prop)
        .or_else(|| description(resolve(prop, defs)))
        .unwrap_or_default()
        .replace('|', "\\|");
    format!(
        "| `{key}` | {} | {default} | {text} |\n",
        type_name(prop, defs)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_reference_is_up_to_date() {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/configuration.md");
        let generated = reference_markdown();
        if std::env::var_os("UPDATE_CONFIG_REFERENCE").is_some() {
            std::fs::write(&path, &generated).unwrap_or_else(|e| panic!("{e}"));
        }
        let current = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            current == generated,
            "docs/configuration.md is out of date; run UPDATE_CONFIG_REFERENCE=1 cargo test -p gateway config_reference"
        );
        for key in [
            "allowed_hosts",
            "key_secret_env",
            "token_env",
            "max_response_chars",
            "key_hash",
            "dlp_profile",
        ] {
            assert!(generated.contains(&format!("`{key}`")), "{key} missing");
        }
    }
}
