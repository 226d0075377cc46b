//! HTML → article text for the batch runner: decodes the bytes (UTF-8, or Latin-1 /
//! Windows-1252 when the page or its HTTP headers say so), parses with `scraper`, and keeps
//! the headline (first `<h1>`, else `<title>`) as the title and the article's paragraphs,
//! joined by blank lines. Boilerplate containers (script, style, nav, header, footer, aside,
//! form, ...) are dropped whole.
//!
//! It deliberately does no site-specific cleanup (share buttons, "read more" links): the
//! engine sees prose paragraphs, and the rare leftover line does not quote anyone.

use scraper::{ElementRef, Html, Node};

/// Elements whose whole subtree is boilerplate, never article text.
const DROPPED: &[&str] = &[
    "script",
    "style",
    "nav",
    "header",
    "footer",
    "aside",
    "form",
    "noscript",
    "template",
    "iframe",
    "svg",
    "button",
    "select",
    "figcaption",
];

/// Elements that end a paragraph when text is gathered block by block (pages without `<p>`).
const BLOCKS: &[&str] = &[
    "div",
    "section",
    "article",
    "main",
    "li",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "blockquote",
    "pre",
    "table",
    "tr",
    "td",
    "th",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "br",
    "hr",
    "p",
];

/// The readable part of a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extracted {
    /// The headline, when the page has one.
    pub title: Option<String>,
    /// Paragraphs joined by blank lines (`"\n\n"`); empty when the page has no prose.
    pub text: String,
}

/// Decode page bytes to text.
///
/// `declared` is the charset from an HTTP `Content-Type` header, when there is one; a
/// `<meta charset>` in the first bytes is honoured otherwise. Latin-1 and Windows-1252 are
/// decoded as Windows-1252 (its superset in practice); everything else must be UTF-8.
///
/// # Errors
/// A message naming the problem when the bytes are not valid in the charset used.
pub fn decode(bytes: &[u8], declared: Option<&str>) -> Result<String, String> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let charset = declared
        .map(|c| c.trim().trim_matches('"').to_ascii_lowercase())
        .or_else(|| sniff_meta_charset(bytes));
    match charset.as_deref() {
        Some("iso-8859-1" | "latin1" | "latin-1" | "iso8859-1" | "windows-1252" | "cp1252")
        | Some("us-ascii" | "ascii") => Ok(decode_cp1252(bytes)),
        Some("utf-8" | "utf8") | None => String::from_utf8(bytes.to_vec())
            .map_err(|e| format!("not valid UTF-8 (at byte {})", e.utf8_error().valid_up_to())),
        Some(other) => String::from_utf8(bytes.to_vec()).map_err(|_| {
            format!("charset {other:?} is not supported (only UTF-8 and Latin-1/Windows-1252)")
        }),
    }
}

/// The charset named by a `<meta charset=...>` or `<meta http-equiv content="...; charset=...">`
/// near the top of the page (browsers look at the first 1024 bytes; we allow a little more).
fn sniff_meta_charset(bytes: &[u8]) -> Option<String> {
    let head = &bytes[..bytes.len().min(4096)];
    let head = String::from_utf8_lossy(head).to_ascii_lowercase();
    let at = head.find("charset=")? + "charset=".len();
    let rest = head[at..].trim_start_matches(['"', '\'', ' ']);
    let end = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
        .unwrap_or(rest.len());
    (end > 0).then(|| rest[..end].to_string())
}

/// Windows-1252: Latin-1 with printable characters in 0x80..0xA0.
fn decode_cp1252(bytes: &[u8]) -> String {
    const HIGH: [char; 32] = [
        '\u{20AC}', '\u{0081}', '\u{201A}', '\u{0192}', '\u{201E}', '\u{2026}', '\u{2020}',
        '\u{2021}', '\u{02C6}', '\u{2030}', '\u{0160}', '\u{2039}', '\u{0152}', '\u{008D}',
        '\u{017D}', '\u{008F}', '\u{0090}', '\u{2018}', '\u{2019}', '\u{201C}', '\u{201D}',
        '\u{2022}', '\u{2013}', '\u{2014}', '\u{02DC}', '\u{2122}', '\u{0161}', '\u{203A}',
        '\u{0153}', '\u{009D}', '\u{017E}', '\u{0178}',
    ];
    bytes
        .iter()
        .map(|&b| match b {
            0x80..=0x9F => HIGH[usize::from(b - 0x80)],
            _ => char::from(b),
        })
        .collect()
}

