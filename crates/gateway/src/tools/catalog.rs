//! The tool registry: what a tool is ([`ToolSpec`]), what it gets ([`ToolContext`]), what it
//! returns ([`ToolOutput`]), and the list of families ([`FAMILIES`]).
//!
//! Adding a tool family: write `tools/<family>.rs` with a `pub fn tools() -> Vec<ToolSpec>`
//! and add one line to [`FAMILIES`]. Nothing else in the gateway changes: the pipeline,
//! validation, authorization (toolset selectors), shaping, DLP and audit apply to every tool.

use std::collections::{BTreeSet, HashMap};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use rmcp::model::{JsonObject, Tool, ToolAnnotations};
use schemars::JsonSchema;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::agents::Agent;
use crate::error::ToolError;
use crate::tools::guard::Guard;

/// One registered family: its toolset name and its tools.
pub struct Family {
    pub name: &'static str,
    pub tools: fn() -> Vec<ToolSpec>,
}

/// Every tool family. One line per family.
pub const FAMILIES: &[Family] = &[
    Family {
        name: "pages",
        tools: crate::tools::pages::tools,
    },
    Family {
        name: "blogposts",
        tools: crate::tools::blogposts::tools,
    },
    Family {
        name: "users",
        tools: crate::tools::users::tools,
    },
    Family {
        name: "spaces",
        tools: crate::tools::spaces::tools,
    },
    Family {
        name: "labels",
        tools: crate::tools::labels::tools,
    },
    Family {
        name: "comments",
        tools: crate::tools::comments::tools,
    },
    Family {
        name: "attachments",
        tools: crate::tools::attachments::tools,
    },
];

/// The toolset names, for validating configuration.
pub fn families() -> BTreeSet<&'static str> {
    FAMILIES.iter().map(|f| f.name).collect()
}

/// What a call may do, which sets the MCP annotations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Reads only (`readOnlyHint`).
    Read,
    /// Creates or changes content, nothing is lost (`destructiveHint: false`).
    Write,
    /// May remove or overwrite content (`destructiveHint: true`).
    Destructive,
}

pub type ToolFuture = Pin<Box<dyn Future<Output = Result<ToolOutput, ToolError>> + Send>>;
/// A tool's code: arguments (already validated against the input schema) in, output out.
pub type Handler = Arc<dyn Fn(ToolContext, Value) -> ToolFuture + Send + Sync>;

/// A tool as registered by its family.
pub struct ToolSpec {
    /// 1–64 characters of `[A-Za-z0-9_./-]`, unique across families.
    pub name: &'static str,
    /// The family (toolset) it belongs to.
    pub toolset: &'static str,
    pub title: &'static str,
    /// Written for models: what it does, when to use it, what it returns.
    pub description: &'static str,
    pub input_schema: Arc<JsonObject>,
    pub output_schema: Arc<JsonObject>,
    pub access: Access,
    /// The action class policy rules match on (`actions = [...]`): derived from `access` and
    /// the name (`search*` → search, `delete_*` → delete), or set with [`ToolSpec::action`].
    pub action: policy::Action,
    pub idempotent: bool,
    /// Arguments whose text is written into Confluence: DLP inspects them before execution.
    pub outgoing_content: &'static [&'static str],
    /// Outgoing text that is not a plain string argument (base64 file content).
    pub outgoing_encoded: Option<OutgoingEncoded>,
    pub handler: Handler,
}

/// Hands DLP the text inside encoded arguments: decodes it, calls `inspect` (which may
/// redact the text in place and returns the number of findings), and encodes the result
/// back into the arguments. Returns the findings acted on; errors for undecodable input.
pub type OutgoingEncoded = fn(
    &mut JsonObject,
    &mut dyn FnMut(&mut String) -> Result<usize, ToolError>,
) -> Result<usize, ToolError>;

impl ToolSpec {
    /// A tool whose arguments are `A` and whose structured output is `O`. Schemas come from the
    /// types (doc comments become descriptions), so they cannot drift from the code.
    pub fn new<A, O, Fut>(
        name: &'static str,
        toolset: &'static str,
        title: &'static str,
        description: &'static str,
        access: Access,
        run: fn(ToolContext, A) -> Fut,
    ) -> ToolSpec
    where
        A: DeserializeOwned + JsonSchema + Send + 'static,
        O: Serialize + JsonSchema + 'static,
        Fut: Future<Output = Result<ToolOutput, ToolError>> + Send + 'static,
    {
        let input_schema =
            rmcp::handler::server::tool::schema_for_input::<A>().unwrap_or_else(|_| {
                // Only a non-object argument type fails here; the catalog test catches it.
                let mut empty = JsonObject::new();
                empty.insert("type".into(), Value::from("object"));
                Arc::new(empty)
            });
        let output_schema = rmcp::handler::server::tool::schema_for_output::<O>();
        let handler: Handler =
            Arc::new(move |ctx, value| match serde_json::from_value::<A>(value) {
                Ok(args) => Box::pin(run(ctx, args)),
                Err(e) => Box::pin(std::future::ready(Err(ToolError::invalid(
                    "(arguments)",
                    e.to_string(),
                )))),
            });
        ToolSpec {
            name,
            toolset,
            title,
            description,
            input_schema,
            output_schema,
            access,
            action: derive_action(name, access),
            idempotent: access == Access::Read,
            outgoing_content: &[],
            outgoing_encoded: None,
            handler,
        }
    }

