//! Minimal, context-aware escaping: only characters that would change meaning are escaped.

/// Escapes inline text. Intraword `_` (identifiers like `snake_case`) is never escaped,
/// because CommonMark cannot open or close emphasis there.
pub(crate) fn escape_text(s: &str) -> String {
    // Most text holds none of the characters below: skip the per-character analysis.
    if !s
        .bytes()
        .any(|b| matches!(b, b'\\' | b'`' | b'[' | b'*' | b'_' | b'~' | b'<' | b'&'))
    {
        return s.to_owned();
    }
    let chars: Vec<char> = s.chars().collect();
    let n = chars.len();
    // Each run of identical characters, found in linear time: [start, end] per position.
    let mut run_start: Vec<usize> = (0..n).collect();
    for i in 1..n {
        if chars[i - 1] == chars[i] {
            run_start[i] = run_start[i - 1];
        }
    }
    let mut run_end: Vec<usize> = (0..n).collect();
    for i in (0..n.saturating_sub(1)).rev() {
        if chars[i + 1] == chars[i] {
            run_end[i] = run_end[i + 1];
        }
    }
    let first_solid = chars.iter().position(|c| !c.is_whitespace());
    let last_solid = chars.iter().rposition(|c| !c.is_whitespace());
    // The character after `i`, or None where only trailing whitespace (which the caller may
    // trim) or the node's end follows: what comes next is unknown there.
    let following = |i: usize| {
        chars
            .get(i + 1)
            .copied()
            .filter(|_| last_solid.is_some_and(|l| l > i))
    };
    let mut out = String::with_capacity(s.len());
    for (i, &c) in chars.iter().enumerate() {
        let (start, end) = (run_start[i], run_end[i]);
        let prev = start.checked_sub(1).map(|p| chars[p]);
        let next = chars.get(end + 1).copied();
        let needs = match c {
            // Before a letter or digit (`C:\Users`) a backslash is literal. Elsewhere the next
            // character may be unknown here (a link's `]`, a `*` after this node): escape it.
            '\\' => following(i).is_none_or(|n| !n.is_alphanumeric()),
            '`' | '[' => true,
            '*' | '_' | '~' => {
                // A space counts only with text beyond it: edge whitespace may be trimmed,
                // and past a node edge the neighbour is unknown (it may be a `**`).
                let p_space =
                    prev.is_some_and(char::is_whitespace) && first_solid.is_some_and(|f| f < start);
                let n_space =
                    next.is_some_and(char::is_whitespace) && last_solid.is_some_and(|l| l > end);
                let intraword = prev.is_some_and(char::is_alphanumeric)
                    && next.is_some_and(char::is_alphanumeric);
                // `_` never matters inside words; `~` strikes through singly too.
                let relevant = c != '_' || !intraword;
                relevant && !(p_space && n_space)
            }
            // Tags, comments and autolinks (`<a@b.c>` too) all start `<` + non-space.
            '<' => following(i).is_none_or(|n| !n.is_whitespace()),
            // Could start a reference like `&copy;`: a name then `;`, or the node ends
            // first (the next node may finish it).
            '&' => {
                let name_len = chars[i + 1..]
                    .iter()
                    .take_while(|n| n.is_ascii_alphanumeric() || **n == '#')
                    .count();
                let after = i + 1 + name_len;
                match chars.get(after) {
                    Some(';') => name_len > 0,
                    // Trailing whitespace may be trimmed away, leaving the node edge.
                    Some(_) => last_solid.is_none_or(|l| after > l),
                    None => true,
                }
            }
            _ => false,
        };
        if needs {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Escapes text inside brackets (link text, alt text, `[STATUS: …]`), where a bare `]`
/// would end it.
pub(crate) fn escape_bracketed(s: &str) -> String {
    escape_text(s).replace(']', "\\]")
}

/// Escapes what would turn a paragraph's first characters into block syntax.
pub(crate) fn escape_line_start(s: &str) -> String {
    // `[STATUS: x]: y` would be a link reference definition; escape its colon.
    if let Some(label_end) = reference_label_end(s) {
        return format!("{}\\{}", &s[..label_end], &s[label_end..]);
    }
    // A line of only `-`, `:` and `|` could be a table's delimiter row under a `|` line.
    if s.contains('|') && s.chars().all(|c| matches!(c, '-' | ':' | '|' | ' ')) {
        return s.replacen('|', "\\|", 1);
    }
    let first = s.chars().next();
    match first {
        Some('#' | '>') => format!("\\{s}"),
        Some(c @ ('-' | '+' | '*' | '=' | '~' | '_')) => {
            let next = s[c.len_utf8()..].chars().next();
            let bullet = matches!(c, '-' | '+' | '*') && next.is_none_or(char::is_whitespace);
            // `---`, `***`, `===` alone are rules or setext underlines; `~~~` opens a fence.
            let rule = s.chars().all(|x| x == c || x == ' ');
            let tilde_fence = c == '~' && s.starts_with("~~~");
            if bullet || rule || tilde_fence {
                format!("\\{s}")
            } else {
                s.to_string()
            }
        }
        Some(c) if c.is_ascii_digit() => {
            let digits = s.chars().take_while(char::is_ascii_digit).count();
            let rest = &s[digits..];
            if (rest.starts_with(". ") || rest.starts_with(") ") || rest == "." || rest == ")")
                && digits <= 9
            {
                format!("{}\\{}", &s[..digits], rest)
            } else {
                s.to_string()
            }
        }
        _ => s.to_string(),
    }
}

/// Where the `:` of a would-be `[label]:` definition sits (labels hold no unescaped brackets).
fn reference_label_end(s: &str) -> Option<usize> {
    let rest = s.strip_prefix('[')?;
    let mut escaped = false;
    for (i, c) in rest.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '[' => return None,
            ']' => return rest[i + 1..].starts_with(':').then_some(i + 2),
            _ => {}
        }
    }
    None
}

fn longest_backtick_run(s: &str) -> usize {
    longest_run(s, '`')
}

fn longest_run(s: &str, mark: char) -> usize {
    let mut best = 0;
    let mut cur = 0;
    for c in s.chars() {
        if c == mark {
            cur += 1;
            best = best.max(cur);
        } else {
            cur = 0;
        }
    }
    best
}

/// Inline code: the delimiter is longer than any backtick run inside; content is verbatim.
pub(crate) fn code_span(s: &str) -> String {
    let s = s.replace(['\n', '\r'], " ");
    if s.is_empty() {
        return String::new();
    }
    let ticks = "`".repeat(longest_backtick_run(&s) + 1);
    // CommonMark strips one space from each end unless the content is only spaces.
    let spaced = s.starts_with(' ') && s.ends_with(' ') && !s.chars().all(|c| c == ' ');
    let pad = if s.starts_with('`') || s.ends_with('`') || spaced {
        " "
    } else {
        ""
    };
    format!("{ticks}{pad}{s}{pad}{ticks}")
}

/// A fenced code block whose fence is longer than any run of its character in the body.
/// Backticks cannot appear in a backtick fence's info string, so such info gets tildes.
pub(crate) fn fence(info: &str, body: &str) -> String {
    let mark = if info.contains('`') { '~' } else { '`' };
    let fence = mark
        .to_string()
        .repeat((longest_run(body, mark) + 1).max(3));
    let body = body.strip_prefix('\n').unwrap_or(body);
    let body = body.trim_end_matches(['\n', '\r', ' ', '\t']);
    format!("{fence}{}\n{body}\n{fence}", escape_info(info))
}

/// Info strings take backslash escapes and entity references; keep both literal.
fn escape_info(info: &str) -> String {
    let mut out = String::with_capacity(info.len());
    for (i, c) in info.char_indices() {
        let escape = match c {
            '\\' => info[i + 1..].starts_with(|n: char| n.is_ascii_punctuation()),
            '&' => looks_like_entity(&info[i..]),
            _ => false,
        };
        if escape {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// `&name;`, `&#123;` or `&#x1F;`, which CommonMark would decode.
fn looks_like_entity(s: &str) -> bool {
    let Some(rest) = s.strip_prefix('&') else {
        return false;
    };
    let body_len = rest
        .char_indices()
        .find(|&(_, c)| !(c.is_ascii_alphanumeric() || c == '#'))
        .map_or(rest.len(), |(i, _)| i);
    body_len > 0 && body_len <= 32 && rest[body_len..].starts_with(';')
}

/// Link destinations: plain when possible, else in angle brackets; backslashes and
/// entity-like `&` are escaped so the destination reads back exactly.
pub(crate) fn link_dest(d: &str) -> String {
    let d = d.replace(['\n', '\r'], " ");
    let angle = d.is_empty()
        || d.chars()
            .any(|c| matches!(c, ' ' | '(' | ')' | '<' | '>') || c.is_control());
    let mut out = String::with_capacity(d.len() + 2);
    if angle {
        out.push('<');
    }
    for (i, c) in d.char_indices() {
        let escape = match c {
            '\\' => true,
            '<' | '>' => angle,
            '&' => looks_like_entity(&d[i..]),
            _ => false,
        };
        if escape {
            out.push('\\');
        }
        out.push(c);
    }
    if angle {
        out.push('>');
    }
    out
}

/// Whether `<href>` is a CommonMark autolink (scheme, no spaces, brackets or escapes).
pub(crate) fn is_autolink(href: &str) -> bool {
    let Some((scheme, _)) = href.split_once(':') else {
        return false;
    };
    (2..=32).contains(&scheme.len())
        && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '.' | '-'))
        && !href
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | '\\' | '&'))
}
