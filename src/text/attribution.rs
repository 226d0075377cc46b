//! Attribution: speech acts in each sentence — a cue ("said", "according to", "urged"),
//! who it belongs to (a name, a pronoun or a description, not yet resolved) and what was
//! said (a quote, a reported clause, or nothing yet).
//!
//! Patterns handled, all from the cue outwards:
//! - subject before the cue, with adverbs between ("X also said"), titles and role
//!   prefixes ("opposition lawmaker X said"), appositions and relative clauses between
//!   commas ("X, the minister, said"; "Its spokesman, X, said"; "X, who ..., said"),
//!   coordinated names ("A and B said") and relative "who said";
//! - subject after the cue when the cue follows a quote or a comma ("..., said X");
//! - "according to X" before or after its clause, with documents and data excluded;
//! - participles continuing a cue (", adding that ...", "with X reaffirming that ...");
//! - complements: "that"-clauses (after objects and time phrases: "told reporters on
//!   Tuesday that ..."), bare clauses, a colon or comma before a quote, evaluative verbs
//!   whose object is the statement ("urged colleagues to ...");
//! - quote-first ("\"...,\" X said"), parenthetical (", she said,") and clause-first
//!   ("..., X announced.") orders;
//! - negated or refused cues ("did not say", "declined to comment") and passives ("was
//!   told") are not speech acts.
//!
//! Quotes that no cue in their sentence claims are left for the resolver, which
//! attributes quote-only sentences to the neighbouring speaker.

use std::collections::HashSet;

use super::lexicon::{self as lx, CueClass};
use super::mentions::{
    is_legal_tail, is_suffix_period, np_left, np_right, Ctx, NameClass, Registry,
};
use super::quotes::Quote;
use super::tokens::TokKind;
use crate::report::{SpeakerKind, StatementKind};

/// Whom a speech act belongs to, before resolution.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum SubjectRef {
    /// A capitalised name (index into `Registry::mentions`).
    Name(usize),
    /// A capitalised word that is nobody known yet: an organisation voice ("Harbrook").
    NewOrg { start: usize, end: usize },
    /// A single capitalised word that a person role describes ("His daughter, Sigrid").
    NewPerson { start: usize, end: usize },
    /// he / she / it / they at this token.
    Pronoun(usize),
    /// A description over tokens `start..end` with its head token.
    Desc(Desc),
    /// The subject of the previous act in the same sentence (", adding that ...").
    SameAsPrevious,
    /// "the statement" at this token: whoever just issued one.
    IssuedText(usize),
}

/// What a description describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DescKind {
    Person,
    Org,
    Group,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Desc {
    pub start: usize,
    pub end: usize,
    pub head: usize,
    pub kind: DescKind,
    /// Introduced by "a"/"an"/"one"/...: a new, unnamed voice.
    pub indefinite: bool,
}

/// Words attributed by one act (working character offsets).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RawStatement {
    pub start: usize,
    pub end: usize,
    pub kind: StatementKind,
}

/// One speech act.
#[derive(Debug, Clone)]
pub(crate) struct Act {
    /// Token index of the cue (the verb, or "according").
    pub cue: usize,
    pub cue_text: String,
    pub subjects: Vec<SubjectRef>,
    /// Token index where the subject sits (for salience and pronoun order).
    pub subject_tok: usize,
    /// Token range of an apposition giving the subject's role.
    pub role: Option<(usize, usize)>,
    pub statements: Vec<RawStatement>,
    /// The act ends in a colon with nothing after it: the next quote is its content.
    pub colon_intro: bool,
    /// The act had no complement of its own: free quotes in its sentence go to it first.
    pub open: bool,
}

/// Everything attribution finds in one sentence.
pub(crate) struct SentenceActs {
    pub acts: Vec<Act>,
    /// Quotes in the sentence no act claimed.
    pub free_quotes: Vec<usize>,
    /// The sentence has no words outside quotes.
    pub quote_only: bool,
}

impl SentenceActs {
    /// A sentence nobody speaks in (a headline line).
    pub fn none() -> Self {
        SentenceActs {
            acts: Vec::new(),
            free_quotes: Vec::new(),
            quote_only: false,
        }
    }
}

/// Analyse one sentence.
pub(crate) fn sentence_acts(
    ctx: &Ctx,
    reg: &Registry,
    quotes: &[Quote],
    si: usize,
) -> SentenceActs {
    let (a, b) = ctx.sent_toks[si];
    let toks = &ctx.toks;
    let mut acts: Vec<Act> = Vec::new();
    let mut claimed: HashSet<usize> = HashSet::new();
    // Token ranges already used as a complement: cues inside them are reported, not ours.
    let mut covered: Vec<(usize, usize)> = Vec::new();
    let mut i = a;
    while i < b {
        let t = &toks[i];
        if !t.is_word()
            || t.quote.is_some()
            || covered.iter().rev().take(3).any(|&(s, e)| s <= i && i < e)
        {
            i += 1;
            continue;
        }
        let act = if t.lower == "according" && i + 1 < b && toks[i + 1].lower == "to" {
            according_to(ctx, reg, si, i)
        } else if t.lower == "put" {
            if put_odds(ctx, i, b) {
                finite_cue(ctx, reg, si, i, CueClass::Evaluative, &acts)
            } else if put_it(ctx, i, b) {
                finite_cue(ctx, reg, si, i, CueClass::Say, &acts)
            } else {
                None
            }
        } else if let Some(found) = verdict_cue(ctx, reg, si, i) {
            Some(found)
        } else if let Some((class, participle)) = lx::speech_verb(&t.lower) {
            if passive_asked(ctx, i, a) {
                // "Maren Tolle, asked about the tariff, spoke instead about ...": she was
                // asked; the words that follow are not hers on the tariff.
                None
            } else if participle {
                participle_cue(ctx, reg, si, i, class, &acts)
            } else {
                finite_cue(ctx, reg, si, i, class, &acts)
            }
        } else {
            None
        };
        if let Some((act, comp)) = act {
            if let Some((cs, ce)) = comp {
                covered.push((cs, ce));
                for q in quotes_in(ctx, cs, ce) {
                    claimed.insert(q);
                }
            }
            for st in &act.statements {
                for qi in quotes_in(ctx, a, b) {
                    let q = &quotes[qi];
                    if q.start >= st.start && q.end <= st.end {
                        claimed.insert(qi);
                    }
                }
            }
            acts.push(act);
        }
        i += 1;
    }
    // "Her boss, Colm, reckons the cafe will lose money, she said": a cue inside the words
    // a later attribution reports is part of them, not a voice of its own.
    let nested: Vec<bool> =
        acts.iter()
            .map(|inner| {
                let (cs, ce) = (toks[inner.cue].start, toks[inner.cue].end);
                acts.iter().any(|outer| {
                    outer.cue > inner.cue
                        && outer.statements.iter().any(|st| {
                            st.start <= cs && ce <= st.end && st.end <= toks[outer.cue].start
                        })
                })
            })
            .collect();
    if nested.contains(&true) {
        let mut keep = nested.iter().map(|n| !n);
        acts.retain(|_| keep.next().unwrap_or(true));
    }
    let mut free: Vec<usize> = quotes_in(ctx, a, b)
        .into_iter()
        .filter(|q| !claimed.contains(q))
        .collect();
    free.dedup();
    // Free quotes go to the act in the same sentence that has no complement of its own
    // (quote-first, or split quotes around the attribution), else the nearest act.
    let mut remaining = Vec::new();
    for &q in &free {
        let qpos = quotes[q].open;
        let target = acts
            .iter()
            .enumerate()
            .filter(|(_, act)| act.open && !act.subjects.is_empty())
            .min_by_key(|(_, act)| (toks[act.cue].start as i64 - qpos as i64).unsigned_abs())
            .map(|(k, _)| k)
            .or_else(|| {
                // A short scare quote inside narrative stays unattributed; a quote of a
                // sentence or more goes to the nearest act.
                let words = quote_words(ctx, a, b, q);
                (words >= 4).then(|| {
                    acts.iter()
                        .enumerate()
                        .min_by_key(|(_, act)| {
                            (toks[act.cue].start as i64 - qpos as i64).unsigned_abs()
                        })
                        .map(|(k, _)| k)
                })?
            });
        match target {
            Some(k) => {
                let qq = &quotes[q];
                acts[k].statements.push(RawStatement {
                    start: qq.start,
                    end: qq.end,
                    kind: StatementKind::Direct,
                });
                acts[k].colon_intro = false;
            }
            None => remaining.push(q),
        }
    }
    let quote_only = (a..b).all(|k| toks[k].quote.is_some() || toks[k].kind == TokKind::Punct);
    for act in &mut acts {
        act.statements.sort_by_key(|s| s.start);
    }
    SentenceActs {
        acts,
        free_quotes: remaining,
        quote_only,
    }
}

/// Words inside quote `q`, counted over the sentence's tokens.
fn quote_words(ctx: &Ctx, a: usize, b: usize, q: usize) -> usize {
    ctx.toks[a..b]
        .iter()
        .filter(|t| t.quote == Some(q) && t.is_word())
        .count()
}

/// Indices of quotes whose opening mark lies in tokens `s..e`.
fn quotes_in(ctx: &Ctx, s: usize, e: usize) -> Vec<usize> {
    let mut out = Vec::new();
    for t in &ctx.toks[s..e] {
        if t.kind == TokKind::QuoteMark {
            if let Some(q) = t.quote {
                if out.last() != Some(&q) {
                    out.push(q);
                }
            }
        }
    }
    out
}

/// "put the chances at ...": an estimate, said.
fn put_odds(ctx: &Ctx, i: usize, b: usize) -> bool {
    let toks = &ctx.toks;
    let mut k = i + 1;
    while k < b && k <= i + 3 {
        let w = toks[k].lower.as_str();
        if matches!(
            w,
            "chance"
                | "chances"
                | "odds"
                | "probability"
                | "likelihood"
                | "risk"
                | "toll"
                | "cost"
                | "damage"
                | "number"
                | "figure"
                | "estimate"
                | "losses"
                | "bill"
        ) {
            return toks[k..b].iter().any(|t| t.lower == "at");
        }
        k += 1;
    }
    false
}

/// "X put it more simply: \"...\"", "as X put it": "put it" introduces or closes a quote.
/// Up to three words may follow "it" ("more simply", "this way") before a colon, a comma,
/// a quote or the sentence's end.
fn put_it(ctx: &Ctx, i: usize, b: usize) -> bool {
    let toks = &ctx.toks;
    if toks.get(i + 1).is_none_or(|t| t.lower != "it") {
        return false;
    }
    let mut k = i + 2;
    while k < b && k <= i + 4 && toks[k].is_word() && !toks[k].is_cap() {
        if matches!(
            toks[k].lower.as_str(),
            "to" | "that" | "into" | "on" | "off" | "in"
        ) {
            return false;
        }
        k += 1;
    }
    k >= b
        || toks[k].kind == TokKind::QuoteMark
        || toks[k].is_punct(":")
        || toks[k].is_punct(",")
        || toks[k].is_punct(".")
}

/// A hyphen, en dash or em dash standing as punctuation ("the regulator - which said").
fn is_dash(t: &super::tokens::Token) -> bool {
    t.kind == TokKind::Punct && matches!(t.text.as_str(), "-" | "\u{2013}" | "\u{2014}")
}

type Found = Option<(Act, Option<(usize, usize)>)>;

/// Subjects, the subject's token and an optional role apposition (token range).
type Subject = (Vec<SubjectRef>, usize, Option<(usize, usize)>);

fn new_act(ctx: &Ctx, cue: usize, subjects: Vec<SubjectRef>, subject_tok: usize) -> Act {
    Act {
        cue,
        cue_text: ctx.toks[cue].text.clone(),
        subjects,
        subject_tok,
        role: None,
        statements: Vec::new(),
        colon_intro: false,
        open: false,
    }
}

