//! Per-speaker aggregation: the probabilities of a speaker's statements → one stance,
//! and the text cues it weighs (does a statement name the target; is it hedged or
//! conditional; is it dated as background; does it declare a side in so many words).
//!
//! The rules, and why:
//! - A statement that names the target, and a direct quote, say more about the speaker's
//!   position than a paraphrase about something nearby: they weigh more.
//! - Neutral is a real class, not a fallback: a speaker whose statements are all facts,
//!   logistics or indecision is neutral. But a neutral aside (a figure, a date) next to a
//!   clear position does not cancel the position, so neutral-leaning statements weigh
//!   less than polar ones when the speaker has any polar statement.
//! - An earlier position reported as background ("said in 2019 that ...", "had called
//!   it ...") counts for less than the speaker's current words (the corpus convention:
//!   the current words decide), but still decides when it is all there is.
//! - A plain declaration ("I'm backing the ban", "we will fight this merger") decides its
//!   statement whatever the model read: the small classifier misses some of these, and the
//!   pattern (the speaker as subject, the target as object, negation flips) rarely errs.
//! - A hedged or conditional statement keeps its polarity ("we will back it only if ..."
//!   is favor, by the corpus conventions) but pulls the score toward zero, and makes the
//!   position qualified (strength 1) when most of the weight on the speaker's side is
//!   hedged. Strength comes from the words, not from the model's certainty: on the
//!   validation split a hedge cue separates qualified from clear statements better than
//!   any threshold on the probabilities (see `models/stance/TRAINING.md`).

use std::collections::HashSet;
use std::sync::OnceLock;

use regex::Regex;

use crate::report::{Probabilities, Stance, StanceLabel};

/// One statement's classification and cues, as [`aggregate`] weighs them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StatementEvidence {
    pub probs: Probabilities,
    /// A direct quote (the speaker's own words), not reported speech.
    pub direct: bool,
    /// The statement names the target (see [`mentions_target`]).
    pub mentions_target: bool,
    /// The statement is hedged or conditional (see [`hedge_or_condition`]).
    pub hedged: bool,
    /// Its attribution dates it before the article's present (see [`background_frame`]).
    pub background: bool,
    /// The speaker declares a side in so many words ("I'm backing the ban", "we oppose the
    /// merger"; see [`explicit_position`]): that side, whatever the model read.
    pub explicit: Option<StanceLabel>,
}

/// Weight of a direct quote relative to reported speech.
const DIRECT_WEIGHT: f32 = 1.5;
/// Weight of a statement that names the target relative to one that does not.
const MENTION_WEIGHT: f32 = 2.0;
/// Factor on the weight of a neutral-leaning statement when the speaker also has a
/// confident polar one. One aside does not cancel a clear position; two or more can,
/// because a factual voice with one statement misread as polar is the commoner case.
/// Measured end to end (macro-F1) at 0.5 / 0.65 / 0.7 / 0.75 / 1.0: dev 0.885 / 0.898 /
/// 0.898 / 0.884 / 0.884; the 72 probe articles 0.815 / 0.819 / 0.819 / 0.819 / 0.801; the
/// blind batches fresh-u..x 0.720 / 0.743 / 0.743 / 0.754 / 0.744 and next-a..d 0.761 /
/// 0.792 / 0.778 / 0.778 / 0.776. 0.7 is the middle of the plateau.
const NEUTRAL_ASIDE_WEIGHT: f32 = 0.7;
/// Probability above which a favor/against statement counts as a clear position.
const CONFIDENT_POLAR: f32 = 0.6;
/// How much a fully hedged speaker's score shrinks toward zero.
const HEDGE_SHRINK: f32 = 0.4;
/// Weight of an earlier position reported as background, relative to current words.
const BACKGROUND_WEIGHT: f32 = 0.25;
/// Probability given to the declared side of an explicit statement.
const EXPLICIT_PROB: f32 = 0.85;

