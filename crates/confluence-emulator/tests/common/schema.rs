//! Validates v2 responses against `../shared/reference/confluence-api/confluence-v2.openapi.json`.
//!
//! Every v2 response a test receives goes through [`check_v2`], so an emulator handler that drifts
//! from Atlassian's documented shapes (types, enums, nullability, status codes) fails the test that
//! exercised it. OpenAPI 3.0 schema objects are converted to draft-7 JSON Schema, with the
//! referenced `components.schemas` embedded as `definitions`, and compiled once per response.

use super::Reply;
use jsonschema::Validator;
use reqwest::Method;
use serde_json::{Map, Value, json};
use std::collections::{BTreeSet, HashMap};
use std::io::Write;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};

/// Where the document sits relative to this crate (the repo has `shared/` beside it).
const DOC_FROM_MANIFEST: &str =
    "../../../shared/reference/confluence-api/confluence-v2.openapi.json";

/// Set to a file path to get one line per distinct checked operation (appended across binaries).
const REPORT_ENV: &str = "CONFLUENCE_V2_SCHEMA_REPORT";

/// Body bytes quoted in a failure message.
const BODY_EXCERPT: usize = 2000;

/// Live Confluence Cloud operations absent from the 2025 snapshot of the document. They are
/// checked against [`missing_schema`], which mirrors Atlassian's published response shape.
/// Anything else the document lacks is a test failure, never a silent skip.
pub const KNOWN_MISSING: &[(&str, &str)] = &[
    ("get", "/pages/{id}/descendants"),
    ("get", "/pages/{id}/direct-children"),
    ("get", "/folders/{id}/descendants"),
    ("get", "/folders/{id}/direct-children"),
    ("get", "/whiteboards/{id}/descendants"),
    ("get", "/whiteboards/{id}/direct-children"),
    ("get", "/databases/{id}/descendants"),
    ("get", "/databases/{id}/direct-children"),
    ("get", "/embeds/{id}/descendants"),
    ("get", "/embeds/{id}/direct-children"),
];

/// What a response must look like, once the operation and status are known.
enum Expect {
    /// Validate the JSON body against this (OpenAPI-dialect) schema; `key` names the cache slot.
    Schema { key: String, schema: Value },
    /// 204 and content-less success responses: no body at all.
    Empty,
    /// Error statuses the document gives no schema for: the v2 `{"errors":[…]}` shape.
    Error,
    /// The emulator agrees the route does not exist (404/405 on an undocumented operation).
    NoRoute,
}

/// Panics with the schema error when a v2 response does not match its documented schema.
pub fn check_v2(method: &Method, path: &str, reply: &Reply) {
    let Some(rel) = v2_relative(path) else {
        return;
    };
    let status = reply.status.as_u16();
    let method_key = method.as_str().to_ascii_lowercase();
    let (operation, expect) = expectation(&method_key, &rel, status).unwrap_or_else(|why| {
        panic!(
            "v2 schema check: {why}\n  request: {method} {path}\n  status:  {status}\n  body:    {}",
            excerpt(&reply.text)
        )
    });
    record(&operation, status);
    let fail = |detail: String| -> ! {
        panic!(
            "v2 response does not match Atlassian's OpenAPI document\n  request:   {method} {path}\n  \
             operation: {operation}\n  status:    {status}\n{detail}\n  body:      {}",
            excerpt(&reply.text)
        )
    };
    match expect {
        Expect::Empty => {
            if !reply.text.trim().is_empty() {
                fail(format!("  expected an empty body for status {status}"));
            }
        }
        Expect::NoRoute => {
            if let Ok(body) = serde_json::from_str::<Value>(&reply.text)
                && let Err(detail) = validate_error(&body, status)
            {
                fail(detail);
            }
        }
        Expect::Error => {
            let body = parse(&reply.text).unwrap_or_else(|e| fail(e));
            if let Err(detail) = validate_error(&body, status) {
                fail(detail);
            }
        }
        Expect::Schema { key, schema } => {
            let body = parse(&reply.text).unwrap_or_else(|e| fail(e));
            let validator = validator(&key, &schema).unwrap_or_else(|e| fail(e));
            if let Err(detail) = run(&validator, &body) {
                fail(detail);
            }
        }
    }
}

/// The path below `/api/v2` without query or fragment, or `None` for non-v2 paths.
fn v2_relative(path: &str) -> Option<String> {
    if !path.contains("/api/v2/") {
        return None;
    }
    let at = path.find("/api/v2/")?;
    let rest = &path[at + "/api/v2".len()..];
    let rest = rest.split(['?', '#']).next().unwrap_or_default();
    let trimmed = rest.trim_end_matches('/');
    Some(if trimmed.is_empty() {
        "/".to_owned()
    } else {
        trimmed.to_owned()
    })
}