/// A finite cue verb at `i`.
fn finite_cue(
    ctx: &Ctx,
    reg: &Registry,
    si: usize,
    i: usize,
    class: CueClass,
    prev: &[Act],
) -> Found {
    let toks = &ctx.toks;
    let (a, b) = ctx.sent_toks[si];
    let w = toks[i].lower.as_str();
    // "Written comments can be sent", "the remarks will be published": a noun before a
    // modal, not a verb.
    if toks.get(i + 1).is_some_and(|n| {
        n.is_word()
            && matches!(
                n.lower.as_str(),
                "can" | "could" | "will" | "would" | "shall" | "should" | "may" | "might" | "must"
            )
    }) {
        return None;
    }
    // "Member states of the League", "the Gulf states": countries, not a speech verb.
    if matches!(w, "states" | "state")
        && i > a
        && (toks[i - 1].kind == TokKind::Num
            || matches!(
                toks[i - 1].lower.as_str(),
                "member"
                    | "partner"
                    | "neighbouring"
                    | "neighboring"
                    | "nation"
                    | "the"
                    | "these"
                    | "those"
                    | "other"
                    | "some"
                    | "many"
                    | "all"
                    | "both"
                    | "several"
                    | "two"
                    | "three"
                    | "four"
                    | "five"
                    | "island"
                    | "frontline"
                    | "coastal"
                    | "gulf"
                    | "baltic"
                    | "arab"
                    | "small"
                    | "smaller"
                    | "larger"
                    | "rich"
                    | "poor"
                    | "southern"
                    | "northern"
                    | "eastern"
                    | "western"
            ))
    {
        return None;
    }
    // "the strip it has disputed with Tolvak": contesting land with someone is no speech.
    if w.starts_with("disput") && toks.get(i + 1).is_some_and(|n| n.lower == "with") {
        return None;
    }
    // Left: fillers, negation, infinitive, passive.
    let mut j = i;
    while j > a && subject_verb_filler(&toks[j - 1]) {
        j -= 1;
    }
    if j > a && toks[j - 1].is_word() {
        let p = toks[j - 1].lower.as_str();
        // "went on to say" is speech; "declined to say", "is expected to announce" are not.
        let went_on =
            p == "to" && j >= a + 3 && toks[j - 2].lower == "on" && toks[j - 3].lower == "went";
        if lx::is_negation(p)
            || (p == "to" && !went_on)
            || matches!(
                p,
                "was"
                    | "were"
                    | "been"
                    | "being"
                    | "is"
                    | "are"
                    | "be"
                    | "get"
                    | "got"
                    | "when"
                    | "if"
                    | "once"
                    | "after"
                    | "before"
                    | "as"
            )
        {
            return None;
        }
        if went_on {
            j -= 3;
            while j > a && subject_verb_filler(&toks[j - 1]) {
                j -= 1;
            }
        }
    }
    // "has not said": the negation may sit before the auxiliary.
    if (j..i).any(|k| lx::is_negation(&toks[k].lower)) {
        return None;
    }
    // "Neither faction has said", "None of the parties said": a negated subject.
    let subject_words = (a..j).rev().take_while(|&k| toks[k].is_word()).take(4);
    if subject_words
        .filter(|&k| ctx.at_clause_start(k))
        .any(|k| matches!(toks[k].lower.as_str(), "neither" | "no" | "none"))
    {
        return None;
    }
    // "X, a councillor who last year called ...": a time adjunct between the relative
    // pronoun and its verb.
    if let Some(w) = (j.saturating_sub(5).max(a)..j)
        .rev()
        .find(|&k| matches!(toks[k].lower.as_str(), "who" | "which"))
    {
        if w + 1 < j && (w + 1..j).all(|k| is_time_adjunct_word(&toks[k])) {
            j = w + 1;
        }
    }
    // "Ola Brun (left) said" / "Ola Brun — who chairs the panel — said": skip the aside.
    if j > a + 1 {
        let p = &toks[j - 1];
        let open_at = if p.is_punct(")") {
            (j.saturating_sub(25).max(a)..j - 1)
                .rev()
                .find(|&k| toks[k].is_punct("("))
        } else if is_dash(p) {
            (j.saturating_sub(30).max(a)..j - 1)
                .rev()
                .find(|&k| is_dash(&toks[k]))
        } else {
            None
        };
        if let Some(o) = open_at {
            j = o;
        }
    }
    let mut subject: Option<Subject> = None;
    let mut inverted = false;
    // "X, who said ..., was more guarded": the cue sits in a relative clause set off by
    // commas, whose statement ends where the main clause's verb comes back.
    let mut relative_aside = false;
    let mut subj_start = j; // first token of the subject phrase (for clause-first statements)
    if j > a {
        let p = &toks[j - 1];
        // "Tobias Wren Jr. said": the suffix's period ends the name, not the clause.
        let suffix_period = j >= a + 2 && is_suffix_period(toks, j - 1);
        if p.is_word() || suffix_period {
            if matches!(p.lower.as_str(), "and" | "but" | "or") && !prev.is_empty() {
                // "... and urged ...": the subject of the act before.
                let last = prev.last().expect("checked non-empty");
                subject = Some((vec![SubjectRef::SameAsPrevious], last.subject_tok, None));
                subj_start = j - 1;
            } else if let Some(sr) = (matches!(p.lower.as_str(), "and" | "but") && prev.is_empty())
                .then(|| opening_subject(ctx, reg, a, j - 1))
                .flatten()
            {
                // "A spokeswoman declined to comment on jobs but said ...": the sentence's
                // subject, whose first verb was no speech.
                subject = Some((vec![sr], a, None));
                subj_start = j - 1;
            } else if lx::is_subject_pronoun(&p.lower) {
                subject = Some((vec![SubjectRef::Pronoun(j - 1)], j - 1, None));
                subj_start = j - 1;
            } else if matches!(p.lower.as_str(), "who" | "which") {
                // "X, who said ..." / "X who said" / "the regulator - which said ...".
                let mut e = j - 1;
                if e > a
                    && (toks[e - 1].is_punct(",") || (p.lower == "which" && is_dash(&toks[e - 1])))
                {
                    e -= 1;
                }
                // "the report, which said": a document is no voice.
                let document = p.lower == "which"
                    && e > a
                    && (lx::is_document_noun(&toks[e - 1].lower)
                        || lx::is_voice_text(&toks[e - 1].lower));
                if let Some(s) = np_left(ctx, e, a).filter(|_| !document) {
                    // "Greta Vall, a former auditor, who said ..." / "Ivo Dren, a councillor
                    // who last year called ...": the relative clause is about the person the
                    // description is set beside.
                    let named = (s > a + 1
                        && toks[s - 1].is_punct(",")
                        && matches!(toks[s].lower.as_str(), "a" | "an" | "the"))
                    .then(|| reg.tok_mention.get(&(s - 2)).copied())
                    .flatten()
                    .filter(|&mi| {
                        let m = &reg.mentions[mi];
                        m.end == s - 1 && m.class == NameClass::Person && m.entity.is_some()
                    });
                    if let Some(mi) = named {
                        let start = reg.mentions[mi].start;
                        subject = Some((vec![SubjectRef::Name(mi)], start, None));
                        subj_start = start;
                        relative_aside = true;
                    } else if let Some(sr) = np_subject(ctx, reg, s, e) {
                        // "A man who said he was a nurse at the harbour clinic answered
                        // her": he names himself by what he does, and that is part of how
                        // the report knows him ("the nurse said").
                        let sr = match sr {
                            SubjectRef::Desc(mut d)
                                if e == j - 1
                                    && d.kind == DescKind::Person
                                    && d.indefinite
                                    && self_identified(ctx, j - 1, b) =>
                            {
                                let end = super::mentions::np_right(ctx, j + 3, b).unwrap_or(j + 4);
                                // (Not the verb after it: "... at the airfield waved".)
                                d.end = (j + 5..end)
                                    .find(|&k| {
                                        toks[k].lower.ends_with("ed")
                                            && !lx::is_determiner(&toks[k - 1].lower)
                                    })
                                    .unwrap_or(end);
                                SubjectRef::Desc(d)
                            }
                            other => other,
                        };
                        subject = Some((vec![sr], s, None));
                        subj_start = s;
                        relative_aside = e < j - 1;
                    }
                }
            } else if let Some(s) = np_left(ctx, j, a).filter(|&s| {
                // "X, whose party once called it \"a folly,\" said ...": the party's
                // words are part of the description of X, who is the speaker. (A person
                // in that place speaks: "whose spokesman said".)
                let whose_body = s > a
                    && toks[s - 1].lower == "whose"
                    && !lx::is_person_role(&toks[j - 1].lower);
                !object_of_preposition(ctx, a, s) && !whose_body
            }) {
                if let Some(sr) = np_subject(ctx, reg, s, j) {
                    let mut subs = vec![sr];
                    let mut first = s;
                    coordinated_names(ctx, reg, a, &mut first, &mut subs);
                    subject = Some((subs, s, None));
                    subj_start = first;
                }
            }
        } else if p.kind == TokKind::QuoteMark
            && j >= a + 2
            && toks[j - 2].is_punct(",")
            && embedded_quote_open(ctx, j - 1, a).is_some()
        {
            // "Derek Stallworth, whose party called it \"an expensive gamble,\" said": the
            // comma that closes the relative clause sits inside a short quoted phrase.
            if let Some((subs, tok, role, start)) = segment_subject(ctx, reg, a, j) {
                subject = Some((subs, tok, role));
                subj_start = start;
            }
        } else if p.is_punct(",") {
            // "Ola Brun, asked whether ..., replied": a passive aside, not her question.
            let later_cue = (i + 1..b).any(|k| {
                toks[k].is_punct(",")
                    && (k + 1..(k + 4).min(b))
                        .find(|&m| !lx::is_verb_filler(&toks[m].lower))
                        .is_some_and(|m| {
                            lx::speech_verb(&toks[m].lower).is_some_and(|(_, part)| !part)
                        })
            });
            if j == i
                && later_cue
                && matches!(w, "asked" | "pressed" | "questioned" | "told" | "reminded")
            {
                let mut s0 = j - 1;
                while s0 > a
                    && !toks[s0 - 1].is_punct(",")
                    && toks[s0 - 1].kind != TokKind::QuoteMark
                {
                    s0 -= 1;
                }
                if names_in(ctx, reg, s0, j - 1).is_some() {
                    return None;
                }
            }
            if let Some((subs, tok, role, start)) = segment_subject(ctx, reg, a, j - 1) {
                subject = Some((subs, tok, role));
                subj_start = start;
            }
        }
        // "An official who spoke on condition of anonymity said", "Officials speaking to
        // reporters said": a relative or participle clause without commas.
        if subject.is_none() && p.is_word() {
            let lo = j.saturating_sub(16).max(a);
            let rel = (lo..j)
                .rev()
                .take_while(|&k| {
                    toks[k].is_word()
                        || toks[k].kind == TokKind::Poss
                        || toks[k].kind == TokKind::Num
                })
                .find(|&k| {
                    matches!(
                        toks[k].lower.as_str(),
                        "who" | "speaking" | "talking" | "writing"
                    )
                });
            if let Some(r) = rel.filter(|&r| r > a) {
                if let Some(s0) =
                    np_left(ctx, r, a).filter(|&s0| !object_of_preposition(ctx, a, s0))
                {
                    // (With "who", the whole phrase: the clause may be part of the name.)
                    let to = if toks[r].lower == "who" { j } else { r };
                    if let Some(sr) =
                        np_subject(ctx, reg, s0, to).or_else(|| in_the_know(ctx, s0, r, j))
                    {
                        if !matches!(sr, SubjectRef::Pronoun(_)) {
                            subject = Some((vec![sr], s0, None));
                            subj_start = s0;
                        }
                    }
                }
            }
        }
        // "told" never inverts: "..., told the council" has the council as its object.
        if subject.is_none()
            && (p.kind == TokKind::QuoteMark || p.is_punct(","))
            && j == i
            && !matches!(w, "told" | "tells")
        {
            // "..., said X" / "\"...,\" said X". An inverted subject ends the clause or is
            // followed by a comma, a time or a place ("said the minister on Monday", "as
            // she left"); any other word after it makes it the reported clause's subject
            // ("..., said the council would ...", "said the commission privately regards").
            let clause_subject = |e: usize| {
                // "the commission privately regards": an adverb, then the verb; "said Ms
                // Vadas firmly." ends there.
                let adverb = |k: usize| toks[k].is_word() && lx::is_ly_adverb(&toks[k].lower);
                let e = if e < b && adverb(e) {
                    if e + 1 < b && toks[e + 1].is_word() && !toks[e + 1].is_cap() {
                        e + 1
                    } else {
                        return false;
                    }
                } else {
                    e
                };
                toks.get(e).is_some_and(|t| {
                    e < b
                        && t.is_word()
                        && !lx::is_preposition(&t.lower)
                        && !is_time_word_lower(&t.lower)
                        // (Time words, "again", "also", "too" and "-ly" adverbs are in
                        // is_time_word_lower.)
                        && !matches!(
                            t.lower.as_str(),
                            "as" | "when"
                                | "while"
                                | "after"
                                | "before"
                                | "who"
                                | "whose"
                                | "which"
                                | "and"
                                | "tonight"
                                | "then"
                        )
                })
            };
            if let Some(e) = np_right(ctx, i + 1, b).filter(|&e| !clause_subject(e)) {
                if let Some(sr) = np_subject(ctx, reg, i + 1, e) {
                    let mut subs = vec![sr];
                    let mut role = apposition_after(ctx, e, b);
                    let mut tok = i + 1;
                    // "said the report's author, Ivo Marr": the name is the speaker.
                    if matches!(subs[0], SubjectRef::Desc(_)) && e + 1 < b && toks[e].is_punct(",")
                    {
                        let mut k = e + 1;
                        while k < b && !toks[k].is_punct(",") && !toks[k].is_punct(".") {
                            k += 1;
                        }
                        if let Some(names) = names_in(ctx, reg, e + 1, k) {
                            subs = names;
                            role = Some((i + 1, e));
                            tok = e + 1;
                        }
                    }
                    subject = Some((subs, tok, role));
                    inverted = true;
                }
            }
        }
    }
    let (subjects, subject_tok, role) = subject?;
    // "called a meeting", "called off the strike": convening, not speaking. "called for",
    // "called on", "called it ...", "called the plan \"...\"" are speech.
    if matches!(w, "called" | "calls") {
        let next = toks.get(i + 1).map(|t| t.lower.as_str()).unwrap_or("");
        // "called out \"Better than bankruptcy!\"": a shout, which is speech.
        let called_out_quote = next == "out"
            && toks
                .get(i + 2)
                .is_some_and(|t| t.kind == TokKind::QuoteMark || t.is_punct(":"));
        if matches!(
            next,
            "a" | "an" | "off" | "up" | "in" | "back" | "out" | "time" | "home"
        ) && !called_out_quote
        {
            return None;
        }
        if !matches!(
            next,
            "for" | "on" | "upon" | "it" | "them" | "him" | "her" | "this" | "that"
        ) {
            // "called the plan \"reckless\"" / "called the deal a betrayal".
            let clause_end = (i + 1..b)
                .find(|&k| toks[k].is_punct(",") || toks[k].is_punct(";"))
                .unwrap_or(b);
            let evaluated = (i + 2..clause_end.min(i + 10)).any(|k| {
                toks[k].kind == TokKind::QuoteMark
                    || (matches!(toks[k].lower.as_str(), "a" | "an") && k > i + 2)
            });
            if !evaluated {
                return None;
            }
        }
    }
    // "described the deal as a betrayal" is a view; "described the station in unflattering
    // terms" is the narrator's summary, with nothing of the speaker's in it.
    if matches!(w, "described" | "describes" | "describing")
        && !(i + 1..b)
            .take_while(|&k| !toks[k].is_punct(";"))
            .any(|k| toks[k].lower == "as")
    {
        return None;
    }
    // "pressed ahead with its plan", "pressed on": going on; "pressed both hands to her
    // face", "pressed her ear against the door": a touch. Neither is speech ("pressed for
    // talks" and "pressed the minister to resign" are).
    if matches!(w, "pressed" | "presses" | "pressing") {
        let going_on = toks
            .get(i + 1)
            .is_some_and(|n| matches!(n.lower.as_str(), "ahead" | "on" | "forward"));
        let touch = (i + 2..b.min(i + 7))
            .take_while(|&k| toks[k].is_word())
            .any(|k| {
                matches!(toks[k].lower.as_str(), "against" | "into")
                    || (toks[k].lower == "to"
                        && toks.get(k + 1).is_some_and(|n| lx::is_determiner(&n.lower)))
            });
        if going_on || touch {
            return None;
        }
    }
    // "Denholm, asked by reporters whether ..., walked away": the one asked is no speaker
    // by it.
    if matches!(w, "asked" | "questioned" | "pressed" | "told")
        && toks.get(i + 1).is_some_and(|t| t.lower == "by")
    {
        return None;
    }
    // "asked not to be named" / "asked not to be identified": a condition, not speech.
    if toks.get(i + 1).is_some_and(|t| t.lower == "not")
        && toks.get(i + 2).is_some_and(|t| t.lower == "to")
        && toks.get(i + 3).is_some_and(|t| t.lower == "be")
    {
        return None;
    }
    let mut act = new_act(ctx, i, subjects, subject_tok);
    act.role = role;
    // Complement.
    let after = if inverted {
        let e = np_right(ctx, i + 1, b).unwrap_or(i + 1);
        // Skip an apposition after the inverted subject.
        match act.role {
            Some((_, re)) => re,
            None => e,
        }
    } else {
        i + 1
    };
    let comp = if inverted {
        Complement::None
    } else {
        complement(ctx, after, b, class, w)
    };
    let comp = match comp {
        Complement::Clause(cs, ce) if relative_aside => {
            Complement::Clause(cs, main_clause_resumes(ctx, cs, ce).unwrap_or(ce))
        }
        other => other,
    };
    // "the deal that X said would end the war": the clause has a gap, and its subject is
    // outside this act; not a statement we can quote.
    if let Complement::Clause(cs, _) = comp {
        let gap = matches!(
            toks[cs].lower.as_str(),
            "would"
                | "will"
                | "could"
                | "can"
                | "may"
                | "might"
                | "should"
                | "must"
                | "was"
                | "were"
                | "is"
                | "are"
                | "had"
                | "has"
                | "have"
        );
        if gap
            && subj_start > a
            && matches!(
                toks[subj_start - 1].lower.as_str(),
                "that" | "which" | "who" | "whom"
            )
        {
            return None;
        }
    }
    let weak = lx::is_weak_cue(w);
    // "Her mother has told the family she will not go back, Kovac added.": the sentence
    // ends in its own attribution, whose speaker reports this one's words.
    if let Complement::Clause(cs, ce) = comp {
        if ends_in_attribution(ctx, cs, if relative_aside { ce } else { b }) {
            return None;
        }
    }
    match comp {
        Complement::Clause(cs, ce) => {
            if weak && !(toks[cs - 1].lower == "that" || speech_object(ctx, cs, ce)) {
                return None;
            }
            let start = if class == CueClass::Evaluative { i } else { cs };
            if let Some(st) = clause_statement(ctx, start, ce) {
                act.statements.push(st);
            }
            return Some((act, Some((cs, ce))));
        }
        Complement::Quote(_) => {
            // The quote stays free; the free-quote pass gives it to this open act.
            act.open = true;
            return Some((act, None));
        }
        Complement::ColonEnd => {
            act.colon_intro = true;
            act.open = true;
            return Some((act, None));
        }
        Complement::None => {}
    }
    if weak && w != "put" {
        // Weak cues need an explicit complement or an adjacent quote.
        let adjacent_quote = subj_start > a && toks[subj_start - 1].kind == TokKind::QuoteMark;
        if !adjacent_quote {
            return None;
        }
    }
    act.open = true;
    // Clause-first ("The plan is dead, X said.") and parenthetical (", she said,").
    let before_comma = subj_start > a + 1 && toks[subj_start - 1].is_punct(",");
    let narrative_before = before_comma && toks[subj_start - 2].kind != TokKind::QuoteMark;
    if narrative_before && !inverted {
        // Where does the cue's own phrase end?
        let mut k = i + 1;
        while k < b
            && !toks[k].is_punct(",")
            && !toks[k].is_punct(".")
            && toks[k].kind != TokKind::QuoteMark
            && k < i + 10
        {
            k += 1;
        }
        let tail_words = (k..b).any(|x| toks[x].is_word());
        let start = clause_start(ctx, a, subj_start - 1);
        if let Some(start) = start {
            // A tail with its own cue (", although doctors warned ...") is another act, so
            // the statement is the clause before the attribution.
            let tail_has_cue = (k..b).any(|x| {
                toks[x].quote.is_none() && lx::speech_verb(&toks[x].lower).is_some_and(|(_, p)| !p)
            });
            if tail_words
                && !tail_has_cue
                && k < b
                && toks[k].is_punct(",")
                && !is_participle_at(ctx, k + 1)
            {
                // Parenthetical: the whole sentence is the statement.
                if let Some(st) = clause_statement(ctx, start, b) {
                    act.statements.push(st);
                    act.open = false;
                }
            } else if subj_start - 1 - start >= 4 && !lx::is_preposition(&toks[start].lower) {
                if let Some(st) = clause_statement(ctx, start, subj_start - 1) {
                    act.statements.push(st);
                    act.open = false;
                }
            }
        }
    } else if inverted && toks[i - 1].is_punct(",") {
        if let Some(start) = clause_start(ctx, a, i - 1) {
            if let Some(st) = clause_statement(ctx, start, i - 1) {
                act.statements.push(st);
                act.open = false;
            }
        }
    }
    Some((act, None))
}

