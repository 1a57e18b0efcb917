//! Rules in, a [`Policy`] out: every condition checked (names, keys, ids, references the
//! caller knows about) and turned into sets, so a decision is a handful of hash lookups.
//! Errors point at the rule: its id, line and column in the text it came from.

use std::collections::{HashMap, HashSet};

use toml::Spanned;

use crate::keys::{check_key, valid_page_id};
use crate::model::{Action, ContentType, Effect, RuleConfig};

/// What the caller knows exists, so a rule naming something else is an error. `None` skips
/// that check (the CLI checking a lone policy file does not know the servers).
#[derive(Debug, Default, Clone)]
pub struct Known {
    /// (tool name, toolset) of every tool.
    pub tools: Option<Vec<(String, String)>>,
    pub servers: Option<Vec<String>>,
    pub dlp_profiles: Option<Vec<String>>,
}

/// Why a policy cannot be used.
#[derive(Debug, Clone, thiserror::Error)]
pub enum PolicyError {
    /// TOML's own message, which names the line and column.
    #[error("{0}")]
    Parse(String),
    #[error("policy rule '{rule}' (line {line}, column {column}): {message}")]
    Invalid {
        rule: String,
        line: usize,
        column: usize,
        message: String,
    },
}

/// 1-based line and column of byte `offset` in `text`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset.min(text.len())).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before.rfind('\n').map_or(before.chars().count(), |nl| {
        before[nl + 1..].chars().count()
    }) + 1;
    (line, column)
}

/// A toolset selector: `pages`, `pages:read`, `*`, `*:read`.
#[derive(Debug, Clone)]
pub(crate) struct Selector {
    family: String,
    read_only: bool,
}

impl Selector {
    pub(crate) fn parse(s: &str) -> Selector {
        match s.strip_suffix(":read") {
            Some(family) => Selector {
                family: family.to_owned(),
                read_only: true,
            },
            None => Selector {
                family: s.to_owned(),
                read_only: false,
            },
        }
    }

    pub(crate) fn selects(&self, toolset: &str, read_only: bool) -> bool {
        (self.family == "*" || self.family == toolset) && (!self.read_only || read_only)
    }
}

/// Compiled `spaces`.
#[derive(Debug, Clone, Default)]
pub(crate) struct SpaceSet {
    pub(crate) constrained: bool,
    pub(crate) any: bool,
    pub(crate) any_personal: bool,
    /// Upper case, in the order written (for messages).
    pub(crate) keys: Vec<String>,
    pub(crate) set: HashSet<String>,
}

/// One compiled rule.
#[derive(Debug, Clone)]
pub struct Rule {
    pub id: String,
    pub effect: Effect,
    pub description: String,
    pub max_response_chars: Option<usize>,
    pub rate_per_minute: Option<u32>,
    pub dlp_profile: Option<String>,
    /// Where the rule starts in its source (1-based), for messages.
    pub line: usize,
    pub column: usize,
    pub(crate) agents: HashSet<String>,
    pub(crate) roles: HashSet<String>,
    pub(crate) servers: HashSet<String>,
    pub(crate) tools: HashSet<String>,
    pub(crate) toolsets: Vec<Selector>,
    /// Bits of [`Action`]; 0 = any.
    pub(crate) actions: u8,
    pub(crate) spaces: SpaceSet,
    pub(crate) under: HashSet<u64>,
    pub(crate) labels: HashSet<String>,
    /// Bits of [`ContentType`]; 0 = any.
    pub(crate) content_types: u8,
}

impl Rule {
    /// Whether the rule has conditions on the resource (spaces, page trees, labels, types).
    pub fn has_resource_conditions(&self) -> bool {
        self.spaces.constrained
            || !self.under.is_empty()
            || !self.labels.is_empty()
            || self.content_types != 0
    }

    pub(crate) fn mentions_role(&self, role: &str) -> bool {
        self.roles.contains(role)
    }
}

/// A compiled policy.
#[derive(Debug, Clone, Default)]
pub struct Policy {
    pub(crate) rules: Vec<Rule>,
}

impl Policy {
    /// Compiles rules whose spans point into `source` (the text they were parsed from).
    pub fn compile(
        rules: &[Spanned<RuleConfig>],
        source: &str,
        known: &Known,
    ) -> Result<Policy, PolicyError> {
        let mut out = Vec::with_capacity(rules.len());
        let mut ids: HashMap<String, usize> = HashMap::new();
        for spanned in rules {
            let (line, column) = line_col(source, spanned.span().start);
            let rule = compile_rule(spanned.get_ref(), line, column, known)?;
            if let Some(first) = ids.insert(rule.id.clone(), line) {
                return Err(PolicyError::Invalid {
                    rule: rule.id.clone(),
                    line,
                    column,
                    message: format!("duplicate rule id (first used at line {first})"),
                });
            }
            out.push(rule);
        }
        Ok(Policy { rules: out })
    }

    /// Compiles rules that have no source text (tests, benchmarks, translations).
    pub fn from_rules(rules: &[RuleConfig], known: &Known) -> Result<Policy, PolicyError> {
        let mut out = Vec::with_capacity(rules.len());
        let mut ids = HashSet::new();
        for (i, rule) in rules.iter().enumerate() {
            let compiled = compile_rule(rule, i + 1, 1, known)?;
            if !ids.insert(compiled.id.clone()) {
                return Err(invalid(rule, i + 1, 1, "duplicate rule id".into()));
            }
            out.push(compiled);
        }
        Ok(Policy { rules: out })
    }

    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    pub fn rule(&self, index: u32) -> Option<&Rule> {
        self.rules.get(index as usize)
    }