/// One stance for a speaker from their statements. No statements → neutral with zero
/// confidence.
pub fn aggregate(statements: &[StatementEvidence]) -> Stance {
    if statements.is_empty() {
        return Stance {
            label: StanceLabel::Neutral,
            score: 0.0,
            confidence: 0.0,
            strength: 2,
            probabilities: Probabilities {
                favor: 0.0,
                against: 0.0,
                neutral: 1.0,
            },
        };
    }
    // Only a confident polar statement makes the speaker's neutral statements asides.
    let any_polar = statements.iter().any(|s| {
        let p = evidence_probs(s);
        p.argmax() != StanceLabel::Neutral && p.favor.max(p.against) >= CONFIDENT_POLAR
    });
    let mut total = 0.0f32;
    let mut hedged = 0.0f32;
    let mut sum = Probabilities::default();
    // Per statement: weight, own most probable label and hedge, for the strength.
    let mut weighed = Vec::with_capacity(statements.len());
    for s in statements {
        let p = evidence_probs(s);
        let mut w = 1.0;
        if s.direct {
            w *= DIRECT_WEIGHT;
        }
        if s.mentions_target {
            w *= MENTION_WEIGHT;
        }
        if s.background {
            w *= BACKGROUND_WEIGHT;
        }
        if any_polar && p.argmax() == StanceLabel::Neutral {
            w *= NEUTRAL_ASIDE_WEIGHT;
        }
        sum.favor += w * p.favor;
        sum.against += w * p.against;
        sum.neutral += w * p.neutral;
        total += w;
        if s.hedged {
            hedged += w;
        }
        weighed.push((w, p.argmax(), s.hedged));
    }
    let p = Probabilities {
        favor: sum.favor / total,
        against: sum.against / total,
        neutral: sum.neutral / total,
    };
    let label = p.argmax();
    let hedge_share = hedged / total;
    let score = ((p.favor - p.against) * (1.0 - HEDGE_SHRINK * hedge_share)).clamp(-1.0, 1.0);
    Stance {
        label,
        score,
        confidence: p.get(label).clamp(0.0, 1.0),
        strength: strength(label, &weighed),
        probabilities: p,
    }
}

/// 1 when at least half the weight of the statements on the speaker's side (those whose
/// own most probable label is the speaker's) is hedged or conditional; else 2. Neutral is
/// always 2. With no statement on the side (the label comes from the mixture), all of
/// the speaker's statements count.
fn strength(label: StanceLabel, weighed: &[(f32, StanceLabel, bool)]) -> u8 {
    if label == StanceLabel::Neutral {
        return 2;
    }
    let any_on_side = weighed.iter().any(|&(_, l, _)| l == label);
    let (mut side, mut side_hedged) = (0.0f32, 0.0f32);
    for &(w, l, hedged) in weighed {
        if any_on_side && l != label {
            continue;
        }
        side += w;
        if hedged {
            side_hedged += w;
        }
    }
    if side > 0.0 && side_hedged * 2.0 >= side {
        1
    } else {
        2
    }
}

/// What a statement counts as: the model's probabilities, or, for an explicit declaration,
/// the declared side.
fn evidence_probs(s: &StatementEvidence) -> Probabilities {
    let rest = (1.0 - EXPLICIT_PROB) / 2.0;
    let p = |l: StanceLabel| {
        if Some(l) == s.explicit {
            EXPLICIT_PROB
        } else {
            rest
        }
    };
    match s.explicit {
        // The model already reads the declared side more surely: keep its reading.
        Some(l) if normalised(s.probs).get(l) > EXPLICIT_PROB => normalised(s.probs),
        Some(_) => Probabilities {
            favor: p(StanceLabel::Favor),
            against: p(StanceLabel::Against),
            neutral: p(StanceLabel::Neutral),
        },
        None => normalised(s.probs),
    }
}

/// Probabilities that sum to 1 (a model's output already does; this guards hand-built
/// or degenerate input, e.g. all zeros, which reads as neutral).
fn normalised(p: Probabilities) -> Probabilities {
    let clean = |x: f32| if x.is_finite() && x > 0.0 { x } else { 0.0 };
    let (f, a, n) = (clean(p.favor), clean(p.against), clean(p.neutral));
    let s = f + a + n;
    if s <= 0.0 {
        return Probabilities {
            favor: 0.0,
            against: 0.0,
            neutral: 1.0,
        };
    }
    Probabilities {
        favor: f / s,
        against: a / s,
        neutral: n / s,
    }
}

/// Whether a statement is conditional or hedged: "only if", "only after", "unless", "as long as",
/// "in principle", "may", "not convinced", "reluctantly", "for now", ...
pub fn hedge_or_condition(text: &str) -> bool {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(
            r"(?ix)\b(
                if | unless | only\s+(after|when|once) | provided\s+(that)? | providing | as\s+long\s+as | so\s+long\s+as
              | on\s+condition | conditional | on\s+the\s+condition | assuming | depend(s|ing|ent)?
              | in\s+principle | for\s+now | for\s+the\s+time\s+being | at\s+this\s+stage
              | may | might | perhaps | possibly | probably | maybe
              | not\s+(yet\s+)?convinced | not\s+opposed | not\s+against | no\s+objection
              | reluctant(ly)? | grudging(ly)? | cautious(ly)? | hesitant(ly)? | tentative(ly)?
              | with\s+reservations | some\s+reservations | lukewarm | leaning | inclined
              | on\s+balance | not\s+perfect | far\s+from\s+perfect | imperfect | but\s+not
              | a\s+start | first\s+step | although
            )\b",
        )
        .expect("hedge regex is valid")
    });
    re.is_match(text)
}