/// Whether tokens `s..e` end in a short attribution of their own after a comma, outside
/// quotes: ", Kovac added", ", the minister said", ", she said", ", officials said",
/// ", said Kovac".
fn ends_in_attribution(ctx: &Ctx, s: usize, e: usize) -> bool {
    let toks = &ctx.toks;
    let mut end = e;
    while end > s && !toks[end - 1].is_word() {
        end -= 1;
    }
    let Some(comma) = (s..end).rev().take(6).find(|&k| toks[k].is_punct(",")) else {
        return false;
    };
    let tail = comma + 1..end;
    if comma < s + 2
        || tail.len() < 2
        || tail
            .clone()
            .any(|k| !toks[k].is_word() || toks[k].quote.is_some())
    {
        return false;
    }
    let cue =
        |k: usize| lx::speech_verb(&toks[k].lower).is_some() && !lx::is_weak_cue(&toks[k].lower);
    let first = tail.start;
    let last = end - 1;
    let named = |k: usize| {
        let w = toks[k].lower.as_str();
        toks[k].is_cap()
            || lx::is_subject_pronoun(w)
            || lx::is_determiner(w)
            || lx::is_plural_role(w)
            || lx::is_person_role(w)
    };
    (cue(last) && named(first)) || (cue(first) && named(first + 1))
}

/// In a relative clause set off by commas ("X, who said in May that the bank was not for
/// sale, was more guarded"), the comma after which the main clause's verb follows: a
/// speech verb, an auxiliary or a past-tense verb, outside quotes.
fn main_clause_resumes(ctx: &Ctx, cs: usize, ce: usize) -> Option<usize> {
    let toks = &ctx.toks;
    // The comma may close a quoted phrase ("who called it \"a trap,\" took a different
    // view"): the statement then keeps the phrase's closing mark.
    let inside_quote = |k: usize| {
        toks[k].quote.is_some()
            && toks
                .get(k + 1)
                .is_some_and(|q| q.kind == TokKind::QuoteMark)
            && k + 2 < ce
    };
    let resumes = (cs + 1..ce.saturating_sub(1)).find(|&k| {
        let n = if inside_quote(k) {
            &toks[k + 2]
        } else {
            &toks[k + 1]
        };
        toks[k].is_punct(",")
            && (toks[k].quote.is_none() || inside_quote(k))
            && n.is_word()
            && !n.is_cap()
            && n.quote.is_none()
            && (lx::speech_verb(&n.lower).is_some_and(|(_, part)| !part)
                || matches!(
                    n.lower.as_str(),
                    "was"
                        | "were"
                        | "is"
                        | "are"
                        | "has"
                        | "have"
                        | "had"
                        | "will"
                        | "would"
                        | "struck"
                        | "took"
                        | "made"
                        | "went"
                        | "came"
                        | "gave"
                        | "kept"
                        | "left"
                        | "met"
                        | "spoke"
                        | "stood"
                        | "sat"
                        | "held"
                        | "became"
                        | "wrote"
                ))
    })?;
    Some(if inside_quote(resumes) {
        resumes + 2
    } else {
        resumes
    })
}

/// Whether the phrase starting at `s` is the object of a preposition ("a report published
/// by the Institute said": the institute is not the subject), except the source of a
/// statement ("a statement from the palace said").
fn object_of_preposition(ctx: &Ctx, a: usize, s: usize) -> bool {
    let toks = &ctx.toks;
    if s <= a {
        return false;
    }
    let p = toks[s - 1].lower.as_str();
    if !lx::is_preposition(p) || matches!(p, "as" | "like") {
        return false;
    }
    let source_of_text = matches!(p, "from" | "by")
        && s >= a + 2
        && (lx::is_voice_text(&toks[s - 2].lower)
            || matches!(
                toks[s - 2].lower.as_str(),
                "spokesman" | "spokeswoman" | "spokesperson" | "issued" | "released"
            ));
    !source_of_text
}