/// Extract the headline and the article paragraphs from a page.
///
/// Where the text comes from, first match wins: `<article>` elements (outermost), `<main>`,
/// `<body>`. Inside it, `<p>` elements are the paragraphs; a page without any `<p>` falls
/// back to text split at block elements (div, li, blockquote, ...).
pub fn extract(html: &str) -> Extracted {
    let doc = Html::parse_document(html);
    let root = doc.root_element();

    let articles: Vec<ElementRef<'_>> = elements(root)
        .filter(|e| e.value().name() == "article")
        .filter(|e| {
            !e.ancestors()
                .filter_map(ElementRef::wrap)
                .any(|a| a.value().name() == "article")
        })
        .collect();
    let main: Vec<ElementRef<'_>> = elements(root)
        .filter(|e| e.value().name() == "main")
        .take(1)
        .collect();
    let body: Vec<ElementRef<'_>> = elements(root)
        .filter(|e| e.value().name() == "body")
        .take(1)
        .collect();

    let mut paragraphs = Vec::new();
    for roots in [&articles, &main, &body, &vec![root]] {
        if roots.is_empty() {
            continue;
        }
        paragraphs = roots.iter().flat_map(|r| paragraphs_of(*r, true)).collect();
        if paragraphs.is_empty() {
            paragraphs = roots
                .iter()
                .flat_map(|r| paragraphs_of(*r, false))
                .collect();
        }
        if !paragraphs.is_empty() {
            break;
        }
    }

    let title = articles
        .iter()
        .find_map(|a| first_text(*a, "h1"))
        .or_else(|| first_text(root, "h1"))
        .or_else(|| first_text(root, "title"));
    // A headline repeated as the first paragraph (some templates do this) is not body text.
    if let (Some(t), Some(first)) = (&title, paragraphs.first()) {
        if first == t {
            paragraphs.remove(0);
        }
    }
    Extracted {
        title,
        text: paragraphs.join("\n\n"),
    }
}