    /// Sets the action class explicitly (space administration is `admin`).
    pub fn action(mut self, action: policy::Action) -> ToolSpec {
        self.action = action;
        self
    }

    /// How policy sees this tool on `server`.
    pub fn policy_ref<'a>(&'a self, server: &'a str) -> policy::ToolRef<'a> {
        policy::ToolRef {
            server,
            name: self.name,
            toolset: self.toolset,
            read_only: self.read_only(),
            action: self.action,
        }
    }

    pub fn idempotent(mut self, yes: bool) -> ToolSpec {
        self.idempotent = yes;
        self
    }

    pub fn outgoing(mut self, fields: &'static [&'static str]) -> ToolSpec {
        self.outgoing_content = fields;
        self
    }

    pub fn outgoing_encoded(mut self, hook: OutgoingEncoded) -> ToolSpec {
        self.outgoing_encoded = Some(hook);
        self
    }

    pub fn read_only(&self) -> bool {
        self.access == Access::Read
    }

    /// The MCP description of this tool.
    pub fn to_tool(&self) -> Tool {
        Tool::new(self.name, self.description, self.input_schema.clone())
            .with_title(self.title)
            .with_raw_output_schema(self.output_schema.clone())
            .with_annotations(
                ToolAnnotations::with_title(self.title)
                    .read_only(self.read_only())
                    .destructive(self.access == Access::Destructive)
                    .idempotent(self.idempotent)
                    .open_world(true),
            )
    }
}

/// The default action class: reads whose name starts with `search` are searches, tools named
/// `delete_*` delete, other writes write.
fn derive_action(name: &str, access: Access) -> policy::Action {
    match access {
        Access::Read if name.starts_with("search") => policy::Action::Search,
        Access::Read => policy::Action::Read,
        _ if name.starts_with("delete_") => policy::Action::Delete,
        _ => policy::Action::Write,
    }
}

/// (name, toolset) of every tool, for checking policy rules without building the catalog.
pub fn tool_names() -> &'static [(String, String)] {
    static NAMES: std::sync::OnceLock<Vec<(String, String)>> = std::sync::OnceLock::new();
    NAMES.get_or_init(|| {
        FAMILIES
            .iter()
            .flat_map(|f| {
                (f.tools)()
                    .into_iter()
                    .map(|t| (t.name.to_owned(), t.toolset.to_owned()))
            })
            .collect()
    })
}

/// Whether toolset selector `selector` (`pages`, `pages:read`, `*`, `*:read`) selects `tool`.
pub fn selects(selector: &str, tool: &ToolSpec) -> bool {
    let (family, read_only) = match selector.strip_suffix(":read") {
        Some(family) => (family, true),
        None => (selector, false),
    };
    (family == "*" || family == tool.toolset) && (!read_only || tool.read_only())
}

/// What a tool gets to do its work.
#[derive(Clone)]
pub struct ToolContext {
    /// The Confluence client of the agent's connection.
    pub client: confluence::Client,
    pub agent: Arc<Agent>,
    /// The access policy for this call: checks spaces, content and list items.
    pub guard: Guard,
    /// The server's response budget in characters; tools default `max_chars` to it.
    pub max_chars: usize,
    /// Size caps of the attachment tools (`[attachments]`).
    pub attachments: crate::config::AttachmentsConfig,
    /// Where the tool reports the spaces and content it touched, for the audit trail
    /// (arguments naming ids are recorded by the pipeline already).
    pub touched: crate::audit::Touched,
}

/// A tool's result: Markdown for the model and a value matching the output schema.
#[derive(Debug, Clone)]
pub struct ToolOutput {
    pub text: String,
    pub structured: Value,
}

impl ToolOutput {
    pub fn new(
        text: impl Into<String>,
        structured: &impl Serialize,
    ) -> Result<ToolOutput, ToolError> {
        let structured = serde_json::to_value(structured)
            .map_err(|e| ToolError::Internal(format!("result not serializable: {e}")))?;
        Ok(ToolOutput {
            text: text.into(),
            structured,
        })
    }
}