    /// Whether any rule names `role` (an agent's role no rule mentions is probably a typo).
    pub fn mentions_role(&self, role: &str) -> bool {
        self.rules.iter().any(|r| r.mentions_role(role))
    }
}

fn invalid(rule: &RuleConfig, line: usize, column: usize, message: String) -> PolicyError {
    PolicyError::Invalid {
        rule: if rule.id.is_empty() {
            "(no id)".into()
        } else {
            rule.id.clone()
        },
        line,
        column,
        message,
    }
}

fn name_ok(s: &str) -> bool {
    (1..=64).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_.-".contains(&b))
}

fn compile_rule(
    r: &RuleConfig,
    line: usize,
    column: usize,
    known: &Known,
) -> Result<Rule, PolicyError> {
    let err = |message: String| invalid(r, line, column, message);
    if !name_ok(&r.id) {
        return Err(err(
            "id: 1-64 characters of letters, digits, '_', '.', '-'".into()
        ));
    }
    for a in &r.agents {
        if !name_ok(a) {
            return Err(err(format!("agents: '{a}' is not an agent name")));
        }
    }
    for role in &r.roles {
        if !name_ok(role) {
            return Err(err(format!("roles: '{role}' is not a role name")));
        }
    }
    if let Some(servers) = &known.servers {
        for s in &r.servers {
            if !servers.contains(s) {
                return Err(err(format!(
                    "servers: no server named '{s}' (known: {})",
                    servers.join(", ")
                )));
            }
        }
    }
    if let Some(tools) = &known.tools {
        for t in &r.tools {
            if !tools.iter().any(|(name, _)| name == t) {
                return Err(err(format!(
                    "tools: no tool named '{t}' (`confluence-gateway tools list` shows them)"
                )));
            }
        }
        for s in &r.toolsets {
            let sel = Selector::parse(s);
            if sel.family != "*" && !tools.iter().any(|(_, set)| *set == sel.family) {
                let mut families: Vec<&str> = tools.iter().map(|(_, f)| f.as_str()).collect();
                families.dedup();
                return Err(err(format!(
                    "toolsets: unknown toolset '{s}' (known: {}, *; add ':read' for read-only tools)",
                    families.join(", ")
                )));
            }
        }
    }
    let mut spaces = SpaceSet {
        constrained: !r.spaces.is_empty(),
        ..SpaceSet::default()
    };
    for s in &r.spaces {
        match s.as_str() {
            "*" => spaces.any = true,
            "~*" => spaces.any_personal = true,
            key => {
                check_key(key).map_err(|e| err(format!("spaces: {e}")))?;
                let upper = key.to_ascii_uppercase();
                if spaces.set.insert(upper.clone()) {
                    spaces.keys.push(upper);
                }
            }
        }
    }
    let mut under = HashSet::new();
    for id in &r.under {
        let parsed = valid_page_id(id)
            .then(|| id.parse::<u64>().ok())
            .flatten()
            .ok_or_else(|| err(format!("under: '{id}' is not a page id (digits only)")))?;
        under.insert(parsed);
    }
    let mut labels = HashSet::new();
    for l in &r.labels {
        let ok = !l.is_empty()
            && l.len() <= 255
            && l.chars().all(|c| !c.is_whitespace() && !c.is_uppercase());
        if !ok {
            return Err(err(format!(
                "labels: '{l}' is not a label (lower case, no spaces, at most 255 bytes)"
            )));
        }
        labels.insert(l.clone());
    }
    if let Some(n) = r.max_response_chars
        && n < 1_000
    {
        return Err(err("max_response_chars: must be at least 1000".into()));
    }
    if r.rate_per_minute == Some(0) {
        return Err(err(
            "rate_per_minute: must be at least 1 (leave it out for no limit; use a deny rule to forbid)"
                .into(),
        ));
    }
    if let (Some(profiles), Some(p)) = (&known.dlp_profiles, &r.dlp_profile)
        && !profiles.contains(p)
    {
        return Err(err(format!("dlp_profile: no [dlp_profiles.{p}]")));
    }
    if r.effect != Effect::Allow
        && (r.max_response_chars.is_some()
            || r.rate_per_minute.is_some()
            || r.dlp_profile.is_some())
    {
        return Err(err(
            "max_response_chars, rate_per_minute and dlp_profile apply only to allow rules".into(),
        ));
    }
    Ok(Rule {
        id: r.id.clone(),
        effect: r.effect,
        description: r.description.clone(),
        max_response_chars: r.max_response_chars,
        rate_per_minute: r.rate_per_minute,
        dlp_profile: r.dlp_profile.clone(),
        line,
        column,
        agents: r.agents.iter().cloned().collect(),
        roles: r.roles.iter().cloned().collect(),
        servers: r.servers.iter().cloned().collect(),
        tools: r.tools.iter().cloned().collect(),
        toolsets: r.toolsets.iter().map(|s| Selector::parse(s)).collect(),
        actions: r.actions.iter().fold(0, |m, a: &Action| m | a.bit()),
        spaces,
        under,
        labels,
        content_types: r
            .content_types
            .iter()
            .fold(0, |m, t: &ContentType| m | t.bit()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_point_at_the_rule() {
        let text = "[[rules]]\nid = \"ok\"\neffect = \"allow\"\n\n[[rules]]\nid = \"bad\"\neffect = \"deny\"\nspaces = [\"\u{0415}NG\"]\n";
        let file = crate::parse_policy_file(text).unwrap_or_else(|e| panic!("{e}"));
        let err = Policy::compile(&file.rules, text, &Known::default())
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("'bad'") && err.contains("line 5"), "{err}");
        assert!(err.contains("spaces"), "{err}");
        assert_eq!(line_col("ab\ncd", 4), (2, 2));
    }
}