/// All elements under `root` (inclusive), document order.
fn elements(root: ElementRef<'_>) -> impl Iterator<Item = ElementRef<'_>> {
    root.descendants().filter_map(ElementRef::wrap)
}

/// The normalised text of the first `name` element outside dropped containers.
fn first_text(root: ElementRef<'_>, name: &str) -> Option<String> {
    elements(root)
        .filter(|e| e.value().name() == name)
        .filter(|e| {
            !e.ancestors()
                .filter_map(ElementRef::wrap)
                .any(|a| matches!(a.value().name(), "script" | "style" | "template"))
        })
        .map(|e| squash(&e.text().collect::<String>()))
        .find(|t| !t.is_empty())
}

/// Paragraphs under `root`. With `only_p`, only text inside `<p>` counts; otherwise all
/// text outside dropped elements, split at block boundaries (and headlines left out, since
/// they are the title).
///
/// The walk is iterative so a pathologically deep page cannot overflow the stack.
fn paragraphs_of(root: ElementRef<'_>, only_p: bool) -> Vec<String> {
    enum Step<N> {
        Open(N),
        Close(N),
    }
    let mut out = Vec::new();
    let mut buf = String::new();
    let mut p_depth = 0usize;
    let mut stack = vec![Step::Open(*root)];
    while let Some(step) = stack.pop() {
        match step {
            Step::Open(node) => match node.value() {
                Node::Text(t) if !only_p || p_depth > 0 => buf.push_str(t),
                Node::Element(e) => {
                    let name = e.name();
                    if DROPPED.contains(&name) || (!only_p && name == "h1") {
                        continue;
                    }
                    if name == "br" {
                        // A line break inside a paragraph is a space; between blocks, a break.
                        if only_p {
                            buf.push(' ');
                        } else {
                            flush(&mut buf, &mut out);
                        }
                        continue;
                    }
                    let is_p = name == "p";
                    if is_p {
                        p_depth += 1;
                    }
                    // Inline markup (a, em, span) joins words; only blocks split paragraphs.
                    if (is_p && p_depth == 1) || (!only_p && BLOCKS.contains(&name)) {
                        flush(&mut buf, &mut out);
                    }
                    stack.push(Step::Close(node));
                    let children: Vec<_> = node.children().collect();
                    stack.extend(children.into_iter().rev().map(Step::Open));
                }
                _ => {}
            },
            Step::Close(node) => {
                if let Node::Element(e) = node.value() {
                    let name = e.name();
                    if name == "p" {
                        p_depth = p_depth.saturating_sub(1);
                        if p_depth == 0 || !only_p {
                            flush(&mut buf, &mut out);
                        }
                    } else if !only_p && BLOCKS.contains(&name) {
                        flush(&mut buf, &mut out);
                    }
                }
            }
        }
    }
    flush(&mut buf, &mut out);
    out
}

/// End the current paragraph: keep it when it has any text.
fn flush(buf: &mut String, out: &mut Vec<String>) {
    let p = squash(buf);
    if !p.is_empty() {
        out.push(p);
    }
    buf.clear();
}

/// Collapse every whitespace run (newlines and no-break spaces included) to one space.
fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_headline_and_paragraphs_drops_boilerplate() {
        let page = r#"<!doctype html><html><head><title>Site | Bridge reopens</title>
            <style>p { color: red }</style><script>var p = "<p>not text</p>";</script></head>
            <body><nav><p>Home</p><p>World</p></nav>
            <header><h1>Bridge reopens after repairs</h1></header>
            <article><p>The bridge reopened on Monday.</p>
            <aside><p>Related: other bridges</p></aside>
            <p>"We are ready," the mayor   said.<br>Traffic resumed.</p>
            <form><p>Subscribe</p></form></article>
            <footer><p>Copyright</p></footer></body></html>"#;
        let x = extract(page);
        assert_eq!(x.title.as_deref(), Some("Bridge reopens after repairs"));
        assert_eq!(
            x.text,
            "The bridge reopened on Monday.\n\n\"We are ready,\" the mayor said. Traffic resumed."
        );
    }

    #[test]
    fn title_falls_back_to_title_element_and_text_to_blocks() {
        let page = "<html><head><title>Council vote</title></head><body>\
            <div>The council voted <b>7 to 2</b>.</div><div><div>A second line.</div></div>\
            <ul><li>Item one</li></ul></body></html>";
        let x = extract(page);
        assert_eq!(x.title.as_deref(), Some("Council vote"));
        assert_eq!(
            x.text,
            "The council voted 7 to 2.\n\nA second line.\n\nItem one"
        );
    }

    #[test]
    fn page_without_prose_has_empty_text() {
        let x =
            extract("<html><head><script>x()</script></head><body><nav>Menu</nav></body></html>");
        assert_eq!(x.text, "");
        assert_eq!(extract("").text, "");
    }

    #[test]
    fn decodes_utf8_latin1_and_rejects_garbage() {
        assert_eq!(decode("caf\u{e9}".as_bytes(), None).unwrap(), "caf\u{e9}");
        assert_eq!(decode(b"\xEF\xBB\xBFhi", None).unwrap(), "hi");
        assert_eq!(
            decode(b"caf\xe9 \x93ok\x94", Some("ISO-8859-1")).unwrap(),
            "caf\u{e9} \u{201C}ok\u{201D}"
        );
        let meta = b"<meta charset=\"windows-1252\"><p>na\xefve</p>";
        assert!(decode(meta, None).unwrap().contains("na\u{ef}ve"));
        assert!(decode(b"caf\xe9", None).unwrap_err().contains("UTF-8"));
        assert!(decode(b"\xff\xfe", Some("shift_jis"))
            .unwrap_err()
            .contains("shift_jis"));
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let page = format!(
            "{}<p>deep</p>{}",
            "<div>".repeat(20_000),
            "</div>".repeat(20_000)
        );
        assert_eq!(extract(&page).text, "deep");
    }
}
