//! A forgiving parser for Confluence storage XHTML: `ac:`/`ri:` elements, CDATA, HTML named
//! entities and unclosed tags all occur in real pages, and a strict XML parser rejects them.
//! It never fails: whatever it cannot make sense of becomes text.

/// Deeper nesting is flattened, so rendering (which recurses) stays within the stack.
const MAX_DEPTH: usize = 128;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Node {
    Element(Element),
    Text(String),
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Element {
    /// Lower-cased tag name, namespace prefix kept (`ac:structured-macro`).
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub children: Vec<Node>,
}

impl Element {
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Direct child elements with this name.
    pub fn children_named<'a, 'n>(
        &'a self,
        name: &'n str,
    ) -> impl Iterator<Item = &'a Element> + use<'a, 'n> {
        self.children.iter().filter_map(move |n| match n {
            Node::Element(e) if e.name == name => Some(e),
            _ => None,
        })
    }

    pub fn child(&self, name: &str) -> Option<&Element> {
        self.children_named(name).next()
    }

    /// All text below this element, entities decoded, no markup.
    pub fn text(&self) -> String {
        let mut out = String::new();
        collect_text(&self.children, &mut out);
        out
    }
}

fn collect_text(nodes: &[Node], out: &mut String) {
    for node in nodes {
        match node {
            Node::Text(t) => out.push_str(t),
            Node::Element(e) => collect_text(&e.children, out),
        }
    }
}

fn is_void(name: &str) -> bool {
    matches!(
        name,
        "br" | "hr"
            | "img"
            | "col"
            | "input"
            | "meta"
            | "link"
            | "area"
            | "base"
            | "wbr"
            | "source"
    )
}

/// Parses a storage-format fragment into a forest of nodes.
pub fn parse(input: &str) -> Vec<Node> {
    let mut stack: Vec<Element> = vec![Element::default()];
    let mut rest = input;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("<!--") {
            rest = after.find("-->").map_or("", |i| &after[i + 3..]);
        } else if let Some(after) = rest.strip_prefix("<![CDATA[") {
            let (text, next) = after
                .find("]]>")
                .map_or((after, ""), |i| (&after[..i], &after[i + 3..]));
            push_text(&mut stack, text.to_owned());
            rest = next;
        } else if rest.starts_with("<!") || rest.starts_with("<?") {
            rest = rest.find('>').map_or("", |i| &rest[i + 1..]);
        } else if let Some(after) = rest.strip_prefix("</") {
            let end = after.find('>').unwrap_or(after.len());
            let name = after[..end].trim().to_ascii_lowercase();
            close(&mut stack, &name);
            rest = after.get(end + 1..).unwrap_or("");
        } else if rest.starts_with('<') && rest[1..].starts_with(|c: char| c.is_ascii_alphabetic())
        {
            let (element, self_closing, next) = open_tag(&rest[1..]);
            rest = next;
            let void = self_closing || is_void(&element.name);
            if void || stack.len() > MAX_DEPTH {
                if let Some(top) = stack.last_mut() {
                    top.children.push(Node::Element(element));
                }
            } else {
                stack.push(element);
            }
        } else {
            // A lone `<` is text; skip it so the search finds the next tag.
            let skip = usize::from(rest.starts_with('<'));
            let end = rest[skip..].find('<').map_or(rest.len(), |i| i + skip);
            push_text(&mut stack, decode_entities(&rest[..end]));
            rest = &rest[end..];
        }
    }
    while stack.len() > 1 {
        pop_into_parent(&mut stack);
    }
    stack.pop().map(|root| root.children).unwrap_or_default()
}

fn push_text(stack: &mut [Element], text: String) {
    if text.is_empty() {
        return;
    }
    if let Some(top) = stack.last_mut() {
        if let Some(Node::Text(prev)) = top.children.last_mut() {
            prev.push_str(&text);
        } else {
            top.children.push(Node::Text(text));
        }
    }
}

fn pop_into_parent(stack: &mut Vec<Element>) {
    if stack.len() < 2 {
        return;
    }
    if let Some(done) = stack.pop()
        && let Some(parent) = stack.last_mut()
    {
        parent.children.push(Node::Element(done));
    }
}

/// Closes the nearest open element with this name; a stray closing tag is ignored.
fn close(stack: &mut Vec<Element>, name: &str) {
    let Some(pos) = stack.iter().rposition(|e| e.name == name) else {
        return;
    };
    if pos == 0 {
        return;
    }
    while stack.len() > pos {
        pop_into_parent(stack);
    }
}

