//! Property tests of the text pipeline: on arbitrary Unicode and on strings assembled from
//! quote, newline, period and attribution fragments, `analyze_text` never panics and every
//! reported span (paragraphs, sentences, mentions, statements, contexts) slices the
//! ORIGINAL input to exactly the reported text.

use parley::report::Span;
use parley::text::analyze_text;
use proptest::prelude::*;

fn slice(text: &str, s: Span) -> Option<String> {
    (s.start <= s.end && s.end <= text.chars().count())
        .then(|| text.chars().skip(s.start).take(s.end - s.start).collect())
}

fn check(text: &str) -> Result<(), TestCaseError> {
    let a = analyze_text(text);
    for p in &a.paragraphs {
        prop_assert!(slice(text, *p).is_some(), "paragraph {:?} out of range", p);
    }
    for s in &a.sentences {
        prop_assert_eq!(slice(text, s.span), Some(s.text.clone()));
        prop_assert!(s.paragraph < a.paragraphs.len());
    }
    for sp in &a.speakers {
        prop_assert!(!sp.statements.is_empty(), "speaker without statements");
        for m in &sp.mentions {
            prop_assert_eq!(
                slice(
                    text,
                    Span {
                        start: m.start,
                        end: m.end
                    }
                ),
                Some(m.text.clone())
            );
        }
        for st in &sp.statements {
            prop_assert_eq!(slice(text, st.span), Some(st.text.clone()));
            prop_assert!(slice(text, st.context).is_some());
            prop_assert!(!st.text.is_empty());
        }
    }
    Ok(())
}

const FRAGMENTS: &[&str] = &[
    "\"",
    "\u{201C}",
    "\u{201D}",
    "'",
    "\u{2018}",
    "\u{2019}",
    ".",
    "!",
    "?",
    "\u{2026}",
    "\n",
    "\n\n",
    "\r\n",
    "\r",
    " ",
    "  ",
    "\t",
    "\u{00A0}",
    "\u{200B}",
    ",",
    ":",
    ";",
    "(",
    ")",
    "\u{2014}",
    "said",
    " said ",
    "Anna Berg",
    "Berg",
    "he said",
    "She added that",
    "according to",
    "Mr.",
    "Ms. Hale",
    "U.S.",
    "J. R.",
    "4.5",
    "The ministry",
    "the minister",
    "told reporters that",
    "A senior official, speaking on condition of anonymity,",
    "Ukrainian officials",
    "declined to comment",
    "and",
    "who",
    "The",
    "Its spokesman, Henri Roquet,",
    "wrote on X",
    "\u{00E9}",
    "\u{1F600}",
    "\u{0301}",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn arbitrary_unicode_never_panics_and_offsets_hold(s in "\\PC{0,300}") {
        check(&s)?;
    }

    #[test]
    fn arbitrary_strings_with_controls(s in any::<String>()) {
        check(&s)?;
    }

    #[test]
    fn quote_newline_period_fragments(parts in prop::collection::vec(prop::sample::select(FRAGMENTS), 0..60)) {
        let text: String = parts.concat();
        check(&text)?;
    }
}
