//! Fields, operators and function names: the closed vocabularies of CQL.
//!
//! Each is an enum so evaluators and policy engines can `match` exhaustively
//! instead of comparing strings, and so aliases (`space.key`, `favorite`)
//! collapse onto one variant and cannot be used to slip past a policy.

use std::fmt;

/// A CQL field (the left-hand side of a clause).
///
/// Aliases map onto one variant: `space` and `space.key` are both
/// [`Field::Space`]; `favourite` and `favorite` are both [`Field::Favourite`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    /// `space` / `space.key`: the key of the content's space.
    Space,
    /// `space.title`: the title of the content's space (text-searchable).
    SpaceTitle,
    /// `space.type`: `global`, `personal`, ...
    SpaceType,
    /// `type`: `page`, `blogpost`, `comment`, `attachment`, ...
    Type,
    /// `title`: the content title (exact match or text search).
    Title,
    /// `text`: full-text search over title, body and labels.
    Text,
    /// `siteSearch`: the search used by the Confluence UI search box.
    SiteSearch,
    /// `label`: a label attached to the content.
    Label,
    /// `ancestor`: id of any ancestor page.
    Ancestor,
    /// `parent`: id of the direct parent page.
    Parent,
    /// `id`: the content id.
    Id,
    /// `content`: alias-like field for the content id.
    Content,
    /// `creator`: account id of the author.
    Creator,
    /// `contributor`: account id of anyone who edited the content.
    Contributor,
    /// `mention`: account id of a user mentioned in the content.
    Mention,
    /// `watcher`: account id of a user watching the content.
    Watcher,
    /// `favourite` / `favorite`: account id of a user who saved the content.
    Favourite,
    /// `created`: creation date.
    Created,
    /// `lastModified`: date of the last edit.
    LastModified,
    /// `macro`: name of a macro used in the content body.
    Macro,
    /// `user` / `user.accountid`: a user's account id (user search, `/rest/api/search/user`).
    User,
    /// `user.fullname`: a user's full or public name (user search; `~` matches names with a
    /// word starting with the value).
    UserFullname,
}

const EQUALITY_OPS: &[Operator] = &[Operator::Eq, Operator::Ne, Operator::In, Operator::NotIn];
const TEXT_OPS: &[Operator] = &[
    Operator::Eq,
    Operator::Ne,
    Operator::Contains,
    Operator::NotContains,
    Operator::In,
    Operator::NotIn,
];
const SEARCH_OPS: &[Operator] = &[Operator::Contains, Operator::NotContains];
const SITE_SEARCH_OPS: &[Operator] = &[
    Operator::Eq,
    Operator::Ne,
    Operator::Contains,
    Operator::NotContains,
];
const DATE_OPS: &[Operator] = &[
    Operator::Eq,
    Operator::Ne,
    Operator::Gt,
    Operator::Ge,
    Operator::Lt,
    Operator::Le,
];

impl Field {
    /// Every field, in declaration order (handy for generators and help text).
    pub const ALL: [Field; 22] = [
        Field::Space,
        Field::SpaceTitle,
        Field::SpaceType,
        Field::Type,
        Field::Title,
        Field::Text,
        Field::SiteSearch,
        Field::Label,
        Field::Ancestor,
        Field::Parent,
        Field::Id,
        Field::Content,
        Field::Creator,
        Field::Contributor,
        Field::Mention,
        Field::Watcher,
        Field::Favourite,
        Field::Created,
        Field::LastModified,
        Field::Macro,
        Field::User,
        Field::UserFullname,
    ];