/// Reads `name attr="v" ...>` (after the `<`); returns the element, whether it ended in `/>`,
/// and the rest of the input.
fn open_tag(input: &str) -> (Element, bool, &str) {
    let name_end = input
        .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
        .unwrap_or(input.len());
    let mut element = Element {
        name: input[..name_end].to_ascii_lowercase(),
        ..Element::default()
    };
    let mut rest = &input[name_end..];
    loop {
        rest = rest.trim_start();
        if let Some(after) = rest.strip_prefix("/>") {
            return (element, true, after);
        }
        if let Some(after) = rest.strip_prefix('>') {
            return (element, false, after);
        }
        if rest.is_empty() {
            return (element, false, rest);
        }
        if let Some(after) = rest.strip_prefix('/') {
            rest = after;
            continue;
        }
        let key_end = rest
            .find(|c: char| c.is_whitespace() || c == '=' || c == '>' || c == '/')
            .unwrap_or(rest.len());
        let key = rest[..key_end].to_ascii_lowercase();
        rest = rest[key_end..].trim_start();
        let mut value = String::new();
        if let Some(after) = rest.strip_prefix('=') {
            let after = after.trim_start();
            if let Some(quote) = after.chars().next().filter(|c| *c == '"' || *c == '\'') {
                let body = &after[1..];
                let end = body.find(quote).unwrap_or(body.len());
                value = decode_entities(&body[..end]);
                rest = body.get(end + 1..).unwrap_or("");
            } else {
                let end = after
                    .find(|c: char| c.is_whitespace() || c == '>')
                    .unwrap_or(after.len());
                value = decode_entities(&after[..end]);
                rest = &after[end..];
            }
        }
        if !key.is_empty() {
            element.attrs.push((key, value));
        }
    }
}

/// Decodes XML character references and the HTML named entities Confluence pages use.
pub fn decode_entities(raw: &str) -> String {
    if !raw.contains('&') {
        return raw.to_owned();
    }
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let decoded = tail
            .find(';')
            .filter(|end| *end <= 12)
            .and_then(|end| entity(&tail[1..end]).map(|c| (c, end)));
        match decoded {
            Some((c, end)) => {
                out.push(c);
                rest = &tail[end + 1..];
            }
            None => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn entity(name: &str) -> Option<char> {
    if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix('x').or_else(|| num.strip_prefix('X')) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse().ok()?,
        };
        return char::from_u32(code);
    }
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => '\u{a0}',
        "ndash" => '–',
        "mdash" => '—',
        "lsquo" => '‘',
        "rsquo" => '’',
        "ldquo" => '“',
        "rdquo" => '”',
        "hellip" => '…',
        "copy" => '©',
        "reg" => '®',
        "trade" => '™',
        "bull" => '•',
        "middot" => '·',
        "rarr" => '→',
        "larr" => '←',
        "times" => '×',
        "euro" => '€',
        "deg" => '°',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn el(node: &Node) -> &Element {
        match node {
            Node::Element(e) => e,
            Node::Text(t) => panic!("expected element, got text {t:?}"),
        }
    }

    #[test]
    fn parses_macros_cdata_and_entities() {
        let nodes = parse(
            r#"<p>a &amp; b&nbsp;&#x41;</p><ac:structured-macro ac:name="code"><ac:plain-text-body><![CDATA[x < y]]></ac:plain-text-body></ac:structured-macro>"#,
        );
        assert_eq!(nodes.len(), 2);
        assert_eq!(el(&nodes[0]).text(), "a & b\u{a0}A");
        let m = el(&nodes[1]);
        assert_eq!(m.attr("ac:name"), Some("code"));
        assert_eq!(
            m.child("ac:plain-text-body").map(Element::text).as_deref(),
            Some("x < y")
        );
    }

    #[test]
    fn survives_malformed_input() {
        for input in [
            "<p><b>open",
            "</x>text",
            "<",
            "a < b",
            "<p a='1 b=2>",
            "&#xZZ; &bogus;",
            "<![CDATA[x",
        ] {
            let _ = parse(input);
        }
        let deep = "<div>".repeat(10_000);
        assert!(!parse(&deep).is_empty());
        assert_eq!(el(&parse("<p>x<br>y</p>")[0]).children.len(), 3);
    }
}