/// Finds the operation for `method` + `rel` and decides what the body must be for `status`.
/// Returns a description of the operation alongside, or why the request cannot be checked.
fn expectation(method: &str, rel: &str, status: u16) -> Result<(String, Expect), String> {
    let doc = document();
    let paths = doc["paths"]
        .as_object()
        .ok_or("the document has no `paths`")?;
    let templates = paths
        .keys()
        .map(String::as_str)
        .chain(KNOWN_MISSING.iter().map(|(_, t)| *t));
    let matched = best_template(templates, rel);
    let upper = method.to_ascii_uppercase();
    let Some(template) = matched else {
        return if matches!(status, 404 | 405) {
            Ok((format!("{upper} {rel} (no such route)"), Expect::NoRoute))
        } else {
            Err(format!(
                "no operation in the OpenAPI document matches `{rel}`; if Confluence really serves \
                 it, add its template to KNOWN_MISSING in tests/common/schema.rs"
            ))
        };
    };
    let operation = format!("{upper} {template}");
    if KNOWN_MISSING.contains(&(method, template)) {
        let expect = match status {
            200 => Expect::Schema {
                key: format!("missing {operation}"),
                schema: missing_schema(template),
            },
            400.. => Expect::Error,
            _ => return Err(format!("status {status} is not expected from {operation}")),
        };
        return Ok((operation, expect));
    }
    let Some(op) = paths.get(template).and_then(|p| p.get(method)) else {
        return if matches!(status, 404 | 405) {
            Ok((
                format!("{operation} (undocumented method)"),
                Expect::NoRoute,
            ))
        } else {
            Err(format!("the document has no {operation} operation"))
        };
    };
    let responses = &op["responses"];
    let exact = status.to_string();
    let range = format!("{}XX", status / 100);
    let chosen = [exact.as_str(), range.as_str(), "default"]
        .into_iter()
        .find_map(|k| {
            let found = responses
                .as_object()?
                .iter()
                .find(|(code, _)| code.eq_ignore_ascii_case(k))?;
            Some(found)
        });
    let Some((code, response)) = chosen else {
        return if status >= 400 {
            Ok((operation, Expect::Error))
        } else {
            Err(format!(
                "status {status} is not documented for {operation} (documented: {})",
                keys(responses)
            ))
        };
    };
    let schema = json_schema_of(response);
    let expect = match schema {
        Some(schema) if status != 204 => Expect::Schema {
            key: format!("{operation} {code}"),
            schema: schema.clone(),
        },
        _ if status >= 400 => Expect::Error,
        _ => Expect::Empty,
    };
    Ok((operation, expect))
}

/// The template matching every segment of `rel`, preferring literal segments over `{params}`
/// from left to right (so `/pages/{id}/children` beats a hypothetical `/pages/{id}/{x}`).
fn best_template<'a>(templates: impl Iterator<Item = &'a str>, rel: &str) -> Option<&'a str> {
    let segments: Vec<&str> = rel.split('/').skip(1).collect();
    templates
        .filter_map(|template| {
            let parts: Vec<&str> = template.split('/').skip(1).collect();
            if parts.len() != segments.len() {
                return None;
            }
            let mut literal = Vec::with_capacity(parts.len());
            for (part, seg) in parts.iter().zip(&segments) {
                let is_param = part.starts_with('{') && part.ends_with('}');
                if is_param {
                    if seg.is_empty() {
                        return None;
                    }
                } else if part != seg {
                    return None;
                }
                literal.push(!is_param);
            }
            Some((literal, template))
        })
        .max_by(|a, b| a.0.cmp(&b.0))
        .map(|(_, template)| template)
}

/// The `application/json` schema of a response object, if it has one.
fn json_schema_of(response: &Value) -> Option<&Value> {
    let content = response.get("content")?.as_object()?;
    content
        .iter()
        .find(|(ct, _)| ct.starts_with("application/json"))
        .or_else(|| content.iter().next())
        .and_then(|(_, media)| media.get("schema"))
}

fn keys(value: &Value) -> String {
    value
        .as_object()
        .map(|o| o.keys().cloned().collect::<Vec<_>>().join(", "))
        .unwrap_or_default()
}