/// Whether a statement's attribution dates it before the article's present: the words
/// of `context` (its sentence) outside the statement put a past time on the speech verb
/// `cue` ("said in 2019 that", "told reporters last year", "had called", "once
/// described", "In 2019, she said"). A time inside the quoted or reported words ("after
/// last year's storms") does not count, nor does one in another clause ("..., who in
/// March had urged a pause, said ...": the cue there is "said", not "urged").
pub fn background_frame(context: &str, statement: &str, cue: &str) -> bool {
    let cue = cue.trim().to_lowercase();
    if cue.is_empty() {
        return false;
    }
    let lower = context.to_lowercase();
    // Lengths of the lowercased statement: lowercasing may change byte lengths.
    let words = statement.trim().to_lowercase();
    let frame = match lower.find(&words) {
        Some(i) if !words.is_empty() => format!("{} {}", &lower[..i], &lower[i + words.len()..]),
        _ => lower.clone(),
    };
    // Compiled once: a past time, what may stand between the cue and it (up to four
    // words: an addressee, "on Sunday"), what may stand before the cue, a time that opens
    // the sentence, and one that opens it without a comma right before the subject and
    // its cue ("Last year Dr. Ada Brenn described ...").
    static RES: OnceLock<[Regex; 4]> = OnceLock::new();
    let [after, before, opening, lead_in] = RES.get_or_init(|| {
        const MONTH: &str =
            "january|february|march|april|may|june|july|august|september|october|november|december";
        let when = format!(
            r"(in\s+(19|20)\d\d|in\s+((early|mid|late)[\s-]+)?({MONTH})|last\s+(year|month|week|spring|summer|autumn|fall|winter|{MONTH})|(a|one|two|three|four|five|six|several|\d+)\s+(years?|months?|weeks?)\s+ago|earlier\s+this\s+(year|month))"
        );
        [
            Regex::new(&format!(r"^(\s+[\w'-]+){{0,4}}?\s+{when}\b")),
            // "had called", "who last year called", "who in March had himself urged".
            Regex::new(&format!(
                r"\b({when}|once|previously|formerly|had|earlier)(\s+(had|has|have|himself|herself|itself|themselves|also|publicly|repeatedly|first))*\s+$"
            )),
            // "In 2019, she said" / "In an interview with Harbour FM last March, she called".
            Regex::new(&format!(
                r"^\W*({when}|(in|during|at|speaking)\s[^,]{{0,60}}?\s{when})\s*,"
            )),
            // The subject: at most six words, no clause break.
            Regex::new(&format!(r"^\W*{when}\s+([\w.'-]+\s+){{0,6}}$")),
        ]
        .map(|r| r.expect("background regexes are valid"))
    });
    if opening.is_match(&frame) {
        return true;
    }
    // The cue right after an opening time and the subject, in the whole sentence: the
    // statement may begin with its cue ("described the plan as ...").
    if whole_word_offsets(&lower, &cue).any(|i| lead_in.is_match(&lower[..i])) {
        return true;
    }
    // A statement that begins with its cue ("who last year called the plan \"a trap\""):
    // the words right before it.
    if let Some(i) = lower.find(&words).filter(|_| words.starts_with(&cue)) {
        if !words.is_empty() && before.is_match(&lower[..i]) {
            return true;
        }
    }
    // Each occurrence of the cue in the attribution.
    let dated = whole_word_offsets(&frame, &cue).any(|i| {
        let (head, tail) = (&frame[..i], &frame[i + cue.len()..]);
        after.is_match(tail) || before.is_match(head)
    });
    dated
}

/// Byte offsets where `word` stands in `text` as a whole word.
fn whole_word_offsets<'a>(text: &'a str, word: &'a str) -> impl Iterator<Item = usize> + 'a {
    let is_word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric());
    text.match_indices(word).map(|(i, _)| i).filter(move |&i| {
        !is_word(text[..i].chars().next_back()) && !is_word(text[i + word.len()..].chars().next())
    })
}

/// Words that carry no content for target matching.
const STOPWORDS: &[&str] = &[
    "a", "an", "the", "of", "on", "in", "to", "for", "and", "or", "with", "by", "at", "from",
    "its", "their", "our", "new", "proposed", "planned", "plan", "proposal", "this", "that",
];

/// Synonym groups for common targets: a statement naming any member names the group.
/// General news vocabulary, not tied to any article.
const SYNONYMS: &[&[&str]] = &[
    &[
        "ceasefire",
        "cease-fire",
        "truce",
        "armistice",
        "halt to the fighting",
        "stop the fighting",
        "end to the fighting",
        "pause in the fighting",
        "guns silent",
        "guns fall silent",
        "stop shooting",
        "lay down",
    ],
    &["peace", "accord", "agreement", "treaty", "settlement"],
    &["deal", "agreement", "accord", "pact"],
    &[
        "strike",
        "walkout",
        "stoppage",
        "industrial action",
        "picket",
    ],
    &[
        "merger",
        "takeover",
        "acquisition",
        "tie-up",
        "combination",
        "merge",
    ],
    &["tariff", "duty", "duties", "levy", "levies"],
    &["exchange", "swap", "handover"],
    &["sanction", "embargo", "blockade"],
    &["rezoning", "zoning", "development"],
    &["cap", "ceiling", "limit"],
    &["increase", "rise", "hike", "raise"],
    &["reform", "overhaul", "change"],
    &["bill", "law", "legislation", "act", "measure"],
    &["referendum", "vote", "ballot", "plebiscite"],
    &["closure", "shutdown", "close"],
    &["mission", "force", "deployment", "peacekeepers", "monitors"],
];