/// The start of the clause before a trailing attribution, skipping a leading conjunction;
/// None when the part before is a quote (quote-first order is handled as a quote).
fn clause_start(ctx: &Ctx, a: usize, e: usize) -> Option<usize> {
    let toks = &ctx.toks;
    let mut s = a;
    while s < e
        && toks[s].is_word()
        && matches!(toks[s].lower.as_str(), "but" | "and" | "yet" | "so")
    {
        s += 1;
    }
    if s >= e || toks[s..e].iter().all(|t| t.quote.is_some() || !t.is_word()) {
        return None;
    }
    // If the part before is mostly a quote, the quote carries it.
    if toks[s].kind == TokKind::QuoteMark && toks[e - 1].kind == TokKind::QuoteMark {
        return None;
    }
    Some(s)
}

fn is_participle_at(ctx: &Ctx, k: usize) -> bool {
    ctx.toks
        .get(k)
        .is_some_and(|t| lx::speech_verb(&t.lower).is_some_and(|(_, p)| p))
}

/// An object that is itself speech ("denied the claim", "rejected the allegations").
fn speech_object(ctx: &Ctx, cs: usize, ce: usize) -> bool {
    ctx.toks[cs..ce.min(cs + 4)].iter().any(|t| {
        matches!(
            t.lower.as_str(),
            "claim"
                | "claims"
                | "allegation"
                | "allegations"
                | "accusation"
                | "accusations"
                | "charge"
                | "charges"
                | "report"
                | "reports"
                | "suggestion"
                | "suggestions"
                | "idea"
                | "notion"
                | "criticism"
                | "assertion"
                | "remarks"
                | "comments"
                | "chances"
                | "chance"
                | "odds"
                | "whether"
                | "how"
                | "why"
                | "if"
        )
    })
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Complement {
    /// Reported clause over tokens.
    Clause(usize, usize),
    /// A quote starting at this quote-mark token.
    Quote(usize),
    /// A colon ends the sentence: the next quote is the content.
    ColonEnd,
    None,
}

/// Verbs whose first complement is the person addressed ("told reporters that ...").
fn takes_addressee(w: &str) -> bool {
    matches!(
        w,
        "told" | "tells" | "informed" | "assured" | "reassured" | "briefed" | "reminded"
    )
}

fn is_time_word_lower(w: &str) -> bool {
    lx::is_time_word(w)
        || matches!(
            w,
            "morning"
                | "afternoon"
                | "evening"
                | "night"
                | "week"
                | "weekend"
                | "month"
                | "year"
                | "day"
                | "days"
                | "weeks"
                | "months"
                | "hour"
                | "hours"
                | "earlier"
                | "later"
                | "afterwards"
                | "afterward"
                | "again"
                | "repeatedly"
                | "privately"
                | "publicly"
                | "separately"
                | "recently"
                | "last"
                | "this"
                | "next"
                | "previously"
                | "too"
                | "also"
                | "late"
                | "early"
        )
        || lx::is_ly_adverb(w)
}

/// A word between a subject and its verb ("also", "has", "firmly"). A capitalised word
/// shaped like an "-ly" adverb is a name there ("Kelly said", "Donnelly added").
fn subject_verb_filler(t: &super::tokens::Token) -> bool {
    t.is_word()
        && (lx::is_listed_verb_filler(&t.lower) || (!t.is_cap() && lx::is_ly_adverb(&t.lower)))
}

/// Find the complement of a cue (lowercase form `w`), starting the search at token `k`.
fn complement(ctx: &Ctx, mut k: usize, b: usize, class: CueClass, w: &str) -> Complement {
    let toks = &ctx.toks;
    // "put it more simply: \"...\"": the words after "put" are no statement (see `put_it`).
    if w == "put" && toks.get(k).is_some_and(|t| t.lower == "it") {
        while k < b && toks[k].is_word() {
            k += 1;
        }
        if k < b && (toks[k].is_punct(":") || toks[k].is_punct(",")) {
            k += 1;
        }
        return match toks.get(k) {
            Some(t) if k < b && t.kind == TokKind::QuoteMark => Complement::Quote(k),
            _ => Complement::None,
        };
    }
    // "called out \"...\"": the shout is the quote.
    if w == "called"
        && toks.get(k).is_some_and(|t| t.lower == "out")
        && toks
            .get(k + 1)
            .is_some_and(|t| t.kind == TokKind::QuoteMark)
    {
        return Complement::Quote(k + 1);
    }
    if k >= b {
        return Complement::None;
    }
    // Evaluative verbs: the object and what follows ("urged drivers to return",
    // "called on parliament to reject ...").
    if class == CueClass::Evaluative && toks[k].is_word() && toks[k].lower != "that" {
        // "\"...?\" lawmakers asked in a motion tabled on Tuesday": only where and when,
        // nobody's words (unlike "urged in a letter that ..." or "... at a rally to ...").
        let circumstance_only = matches!(
            toks[k].lower.as_str(),
            "in" | "at" | "during" | "after" | "before" | "outside" | "inside" | "from"
        ) && !(k..b)
            .any(|m| matches!(toks[m].lower.as_str(), "that" | "to"));
        if circumstance_only {
            return Complement::None;
        }
        return clause_to_end(ctx, k, b);
    }
    if takes_addressee(w) {
        let t = &toks[k];
        let always = matches!(
            w,
            "told" | "tells" | "informed" | "assured" | "reassured" | "briefed" | "reminded"
        );
        let addressee_like = matches!(
            t.lower.as_str(),
            "reporters"
                | "journalists"
                | "him"
                | "her"
                | "them"
                | "us"
                | "me"
                | "parliament"
                | "lawmakers"
                | "colleagues"
        ) || lx::is_group_noun(&t.lower)
            || lx::is_crowd_noun(&t.lower);
        if t.is_word() && t.lower != "that" && (always || addressee_like) {
            if matches!(t.lower.as_str(), "him" | "her" | "them" | "us" | "me") {
                k += 1;
            } else if let Some(e) = np_right(ctx, k, b) {
                k = e;
            }
        }
    }
    if k >= b {
        return Complement::None;
    }
    // Time phrases and other adverbials before "that" or the clause.
    let mut scanned = 0;
    loop {
        if k >= b || scanned > 6 {
            return Complement::None;
        }
        let t = &toks[k];
        if t.kind == TokKind::QuoteMark {
            return Complement::Quote(k);
        }
        if t.is_punct(":") {
            if k + 1 >= b
                || toks[k + 1..b]
                    .iter()
                    .all(|x| !x.is_word() && x.kind != TokKind::QuoteMark)
            {
                return Complement::ColonEnd;
            }
            if toks[k + 1].kind == TokKind::QuoteMark {
                return Complement::Quote(k + 1);
            }
            return clause_to_end(ctx, k + 1, b);
        }
        if t.is_punct(",") {
            if k + 1 < b && toks[k + 1].kind == TokKind::QuoteMark {
                return Complement::Quote(k + 1);
            }
            if k + 2 < b && toks[k + 1].lower == "that" {
                return clause_to_end(ctx, k + 2, b);
            }
            return Complement::None;
        }
        if t.kind == TokKind::Num {
            // "said 1.2 million doses had arrived".
            return clause_to_end(ctx, k, b);
        }
        if !t.is_word() {
            return Complement::None;
        }
        if t.lower == "that" && k + 1 < b {
            return clause_to_end(ctx, k + 1, b);
        }
        let w0 = t.lower.as_str();
        // "said when asked ...", "said as he left": an adverbial clause, not the content;
        // "said nothing", "said little": silence.
        if matches!(
            w0,
            "when"
                | "while"
                | "because"
                | "although"
                | "though"
                | "as"
                | "during"
                | "upon"
                | "nothing"
                | "little"
                | "goodbye"
                | "grace"
        ) {
            return Complement::None;
        }
        // "said at least 300 ...", "said about 40 ...": a quantity, not a phrase.
        let quantity = toks.get(k + 1).is_some_and(|n| {
            n.kind == TokKind::Num
                || matches!(
                    n.lower.as_str(),
                    "least"
                        | "most"
                        | "half"
                        | "a"
                        | "one"
                        | "two"
                        | "three"
                        | "four"
                        | "five"
                        | "ten"
                        | "hundreds"
                        | "thousands"
                        | "dozens"
                )
        }) && matches!(
            w0,
            "at" | "about" | "around" | "over" | "under" | "nearly" | "almost" | "up"
        );
        if !quantity && (lx::is_preposition(w0) && w0 != "as" || is_time_word_lower(w0)) {
            // Scan this adverbial for a later "that".
            let mut m = k + 1;
            while m < b && m < k + 16 {
                let x = &toks[m];
                if x.lower == "that" && x.is_word() {
                    return clause_to_end(ctx, m + 1, b);
                }
                if !x.is_word() && x.kind != TokKind::Poss && x.kind != TokKind::Num {
                    break;
                }
                // A clause subject after a time phrase: "said on Friday the plan ...".
                // Not "in early July": the month is more of the time phrase.
                if is_time_word_lower(&toks[m - 1].lower)
                    && !is_time_word_lower(&x.lower)
                    && is_clause_subject_start(ctx, m, b)
                {
                    return clause_to_end(ctx, m, b);
                }
                m += 1;
            }
            k = m;
            scanned += 1;
            if m >= b {
                return Complement::None;
            }
            continue;
        }
        // A bare clause.
        return clause_to_end(ctx, k, b);
    }
}

/// Whether a clause subject plausibly starts at `k` (pronoun, article, name, number).
fn is_clause_subject_start(ctx: &Ctx, k: usize, b: usize) -> bool {
    let t = &ctx.toks[k];
    k < b
        && t.is_word()
        && (matches!(
            t.lower.as_str(),
            "he" | "she"
                | "it"
                | "they"
                | "we"
                | "i"
                | "the"
                | "its"
                | "his"
                | "her"
                | "their"
                | "there"
                | "this"
                | "no"
        ) || t.is_cap())
}

/// The complement clause from `s` to where it ends: the sentence end, or before a
/// coordinated cue ("... and urged ..."), a participle cue (", adding that"), a new
/// subject with its own cue (", but she put ..."), or a semicolon.
fn clause_to_end(ctx: &Ctx, s: usize, b: usize) -> Complement {
    let toks = &ctx.toks;
    let mut k = s;
    while k < b {
        let t = &toks[k];
        if t.quote.is_some() {
            // A participle right after a closing quote: "... \"very fragile,\" warning ...".
            if t.kind == TokKind::QuoteMark
                && k > s
                && toks[k - 1].quote == t.quote
                && is_participle_at(ctx, k + 1)
            {
                k += 1;
                break;
            }
            k += 1;
            continue;
        }
        if t.is_punct(";") {
            break;
        }
        // ", though he ..." / ", although she ...": the narrator takes over.
        if t.is_punct(",")
            && k + 2 < b
            && matches!(
                toks[k + 1].lower.as_str(),
                "though" | "although" | "whereas"
            )
            && matches!(toks[k + 2].lower.as_str(), "he" | "she" | "they" | "it")
        {
            break;
        }
        // ", adding that" / ", saying".
        if t.is_punct(",") && is_participle_at(ctx, k + 1) {
            break;
        }
        // "..., who asked not to be named, said ...": the clause ran into the main verb.
        if t.is_punct(",")
            && k + 1 < b
            && lx::speech_verb(&toks[k + 1].lower).is_some_and(|(_, p)| !p)
            && !lx::is_noun_ambiguous_cue(&toks[k + 1].lower)
        {
            break;
        }
        // "and urged" / ", and said" (same subject).
        if t.is_word() && matches!(t.lower.as_str(), "and" | "but") && k > s {
            let next = k + 1;
            if next < b
                && lx::speech_verb(&toks[next].lower).is_some_and(|(_, p)| !p)
                && !lx::is_noun_ambiguous_cue(&toks[next].lower)
            {
                let end = if toks[k - 1].is_punct(",") { k - 1 } else { k };
                return Complement::Clause(s, end.max(s + 1));
            }
        }
        // ", but she put ..." / ", and X said ...".
        if t.is_punct(",")
            && k + 3 < b
            && matches!(
                toks[k + 1].lower.as_str(),
                "but" | "and" | "while" | "whereas"
            )
        {
            let subj = &toks[k + 2];
            let mut v = k + 3;
            if subj.is_cap() {
                while v < b && v < k + 7 && toks[v].is_cap() {
                    v += 1;
                }
            }
            while v < b && subject_verb_filler(&toks[v]) {
                v += 1;
            }
            let is_subj =
                matches!(subj.lower.as_str(), "he" | "she" | "they" | "it") || subj.is_cap();
            if is_subj
                && v < b
                && (lx::speech_verb(&toks[v].lower).is_some_and(|(_, p)| !p)
                    && !lx::is_noun_ambiguous_cue(&toks[v].lower)
                    || toks[v].lower == "put")
            {
                return Complement::Clause(s, k);
            }
        }
        k += 1;
    }
    if k <= s {
        return Complement::None;
    }
    Complement::Clause(s, k)
}

/// A reported statement over tokens `s..e`, without trailing sentence punctuation.
fn clause_statement(ctx: &Ctx, s: usize, e: usize) -> Option<RawStatement> {
    let toks = &ctx.toks;
    let mut e = e;
    while e > s && toks[e - 1].kind == TokKind::Punct && toks[e - 1].quote.is_none() {
        e -= 1;
    }
    if e <= s || !toks[s..e].iter().any(|t| t.is_word()) {
        return None;
    }
    // A clause that is exactly one quote is a direct statement.
    if toks[s].kind == TokKind::QuoteMark
        && toks[e - 1].kind == TokKind::QuoteMark
        && toks[s].quote == toks[e - 1].quote
    {
        if let Some(q) = toks[s].quote.and_then(|q| ctx.quotes.get(q)) {
            return Some(RawStatement {
                start: q.start,
                end: q.end,
                kind: StatementKind::Direct,
            });
        }
    }
    Some(RawStatement {
        start: toks[s].start,
        end: toks[e - 1].end,
        kind: StatementKind::Reported,
    })
}

/// Names joined to a subject by "and" or commas ("A and B said", "A, B and C said").
fn coordinated_names(
    ctx: &Ctx,
    reg: &Registry,
    a: usize,
    first: &mut usize,
    subs: &mut Vec<SubjectRef>,
) {
    let toks = &ctx.toks;
    // "A and his wife said": the right conjunct may be any voice; names join from the left.
    if !matches!(
        subs.first(),
        Some(SubjectRef::Name(_) | SubjectRef::Desc(_) | SubjectRef::NewOrg { .. })
    ) {
        return;
    }
    // The joiner next to the subject must be "and"; commas may only list names before it
    // ("A, B and C said"), never join a name from a leading phrase ("In an interview with
    // the Gazette, A said").
    for step in 0..4 {
        let s = *first;
        if s <= a + 1 {
            return;
        }
        let joiner = &toks[s - 1];
        let ok = joiner.lower == "and" || (step > 0 && joiner.is_punct(","));
        if !ok {
            return;
        }
        let Some(ps) = np_left(ctx, s - 1, a).filter(|&ps| !object_of_preposition(ctx, a, ps))
        else {
            return;
        };
        match np_subject(ctx, reg, ps, s - 1) {
            Some(sr @ (SubjectRef::Name(_) | SubjectRef::NewOrg { .. })) => {
                subs.insert(0, sr);
                *first = ps;
            }
            _ => return,
        }
    }
}

/// When `close` is the closing mark of a short quoted phrase embedded in narration (a word
/// before the opening mark, at most nine tokens inside, no sentence punctuation before the
/// closing mark), the index of its opening mark.
fn embedded_quote_open(ctx: &Ctx, close: usize, a: usize) -> Option<usize> {
    let toks = &ctx.toks;
    let q = toks[close].quote?;
    if toks[close].kind != TokKind::QuoteMark || close < a + 2 || toks[close - 1].quote != Some(q) {
        return None;
    }
    // A comma inside the closing quote ("called it \"a gamble,\" said") ends the phrase
    // as one outside it would; other punctuation ends a quoted sentence.
    if toks[close - 1].kind == TokKind::Punct && !toks[close - 1].is_punct(",") {
        return None;
    }
    let lo = close.saturating_sub(10).max(a);
    let open = (lo..close - 1)
        .rev()
        .find(|&k| toks[k].kind == TokKind::QuoteMark && toks[k].quote == Some(q))?;
    let before_open = open.checked_sub(1).filter(|&k| k >= a)?;
    (toks[before_open].is_word() && (open + 1..close).all(|k| toks[k].kind != TokKind::QuoteMark))
        .then_some(open)
}

/// The subject when the cue directly follows a comma: walk the comma-separated segments
/// to the left, skipping appositions and relative clauses. Returns the subjects, the
/// subject's token, the role apposition and the first token of the subject phrase.
#[allow(clippy::type_complexity)]
fn segment_subject(
    ctx: &Ctx,
    reg: &Registry,
    a: usize,
    comma: usize,
) -> Option<(Vec<SubjectRef>, usize, Option<(usize, usize)>, usize)> {
    let toks = &ctx.toks;
    let mut segs: Vec<(usize, usize)> = Vec::new();
    let mut end = comma;
    for _ in 0..6 {
        let mut s = end;
        while s > a && end - s < 40 {
            let p = &toks[s - 1];
            // A short quoted phrase inside the clause ("who called the deal \"a gift to
            // smugglers\","): the segment goes on before it.
            if let Some(open) = embedded_quote_open(ctx, s - 1, a) {
                s = open;
                continue;
            }
            if p.is_punct(",")
                || p.is_punct(";")
                || p.is_punct(":")
                || p.is_punct("(")
                || (p.kind == TokKind::QuoteMark && p.quote.is_some())
            {
                break;
            }
            s -= 1;
        }
        if s >= end {
            break;
        }
        segs.push((s, end));
        if s > a && toks[s - 1].is_punct(",") {
            end = s - 1;
        } else {
            break;
        }
    }
    // "And Gwen Ellery, a farmer, said": a conjunction that opens the sentence is no part
    // of the subject.
    if let Some(last) = segs.last_mut() {
        while last.0 < last.1
            && toks[last.0].is_word()
            && matches!(
                toks[last.0].lower.as_str(),
                "but" | "and" | "yet" | "so" | "meanwhile"
            )
        {
            last.0 += 1;
        }
        // "A statement from the Water Board, read out by its clerk, said": the body the
        // statement comes from is the subject, as when no aside follows it.
        if let Some(k) = (last.0 + 1..(last.0 + 4).min(last.1)).find(|&k| {
            matches!(toks[k].lower.as_str(), "from" | "by") && lx::is_voice_text(&toks[k - 1].lower)
        }) {
            if (last.0..k).all(|m| toks[m].is_word() && (m == last.0 || !toks[m].is_cap())) {
                last.0 = k + 1;
            }
        }
    }
    #[derive(Clone, Copy, PartialEq, Debug)]
    enum Seg {
        Relative,
        /// A description between commas after the subject ("the defence minister").
        Appos,
        Names,
        Np,
        Adjunct,
        Other,
    }
    let n = segs.len();
    let kinds: Vec<Seg> = segs
        .iter()
        .enumerate()
        .map(|(idx, &(s, e))| {
            if s >= e {
                return Seg::Other;
            }
            let f = &toks[s];
            let fw = f.lower.as_str();
            if matches!(fw, "who" | "whose" | "which" | "whom" | "where" | "when") {
                return Seg::Relative;
            }
            // "A lifeguard who has worked there for years, and who asked not to be named,
            // said": a second relative clause joined to the first.
            if matches!(fw, "and" | "but")
                && s + 1 < e
                && matches!(toks[s + 1].lower.as_str(), "who" | "whose")
            {
                return Seg::Relative;
            }
            if f.is_word()
                && !f.is_cap()
                && (fw.ends_with("ing")
                    || (fw.ends_with("ed") && fw.len() > 4 && !lx::is_person_role(fw))
                    || matches!(
                        fw,
                        "known" | "seen" | "born" | "drawn" | "read" | "written" | "led" | "run"
                    ))
            {
                return Seg::Relative;
            }
            if fw == "one" && s + 1 < e && toks[s + 1].lower == "of" {
                return Seg::Relative;
            }
            if is_party_tag(ctx, s, e) {
                return Seg::Relative;
            }
            let leftmost = idx + 1 == n;
            // "X, however, said" / "X, in a statement, said" / "X, for her part, said".
            let adverb = e - s == 1
                && matches!(
                    fw,
                    "however"
                        | "though"
                        | "meanwhile"
                        | "too"
                        | "also"
                        | "instead"
                        | "nonetheless"
                        | "nevertheless"
                        | "moreover"
                        | "furthermore"
                        | "separately"
                        | "later"
                        | "meanwhile,"
                        | "alone"
                        | "again"
                        | "then"
                        | "now"
                        | "today"
                        | "yesterday"
                );
            if !leftmost && (adverb || (lx::is_preposition(fw) && !f.is_cap())) {
                return Seg::Relative;
            }
            // The rest of a relative clause after its own apposition ("X, whose husband
            // Ernesto, a customs officer, was killed in 2022, said"): a finite verb with
            // no subject of its own.
            if !leftmost
                && matches!(
                    fw,
                    "was" | "were" | "is" | "are" | "has" | "have" | "had" | "will" | "would"
                )
                && idx + 2 < n
            {
                return Seg::Relative;
            }
            // "cabinet member for ...", "shadow minister": a role a word or two in.
            let role_soon = (s + 1..(s + 3).min(e)).any(|k| {
                toks[k].is_word() && !toks[k].is_cap() && lx::is_person_role(&toks[k].lower)
            }) && (s..(s + 3).min(e))
                .all(|k| toks[k].is_word() && !toks[k].is_cap());
            // "Its organiser, schoolteacher Mirela Kost, told": a role word before a name
            // is the name's prefix; the name is the speaker.
            if !leftmost
                && f.is_word()
                && !f.is_cap()
                && lx::is_person_role(fw)
                && toks[e - 1].is_cap()
                && names_in(ctx, reg, s, e).is_some()
            {
                return Seg::Names;
            }
            if !leftmost
                && f.is_word()
                && (matches!(fw, "a" | "an" | "the" | "its" | "his" | "her" | "their")
                    || (!f.is_cap()
                        && (lx::is_person_role(fw)
                            || lx::is_role_qualifier(fw)
                            || lx::is_title(fw)
                            || role_soon)))
            {
                return Seg::Appos;
            }
            if names_in(ctx, reg, s, e).is_some()
                || (!leftmost && role_prefixed_name(ctx, reg, s, e).is_some())
                || affiliated_name(ctx, reg, s, e).is_some()
            {
                return Seg::Names;
            }
            if lx::is_preposition(fw)
                || (f.is_cap() && lx::is_preposition(fw))
                || matches!(
                    fw,
                    "asked" | "reached" | "speaking" | "answering" | "after" | "as"
                )
            {
                return Seg::Adjunct;
            }
            if np_left(ctx, e, s) == Some(s) {
                return Seg::Np;
            }
            // Ends with a description ("last week the minister").
            Seg::Other
        })
        .collect();
    // "The Harbour Federation, through its general secretary Marek Tullo, said": the
    // named person speaks, for the body (which becomes part of the role).
    for &(s, e) in segs.iter().take(n.saturating_sub(1)) {
        if e < s + 4
            || toks[s].lower != "through"
            || !matches!(toks[s + 1].lower.as_str(), "its" | "their")
        {
            continue;
        }
        if let Some(k) = (s + 2..e).find(|&k| toks[k].is_cap()) {
            if let Some(subs) = names_in(ctx, reg, k, e) {
                return Some((subs, k, Some((s + 1, k)), k));
            }
        }
    }
    for idx in 0..n {
        match kinds[idx] {
            Seg::Relative | Seg::Appos => continue,
            Seg::Names => {
                let (s, e) = segs[idx];
                // "Sources close to the group's commander, Ilse Varga, said": the name is
                // the commander's, in apposition inside the anonymous description, which
                // is the subject.
                if idx + 2 == n {
                    let (ls, le) = segs[idx + 1];
                    let anonymous_tail = (ls + 1..le)
                        .any(|k| lx::is_anonymous_tail(&toks[k - 1].lower, &toks[k].lower));
                    if anonymous_tail {
                        if let Some(sr @ SubjectRef::Desc(_)) = np_subject(ctx, reg, ls, le) {
                            return Some((vec![sr], ls, None, ls));
                        }
                    }
                }
                // "Julian Prest, counsel for the developer, Selwick Offshore Energy, said":
                // a name right after a role that ends in "for/of/at the X" names the X; the
                // name before the role is the speaker.
                if idx + 2 < n
                    && matches!(kinds[idx + 1], Seg::Appos | Seg::Other)
                    && kinds[idx + 2] == Seg::Names
                {
                    let (rs, re) = segs[idx + 1];
                    if (rs + 1..re).any(|k| matches!(toks[k].lower.as_str(), "for" | "of" | "at")) {
                        continue;
                    }
                }
                // "season-ticket holder Marcy Dell": the name after its role prefix;
                // "Anouk van der Berg of the Peace Office": the name before its body.
                let (s, subs) = match names_in(ctx, reg, s, e) {
                    Some(subs) => (s, subs),
                    None => {
                        let mi = role_prefixed_name(ctx, reg, s, e)
                            .or_else(|| affiliated_name(ctx, reg, s, e))?;
                        (reg.mentions[mi].start, vec![SubjectRef::Name(mi)])
                    }
                };
                let role = if idx > 0 && matches!(kinds[idx - 1], Seg::Np | Seg::Appos) {
                    Some(segs[idx - 1])
                } else if idx + 1 < n && matches!(kinds[idx + 1], Seg::Np | Seg::Other | Seg::Appos)
                {
                    let (ps, pe) = segs[idx + 1];
                    np_left(ctx, pe, ps).map(|st| (st, pe))
                } else {
                    None
                };
                // A bare first name with a person role beside it is a person.
                let subs = if role.is_some_and(|(rs, re)| {
                    (rs..re).any(|k| lx::is_person_role(&toks[k].lower) && !toks[k].is_cap())
                }) {
                    subs.into_iter()
                        .map(|sr| match sr {
                            SubjectRef::NewOrg { start, end } => {
                                SubjectRef::NewPerson { start, end }
                            }
                            other => other,
                        })
                        .collect()
                } else {
                    subs
                };
                let start = match role {
                    Some((rs, _))
                        if rs < s
                            && idx + 1 < n
                            && (idx + 2 == n || kinds[idx + 2] == Seg::Adjunct) =>
                    {
                        rs
                    }
                    _ => s,
                };
                return Some((subs, s, role, start));
            }
            Seg::Np => {
                let (s, e) = segs[idx];
                let leftmost = idx + 1 == n || matches!(kinds[idx + 1], Seg::Adjunct);
                if leftmost {
                    let mut s2 = s;
                    while s2 < e && matches!(toks[s2].lower.as_str(), "but" | "and" | "yet" | "so")
                    {
                        s2 += 1;
                    }
                    let sr = np_subject(ctx, reg, s2, e)?;
                    return Some((vec![sr], s2, None, s2));
                }
                continue;
            }
            Seg::Adjunct | Seg::Other => {
                let (s, e) = segs[idx];
                // An unnamed voice with a prepositional tail ("A shift manager at one of the
                // contractors, who asked not to be named, said").
                if idx + 1 == n
                    && kinds[idx] == Seg::Other
                    && matches!(toks[s].lower.as_str(), "a" | "an")
                {
                    if let Some(SubjectRef::Desc(d)) = np_subject(ctx, reg, s, e) {
                        if d.kind == DescKind::Person && d.indefinite {
                            return Some((vec![SubjectRef::Desc(d)], s, None, s));
                        }
                    }
                }
                // The segment may end in the subject ("In Menlo the envoy").
                if idx + 1 == n || kinds[idx] == Seg::Adjunct {
                    if let Some(st) = np_left(ctx, e, s) {
                        if st > s && !lx::is_preposition(&toks[st - 1].lower) {
                            if let Some(sr) = np_subject(ctx, reg, st, e) {
                                if !matches!(sr, SubjectRef::Pronoun(_)) {
                                    return Some((vec![sr], st, None, st));
                                }
                            }
                        }
                    }
                }
                // An opening adjunct, then the subject with its own apposition ("In a
                // statement, the Grindstone Crew, who follow the Millers, said"; "After the
                // vote, the minister, a veteran of the talks, said"): the segment right
                // after the adjunct, skipped above as an apposition, is the subject.
                if idx + 1 == n && kinds[idx] == Seg::Adjunct && idx > 0 {
                    let (ps, pe) = segs[idx - 1];
                    if kinds[idx - 1] == Seg::Appos && np_left(ctx, pe, ps) == Some(ps) {
                        if let Some(sr) = np_subject(ctx, reg, ps, pe) {
                            if !matches!(sr, SubjectRef::Pronoun(_)) {
                                return Some((vec![sr], ps, None, ps));
                            }
                        }
                    }
                }
                return None;
            }
        }
    }
    None
}

/// If tokens `s..e` are one or more names ("Henri Roquet", "Colonel Jelka Brajic",
/// "Elke Vadas and Karel Dusek"), their subjects.
fn names_in(ctx: &Ctx, reg: &Registry, s: usize, e: usize) -> Option<Vec<SubjectRef>> {
    let toks = &ctx.toks;
    let mut out = Vec::new();
    let mut k = s;
    while k < e {
        // The next name may be preceded by its title or role prefix ("Colonel X", "nurse X").
        let mut f = k;
        while f < e && f < k + 8 && !reg.tok_mention.contains_key(&f) {
            f += 1;
        }
        let mi = *reg.tok_mention.get(&f)?;
        let m = &reg.mentions[mi];
        if f != m.start || m.outer_start > k {
            return None;
        }
        out.push(match (m.class, m.entity) {
            (NameClass::Person | NameClass::Org, Some(_)) => SubjectRef::Name(mi),
            (NameClass::Single, None) => SubjectRef::NewOrg {
                start: m.start,
                end: m.end,
            },
            _ => return None,
        });
        k = m.end;
        if k < e {
            if toks[k].lower == "and" || toks[k].is_punct(",") {
                k += 1;
            } else {
                return None;
            }
        }
    }
    (!out.is_empty()).then_some(out)
}

/// A word of a short time adjunct ("last year", "in 2021", "earlier this month").
fn is_time_adjunct_word(t: &super::tokens::Token) -> bool {
    (t.kind == TokKind::Num && t.text.len() == 4)
        || lx::is_time_word(&t.lower)
        || matches!(
            t.lower.as_str(),
            "last"
                | "this"
                | "year"
                | "month"
                | "week"
                | "earlier"
                | "previously"
                | "recently"
                | "once"
                | "in"
                | "on"
                | "ago"
        )
}

/// An unnamed person described at the very start of the sentence ("A judge in Castrel",
/// "The magistrate"), before `i`.
fn opening_person_desc(ctx: &Ctx, reg: &Registry, a: usize, i: usize) -> Option<Desc> {
    if !matches!(ctx.toks[a].lower.as_str(), "a" | "an" | "the") {
        return None;
    }
    let e = np_right(ctx, a, i)?;
    match np_subject(ctx, reg, a, e)? {
        SubjectRef::Desc(d) if d.kind == DescKind::Person => Some(d),
        _ => None,
    }
}

/// "D-Westbrook", "R-Tex.": an American legislator's party and state, set off after the
/// name ("Sen. Ana Pruitt, D-Westbrook, said"); never a voice of its own.
fn is_party_tag(ctx: &Ctx, s: usize, e: usize) -> bool {
    let toks = &ctx.toks;
    let text: String = (s..e).map(|k| toks[k].text.as_str()).collect();
    let mut chars = text.chars();
    matches!(chars.next(), Some('D' | 'R' | 'I'))
        && chars.next() == Some('-')
        && chars.next().is_some_and(char::is_uppercase)
        && chars.all(|c| c.is_alphabetic() || c == '.')
}

/// A person's name after a lowercase role prefix that takes up the whole segment
/// ("season-ticket holder Marcy Dell", "bus driver Omar Teale"): the name's mention.
fn role_prefixed_name(ctx: &Ctx, reg: &Registry, s: usize, e: usize) -> Option<usize> {
    let toks = &ctx.toks;
    let mi = *reg.tok_mention.get(&(e - 1))?;
    let m = &reg.mentions[mi];
    if m.end != e || m.class != NameClass::Person || m.entity.is_none() || m.start <= s {
        return None;
    }
    let prefix = s..m.start;
    let lowercase = prefix.clone().all(|k| {
        let t = &toks[k];
        (t.is_word() && !t.is_cap() && !lx::is_determiner(&t.lower)) || t.is_punct("-")
    });
    let last = &toks[m.start - 1].lower;
    let role = prefix
        .into_iter()
        .any(|k| lx::is_person_role(&toks[k].lower))
        || lx::has_agent_suffix(last);
    (lowercase && role && toks[m.start - 1].is_word()).then_some(mi)
}

/// A person's name followed by the body they belong to, taking up the whole segment
/// ("Anouk van der Berg of the Coastal Peace Office", "Ola Brun from Dorn Rail"): the
/// name's mention.
fn affiliated_name(ctx: &Ctx, reg: &Registry, s: usize, e: usize) -> Option<usize> {
    let toks = &ctx.toks;
    let mi = *reg.tok_mention.get(&s)?;
    let m = &reg.mentions[mi];
    if m.start != s || m.class != NameClass::Person || m.entity.is_none() || m.end + 1 >= e {
        return None;
    }
    let mut k = m.end;
    if !matches!(toks[k].lower.as_str(), "of" | "from" | "at") {
        return None;
    }
    k += 1;
    if toks[k].lower == "the" {
        k += 1;
    }
    (k < e && (k..e).all(|x| toks[x].is_cap() || matches!(toks[x].lower.as_str(), "of" | "for")))
        .then_some(mi)
}

/// The name/description/pronoun a noun phrase over tokens `s..e` denotes as a speaker, or
/// None for things that cannot speak (documents, crowds, places, months).
pub(crate) fn np_subject(ctx: &Ctx, reg: &Registry, s: usize, e: usize) -> Option<SubjectRef> {
    let toks = &ctx.toks;
    if s >= e {
        return None;
    }
    // "at least one leading economist warned": a count, not a voice the reader can place.
    let at_least = |k: usize| k >= 1 && toks[k].lower == "least" && toks[k - 1].lower == "at";
    if at_least(s) || (s >= 2 && at_least(s - 1)) {
        return None;
    }
    // "A nurse who has worked on Long Strand for years": the phrase ends before "who".
    if let Some(k) = (s + 1..e).find(|&k| toks[k].lower == "who") {
        // "A Varnessian diplomat who took part in the talks": a relative clause with no
        // comma before it says which one, so it is part of the unnamed person's name
        // (not "who asked not to be named", which only hides it).
        // ("A lifeguard who has worked there for years, and who asked not to be named,":
        // two clauses joined by "and" describe; neither picks the person out.)
        let and_who = toks.get(e).is_some_and(|t| t.is_punct(","))
            && toks.get(e + 1).is_some_and(|t| t.lower == "and")
            && toks.get(e + 2).is_some_and(|t| t.lower == "who");
        // ("An engineer who has worked there for years and asked not to be named": the
        // clause that picks him out ends before "and".)
        let end = match anonymity_at(ctx, k, e) {
            None => Some(e),
            Some(m) => (k + 2..m).rev().find(|&a| toks[a].lower == "and"),
        };
        let restrictive = !toks[k - 1].is_punct(",")
            && !and_who
            && e - k <= 20
            && (k..e).all(|m| !toks[m].is_punct(",") && toks[m].quote.is_none());
        return np_subject(ctx, reg, s, k)
            .or_else(|| who_described(ctx, s, k))
            .map(|sr| match (sr, end) {
                (SubjectRef::Desc(mut d), Some(end))
                    if restrictive && d.kind == DescKind::Person && d.indefinite =>
                {
                    d.end = end;
                    SubjectRef::Desc(d)
                }
                (other, _) => other,
            })
            .or_else(|| in_the_know(ctx, s, k, e));
    }
    // The head of a right-built phrase is the last word before "of/for/at".
    let mut he = e;
    for k in s + 1..e {
        // "a source close to the talks" ("a close ally of" is the ally).
        let close_to = toks[k].lower == "close" && toks.get(k + 1).is_some_and(|n| n.lower == "to");
        if (close_to
            || matches!(
                toks[k].lower.as_str(),
                "of" | "for"
                    | "at"
                    | "from"
                    | "in"
                    | "with"
                    | "near"
                    | "by"
                    | "familiar"
                    | "involved"
            ))
            && toks[k].is_word()
        {
            // "a Department for Education official": the connector is inside the body's
            // name, and the role noun at the end is the head.
            if toks[k - 1].is_cap()
                && toks.get(k + 1).is_some_and(|n| n.is_cap())
                && !toks[e - 1].is_cap()
                && lx::is_person_role(&toks[e - 1].lower)
            {
                continue;
            }
            // "sets of plans": a quantity noun passes the head on.
            if matches!(
                toks[k - 1].lower.as_str(),
                "sets" | "set" | "number" | "series" | "pair" | "couple" | "group" | "copies"
            ) {
                continue;
            }
            // "a prosecutor not involved in the case": "not" belongs to the tail.
            he = if k > s + 1 && toks[k - 1].lower == "not" {
                k - 1
            } else {
                k
            };
            break;
        }
    }
    let mut head = he - 1;
    // "Hale Merrow Sr.": the name, not its suffix's period, is the head.
    if head > s && is_suffix_period(toks, head) {
        head -= 1;
    }
    let h = &toks[head];
    if e - s == 1 && h.is_word() && lx::is_subject_pronoun(&h.lower) {
        return Some(SubjectRef::Pronoun(head));
    }
    // "The former said ...; the latter said ...": one of the two just named.
    if e - s == 2 && toks[s].lower == "the" && matches!(h.lower.as_str(), "former" | "latter") {
        return Some(SubjectRef::Pronoun(head));
    }
    // "Secretary of State Ola Brun": a capitalised title with "of" before the name.
    if let Some(&mi) = reg.tok_mention.get(&(e - 1)) {
        let m = &reg.mentions[mi];
        if m.end == e
            && m.class == NameClass::Person
            && m.entity.is_some()
            && m.outer_start > s + 1
            && toks[m.outer_start - 1].lower == "of"
            && toks[m.outer_start - 2].is_cap()
            && lx::is_title(&toks[m.outer_start - 2].lower)
        {
            return Some(SubjectRef::Name(mi));
        }
    }
    // "people familiar with the talks", "a source close to the minister": anonymous.
    if let Some(fi) = (s + 1..e).find(|&k| {
        toks.get(k + 1)
            .is_some_and(|n| lx::is_anonymous_tail(&toks[k].lower, &n.lower))
    }) {
        let fi = if fi > s + 1 && toks[fi - 1].lower == "not" {
            fi - 1
        } else {
            fi
        };
        let hw = toks[fi - 1].lower.as_str();
        if matches!(
            hw,
            "people"
                | "person"
                | "sources"
                | "source"
                | "officials"
                | "official"
                | "diplomats"
                | "diplomat"
                | "individuals"
                | "insiders"
                | "aides"
                | "aide"
        ) {
            return Some(SubjectRef::Desc(Desc {
                start: s,
                end: e,
                head: fi - 1,
                kind: DescKind::Person,
                indefinite: true,
            }));
        }
    }
    // "the 61-year-old said": refers back like a pronoun.
    if h.is_word() && h.lower.ends_with("-year-old") && toks[s].lower == "the" {
        return Some(SubjectRef::Pronoun(head));
    }
    // "the Varran said" (of Port Varra), "the Carvessan added": a demonym of a place the
    // text names refers back to a person, like "the 61-year-old".
    if e - s == 2
        && toks[s].lower == "the"
        && h.is_cap()
        // (Not a body named before: the registry makes "the Varran" a body of its own.)
        && reg.tok_mention.get(&head).is_none_or(|&mi| {
            reg.mentions[mi]
                .entity
                .is_none_or(|id| reg.entity(id).first_tok >= reg.mentions[mi].outer_start)
        })
        && demonym_of_named_place(ctx, head)
    {
        return Some(SubjectRef::Pronoun(head));
    }
    // "a senior figure at the commission" is a person; "customs figures" are data.
    let person_figure =
        h.lower == "figure" && head > s && lx::is_person_figure_qualifier(&toks[head - 1].lower);
    // "the Harbour Youth Project": a capitalised "Project" after a name ends a body's
    // name; "the project" is a thing.
    let named_project = h.is_cap()
        && h.lower == "project"
        && head > s
        && toks[head - 1].is_cap()
        && !ctx.at_clause_start(head - 1);
    // "\"...,\" the statement said" after "Corvane Minerals said in a statement": the
    // words are the issuer's.
    if e - s == 2 && toks[s].lower == "the" && h.is_word() && lx::is_voice_text(&h.lower) {
        return Some(SubjectRef::IssuedText(head));
    }
    if h.is_word()
        && lx::is_document_noun(&h.lower)
        && !lx::is_person_role(&h.lower)
        && !lx::is_org_noun(&h.lower)
        && !person_figure
        && !named_project
    {
        return None;
    }
    // "Brennock Energy plc said": the legal tail is part of the name.
    let named_head = h.is_cap() || (is_legal_tail(h) && reg.tok_mention.contains_key(&head));
    if named_head
        && !(ctx.at_clause_start(head)
            && ctx.is_common_capital(head)
            && !reg.tok_mention.contains_key(&head))
    {
        if let Some(&mi) = reg.tok_mention.get(&head) {
            let m = &reg.mentions[mi];
            match (m.class, m.entity) {
                (NameClass::Person | NameClass::Org, Some(_)) => return Some(SubjectRef::Name(mi)),
                (NameClass::Single, None) => {
                    let w = toks[m.start].lower.as_str();
                    if lx::is_time_word(w)
                        || lx::is_place_word(w)
                        || lx::is_title(w)
                        || lx::is_person_role(w)
                    {
                        // "the President said": a description, below.
                    } else {
                        return Some(SubjectRef::NewOrg {
                            start: m.start,
                            end: m.end,
                        });
                    }
                }
                (NameClass::Other, _) => {}
                _ => return None,
            }
        }
        if !lx::is_title(&h.lower)
            && !lx::is_org_noun(&h.lower)
            && !lx::is_group_noun(&h.lower)
            && !lx::is_person_role(&h.lower)
        {
            return None;
        }
    }
    let w = h.lower.as_str();
    let first = toks[s].lower.as_str();
    let indefinite = lx::is_indefinite(first);
    let has_cap_mod = toks[s..head]
        .iter()
        .any(|t| t.is_cap() && !lx::is_function_word(&t.lower))
        || toks[head + 1..e].iter().any(|t| t.is_cap());
    // "The conservators said" after "the Conservators of Harrowmoor and Feld": a body
    // named by a plural refers back by that plural.
    if e - s == 2
        && toks[s].lower == "the"
        && h.is_word()
        && !h.is_cap()
        && reg
            .entities
            .iter()
            .any(|x| x.kind == SpeakerKind::Organization && x.head.as_deref() == Some(w))
    {
        return Some(body_desc(s, e, head));
    }
    if lx::is_crowd_noun(w) {
        return None;
    }
    if (lx::is_person_role(w) || (lx::is_title(w) && !lx::is_role_qualifier(w)) || person_figure)
        && !lx::is_plural_role(w)
    {
        // Possessed roles of things ("its members") are not voices.
        return Some(SubjectRef::Desc(Desc {
            start: s,
            end: e,
            head,
            kind: DescKind::Person,
            indefinite,
        }));
    }
    if lx::is_plural_role(w) {
        let has_pp = toks[head + 1..e]
            .iter()
            .any(|t| matches!(t.lower.as_str(), "for" | "of" | "at" | "in" | "from"));
        // Official bodies of people speak as a group even unmodified ("Prosecutors said");
        // generic plurals ("analysts", "experts") need a qualifier.
        let official = matches!(
            w,
            "prosecutors"
                | "investigators"
                | "officials"
                | "authorities"
                | "negotiators"
                | "mediators"
                | "diplomats"
                | "lawmakers"
                | "legislators"
                | "ministers"
                | "organisers"
                | "organizers"
                | "monitors"
                | "inspectors"
                | "regulators"
        );
        if has_cap_mod
            || has_pp
            || official
            || w == "sources"
            || matches!(first, "two" | "three" | "several" | "senior" | "some")
        {
            return Some(SubjectRef::Desc(Desc {
                start: s,
                end: e,
                head,
                kind: if matches!(w, "sources") || indefinite {
                    DescKind::Person
                } else {
                    DescKind::Group
                },
                indefinite: indefinite || w == "sources",
            }));
        }
        return None;
    }
    if lx::is_org_noun(w) {
        if indefinite && !has_cap_mod {
            return None;
        }
        // "Human rights groups say ...": several bodies speaking together.
        if matches!(
            w,
            "groups"
                | "unions"
                | "companies"
                | "governments"
                | "ministries"
                | "organisations"
                | "organizations"
                | "charities"
                | "parties"
                | "agencies"
        ) {
            return Some(SubjectRef::Desc(Desc {
                start: s,
                end: e,
                head,
                kind: DescKind::Group,
                indefinite: false,
            }));
        }
        return Some(body_desc(s, e, head));
    }
    who_described(ctx, s, e)
}

/// A definite description of a body over `s..e` with its head token.
fn body_desc(s: usize, e: usize, head: usize) -> SubjectRef {
    SubjectRef::Desc(Desc {
        start: s,
        end: e,
        head,
        kind: DescKind::Org,
        indefinite: false,
    })
}

/// Where, in tokens `a..b`, a clause starts that only hides who is speaking: "on condition
/// of anonymity", "anonymously", "not to be named / identified / quoted", "not authorised
/// to speak".
pub(crate) fn anonymity_at(ctx: &Ctx, a: usize, b: usize) -> Option<usize> {
    let w = |k: usize| ctx.toks[k].lower.as_str();
    (a..b).find(|&k| {
        matches!(w(k), "anonymity" | "anonymously")
            || (k + 3 < b
                && w(k) == "not"
                && w(k + 1) == "to"
                && w(k + 2) == "be"
                && matches!(w(k + 3), "named" | "identified" | "quoted"))
            || (k + 1 < b && w(k) == "not" && matches!(w(k + 1), "authorised" | "authorized"))
    })
}

/// "who said he was a nurse": at `who`, a relative clause in which an unnamed person
/// says what they are (before `b`).
pub(crate) fn self_identified(ctx: &Ctx, who: usize, b: usize) -> bool {
    let toks = &ctx.toks;
    who + 5 < b
        && toks[who].lower == "who"
        && matches!(toks[who + 1].lower.as_str(), "said" | "says")
        && matches!(toks[who + 2].lower.as_str(), "he" | "she")
        && matches!(toks[who + 3].lower.as_str(), "was" | "is")
        && matches!(toks[who + 4].lower.as_str(), "a" | "an")
}

/// The subject a sentence opens with, when a lowercase verb follows it before `end`
/// ("A Brennock spokeswoman | declined ...").
fn opening_subject(ctx: &Ctx, reg: &Registry, a: usize, end: usize) -> Option<SubjectRef> {
    let e0 = np_right(ctx, a, end)?;
    // The phrase may have taken the verb in ("A spokeswoman declined"): the longest
    // subject that a lowercase word follows.
    (a + 1..=e0.min(end - 1)).rev().find_map(|e| {
        let t = &ctx.toks[e];
        // (Not a role or body noun: "Deputy mayor Ruth Halloran" is one phrase.)
        (t.is_word()
            && !t.is_cap()
            && !lx::is_function_word(&t.lower)
            && !lx::is_person_role(&t.lower)
            && !lx::is_org_noun(&t.lower)
            && !lx::is_role_qualifier(&t.lower))
        .then(|| np_subject(ctx, reg, a, e))
        .flatten()
    })
}

/// Whether the capitalised word at `k` is a demonym of a place named elsewhere in the
/// text: "Varran" with "Port Varra", "Carvessan" with "Carvessa", "Ostrelian" with
/// "Ostrelia". (The stem must be four letters or more, and another word must carry it.)
fn demonym_of_named_place(ctx: &Ctx, k: usize) -> bool {
    let w = ctx.toks[k].lower.as_str();
    let stems = lx::demonym_stems(w);
    !stems.is_empty()
        && ctx.toks.iter().enumerate().any(|(j, t)| {
            j != k
                && t.is_cap()
                && t.lower != w
                && stems.iter().any(|stem| t.lower.starts_with(stem))
                && !t.lower.starts_with(w)
        })
}

/// "People who have spoken to her say", "those who know him say": unnamed people placed
/// by their contact with someone are anonymous sources (`k` is the "who").
fn in_the_know(ctx: &Ctx, s: usize, k: usize, e: usize) -> Option<SubjectRef> {
    let toks = &ctx.toks;
    let lows: Vec<&str> = toks[s..e.min(s + 12)]
        .iter()
        .map(|t| t.lower.as_str())
        .collect();
    let who = k - s;
    let people = matches!(
        &lows[..who],
        ["people"] | ["those"] | ["several" | "two" | "three" | "some", "people"]
    );
    let rest = &lows[who + 1..];
    let rest = rest
        .strip_prefix(&["have"])
        .or_else(|| rest.strip_prefix(&["had"]))
        .unwrap_or(rest);
    let contact = matches!(
        rest,
        [
            "spoken" | "talked" | "worked" | "met" | "dealt",
            "to" | "with",
            ..
        ] | ["know" | "knew", ..]
            | ["have" | "had", "known", ..]
            | ["known", ..]
    );
    (people && contact).then(|| {
        SubjectRef::Desc(Desc {
            start: s,
            end: e,
            head: k - 1,
            kind: DescKind::Person,
            indefinite: true,
        })
    })
}

/// "A lifeguard who has worked there for years said", "the ferryman, who ..., said": a
/// singular noun no list knows as a role is still a person when "who" follows it.
fn who_described(ctx: &Ctx, s: usize, e: usize) -> Option<SubjectRef> {
    let toks = &ctx.toks;
    let first = toks[s].lower.as_str();
    if !matches!(first, "a" | "an" | "the" | "another") {
        return None;
    }
    // The first "who" inside the phrase, or right after it (with or without a comma).
    let k = (s + 2..e).find(|&k| toks[k].lower == "who").or_else(|| {
        match (toks.get(e), toks.get(e + 1)) {
            (Some(w), _) if w.lower == "who" => Some(e),
            (Some(c), Some(w)) if c.is_punct(",") && w.lower == "who" => Some(e),
            _ => None,
        }
    })?;
    // "a deckhand on the Inchmarrow route, who": the noun before a preposition heads it.
    let head = (s + 2..k)
        .find(|&m| toks[m].is_word() && !toks[m].is_cap() && lx::is_preposition(&toks[m].lower))
        .unwrap_or(k)
        - 1;
    let h = &toks[head];
    let w = h.lower.as_str();
    // "a local woman who", "an 80-year-old fisherman who": determiner, modifiers, noun.
    let plain = (s + 1..head).all(|m| toks[m].is_word() && !toks[m].is_cap());
    (plain
        && h.is_word()
        && !h.is_cap()
        && w.len() > 2
        // Singular only ("witnesses who" and "residents who" are crowds).
        && (!w.ends_with('s') || w.ends_with("ss"))
        && !lx::is_function_word(w)
        && !lx::is_time_word(w)
        && !lx::is_crowd_noun(w)
        && !lx::is_document_noun(w)
        && !lx::is_org_noun(w))
    .then(|| {
        SubjectRef::Desc(Desc {
            start: s,
            end: k,
            head,
            kind: DescKind::Person,
            indefinite: lx::is_indefinite(first),
        })
    })
}

/// An apposition right after an inverted subject: ", president of the Drivers' Union,".
fn apposition_after(ctx: &Ctx, e: usize, b: usize) -> Option<(usize, usize)> {
    let toks = &ctx.toks;
    if e + 1 >= b || !toks[e].is_punct(",") {
        return None;
    }
    let s = e + 1;
    let f = &toks[s];
    if !(lx::is_determiner(&f.lower)
        || lx::is_person_role(&f.lower)
        || lx::is_role_qualifier(&f.lower))
    {
        return None;
    }
    let mut k = s;
    while k < b && !toks[k].is_punct(",") && !toks[k].is_punct(".") && k < s + 14 {
        k += 1;
    }
    Some((s, k))
}

/// "X, asked about the tariff, ..." / "when asked whether ...": "asked" as a passive
/// participle after a comma or "when"/"if", followed by what the question was about.
fn passive_asked(ctx: &Ctx, i: usize, a: usize) -> bool {
    let toks = &ctx.toks;
    toks[i].lower == "asked"
        && i > a
        && (toks[i - 1].is_punct(",")
            || matches!(toks[i - 1].lower.as_str(), "when" | "if" | "once"))
        && toks.get(i + 1).is_some_and(|n| {
            matches!(
                n.lower.as_str(),
                "about" | "whether" | "if" | "why" | "what" | "how" | "when" | "for" | "on"
            )
        })
}

/// "The Shippers' Council's verdict: \"Too short.\"": a body's or person's verdict (view,
/// response, reaction ...) given as a bare quote after a colon is that voice's statement.
fn verdict_cue(ctx: &Ctx, reg: &Registry, si: usize, i: usize) -> Found {
    let toks = &ctx.toks;
    let (a, b) = ctx.sent_toks[si];
    if i < a + 2 || i + 2 >= b {
        return None;
    }
    if !matches!(
        toks[i].lower.as_str(),
        "verdict"
            | "view"
            | "response"
            | "reaction"
            | "answer"
            | "reply"
            | "message"
            | "assessment"
    ) || toks[i - 1].kind != TokKind::Poss
        || !toks[i + 1].is_punct(":")
        || toks[i + 2].kind != TokKind::QuoteMark
    {
        return None;
    }
    let s = np_left(ctx, i - 1, a)?;
    let subject = np_subject(ctx, reg, s, i - 1)?;
    if matches!(subject, SubjectRef::Pronoun(_)) {
        return None;
    }
    let mut act = new_act(ctx, i, vec![subject], s);
    act.open = true;
    Some((act, None))
}

/// The subject of a verb at `v`: the noun phrase right before it, or across an
/// apposition ("X, the minister, was quoted as saying").
fn subject_before(
    ctx: &Ctx,
    reg: &Registry,
    a: usize,
    v: usize,
) -> Option<(Vec<SubjectRef>, usize)> {
    if v > a && ctx.toks[v - 1].is_punct(",") {
        let (subs, tok, _, _) = segment_subject(ctx, reg, a, v - 1)?;
        Some((subs, tok))
    } else {
        let s = np_left(ctx, v, a)?;
        Some((vec![np_subject(ctx, reg, s, v)?], s))
    }
}

/// "issued a statement saying", "posted a short message asking": when the participle at
/// `i` follows a text a body or person put out, the index of the publishing verb, whose
/// subject is the speaker.
fn issued_text_verb(ctx: &Ctx, a: usize, i: usize) -> Option<usize> {
    let toks = &ctx.toks;
    if i < a + 3 || !lx::is_voice_text(&toks[i - 1].lower) {
        return None;
    }
    // "a statement", "a short statement", "a joint statement".
    let mut k = i - 2;
    if !matches!(toks[k].lower.as_str(), "a" | "an") {
        if k == a || !toks[k].is_word() || toks[k].is_cap() {
            return None;
        }
        k -= 1;
        if !matches!(toks[k].lower.as_str(), "a" | "an") {
            return None;
        }
    }
    if k == a {
        return None;
    }
    let v = k - 1;
    match toks[v].lower.as_str() {
        "issued" | "released" | "posted" | "published" | "sent" | "shared" | "circulated" => {
            Some(v)
        }
        // "put out a statement".
        "out" if v > a && toks[v - 1].lower == "put" => Some(v - 1),
        _ => None,
    }
}

/// A participle cue at `i` (", adding that ...", "with X reaffirming that ...").
fn participle_cue(
    ctx: &Ctx,
    reg: &Registry,
    si: usize,
    i: usize,
    class: CueClass,
    prev: &[Act],
) -> Found {
    let toks = &ctx.toks;
    let (a, b) = ctx.sent_toks[si];
    if i == a {
        return None;
    }
    let p = &toks[i - 1];
    let subjects;
    let subject_tok;
    if p.is_punct(",") || p.kind == TokKind::QuoteMark {
        if let Some(last) = prev.last() {
            subjects = vec![SubjectRef::SameAsPrevious];
            subject_tok = last.subject_tok;
        } else if let Some(d) = opening_person_desc(ctx, reg, a, i) {
            // "A judge in Castrel on Monday refused bail for the former mayor, Ben Harl,
            // saying ...": the description that opens the sentence is its subject.
            subjects = vec![SubjectRef::Desc(d)];
            subject_tok = a;
        } else {
            // "X spoke at length, saying ...": the sentence's first subject-like name.
            let mi = (a..i.min(a + 40))
                .filter_map(|k| reg.tok_mention.get(&k).copied())
                .find(|&mi| reg.mentions[mi].subjectish && reg.mentions[mi].entity.is_some())?;
            // "X and Y, the commander of ..., defended the clause, calling it ...": both.
            let end = reg.mentions[mi].end;
            let second = (end + 1 < i && toks[end].lower == "and")
                .then(|| reg.tok_mention.get(&(end + 1)).copied())
                .flatten()
                .filter(|&mj| {
                    let m = &reg.mentions[mj];
                    m.entity.is_some() && m.class == NameClass::Person
                });
            subjects = std::iter::once(mi)
                .chain(second)
                .map(SubjectRef::Name)
                .collect();
            subject_tok = reg.mentions[mi].start;
        }
    } else if p.lower == "as"
        && i >= a + 3
        && matches!(toks[i - 2].lower.as_str(), "quoted" | "cited")
    {
        // "X was quoted as saying ...".
        let mut j = i - 2;
        while j > a
            && matches!(
                toks[j - 1].lower.as_str(),
                "was" | "is" | "were" | "been" | "has" | "have" | "had" | "also" | "later"
            )
        {
            j -= 1;
        }
        (subjects, subject_tok) = subject_before(ctx, reg, a, j)?;
    } else if let Some(v) = issued_text_verb(ctx, a, i) {
        // "X issued a statement saying ...": the subject of the publishing verb.
        (subjects, subject_tok) = subject_before(ctx, reg, a, v)?;
    } else if p.is_word() {
        // "with X reaffirming that ...".
        let s = np_left(ctx, i, a)?;
        if s == a || toks[s - 1].lower != "with" {
            return None;
        }
        subjects = vec![np_subject(ctx, reg, s, i)?];
        subject_tok = s;
    } else {
        return None;
    }
    let mut act = new_act(ctx, i, subjects, subject_tok);
    let comp = complement(ctx, i + 1, b, class, &toks[i].lower);
    match comp {
        Complement::Clause(cs, ce) => {
            let start = if class == CueClass::Evaluative { i } else { cs };
            if let Some(st) = clause_statement(ctx, start, ce) {
                act.statements.push(st);
            }
            Some((act, Some((cs, ce))))
        }
        Complement::Quote(_) => {
            act.open = true;
            Some((act, None))
        }
        _ => None,
    }
}

/// "according to X, ..." / "..., according to X".
fn according_to(ctx: &Ctx, reg: &Registry, si: usize, i: usize) -> Found {
    let toks = &ctx.toks;
    let (a, b) = ctx.sent_toks[si];
    let s = i + 2;
    let e = np_right(ctx, s, b)?;
    let mut subjects = Vec::new();
    let mut after = e;
    // "according to the two mediators, A and B": the names are the speakers.
    let head = &toks[e - 1];
    let plural_people = lx::is_group_noun(&head.lower) || lx::is_person_role(&head.lower);
    if plural_people && e + 1 < b && toks[e].is_punct(",") {
        let mut k = e + 1;
        while k < b && !toks[k].is_punct(",") && !toks[k].is_punct(".") {
            k += 1;
        }
        if let Some(names) = names_in(ctx, reg, e + 1, k) {
            subjects = names;
            after = k;
        }
    }
    // "according to a statement from the regulator": the regulator speaks through it. (A
    // report or study by a body is a document, and its author no speaker.)
    let mut s = s;
    if let Some(k) = (s + 1..e.saturating_sub(1)).find(|&k| {
        matches!(toks[k].lower.as_str(), "from" | "by") && lx::is_voice_text(&toks[k - 1].lower)
    }) {
        s = k + 1;
    }
    if subjects.is_empty() {
        subjects.push(np_subject(ctx, reg, s, e)?);
    }
    let mut act = new_act(ctx, i, subjects, s);
    act.cue_text = "according to".to_string();
    // The statement: the rest of the sentence, or the clause before.
    let lead = (a..i).all(|k| {
        !toks[k].is_word() || matches!(toks[k].lower.as_str(), "but" | "and" | "yet" | "so")
    });
    if lead {
        let mut k = after;
        // "According to Dr. X of the University of Y, ...": the source's affiliation runs
        // to the comma that ends the source, and the clause follows it.
        let affiliation = (k < b && matches!(toks[k].lower.as_str(), "of" | "at" | "from"))
            .then(|| (k + 1..b.min(k + 12)).find(|&c| toks[c].is_punct(",")))
            .flatten()
            .filter(|&c| (k + 1..c).all(|m| matches!(toks[m].kind, TokKind::Word | TokKind::Poss)));
        if let Some(c) = affiliation {
            k = c + 1;
        }
        // Skip appositions and relative clauses after the source.
        while affiliation.is_none() && k < b && toks[k].is_punct(",") {
            let seg_start = k + 1;
            let mut m = seg_start;
            while m < b && !toks[m].is_punct(",") {
                m += 1;
            }
            let f = toks.get(seg_start).map(|t| t.lower.as_str()).unwrap_or("");
            let appositive = matches!(f, "who" | "whose" | "which" | "a" | "an" | "the")
                || lx::is_person_role(f)
                || lx::is_role_qualifier(f);
            if appositive && m < b {
                k = m;
            } else {
                k = seg_start;
                break;
            }
        }
        if let Some(st) = clause_statement(ctx, k, b) {
            act.statements.push(st);
            return Some((act, Some((k, b))));
        }
    } else if i > a && toks[i - 1].kind == TokKind::QuoteMark {
        // "\"...,\" according to X": the quote is the statement.
        act.open = true;
        return Some((act, None));
    } else if i > a && toks[i - 1].is_punct(",") {
        if let Some(start) = clause_start(ctx, a, i - 1) {
            if let Some(st) = clause_statement(ctx, start, i - 1) {
                act.statements.push(st);
                return Some((act, Some((start, i - 1))));
            }
        }
    } else if let Some(st) = clause_statement(ctx, a, b) {
        act.statements.push(st);
        return Some((act, None));
    }
    act.open = true;
    Some((act, None))
}