/// Shape of the descendants / direct-children endpoints, as Atlassian documents them online.
fn missing_schema(template: &str) -> Value {
    let mut item = json!({
        "type": "object",
        "required": ["id", "status", "title", "type"],
        "properties": {
            "id": {"type": "string"},
            "status": {"$ref": "#/components/schemas/OnlyArchivedAndCurrentContentStatus"},
            "title": {"type": "string"},
            "type": {"$ref": "#/components/schemas/ParentContentType"},
            "childPosition": {"type": "integer", "nullable": true}
        }
    });
    if let Some(props) = item["properties"].as_object_mut() {
        if template.ends_with("/descendants") {
            props.insert("parentId".into(), json!({"type": "string"}));
            props.insert("depth".into(), json!({"type": "integer"}));
        } else {
            props.insert("spaceId".into(), json!({"type": "string"}));
        }
    }
    json!({
        "type": "object",
        "required": ["results", "_links"],
        "properties": {
            "results": {"type": "array", "items": item},
            "_links": {"$ref": "#/components/schemas/MultiEntityLinks"}
        }
    })
}

/// The v2 error body: `{"errors":[{"status":int,"code":string,"title":string,"detail":…}]}`,
/// whose `status` fields repeat the HTTP status.
fn validate_error(body: &Value, status: u16) -> Result<(), String> {
    // Atlassian's OAuth gateway answers authentication failures itself, before Confluence, in
    // its own shape: `{"code":401,"message":"…"}`.
    if status == 401 && body["code"].as_u64() == Some(401) && body["message"].is_string() {
        return Ok(());
    }
    let schema = json!({
        "type": "object",
        "required": ["errors"],
        "properties": {
            "errors": {
                "type": "array",
                "minItems": 1,
                "items": {
                    "type": "object",
                    "required": ["status", "code", "title"],
                    "properties": {
                        "status": {"type": "integer"},
                        "code": {"type": "string"},
                        "title": {"type": "string"}
                    }
                }
            }
        }
    });
    let validator = validator("v2 error shape", &schema)?;
    run(&validator, body)?;
    let errors = body["errors"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default();
    match errors
        .iter()
        .find(|e| e["status"].as_u64() != Some(u64::from(status)))
    {
        Some(e) => Err(format!(
            "  error entry's status {} differs from the HTTP status {status}",
            e["status"]
        )),
        None => Ok(()),
    }
}

fn parse(text: &str) -> Result<Value, String> {
    serde_json::from_str(text).map_err(|e| format!("  body is not JSON: {e}"))
}

/// Validates and formats up to five errors with their instance and schema locations.
fn run(validator: &Validator, body: &Value) -> Result<(), String> {
    let errors: Vec<String> = validator
        .iter_errors(body)
        .take(5)
        .map(|e| {
            // The evaluation path shows the route through `$ref`s; the keyword path names the
            // component (`/definitions/ChildPage/...`) where the failing keyword lives.
            let (evaluated, keyword) = (e.evaluation_path().as_str(), e.schema_path().as_str());
            let schema = if evaluated == keyword {
                format!("`{evaluated}`")
            } else {
                format!("`{evaluated}`, i.e. `{keyword}`")
            };
            format!(
                "  error at instance `{}` (schema {schema}): {e}",
                e.instance_path().as_str()
            )
        })
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors.join("\n"))
    }
}

fn excerpt(text: &str) -> String {
    if text.len() <= BODY_EXCERPT {
        return text.to_owned();
    }
    let mut end = BODY_EXCERPT;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}… ({} bytes in all)", &text[..end], text.len())
}

/// The parsed document, loaded once per test binary.
fn document() -> &'static Value {
    static DOC: OnceLock<Value> = OnceLock::new();
    DOC.get_or_init(|| {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(DOC_FROM_MANIFEST);
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!(
                "cannot read Atlassian's v2 OpenAPI document at {} ({e}); the repo expects a \
                 `shared/` checkout beside it (shared/reference/confluence-api/)",
                path.display()
            )
        });
        serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{} is not valid JSON: {e}", path.display()))
    })
}

/// The compiled validator for `key`, compiling `schema` on first use.
fn validator(key: &str, schema: &Value) -> Result<Arc<Validator>, String> {
    static CACHE: OnceLock<Mutex<HashMap<String, Arc<Validator>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(v) = cache.lock().unwrap_or_else(|p| p.into_inner()).get(key) {
        return Ok(Arc::clone(v));
    }
    let compiled = Arc::new(compile(schema).map_err(|e| format!("  schema for {key}: {e}"))?);
    cache
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .insert(key.to_owned(), Arc::clone(&compiled));
    Ok(compiled)
}

/// Converts an OpenAPI schema with the components it reaches and compiles it as draft 7.
pub fn compile(schema: &Value) -> Result<Validator, String> {
    let root = json_schema_root(schema)?;
    jsonschema::draft7::options()
        .should_validate_formats(false)
        .build(&root)
        .map_err(|e| e.to_string())
}

