//! Decisions. [`Policy::grant`] runs once per call (agent, server, tool); [`ToolGrant::decide`]
//! once per resource the call touches, over the grant's candidate rules only.

use crate::compile::{Policy, Rule};
use crate::keys::{MAX_KEY_LEN, check_key, upper_in};
use crate::model::{Action, ContentType, Effect};

/// Who calls.
#[derive(Debug, Clone, Copy)]
pub struct Subject<'a> {
    pub agent: &'a str,
    pub roles: &'a [String],
}

/// What is called, where.
#[derive(Debug, Clone, Copy)]
pub struct ToolRef<'a> {
    /// The virtual server's name.
    pub server: &'a str,
    pub name: &'a str,
    pub toolset: &'a str,
    pub read_only: bool,
    pub action: Action,
}

/// A resource the call touches, already resolved (space, ancestors, labels, type). `None` and
/// empty fields are unknown: a rule conditioned on them does not match.
#[derive(Debug, Clone, Copy, Default)]
pub struct Resource<'a> {
    pub space_key: Option<&'a str>,
    /// The content's own id (a comment or attachment passes its page's id).
    pub content_id: Option<u64>,
    pub ancestors: &'a [u64],
    /// Lower-case labels (of the content, or of the page a comment or attachment is on).
    pub labels: &'a [String],
    pub content_type: Option<ContentType>,
    /// A check that names only a space (listing or searching in it, before each item is
    /// checked on its own): allow rules then match on their spaces alone, while deny and
    /// require_approval rules with content conditions (`under`, `labels`, `content_types`)
    /// wait for the items.
    pub space_level: bool,
}

/// A decision and the rule that made it (`None`: no rule matched, default deny).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verdict {
    pub effect: Effect,
    pub rule: Option<u32>,
}

impl Verdict {
    pub const DEFAULT_DENY: Verdict = Verdict {
        effect: Effect::Deny,
        rule: None,
    };

    pub fn is_allow(self) -> bool {
        self.effect == Effect::Allow
    }

    /// `rule 'x'` or `no rule allows it (default deny)`.
    pub fn describe(self, policy: &Policy) -> String {
        match self.rule.and_then(|r| policy.rule(r)) {
            Some(rule) => format!("{} by rule '{}'", self.effect.as_str(), rule.id),
            None => "deny: no rule allows it (default deny)".to_owned(),
        }
    }
}

/// The rules that apply to one (agent, server, tool), and the tool-level decision.
#[derive(Debug, Clone)]
pub struct ToolGrant {
    candidates: Vec<u32>,
    /// Whether the tool may be called at all (and is listed): deny or require_approval from
    /// a rule without resource conditions, else allow when some allow (or require_approval)
    /// rule could match a resource, else default deny. Calls that touch no content (user
    /// lookups) are decided by this alone.
    pub verdict: Verdict,
    /// Whether some candidate looks at labels / page trees, so the caller knows what to
    /// resolve.
    pub needs_labels: bool,
    pub needs_ancestors: bool,
    /// Whether some candidate has a condition on resources at all; when none has, every
    /// resource gets the tool-level verdict and the caller need not resolve anything.
    pub needs_resources: bool,
}

/// What a CQL query can be narrowed to before it runs (results are still checked one by
/// one): the spaces some allow rule covers and what deny rules exclude outright.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SpaceScope {
    /// Upper-case keys in the order the rules name them; `None`: any space.
    pub allowed: Option<Vec<String>>,
    /// Every personal space is allowed too (`~*`).
    pub any_personal: bool,
    /// Spaces a deny rule with no other resource condition excludes.
    pub denied_spaces: Vec<String>,
    /// Labels a deny rule with no other resource condition excludes.
    pub denied_labels: Vec<String>,
}