/// Crude stemmer: enough to equate "tariffs"/"tariff", "merging"/"merge",
/// "negotiated"/"negotiate". Only suffixes that keep a stem of four letters or more.
fn stem(word: &str) -> String {
    let w = word.to_lowercase();
    let mut w = w;
    for suf in [
        "ations", "ation", "ings", "ing", "ies", "ied", "ers", "er", "es", "ed", "s",
    ] {
        if let Some(base) = w.strip_suffix(suf) {
            if base.chars().count() >= 4 {
                w = match suf {
                    "ies" | "ied" => format!("{base}y"),
                    _ => base.to_string(),
                };
                break;
            }
        }
    }
    // "merge"/"merging"/"merger" all end up as "merg".
    if w.chars().count() >= 5 {
        if let Some(base) = w.strip_suffix('e') {
            return base.to_string();
        }
    }
    w
}

fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '-' || c == '\''))
        .filter(|w| !w.is_empty())
        .map(|w| w.trim_matches('\'').to_lowercase())
        .collect()
}

/// The side a statement declares toward the target in so many words, if any: a verb of
/// support or opposition (or "against", "in favour of", "vote for") whose object is the
/// target, with the speaker as its subject ("I'm backing the ban", "we will fight this closure", "it would
/// back the expansion only if ...", "I cannot support the withdrawal" → against). The
/// subject must be "I" or "we" in the speaker's own words (`direct`), or also "he", "she",
/// "it", "they" in reported speech, where they stand for the speaker. A negation between
/// subject and verb flips the side; a question declares nothing (it may be rhetorical).
/// Small classifiers misread such plain declarations often enough that this cue, which is
/// rarely wrong, decides the statement.
pub fn explicit_position(target: &str, text: &str, direct: bool) -> Option<StanceLabel> {
    let trimmed = text
        .trim_end()
        .trim_end_matches(['"', '\'', '\u{201D}', '\u{2019}', ')']);
    if trimmed.ends_with('?') {
        return None;
    }
    let toks = words(&text.replace('\u{2019}', "'"));
    let target_stems: Vec<String> = words(target)
        .into_iter()
        .filter(|w| !STOPWORDS.contains(&w.as_str()))
        .map(|w| stem(&w))
        .collect();
    if target_stems.is_empty() {
        return None;
    }
    let synonyms: Vec<String> = SYNONYMS
        .iter()
        .filter(|g| g.iter().any(|m| target_stems.contains(&stem(m))))
        .flat_map(|g| g.iter().filter(|m| !m.contains(' ')).map(|m| stem(m)))
        .collect();
    let is_target = |w: &str| {
        let st = stem(w);
        target_stems.contains(&st) || synonyms.contains(&st)
    };
    const FAVOR: &[&str] = &[
        "back",
        "backs",
        "backing",
        "support",
        "supports",
        "supporting",
        "endorse",
        "endorses",
        "endorsing",
        "welcome",
        "welcomes",
        "welcoming",
        "favour",
        "favours",
        "favor",
        "favors",
    ];
    const AGAINST: &[&str] = &[
        "oppose",
        "opposes",
        "opposing",
        "reject",
        "rejects",
        "rejecting",
        "condemn",
        "condemns",
        "condemning",
        "fight",
        "fighting",
        "against",
    ];
    // What may stand between the subject and the verb.
    const BETWEEN: &[&str] = &[
        "am",
        "are",
        "is",
        "was",
        "were",
        "be",
        "will",
        "would",
        "shall",
        "should",
        "can",
        "could",
        "may",
        "might",
        "must",
        "do",
        "does",
        "did",
        "have",
        "has",
        "fully",
        "strongly",
        "firmly",
        "still",
        "also",
        "now",
        "always",
        "gladly",
        "happily",
        "wholeheartedly",
        "absolutely",
        "certainly",
        "remain",
        "remains",
        "continue",
        "continues",
        "to",
        "so",
        "therefore",
        "not",
        "never",
        "cannot",
        "can't",
        "won't",
        "don't",
        "doesn't",
        "didn't",
        "wouldn't",
        "couldn't",
        "isn't",
        "aren't",
        "no",
        "longer",
        "entirely",
        "totally",
        "completely",
    ];
    const NEGATIONS: &[&str] = &[
        "not", "never", "cannot", "can't", "won't", "don't", "doesn't", "didn't", "wouldn't",
        "couldn't", "isn't", "aren't", "no",
    ];
    // What may stand between the verb and the target word ("the whole closure plan").
    const BREAKS: &[&str] = &[
        "that", "if", "but", "and", "or", "because", "when", "while", "to", "of", "unless", "it",
        "them", "him", "her", "those", "these",
    ];
    let subject = |w: &str| {
        let base = w.split('\'').next().unwrap_or(w);
        matches!(base, "i" | "we") || (!direct && matches!(base, "he" | "she" | "it" | "they"))
    };
    // Verbs of signing on or joining: "sign", "join", "put our name to".
    let refusal = |i: usize| match toks[i].as_str() {
        "sign" | "join" => true,
        "put" => {
            toks[i + 1..(i + 4).min(toks.len())]
                .iter()
                .any(|t| matches!(t.as_str(), "name" | "names"))
                && toks[i + 1..(i + 5).min(toks.len())]
                    .iter()
                    .any(|t| t == "to")
        }
        _ => false,
    };
    let mut declared: Option<StanceLabel> = None;
    for (i, w) in toks.iter().enumerate() {
        let w = w.as_str();
        // "in favour of the ban": the phrase starts at "in".
        let (label, verb_at, object_from) = if matches!(w, "favour" | "favor")
            && i > 0
            && toks[i - 1] == "in"
            && toks.get(i + 1).is_some_and(|n| n == "of")
        {
            (StanceLabel::Favor, i - 1, i + 2)
        } else if matches!(w, "for" | "against")
            && i > 0
            && matches!(toks[i - 1].as_str(), "vote" | "votes" | "voting" | "voted")
        {
            // "we will vote for the reform", "I cannot vote against the ban".
            let label = if w == "for" {
                StanceLabel::Favor
            } else {
                StanceLabel::Against
            };
            (label, i - 1, i + 1)
        } else if FAVOR.contains(&w) {
            (StanceLabel::Favor, i, i + 1)
        } else if w == "opposed" && toks.get(i + 1).is_some_and(|n| n == "to") {
            // "we are opposed to the merger", "I am not opposed to the trial".
            (StanceLabel::Against, i, i + 2)
        } else if refusal(i) {
            // Signing on is support; the negation below makes it a refusal.
            (StanceLabel::Favor, i, i + 1)
        } else if AGAINST.contains(&w) {
            (StanceLabel::Against, i, i + 1)
        } else {
            continue;
        };
        // The object: a target word within four words, nothing clause-like before it.
        let object = (object_from..(object_from + 4).min(toks.len()))
            .take_while(|&k| !BREAKS.contains(&toks[k].as_str()))
            .any(|k| is_target(&toks[k]));
        // "I'm not against it": explicit non-opposition, which the annotation conventions
        // read as qualified support, also with a pronoun for the target (only negated:
        // "I am against it" may be about anything).
        let pronoun_object = label == StanceLabel::Against
            && toks
                .get(object_from)
                .is_some_and(|o| matches!(o.as_str(), "it" | "this"));
        // "we would not sign the final text", "she will not put her name to it": refusing
        // to sign (whatever the paper is called) or to join is opposition, however warmly
        // the goal is praised. Only when negated.
        let refused = refusal(i) && (w == "sign" || w == "put" || object || pronoun_object);
        if !object && !pronoun_object && !refused {
            continue;
        }
        // The subject: back over auxiliaries, adverbs and negations to a pronoun.
        let mut k = verb_at;
        let mut negated = false;
        while k > 0 && verb_at - k < 5 && BETWEEN.contains(&toks[k - 1].as_str()) {
            k -= 1;
            negated ^= NEGATIONS.contains(&toks[k].as_str());
        }
        if k == 0 || !subject(&toks[k - 1]) || (!object && !negated) || (refused && !negated) {
            continue;
        }
        // A contracted negation on the pronoun itself does not occur; "i'm" carries none.
        let side = match (label, negated) {
            (l, false) => l,
            (StanceLabel::Favor, true) => StanceLabel::Against,
            (StanceLabel::Against, true) => StanceLabel::Favor,
            (StanceLabel::Neutral, _) => StanceLabel::Neutral,
        };
        match declared {
            None => declared = Some(side),
            Some(d) if d == side => {}
            // Two sides declared in one statement: no plain declaration.
            Some(_) => return None,
        }
    }
    declared
}