/// `{"definitions": {reachable components}, "allOf": [converted schema]}`.
pub fn json_schema_root(schema: &Value) -> Result<Value, String> {
    let components = &document()["components"]["schemas"];
    let converted = convert(schema)?;
    let mut definitions = Map::new();
    let mut pending = Vec::new();
    collect_refs(&converted, &mut pending);
    while let Some(name) = pending.pop() {
        if definitions.contains_key(&name) {
            continue;
        }
        let component = components
            .get(&name)
            .ok_or_else(|| format!("`#/components/schemas/{name}` is not in the document"))?;
        let component = convert(component)?;
        collect_refs(&component, &mut pending);
        definitions.insert(name, component);
    }
    Ok(json!({"definitions": definitions, "allOf": [converted]}))
}

/// OpenAPI 3.0 schema object → JSON Schema draft 7: refs point at `definitions`, `$ref`
/// siblings are ignored (as 3.0 says), `nullable` admits null, OpenAPI-only keywords and
/// `format` go away. Property maps are walked by name, so a property called `properties` stays.
fn convert(schema: &Value) -> Result<Value, String> {
    let Value::Object(obj) = schema else {
        return Ok(schema.clone());
    };
    if let Some(reference) = obj.get("$ref") {
        let reference = reference.as_str().unwrap_or_default();
        let name = reference
            .strip_prefix("#/components/schemas/")
            .ok_or_else(|| format!("unsupported $ref `{reference}`"))?;
        return Ok(json!({"$ref": format!("#/definitions/{name}")}));
    }
    let mut out = Map::new();
    for (key, value) in obj {
        let converted = match key.as_str() {
            "nullable" | "discriminator" | "xml" | "example" | "examples" | "externalDocs"
            | "deprecated" | "readOnly" | "writeOnly" | "format" => continue,
            k if k.starts_with("x-") => continue,
            "properties" | "patternProperties" => {
                let mut props = Map::new();
                for (name, sub) in value.as_object().into_iter().flatten() {
                    props.insert(name.clone(), convert(sub)?);
                }
                Value::Object(props)
            }
            "allOf" | "anyOf" | "oneOf" => Value::Array(
                value
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(convert)
                    .collect::<Result<_, _>>()?,
            ),
            "items" | "additionalProperties" | "not" => convert(value)?,
            _ => value.clone(),
        };
        out.insert(key.clone(), converted);
    }
    if obj.get("nullable") == Some(&Value::Bool(true)) {
        return Ok(nullable(out));
    }
    Ok(Value::Object(out))
}

fn nullable(mut out: Map<String, Value>) -> Value {
    if let Some(Value::Array(values)) = out.get_mut("enum")
        && !values.contains(&Value::Null)
    {
        values.push(Value::Null);
    }
    match out.get("type").cloned() {
        Some(Value::String(t)) => {
            out.insert("type".into(), json!([t, "null"]));
            Value::Object(out)
        }
        _ => json!({"anyOf": [{"type": "null"}, out]}),
    }
}

fn collect_refs(value: &Value, into: &mut Vec<String>) {
    match value {
        Value::Object(obj) => {
            if let Some(name) = obj
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix("#/definitions/"))
            {
                into.push(name.to_owned());
            }
            obj.values().for_each(|v| collect_refs(v, into));
        }
        Value::Array(items) => items.iter().for_each(|v| collect_refs(v, into)),
        _ => {}
    }
}

/// Every documented response schema as `(operation, status key, schema)`.
pub fn documented_response_schemas() -> Vec<(String, String, Value)> {
    let mut out = Vec::new();
    for (template, item) in document()["paths"].as_object().into_iter().flatten() {
        for (method, op) in item.as_object().into_iter().flatten() {
            for (code, response) in op["responses"].as_object().into_iter().flatten() {
                if let Some(schema) = json_schema_of(response) {
                    let operation = format!("{} {template}", method.to_ascii_uppercase());
                    out.push((operation, code.clone(), schema.clone()));
                }
            }
        }
    }
    out
}

static CHECKED: OnceLock<Mutex<BTreeSet<String>>> = OnceLock::new();

/// Notes `operation` + `status` as exercised; appends new ones to `$CONFLUENCE_V2_SCHEMA_REPORT`.
fn record(operation: &str, status: u16) {
    let line = format!("{operation} -> {status}");
    let fresh = CHECKED
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .insert(line.clone());
    if let (true, Some(target)) = (fresh, std::env::var_os(REPORT_ENV)) {
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(target);
        if let Ok(mut file) = file {
            let _ = writeln!(file, "{line}");
        }
    }
}

/// Operations (`METHOD /template -> status`) checked so far in this test binary.
pub fn checked_operations() -> Vec<String> {
    CHECKED
        .get()
        .map(|set| {
            set.lock()
                .unwrap_or_else(|p| p.into_inner())
                .iter()
                .cloned()
                .collect()
        })
        .unwrap_or_default()
}