impl Policy {
    /// The candidate rules and the tool-level verdict for a call.
    pub fn grant(&self, who: &Subject<'_>, tool: &ToolRef<'_>) -> ToolGrant {
        let mut candidates = Vec::new();
        let mut firm: Option<(u8, u32)> = None;
        let mut first_allow: Option<u32> = None;
        let mut first_approval: Option<u32> = None;
        let (mut needs_labels, mut needs_ancestors, mut needs_resources) = (false, false, false);
        for (i, rule) in self.rules.iter().enumerate() {
            if !(matches_subject(rule, who) && matches_tool(rule, tool)) {
                continue;
            }
            let i = i as u32;
            candidates.push(i);
            needs_labels |= !rule.labels.is_empty();
            needs_ancestors |= !rule.under.is_empty();
            needs_resources |= rule.has_resource_conditions();
            if rule.has_resource_conditions() || rule.effect == Effect::Allow {
                match rule.effect {
                    Effect::Allow if first_allow.is_none() => first_allow = Some(i),
                    Effect::RequireApproval if first_approval.is_none() => first_approval = Some(i),
                    _ => {}
                }
            } else if firm.is_none_or(|(s, _)| rule.effect.strength() > s) {
                firm = Some((rule.effect.strength(), i));
            }
        }
        // With only content-conditioned require_approval rules, the tool is listed (an agent
        // may ask) but every call needs approval.
        let verdict = match (firm, first_allow, first_approval) {
            (Some((_, i)), _, _) => Verdict {
                effect: self.rules[i as usize].effect,
                rule: Some(i),
            },
            (None, Some(i), _) => Verdict {
                effect: Effect::Allow,
                rule: Some(i),
            },
            (None, None, Some(i)) => Verdict {
                effect: Effect::RequireApproval,
                rule: Some(i),
            },
            (None, None, None) => Verdict::DEFAULT_DENY,
        };
        ToolGrant {
            candidates,
            verdict,
            needs_labels,
            needs_ancestors,
            needs_resources,
        }
    }

    /// One decision from scratch: grant, then the resource (or the tool-level verdict when
    /// there is none).
    pub fn decide(
        &self,
        who: &Subject<'_>,
        tool: &ToolRef<'_>,
        resource: Option<&Resource<'_>>,
    ) -> Verdict {
        let grant = self.grant(who, tool);
        match resource {
            Some(r) => grant.decide(self, r),
            None => grant.verdict,
        }
    }

    /// The decision with every rule that matched, for `policy explain`.
    pub fn explain(
        &self,
        who: &Subject<'_>,
        tool: &ToolRef<'_>,
        resource: Option<&Resource<'_>>,
    ) -> Explanation {
        let grant = self.grant(who, tool);
        let verdict = match resource {
            Some(r) => grant.decide(self, r),
            None => grant.verdict,
        };
        let matched = grant
            .candidates
            .iter()
            .filter_map(|&i| {
                let rule = &self.rules[i as usize];
                let on_resource = match resource {
                    Some(r) => matches_resource(rule, r),
                    None => true,
                };
                on_resource.then(|| RuleMatch {
                    id: rule.id.clone(),
                    effect: rule.effect,
                    line: rule.line,
                    description: rule.description.clone(),
                })
            })
            .collect();
        Explanation {
            verdict,
            tool_verdict: grant.verdict,
            rule: verdict
                .rule
                .and_then(|r| self.rule(r))
                .map(|r| r.id.clone()),
            matched,
        }
    }
}

/// `policy explain`'s answer.
#[derive(Debug, Clone)]
pub struct Explanation {
    pub verdict: Verdict,
    /// Whether the tool itself is callable (and listed).
    pub tool_verdict: Verdict,
    /// The id of the deciding rule (`None`: default deny).
    pub rule: Option<String>,
    /// Every rule that matched the call (and the resource, when there is one), in file order.
    pub matched: Vec<RuleMatch>,
}

#[derive(Debug, Clone)]
pub struct RuleMatch {
    pub id: String,
    pub effect: Effect,
    pub line: usize,
    pub description: String,
}

impl ToolGrant {
    /// The decision for one resource: the strongest effect among the candidate rules that
    /// match it (deny > require_approval > allow); none: default deny. A space key outside
    /// ASCII or too long never matches anything and is denied.
    pub fn decide(&self, policy: &Policy, resource: &Resource<'_>) -> Verdict {
        if resource.space_key.is_some_and(|k| check_key(k).is_err()) {
            return Verdict::DEFAULT_DENY;
        }
        let mut best: Option<(u8, u32)> = None;
        for &i in &self.candidates {
            let rule = &policy.rules[i as usize];
            let strength = rule.effect.strength();
            if best.is_some_and(|(s, _)| s >= strength) {
                continue;
            }
            if matches_resource(rule, resource) {
                best = Some((strength, i));
                if strength == 2 {
                    break;
                }
            }
        }
        match best {
            Some((_, i)) => Verdict {
                effect: policy.rules[i as usize].effect,
                rule: Some(i),
            },
            None => Verdict::DEFAULT_DENY,
        }
    }