    /// The canonical spelling, as printed when no other spelling was recorded.
    pub fn name(self) -> &'static str {
        self.spellings()[0]
    }

    /// All accepted spellings (matched case-insensitively); the first is canonical.
    pub fn spellings(self) -> &'static [&'static str] {
        match self {
            Field::Space => &["space", "space.key"],
            Field::SpaceTitle => &["space.title"],
            Field::SpaceType => &["space.type"],
            Field::Type => &["type"],
            Field::Title => &["title"],
            Field::Text => &["text"],
            Field::SiteSearch => &["siteSearch"],
            Field::Label => &["label"],
            Field::Ancestor => &["ancestor"],
            Field::Parent => &["parent"],
            Field::Id => &["id"],
            Field::Content => &["content"],
            Field::Creator => &["creator"],
            Field::Contributor => &["contributor"],
            Field::Mention => &["mention"],
            Field::Watcher => &["watcher"],
            Field::Favourite => &["favourite", "favorite"],
            Field::Created => &["created"],
            Field::LastModified => &["lastModified"],
            Field::Macro => &["macro"],
            Field::User => &["user", "user.accountid"],
            Field::UserFullname => &["user.fullname"],
        }
    }

    /// Looks a field up by any accepted spelling, ignoring ASCII case.
    pub fn from_name(name: &str) -> Option<Field> {
        Field::ALL
            .into_iter()
            .find(|f| f.spellings().iter().any(|s| s.eq_ignore_ascii_case(name)))
    }

    /// Operators Confluence accepts for this field; the parser rejects others.
    pub fn operators(self) -> &'static [Operator] {
        match self {
            Field::Title | Field::SpaceTitle => TEXT_OPS,
            Field::Text | Field::UserFullname => SEARCH_OPS,
            Field::SiteSearch => SITE_SEARCH_OPS,
            Field::Created | Field::LastModified => DATE_OPS,
            _ => EQUALITY_OPS,
        }
    }

    /// Whether `op` may be used with this field.
    pub fn supports(self, op: Operator) -> bool {
        self.operators().contains(&op)
    }

    /// Date fields accept the date functions (`now()`, `startOfDay()`, ...).
    pub fn is_date(self) -> bool {
        matches!(self, Field::Created | Field::LastModified)
    }

    /// User fields hold account ids and accept `currentUser()`.
    pub fn is_user(self) -> bool {
        matches!(
            self,
            Field::Creator
                | Field::Contributor
                | Field::Mention
                | Field::Watcher
                | Field::Favourite
                | Field::User
        )
    }

    /// Whether `function` makes sense as a value of this field.
    pub fn accepts_function(self, function: FunctionName) -> bool {
        if function == FunctionName::CurrentUser {
            self.is_user()
        } else {
            self.is_date()
        }
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Operator {
    /// `=`
    Eq,
    /// `!=`
    Ne,
    /// `~` (text search / contains)
    Contains,
    /// `!~` (does not contain)
    NotContains,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `IN (...)`
    In,
    /// `NOT IN (...)`
    NotIn,
}

impl Operator {
    /// Every operator.
    pub const ALL: [Operator; 10] = [
        Operator::Eq,
        Operator::Ne,
        Operator::Contains,
        Operator::NotContains,
        Operator::Gt,
        Operator::Ge,
        Operator::Lt,
        Operator::Le,
        Operator::In,
        Operator::NotIn,
    ];

    /// The CQL spelling (`IN`/`NOT IN` in upper case).
    pub fn as_str(self) -> &'static str {
        match self {
            Operator::Eq => "=",
            Operator::Ne => "!=",
            Operator::Contains => "~",
            Operator::NotContains => "!~",
            Operator::Gt => ">",
            Operator::Ge => ">=",
            Operator::Lt => "<",
            Operator::Le => "<=",
            Operator::In => "IN",
            Operator::NotIn => "NOT IN",
        }
    }

    /// `IN` and `NOT IN` take a list; every other operator takes one value.
    pub fn takes_list(self) -> bool {
        matches!(self, Operator::In | Operator::NotIn)
    }

    /// Negative operators (`!=`, `!~`, `NOT IN`) match when the value is absent,
    /// which matters to policy engines deciding whether a clause restricts.
    pub fn is_negative(self) -> bool {
        matches!(self, Operator::Ne | Operator::NotContains | Operator::NotIn)
    }
}

impl fmt::Display for Operator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A CQL function usable as a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FunctionName {
    /// `currentUser()`: the calling user's account id. Takes no argument.
    CurrentUser,
    /// `now(["±N<unit>"])`
    Now,
    /// `startOfDay(["±N<unit>"])`
    StartOfDay,
    /// `startOfWeek(["±N<unit>"])`
    StartOfWeek,
    /// `startOfMonth(["±N<unit>"])`
    StartOfMonth,
    /// `startOfYear(["±N<unit>"])`
    StartOfYear,
    /// `endOfDay(["±N<unit>"])`
    EndOfDay,
    /// `endOfWeek(["±N<unit>"])`
    EndOfWeek,
    /// `endOfMonth(["±N<unit>"])`
    EndOfMonth,
    /// `endOfYear(["±N<unit>"])`
    EndOfYear,
}

impl FunctionName {
    /// Every function.
    pub const ALL: [FunctionName; 10] = [
        FunctionName::CurrentUser,
        FunctionName::Now,
        FunctionName::StartOfDay,
        FunctionName::StartOfWeek,
        FunctionName::StartOfMonth,
        FunctionName::StartOfYear,
        FunctionName::EndOfDay,
        FunctionName::EndOfWeek,
        FunctionName::EndOfMonth,
        FunctionName::EndOfYear,
    ];

    /// The canonical (camelCase) name, without parentheses.
    pub fn name(self) -> &'static str {
        match self {
            FunctionName::CurrentUser => "currentUser",
            FunctionName::Now => "now",
            FunctionName::StartOfDay => "startOfDay",
            FunctionName::StartOfWeek => "startOfWeek",
            FunctionName::StartOfMonth => "startOfMonth",
            FunctionName::StartOfYear => "startOfYear",
            FunctionName::EndOfDay => "endOfDay",
            FunctionName::EndOfWeek => "endOfWeek",
            FunctionName::EndOfMonth => "endOfMonth",
            FunctionName::EndOfYear => "endOfYear",
        }
    }

    /// Looks a function up by name, ignoring ASCII case.
    pub fn from_name(name: &str) -> Option<FunctionName> {
        FunctionName::ALL
            .into_iter()
            .find(|f| f.name().eq_ignore_ascii_case(name))
    }

    /// Date functions yield a point in time and accept an optional offset.
    pub fn is_date(self) -> bool {
        self != FunctionName::CurrentUser
    }
}

impl fmt::Display for FunctionName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Sort direction in `ORDER BY`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum SortDirection {
    /// Ascending (the default when no direction is written).
    #[default]
    Asc,
    /// Descending.
    Desc,
}

impl SortDirection {
    /// `ASC` or `DESC`.
    pub fn as_str(self) -> &'static str {
        match self {
            SortDirection::Asc => "ASC",
            SortDirection::Desc => "DESC",
        }
    }
}

impl fmt::Display for SortDirection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