/// Whether `text` names the target: a content word of the target (by stem) appears, or a
/// synonym of one does ("truce" for "a ceasefire", "walkout" for "the strike").
pub fn mentions_target(target: &str, text: &str) -> bool {
    let text_words = words(text);
    let text_stems: HashSet<String> = text_words.iter().map(|w| stem(w)).collect();
    let text_lower = format!(" {} ", text_words.join(" "));
    let content: Vec<String> = words(target)
        .into_iter()
        .filter(|w| !STOPWORDS.contains(&w.as_str()))
        .collect();
    for w in &content {
        if text_stems.contains(&stem(w)) {
            return true;
        }
        for group in SYNONYMS {
            if group.iter().any(|g| stem(g) == stem(w)) {
                for syn in group.iter() {
                    if syn.contains(' ') {
                        if text_lower.contains(&format!(" {syn} ")) {
                            return true;
                        }
                    } else if text_stems.contains(&stem(syn)) {
                        return true;
                    }
                }
            }
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(f: f32, a: f32, n: f32) -> Probabilities {
        Probabilities {
            favor: f,
            against: a,
            neutral: n,
        }
    }

    fn ev(probs: Probabilities) -> StatementEvidence {
        StatementEvidence {
            probs,
            direct: false,
            mentions_target: false,
            hedged: false,
            background: false,
            explicit: None,
        }
    }

    #[test]
    fn empty_is_neutral_with_no_confidence() {
        let s = aggregate(&[]);
        assert_eq!(s.label, StanceLabel::Neutral);
        assert_eq!(s.confidence, 0.0);
    }

    #[test]
    fn all_neutral_statements_give_neutral() {
        let s = aggregate(&[ev(p(0.1, 0.1, 0.8)), ev(p(0.2, 0.1, 0.7))]);
        assert_eq!(s.label, StanceLabel::Neutral);
        assert!(s.score.abs() < 0.2);
    }

    #[test]
    fn a_neutral_aside_does_not_cancel_a_clear_position() {
        // One clear against statement, one factual aside.
        let s = aggregate(&[ev(p(0.05, 0.9, 0.05)), ev(p(0.1, 0.1, 0.8))]);
        assert_eq!(s.label, StanceLabel::Against);
        assert!(s.score < -0.3);
    }

    #[test]
    fn several_factual_statements_outweigh_one_polar_reading() {
        // A speaker who gives figures in two statements and is read as against in one
        // is more often a neutral voice the classifier misread than a partisan with two
        // asides (see NEUTRAL_ASIDE_WEIGHT).
        let s = aggregate(&[
            ev(p(0.05, 0.9, 0.05)),
            ev(p(0.1, 0.1, 0.8)),
            ev(p(0.1, 0.1, 0.8)),
        ]);
        assert_eq!(s.label, StanceLabel::Neutral);
    }

    #[test]
    fn target_mentions_and_direct_quotes_weigh_more() {
        let favor = p(0.8, 0.1, 0.1);
        let against = p(0.1, 0.8, 0.1);
        let plain = aggregate(&[ev(favor), ev(against)]);
        assert!(plain.score.abs() < 1e-6);
        let named = StatementEvidence {
            mentions_target: true,
            ..ev(against)
        };
        assert_eq!(aggregate(&[ev(favor), named]).label, StanceLabel::Against);
        let quoted = StatementEvidence {
            direct: true,
            ..ev(favor)
        };
        assert_eq!(aggregate(&[quoted, ev(against)]).label, StanceLabel::Favor);
    }

    #[test]
    fn hedging_weakens_the_score_but_keeps_the_label() {
        let clear = aggregate(&[ev(p(0.8, 0.05, 0.15))]);
        let hedged = aggregate(&[StatementEvidence {
            hedged: true,
            ..ev(p(0.8, 0.05, 0.15))
        }]);
        assert_eq!(hedged.label, StanceLabel::Favor);
        assert!(hedged.score > 0.0 && hedged.score < clear.score);
        assert_eq!((clear.strength, hedged.strength), (2, 1));
    }

    #[test]
    fn strength_reads_the_statements_on_the_speakers_side() {
        let hedged = |probs| StatementEvidence {
            hedged: true,
            ..ev(probs)
        };
        // A hedged neutral aside does not qualify a clear position.
        let s = aggregate(&[ev(p(0.85, 0.05, 0.1)), hedged(p(0.1, 0.1, 0.8))]);
        assert_eq!((s.label, s.strength), (StanceLabel::Favor, 2));
        // Half the weight on the side hedged: qualified.
        let s = aggregate(&[ev(p(0.1, 0.8, 0.1)), hedged(p(0.1, 0.8, 0.1))]);
        assert_eq!((s.label, s.strength), (StanceLabel::Against, 1));
        // Neutral is always 2, hedged or not.
        let s = aggregate(&[hedged(p(0.1, 0.1, 0.8))]);
        assert_eq!((s.label, s.strength), (StanceLabel::Neutral, 2));
    }

    #[test]
    fn degenerate_probabilities_read_as_neutral() {
        let s = aggregate(&[ev(p(0.0, 0.0, 0.0)), ev(p(f32::NAN, 0.0, 0.0))]);
        assert_eq!(s.label, StanceLabel::Neutral);
        assert!(s.score.is_finite() && s.confidence.is_finite());
    }

    #[test]
    fn earlier_positions_are_found_in_the_attribution_only() {
        let bg = |ctx: &str, st: &str, cue: &str| background_frame(ctx, st, cue);
        let st = "a toll-free bridge was \"worth a look.\"";
        assert!(bg(
            &format!("Ada Brenn, who leads the opposition, said in 2019 that {st}"),
            st,
            "said"
        ));
        assert!(bg(
            "Ada Brenn told reporters last year that the toll was fair.",
            "the toll was fair",
            "told"
        ));
        assert!(bg(
            "Ada Brenn had called the toll \"a scandal.\"",
            "a scandal.",
            "called"
        ));
        assert!(bg(
            "In 2021, Ada Brenn said the toll was fair.",
            "the toll was fair",
            "said"
        ));
        assert!(bg(
            "In March, Ada Brenn, who leads the union, called the offer \"an insult.\"",
            "an insult.",
            "called"
        ));
        assert!(bg(
            "Ada Brenn said in October that the toll was fair.",
            "the toll was fair",
            "said"
        ));
        assert!(bg(
            "In a radio interview last April, Ada Brenn called the toll \"daylight robbery\".",
            "daylight robbery",
            "called"
        ));
        assert!(bg(
            "Ada Brenn told the paper in early May that the toll was fair.",
            "the toll was fair",
            "told"
        ));
        assert!(bg(
            "Ada Brenn told the paper last June that the toll was fair.",
            "the toll was fair",
            "told"
        ));
        assert!(bg(
            "Last year Dr. Ada Brenn described the toll as \"daylight robbery\".",
            "described the toll as \"daylight robbery\"",
            "described"
        ));
        assert!(bg(
            "Ada Brenn, who last year called the toll \"a scandal,\" was calmer.",
            "called the toll \"a scandal,\"",
            "called"
        ));
        assert!(bg(
            "Ada Brenn, who in March had herself urged a pause, said the toll was fair.",
            "urged a pause",
            "urged"
        ));
        assert!(bg(
            "Two years ago the harbour master said the toll was fair.",
            "the toll was fair",
            "said"
        ));
        // Today's words; a past time inside the statement or on another verb.
        assert!(!bg(
            "Ada Brenn said the new toll would start in March.",
            "the new toll would start in March",
            "said"
        ));
        assert!(!bg(
            "Ada Brenn said on Monday that the toll was fair.",
            "the toll was fair",
            "said"
        ));
        assert!(!bg(
            "In an interview on Monday, Ada Brenn said the toll was fair.",
            "the toll was fair",
            "said"
        ));
        assert!(!bg(
            "Ada Brenn said the ports were still closed after last year's storms.",
            "the ports were still closed after last year's storms",
            "said"
        ));
        assert!(!bg(
            "Last year's storms closed the ports, Ada Brenn said on Monday.",
            "Last year's storms closed the ports,",
            "said"
        ));
        assert!(!bg(
            "Last year the union won a pay rise, and on Tuesday its leader said it was fair.",
            "it was fair",
            "said"
        ));
        assert!(!bg(
            "\"How generous,\" said Ivo Marr, who in March had urged a pause.",
            "How generous,",
            "said"
        ));
        // Letters whose lowercase is longer ("İ") and empty input do not panic.
        assert!(bg(
            "İSTANBUL had said the toll was \"İNSAF\".",
            "the toll was \"İNSAF\"",
            "said"
        ));
        assert!(!bg("", "", "said") && !bg("She said it.", "it", ""));
    }

    #[test]
    fn explicit_declarations_are_read_with_subject_negation_and_object() {
        use StanceLabel::*;
        let x = |target: &str, text: &str, direct: bool| explicit_position(target, text, direct);
        assert_eq!(
            x(
                "the ban",
                "So yes, I'm backing the ban, and I'll say so.",
                true
            ),
            Some(Favor)
        );
        assert_eq!(
            x(
                "the merger",
                "We will fight this merger in every court.",
                true
            ),
            Some(Against)
        );
        assert_eq!(
            x("the ban", "We are firmly against the ban.", true),
            Some(Against)
        );
        assert_eq!(
            x("the ban", "I am in favour of the ban.", true),
            Some(Favor)
        );
        // A condition keeps the side (strength comes from the hedge cue).
        assert_eq!(
            x(
                "the expansion",
                "it would back the expansion only if the money is shared",
                false
            ),
            Some(Favor)
        );
        // Negation between subject and verb flips it.
        assert_eq!(
            x(
                "the withdrawal",
                "I cannot support the withdrawal as drafted.",
                true
            ),
            Some(Against)
        );
        assert_eq!(x("the ban", "I don't oppose the ban.", true), Some(Favor));
        // A synonym of the target is the target; the other object is not.
        assert_eq!(
            x(
                "a ceasefire",
                "We support peace, but we reject this truce.",
                true
            ),
            Some(Against)
        );
        // No declaration: a question, someone else as subject, a pronoun object, both sides.
        assert_eq!(x("the plan", "Why would we back the plan?", true), None);
        assert_eq!(x("the strike", "They support the strike.", true), None);
        assert_eq!(
            x("the strike", "they support the strike", false),
            Some(Favor)
        );
        assert_eq!(x("the tariff", "The union backs the tariff.", true), None);
        assert_eq!(
            x("the tariff", "We will oppose it unless it changes.", true),
            None
        );
        assert_eq!(
            x(
                "the deal",
                "I support the deal and I oppose the deal.",
                true
            ),
            None
        );
        assert_eq!(x("", "I support it.", true), None);
        // Voting for or against, negated or not.
        assert_eq!(
            x(
                "the reform",
                "We will vote for the reform on Thursday.",
                true
            ),
            Some(Favor)
        );
        assert_eq!(
            x("the ban", "she could not vote against the ban", false),
            Some(Favor)
        );
        assert_eq!(
            x("the ban", "I voted against the smoking ban.", true),
            Some(Against)
        );
        assert_eq!(
            x("the ban", "Voters will vote for a new council.", true),
            None
        );
        // Explicit non-opposition is (qualified) support, with the target or "it"; the
        // plain "against it" and a non-opposition to something else declare nothing.
        assert_eq!(
            x("the levy", "I'm not against it, to be fair.", true),
            Some(Favor)
        );
        assert_eq!(
            x(
                "the pilot scheme",
                "she was not opposed to the pilot scheme",
                false
            ),
            Some(Favor)
        );
        assert_eq!(
            x("the levy", "We are opposed to the levy.", true),
            Some(Against)
        );
        assert_eq!(x("the levy", "I am against it.", true), None);
        // Refusing to sign on or join, whatever the paper is called, is opposition; signing
        // or joining something else is not read.
        assert_eq!(
            x(
                "the accord",
                "We share its aims, but we will not sign the text.",
                true
            ),
            Some(Against)
        );
        assert_eq!(
            x("the pact", "she would not put her name to it", false),
            Some(Against)
        );
        assert_eq!(x("the pact", "We will sign it tomorrow.", true), None);
        assert_eq!(x("the ban", "I won't join the protest.", true), None);
        assert_eq!(
            x(
                "the takeover",
                "We are not against change in principle.",
                true
            ),
            None
        );
    }

    #[test]
    fn an_explicit_declaration_decides_its_statement() {
        let model_neutral = Probabilities {
            favor: 0.2,
            against: 0.1,
            neutral: 0.7,
        };
        let mut e = ev(model_neutral);
        assert_eq!(aggregate(&[e]).label, StanceLabel::Neutral);
        e.explicit = Some(StanceLabel::Favor);
        let s = aggregate(&[e]);
        assert_eq!(s.label, StanceLabel::Favor);
        assert!(s.score > 0.5, "{s:?}");
        // A model that reads the declared side more surely than the declaration's own
        // weight keeps its reading (a declaration never weakens the statement).
        let mut sure = ev(Probabilities {
            favor: 0.01,
            against: 0.98,
            neutral: 0.01,
        });
        sure.explicit = Some(StanceLabel::Against);
        let declared_only = aggregate(&[StatementEvidence {
            probs: model_neutral,
            ..sure
        }]);
        assert!(
            aggregate(&[sure]).score < declared_only.score,
            "{declared_only:?}"
        );
    }

    #[test]
    fn background_counts_less_but_decides_alone() {
        let earlier = StatementEvidence {
            background: true,
            explicit: None,
            ..ev(p(0.85, 0.05, 0.1))
        };
        let now = ev(p(0.1, 0.6, 0.3));
        // The same two statements: the current one decides once the other is background.
        assert_eq!(
            aggregate(&[ev(p(0.85, 0.05, 0.1)), now]).label,
            StanceLabel::Favor
        );
        assert_eq!(aggregate(&[earlier, now]).label, StanceLabel::Against);
        assert_eq!(aggregate(&[earlier]).label, StanceLabel::Favor);
    }

    #[test]
    fn hedges_and_conditions_are_found() {
        assert!(hedge_or_condition(
            "We will back it only if the jobs are protected."
        ));
        assert!(hedge_or_condition(
            "She would vote no unless the height limit was cut."
        ));
        assert!(hedge_or_condition(
            "We are not opposed to the plan in principle."
        ));
        assert!(hedge_or_condition(
            "Her government would sign only after the patrol boats had left."
        ));
        assert!(!hedge_or_condition("We reject this deal outright."));
        assert!(!hedge_or_condition("The union called the offer an insult."));
    }

    #[test]
    fn target_mentions_use_stems_and_synonyms() {
        assert!(mentions_target(
            "a ceasefire",
            "A truce now would only let them regroup."
        ));
        assert!(mentions_target(
            "the tariff increase",
            "These tariffs will hurt us."
        ));
        assert!(mentions_target("the strike", "The walkout must end."));
        assert!(mentions_target(
            "the merger",
            "Merging the two chains lowers prices."
        ));
        assert!(!mentions_target(
            "the merger",
            "Prices at the checkout rose again."
        ));
        assert!(!mentions_target(
            "a ceasefire",
            "Convoys reached the town twice."
        ));
    }
}