    /// The rule whose limits apply (the tool-level allow rule).
    pub fn limits<'p>(&self, policy: &'p Policy) -> Option<&'p Rule> {
        match self.verdict.effect {
            Effect::Allow => self.verdict.rule.and_then(|r| policy.rule(r)),
            _ => None,
        }
    }

    /// What a query can be narrowed to (see [`SpaceScope`]).
    pub fn space_scope(&self, policy: &Policy) -> SpaceScope {
        let mut scope = SpaceScope {
            allowed: Some(Vec::new()),
            ..SpaceScope::default()
        };
        for &i in &self.candidates {
            let rule = &policy.rules[i as usize];
            match rule.effect {
                Effect::Allow => {
                    if !rule.spaces.constrained || rule.spaces.any {
                        scope.allowed = None;
                    } else {
                        scope.any_personal |= rule.spaces.any_personal;
                        if let Some(allowed) = &mut scope.allowed {
                            for k in &rule.spaces.keys {
                                if !allowed.contains(k) {
                                    allowed.push(k.clone());
                                }
                            }
                        }
                    }
                }
                Effect::Deny => {
                    let only_spaces =
                        rule.under.is_empty() && rule.labels.is_empty() && rule.content_types == 0;
                    let only_labels = !rule.spaces.constrained
                        && rule.under.is_empty()
                        && rule.content_types == 0;
                    if only_spaces && rule.spaces.constrained && !rule.spaces.any_personal {
                        scope.denied_spaces.extend(rule.spaces.keys.iter().cloned());
                    }
                    if only_labels {
                        let mut labels: Vec<&String> = rule.labels.iter().collect();
                        labels.sort();
                        scope.denied_labels.extend(labels.into_iter().cloned());
                    }
                }
                Effect::RequireApproval => {}
            }
        }
        if scope.allowed.is_none() {
            scope.any_personal = false;
        }
        scope
    }
}

fn matches_subject(rule: &Rule, who: &Subject<'_>) -> bool {
    (rule.agents.is_empty() && rule.roles.is_empty())
        || rule.agents.contains(who.agent)
        || who.roles.iter().any(|r| rule.roles.contains(r.as_str()))
}

fn matches_tool(rule: &Rule, tool: &ToolRef<'_>) -> bool {
    (rule.servers.is_empty() || rule.servers.contains(tool.server))
        && ((rule.tools.is_empty() && rule.toolsets.is_empty())
            || rule.tools.contains(tool.name)
            || rule
                .toolsets
                .iter()
                .any(|s| s.selects(tool.toolset, tool.read_only)))
        && (rule.actions == 0 || rule.actions & tool.action.bit() != 0)
}

fn matches_resource(rule: &Rule, r: &Resource<'_>) -> bool {
    if rule.spaces.constrained && !matches_space(rule, r.space_key) {
        return false;
    }
    if r.space_level
        && (!rule.under.is_empty() || !rule.labels.is_empty() || rule.content_types != 0)
    {
        return rule.effect == Effect::Allow;
    }
    if !rule.under.is_empty() {
        let inside = r.content_id.is_some_and(|id| rule.under.contains(&id))
            || r.ancestors.iter().any(|a| rule.under.contains(a));
        if !inside {
            return false;
        }
    }
    if !rule.labels.is_empty() && !r.labels.iter().any(|l| rule.labels.contains(l.as_str())) {
        return false;
    }
    rule.content_types == 0
        || r.content_type
            .is_some_and(|t| rule.content_types & t.bit() != 0)
}

fn matches_space(rule: &Rule, key: Option<&str>) -> bool {
    let Some(key) = key else {
        return false;
    };
    if rule.spaces.any {
        return true;
    }
    if rule.spaces.any_personal && key.starts_with('~') {
        return true;
    }
    let mut buf = [0u8; MAX_KEY_LEN];
    upper_in(key, &mut buf).is_some_and(|k| rule.spaces.set.contains(k))
}
