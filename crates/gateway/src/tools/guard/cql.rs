//! CQL narrowing for policy: what search may be asked, and what is ANDed onto it.

use super::Guard;
use crate::error::ToolError;

/// What search may return: everything else (spaces, users) cannot be checked item by item.
const SEARCHABLE_TYPES: [&str; 4] = ["page", "blogpost", "comment", "attachment"];

impl Guard {
    /// Narrows an agent's CQL before it runs: refuses what results could not be checked
    /// against the policy (user fields, types other than pages and blog posts), then ANDs on
    /// `type IN (page, blogpost)`, the allowed spaces and the spaces and labels deny rules
    /// exclude. The caller still filters the results one by one.
    pub fn restrict_cql(&self, query: &mut cql::Query) -> Result<(), ToolError> {
        let mut refused: Option<String> = None;
        query.walk(&mut |clause| {
            if refused.is_some() {
                return;
            }
            match clause.field {
                cql::Field::User | cql::Field::UserFullname => {
                    refused = Some(format!(
                        "`{}` searches users, not content; use search_users",
                        clause.field_spelling()
                    ));
                }
                cql::Field::Type => {
                    let bad = clause.value.scalars().iter().find_map(|v| {
                        v.as_text()
                            .filter(|t| !SEARCHABLE_TYPES.iter().any(|s| t.eq_ignore_ascii_case(s)))
                            .map(str::to_owned)
                    });
                    if let Some(t) = bad {
                        refused = Some(format!(
                            "search covers pages, blog posts, comments and attachments (type {t} cannot be checked against the access policy); use list_spaces or search_users instead"
                        ));
                    }
                }
                _ => {}
            }
        });
        if let Some(message) = refused {
            return Err(ToolError::invalid("/cql", message));
        }
        query.restrict(cql::Expr::clause(
            cql::Field::Type,
            cql::Operator::In,
            cql::Value::text_list(SEARCHABLE_TYPES),
        ));
        if let Some(keys) = &self.scope.allowed {
            if keys.is_empty() && !self.scope.any_personal {
                // No allow rule names a space this tool may touch: nothing can match.
                return Err(self.hidden("any space"));
            }
            let in_keys = (!keys.is_empty()).then(|| {
                cql::Expr::clause(
                    cql::Field::Space,
                    cql::Operator::In,
                    cql::Value::text_list(keys.iter().cloned()),
                )
            });
            let personal = self.scope.any_personal.then(|| {
                cql::Expr::clause(
                    cql::Field::SpaceType,
                    cql::Operator::Eq,
                    cql::Value::text("personal"),
                )
            });
            let restriction = match (in_keys, personal) {
                (Some(a), Some(b)) => Some(cql::Expr::or(a, b)),
                (a, b) => a.or(b),
            };
            if let Some(r) = restriction {
                query.restrict(r);
            }
        }
        if !self.scope.denied_spaces.is_empty() {
            query.restrict(cql::Expr::clause(
                cql::Field::Space,
                cql::Operator::NotIn,
                cql::Value::text_list(self.scope.denied_spaces.iter().cloned()),
            ));
        }
        if !self.scope.denied_labels.is_empty() {
            query.restrict(cql::Expr::clause(
                cql::Field::Label,
                cql::Operator::NotIn,
                cql::Value::text_list(self.scope.denied_labels.iter().cloned()),
            ));
        }
        Ok(())
    }
}
