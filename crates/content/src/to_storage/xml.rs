//! Output buffer that can only produce well-formed XHTML: every text, attribute and CDATA
//! section is escaped here, and characters XML 1.0 forbids become U+FFFD.

#[derive(Default)]
pub(super) struct Xml {
    buf: String,
}

impl Xml {
    pub(super) fn open(&mut self, name: &str, attrs: &[(&str, &str)]) {
        self.start_tag(name, attrs);
        self.buf.push('>');
    }

    pub(super) fn close(&mut self, name: &str) {
        self.buf.push_str("</");
        self.buf.push_str(name);
        self.buf.push('>');
    }

    pub(super) fn empty(&mut self, name: &str, attrs: &[(&str, &str)]) {
        self.start_tag(name, attrs);
        self.buf.push_str("/>");
    }

    /// An element holding only text.
    pub(super) fn text_element(&mut self, name: &str, attrs: &[(&str, &str)], text: &str) {
        self.open(name, attrs);
        self.text(text);
        self.close(name);
    }

    pub(super) fn text(&mut self, text: &str) {
        for c in text.chars() {
            match c {
                '&' => self.buf.push_str("&amp;"),
                '<' => self.buf.push_str("&lt;"),
                '>' => self.buf.push_str("&gt;"),
                c => self.buf.push(legal(c)),
            }
        }
    }

    /// A CDATA section; `]]>` inside is split across two sections.
    pub(super) fn cdata(&mut self, text: &str) {
        self.buf.push_str("<![CDATA[");
        let mut rest = text;
        while let Some(i) = rest.find("]]>") {
            push_legal(&mut self.buf, &rest[..i + 2]);
            self.buf.push_str("]]><![CDATA[");
            rest = &rest[i + 2..];
        }
        push_legal(&mut self.buf, rest);
        self.buf.push_str("]]>");
    }

    pub(super) fn finish(self) -> String {
        self.buf
    }

    fn start_tag(&mut self, name: &str, attrs: &[(&str, &str)]) {
        self.buf.push('<');
        self.buf.push_str(name);
        for (key, value) in attrs {
            self.buf.push(' ');
            self.buf.push_str(key);
            self.buf.push_str("=\"");
            for c in value.chars() {
                match c {
                    '&' => self.buf.push_str("&amp;"),
                    '<' => self.buf.push_str("&lt;"),
                    '>' => self.buf.push_str("&gt;"),
                    '"' => self.buf.push_str("&quot;"),
                    // Literal whitespace in attributes would be normalised to spaces.
                    '\n' => self.buf.push_str("&#10;"),
                    '\r' => self.buf.push_str("&#13;"),
                    '\t' => self.buf.push_str("&#9;"),
                    c => self.buf.push(legal(c)),
                }
            }
            self.buf.push('"');
        }
    }
}

fn push_legal(buf: &mut String, s: &str) {
    buf.extend(s.chars().map(legal));
}

/// Characters outside XML 1.0's `Char` production cannot appear even as references.
fn legal(c: char) -> char {
    match c {
        '\t' | '\n' | '\r' => c,
        '\u{0}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}' => '\u{fffd}',
        c => c,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cdata_splits_its_terminator() {
        let mut x = Xml::default();
        x.cdata("a]]>b]]>");
        assert_eq!(x.finish(), "<![CDATA[a]]]]><![CDATA[>b]]]]><![CDATA[>]]>");
    }

    #[test]
    fn attributes_and_text_are_escaped() {
        let mut x = Xml::default();
        x.text_element("p", &[("title", "a\"<&>\n\u{1}")], "<&>\u{7}");
        assert_eq!(
            x.finish(),
            "<p title=\"a&quot;&lt;&amp;&gt;&#10;\u{fffd}\">&lt;&amp;&gt;\u{fffd}</p>"
        );
    }
}
