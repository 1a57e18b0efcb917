//! Minimal, context-aware escaping: only characters that would change meaning are escaped.

/// Escapes inline text. Intraword `_` (identifiers like `snake_case`) is never escaped,
/// because CommonMark cannot open or close emphasis there.
pub(crate) fn escape_text(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let n = chars.len();
    // Neighbours outside each run of identical characters, computed in linear time.
    let mut run_prev: Vec<Option<char>> = vec![None; n];
    for i in 1..n {
        run_prev[i] = if chars[i - 1] == chars[i] {
            run_prev[i - 1]
        } else {
            Some(chars[i - 1])
        };
    }
    let mut run_next: Vec<Option<char>> = vec![None; n];
    for i in (0..n.saturating_sub(1)).rev() {
        run_next[i] = if chars[i + 1] == chars[i] {
            run_next[i + 1]
        } else {
            Some(chars[i + 1])
        };
    }
    let mut out = String::with_capacity(s.len());
    for (i, &c) in chars.iter().enumerate() {
        let (prev, next) = (run_prev[i], run_next[i]);
        let needs = match c {
            '\\' => chars.get(i + 1).is_some_and(|n| n.is_ascii_punctuation()),
            '`' | '[' => true,
            '*' | '_' | '~' => {
                let p_space = prev.is_none_or(char::is_whitespace);
                let n_space = next.is_none_or(char::is_whitespace);
                let intraword = prev.is_some_and(char::is_alphanumeric)
                    && next.is_some_and(char::is_alphanumeric);
                // `~` only matters doubled; `_` never matters inside words.
                let relevant = match c {
                    '_' => !intraword,
                    '~' => chars.get(i + 1) == Some(&'~') || (i > 0 && chars[i - 1] == '~'),
                    _ => true,
                };
                relevant && !(p_space && n_space)
            }
            '<' => chars
                .get(i + 1)
                .is_some_and(|n| n.is_ascii_alphabetic() || matches!(n, '/' | '!' | '?')),
            '&' => {
                let rest: String = chars[i + 1..].iter().take(12).collect();
                rest.starts_with(|n: char| n.is_ascii_alphanumeric() || n == '#')
                    && rest
                        .split(char::is_whitespace)
                        .next()
                        .is_some_and(|w| w.contains(';'))
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

/// Escapes what would turn a paragraph's first characters into block syntax.
pub(crate) fn escape_line_start(s: &str) -> String {
    let first = s.chars().next();
    match first {
        Some('#' | '>') => format!("\\{s}"),
        Some(c @ ('-' | '+' | '*' | '=' | '~')) => {
            let next = s[c.len_utf8()..].chars().next();
            let bullet = c != '=' && c != '~' && next.is_none_or(char::is_whitespace);
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

fn longest_backtick_run(s: &str) -> usize {
    let mut best = 0;
    let mut cur = 0;
    for c in s.chars() {
        if c == '`' {
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
    let pad = if s.starts_with('`') || s.ends_with('`') || (s.starts_with(' ') && s.ends_with(' '))
    {
        " "
    } else {
        ""
    };
    format!("{ticks}{pad}{s}{pad}{ticks}")
}

/// A fenced code block whose fence is longer than any backtick run in the body.
pub(crate) fn fence(info: &str, body: &str) -> String {
    let ticks = "`".repeat((longest_backtick_run(body) + 1).max(3));
    let body = body.strip_prefix('\n').unwrap_or(body);
    let body = body.trim_end_matches(['\n', '\r', ' ', '\t']);
    format!("{ticks}{info}\n{body}\n{ticks}")
}

/// Link destinations with spaces or parentheses go in angle brackets.
pub(crate) fn link_dest(d: &str) -> String {
    let d = d.replace('>', "%3E").replace('\n', " ");
    if d.is_empty() || d.contains([' ', '(', ')', '<']) {
        format!("<{}>", d.replace('<', "%3C"))
    } else {
        d
    }
}
