//! The stance line: one sentence built from the speaker results by a fixed template,
//! faithful by construction (names and roles come from the text stage, positions from
//! the stance stage). Example: "Elke Vadas supports a ceasefire; Henri Roquet and Maija
//! Holmquist oppose it; Damian Oosterhout is neutral."
//!
//! Rules: speakers who take a side come first, strongest first; at most [`MAX_NAMES`]
//! names; the rest are grouped per position ("another speaker opposes it", "others are
//! neutral"; after such a phrase "a further speaker", and in the last clause "the
//! remaining speaker" / "the rest"), without counts: a number the article does not
//! contain is never written.
//! A qualified position (strength 1) is phrased "backs it conditionally" / "is wary of
//! it". Strength comes from the speaker's words (a condition or hedge in the statements
//! on their side: "only if", "unless", "may", "not convinced", ...; see
//! [`crate::stance::aggregate`]), never from a weak score alone: the model's uncertainty
//! is not the speaker's reservation, and the line does not turn one into the other. No
//! line when nobody takes a side.

use crate::report::{Origin, Span, SpeakerReport, StanceLabel, SummarySentence};

/// Most names in the line.
pub const MAX_NAMES: usize = 4;

/// A position as the line phrases it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Position {
    Supports,
    BacksConditionally,
    Opposes,
    IsWary,
    Neutral,
}

impl Position {
    fn of(s: &SpeakerReport) -> Position {
        match (s.stance.label, s.stance.strength == 1) {
            (StanceLabel::Favor, false) => Position::Supports,
            (StanceLabel::Favor, true) => Position::BacksConditionally,
            (StanceLabel::Against, false) => Position::Opposes,
            (StanceLabel::Against, true) => Position::IsWary,
            (StanceLabel::Neutral, _) => Position::Neutral,
        }
    }

    /// The predicate; `object` is the target on first use, "it" after.
    fn predicate(self, plural: bool, object: &str) -> String {
        match (self, plural) {
            (Position::Supports, false) => format!("supports {object}"),
            (Position::Supports, true) => format!("support {object}"),
            (Position::BacksConditionally, false) => format!("backs {object} conditionally"),
            (Position::BacksConditionally, true) => format!("back {object} conditionally"),
            (Position::Opposes, false) => format!("opposes {object}"),
            (Position::Opposes, true) => format!("oppose {object}"),
            (Position::IsWary, false) => format!("is wary of {object}"),
            (Position::IsWary, true) => format!("are wary of {object}"),
            (Position::Neutral, false) => "is neutral".to_string(),
            (Position::Neutral, true) => "are neutral".to_string(),
        }
    }
}

/// How strongly a speaker holds their position, for ordering.
fn strength(s: &SpeakerReport) -> f32 {
    match s.stance.label {
        StanceLabel::Neutral => 0.0,
        _ => s.stance.score.abs() * s.stance.confidence.max(0.01),
    }
}

fn join_names(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

fn capitalise_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// The stance line for these speakers, or `None` when nobody takes a side on `target`.
/// Support: the spans of the named speakers' statements that carry their position.
pub fn stance_line(speakers: &[SpeakerReport], target: &str) -> Option<SummarySentence> {
    let target = target.trim();
    // Once per speaker: a position reads the statements (the hedge cue), and the sort
    // below would otherwise ask for it on every comparison.
    let positions: Vec<Position> = speakers.iter().map(Position::of).collect();
    if target.is_empty() || positions.iter().all(|&p| p == Position::Neutral) {
        return None;
    }
    // Sides first (strongest first), then neutral speakers in the article's order.
    let mut order: Vec<usize> = (0..speakers.len()).collect();
    order.sort_by(|&a, &b| {
        let (sa, sb) = (&speakers[a], &speakers[b]);
        let neutral = |i: usize| positions[i] == Position::Neutral;
        neutral(a)
            .cmp(&neutral(b))
            .then(strength(sb).total_cmp(&strength(sa)))
            .then(first_mention(sa).cmp(&first_mention(sb)))
    });
    let (named, rest) = order.split_at(order.len().min(MAX_NAMES));

    // Group the named speakers by position, groups in order of their strongest member.
    let mut groups: Vec<(Position, Vec<&str>)> = Vec::new();
    for &i in named {
        let p = positions[i];
        match groups.iter_mut().find(|(q, _)| *q == p) {
            Some((_, names)) => names.push(speakers[i].name.trim()),
            None => groups.push((p, vec![speakers[i].name.trim()])),
        }
    }
    let mut clauses: Vec<String> = Vec::new();
    let mut target_used = false;
    let mut object = |p: Position| -> String {
        if p == Position::Neutral {
            return String::new();
        }
        if target_used {
            "it".to_string()
        } else {
            target_used = true;
            target.to_string()
        }
    };
    // Count the unnamed by position.
    let mut counts: Vec<(Position, usize)> = Vec::new();
    for &i in rest {
        let p = positions[i];
        match counts.iter_mut().find(|(q, _)| *q == p) {
            Some((_, n)) => *n += 1,
            None => counts.push((p, 1)),
        }
    }
    counts.sort();
    let unnamed = |n: usize| if n == 1 { "another speaker" } else { "others" };
    let mut unnamed_said = false;
    for (p, names) in &groups {
        let obj = object(*p);
        // The unnamed who share this position join its clause ("A, B and others are
        // neutral"), so no position is said twice.
        let mut subject: Vec<&str> = names.clone();
        if let Some(k) = counts.iter().position(|(q, _)| q == p) {
            let (_, n) = counts.remove(k);
            subject.push(unnamed(n));
            unnamed_said = true;
        }
        clauses.push(format!(
            "{} {}",
            join_names(&subject),
            p.predicate(subject.len() > 1, &obj)
        ));
    }
    // A clause of the unnamed alone, after an earlier "another speaker" or "others":
    // "a further speaker" / "other speakers", and the last clause "the remaining speaker" /
    // "the rest" (it holds everyone not yet named), so no phrase reads as said twice.
    let last = counts.len();
    for (k, (p, n)) in counts.into_iter().enumerate() {
        let obj = object(p);
        let subject = match (unnamed_said, k + 1 == last, n) {
            (false, _, n) => unnamed(n),
            (true, true, 1) => "the remaining speaker",
            (true, true, _) => "the rest",
            // (Not "one more": the name and number check reads "one" as a count.)
            (true, false, 1) => "a further speaker",
            (true, false, _) => "other speakers",
        };
        unnamed_said = true;
        clauses.push(format!("{subject} {}", p.predicate(n > 1, &obj)));
    }
    let text = format!("{}.", capitalise_first(&clauses.join("; ")));

    let mut support: Vec<Span> = named
        .iter()
        .flat_map(|&i| {
            let s = &speakers[i];
            let label = s.stance.label;
            s.statements
                .iter()
                .filter(move |st| st.stance.label == label)
                .map(|st| Span {
                    start: st.start,
                    end: st.end,
                })
        })
        .collect();
    support.sort_by_key(|s| (s.start, s.end));
    support.dedup();
    Some(SummarySentence {
        text,
        origin: Origin::Template,
        support,
    })
}

fn first_mention(s: &SpeakerReport) -> usize {
    s.mentions
        .iter()
        .map(|m| m.start)
        .chain(s.statements.iter().map(|st| st.start))
        .min()
        .unwrap_or(usize::MAX)
}