/// The input schema plus the `outputFormat` argument every tool accepts (the pipeline's
/// shaping stage reads it; tool code never sees it).
fn with_output_format(schema: &JsonObject) -> JsonObject {
    let mut schema = schema.clone();
    let properties = schema
        .entry("properties")
        .or_insert_with(|| Value::Object(serde_json::Map::new()));
    if let Value::Object(properties) = properties {
        properties.insert(
            crate::shape::OUTPUT_FORMAT_ARG.to_owned(),
            crate::shape::OutputFormat::schema(),
        );
    }
    schema
}

/// A registered tool with its compiled argument validator.
pub struct Entry {
    pub spec: ToolSpec,
    pub validator: jsonschema::Validator,
}

/// Every tool of every family, by name.
pub struct Catalog {
    entries: Vec<Arc<Entry>>,
    by_name: HashMap<&'static str, Arc<Entry>>,
}

#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    #[error("tool '{0}' is registered twice")]
    Duplicate(&'static str),
    #[error("tool '{name}': invalid input schema: {message}")]
    Schema { name: &'static str, message: String },
}

impl Catalog {
    /// Builds every family's tools and compiles their input schemas.
    pub fn build() -> Result<Catalog, CatalogError> {
        let mut entries = Vec::new();
        let mut by_name = HashMap::new();
        for family in FAMILIES {
            for mut spec in (family.tools)() {
                spec.input_schema = Arc::new(with_output_format(&spec.input_schema));
                let schema = Value::Object(spec.input_schema.as_ref().clone());
                let validator =
                    jsonschema::validator_for(&schema).map_err(|e| CatalogError::Schema {
                        name: spec.name,
                        message: e.to_string(),
                    })?;
                let name = spec.name;
                let entry = Arc::new(Entry { spec, validator });
                if by_name.insert(name, entry.clone()).is_some() {
                    return Err(CatalogError::Duplicate(name));
                }
                entries.push(entry);
            }
        }
        Ok(Catalog { entries, by_name })
    }

    pub fn get(&self, name: &str) -> Option<&Arc<Entry>> {
        self.by_name.get(name)
    }

    pub fn iter(&self) -> impl Iterator<Item = &Arc<Entry>> {
        self.entries.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_tool_is_well_formed() {
        let catalog = Catalog::build().unwrap_or_else(|e| panic!("{e}"));
        let mut count = 0;
        for entry in catalog.iter() {
            let spec = &entry.spec;
            count += 1;
            assert!(
                (1..=64).contains(&spec.name.len())
                    && spec
                        .name
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || "_./-".contains(c)),
                "tool name {:?}",
                spec.name
            );
            assert!(families().contains(spec.toolset), "{}", spec.name);
            assert!(
                spec.description.len() > 40,
                "{} needs a real description",
                spec.name
            );
            assert_eq!(spec.input_schema.get("type"), Some(&Value::from("object")));
            assert_eq!(
                spec.output_schema.get("type"),
                Some(&Value::from("object")),
                "{}",
                spec.name
            );
            assert!(
                spec.input_schema["properties"]
                    .get(crate::shape::OUTPUT_FORMAT_ARG)
                    .is_some()
            );
            for field in spec.outgoing_content {
                assert!(
                    spec.input_schema["properties"].get(*field).is_some(),
                    "{}: outgoing field {field} is not an argument",
                    spec.name
                );
            }
            let tool = spec.to_tool();
            let annotations = tool.annotations.unwrap_or_default();
            assert_eq!(
                annotations.read_only_hint,
                Some(spec.access == Access::Read)
            );
        }
        // pages 15, blogposts 5, users 3, spaces 6, labels 3, comments 6, attachments 5.
        assert_eq!(count, 15 + 5 + 3 + 6 + 3 + 6 + 5);
    }

    #[test]
    fn selectors() {
        let catalog = Catalog::build().unwrap_or_else(|e| panic!("{e}"));
        let get = catalog.get("get_page").map(|e| &e.spec);
        let create = catalog.get("create_page").map(|e| &e.spec);
        let (Some(get), Some(create)) = (get, create) else {
            panic!("tools missing");
        };
        assert!(selects("pages", get) && selects("pages", create));
        assert!(selects("pages:read", get) && !selects("pages:read", create));
        assert!(selects("*", create) && selects("*:read", get) && !selects("*:read", create));
        assert!(!selects("spaces", get));
        let list_spaces = catalog.get("list_spaces").map(|e| &e.spec);
        assert!(list_spaces.is_some_and(|t| selects("spaces:read", t) && !selects("pages", t)));
    }
}
