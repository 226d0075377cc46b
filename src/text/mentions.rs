//! Mentions: capitalised names, role descriptions and the entities they refer to.
//!
//! This stage owns the entity registry. It finds capitalised runs ("Prime Minister Ada
//! Quist", "the Guild of Barge Builders", "Garraway"), splits titles and role
//! prefixes off personal names, classifies runs (person, organisation, place, other) with
//! small heuristics (titles, organisation heads, place words, "the", a following role
//! noun), and links each run to an entity: a full name creates or finds a person, a bare
//! surname or honorific+surname finds the most recent person with that surname (two
//! people who share a surname stay apart by first name or gender). Roles come from
//! titles ("President Elke Vadas"), prefixes ("opposition lawmaker Zofia Cerny") and
//! appositions on either side ("Its spokesman, Henri Roquet", "Maija Holmquist, the
//! defence minister"); they let the resolver map "the minister" or "the Ukrainian leader"
//! to a person later. Noun-phrase helpers used by attribution live here too.
//!
//! Pronouns and descriptions are resolved in `resolve`; who speaks is decided in
//! `attribution`.

use std::collections::{HashMap, HashSet};

use super::lexicon as lx;
use super::quotes::Quote;
use super::tokens::{TokKind, Token};
use crate::report::SpeakerKind;

/// Grammatical gender learned from titles, role words and pronouns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Gender {
    Male,
    Female,
}

/// A role held by an entity ("defence minister", "Ukrainian President").
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Role {
    /// The role noun, lowercase ("minister").
    pub head: String,
    /// Lowercase qualifiers that distinguish roles ("defence", "prime").
    pub quals: Vec<String>,
    /// Places or bodies the role belongs to, as written ("Vell", "Ukrainian").
    pub places: Vec<String>,
    /// "former president": never the current holder.
    pub former: bool,
    /// The role as written, without a leading article.
    pub text: String,
}

/// A person, organisation, anonymous source or group the article refers to.
#[derive(Debug, Clone)]
pub(crate) struct Entity {
    pub kind: SpeakerKind,
    /// Canonical name: the fullest personal name, or the organisation / description as
    /// first introduced.
    pub name: String,
    /// Lowercase name tokens of a named person or organisation (empty for descriptions).
    pub tokens: Vec<String>,
    pub honorific: Option<String>,
    pub gender: Option<Gender>,
    pub roles: Vec<Role>,
    /// The head noun of an organisation ("ministry", "rail") or of a description.
    pub head: Option<String>,
    /// Places in an organisation's name or description ("Ostreva foreign ministry").
    pub places: Vec<String>,
    /// Working-character spans of mentions (names, surnames, descriptions).
    pub mentions: Vec<(usize, usize)>,
    /// Token index of the first mention.
    pub first_tok: usize,
}

impl Entity {
    pub(crate) fn new(kind: SpeakerKind, name: String, first_tok: usize) -> Self {
        Entity {
            kind,
            name,
            tokens: Vec::new(),
            honorific: None,
            gender: None,
            roles: Vec::new(),
            head: None,
            places: Vec::new(),
            mentions: Vec::new(),
            first_tok,
        }
    }

    pub fn add_role(&mut self, role: Role) {
        if role.head.is_empty() || self.roles.iter().any(|r| r == &role) {
            return;
        }
        if self.gender.is_none() {
            self.gender = lx::title_gender(&role.head);
        }
        self.roles.push(role);
    }
}

/// How a capitalised run was classified.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NameClass {
    Person,
    Org,
    Place,
    /// One capitalised word that is not (yet) known to be anyone.
    Single,
    /// Modifies a following role or organisation noun ("Harbrook chief executive").
    Modifier,
    Other,
}

/// A capitalised run in the text.
#[derive(Debug, Clone)]
pub(crate) struct NameMention {
    /// Token range of the name proper (titles and articles excluded).
    pub start: usize,
    pub end: usize,
    /// Token index where titles / role prefix / article begin (== start when none).
    pub outer_start: usize,
    pub sentence: usize,
    pub class: NameClass,
    pub entity: Option<usize>,
    /// The first name-like thing in its sentence, not after a preposition or verb.
    pub subjectish: bool,
    pub in_quote: bool,
}

/// Token, sentence and quote information shared by the stages.
pub(crate) struct Ctx {
    pub toks: Vec<Token>,
    /// Token range of each sentence.
    pub sent_toks: Vec<(usize, usize)>,
    /// Working span and paragraph of each sentence.
    pub sent_spans: Vec<(usize, usize, usize)>,
    /// Words seen lowercase in the middle of a sentence somewhere in the text.
    pub lower_vocab: HashSet<String>,
    /// Words seen capitalised, and never lowercase, in the middle of a sentence: names
    /// ("Kelsing" is a town, not a verb form, at the start of a sentence too).
    pub cap_vocab: HashSet<String>,
    pub quotes: Vec<Quote>,
}

impl Ctx {
    pub fn new(
        toks: Vec<Token>,
        sent_toks: Vec<(usize, usize)>,
        sent_spans: Vec<(usize, usize, usize)>,
        quotes: Vec<Quote>,
    ) -> Self {
        let mut lower_vocab = HashSet::new();
        let mut mid_caps = HashSet::new();
        for &(a, b) in &sent_toks {
            for i in a + 1..b {
                let t = &toks[i];
                if t.is_word()
                    && t.text.chars().next().is_some_and(|c| c.is_lowercase())
                    && toks[i - 1].kind != TokKind::QuoteMark
                {
                    lower_vocab.insert(t.lower.clone());
                }
                if t.is_cap() && toks[i - 1].is_word() {
                    mid_caps.insert(t.lower.clone());
                }
            }
        }
        let cap_vocab = mid_caps
            .into_iter()
            .filter(|w| !lower_vocab.contains(w))
            .collect();
        Ctx {
            toks,
            sent_toks,
            sent_spans,
            lower_vocab,
            cap_vocab,
            quotes,
        }
    }

    /// The token range of the sentence holding token `i`.
    pub fn sentence_of(&self, i: usize) -> (usize, usize) {
        self.sent_toks[self.toks[i].sentence]
    }

    /// Whether token `i` is the first word of its sentence or of a quotation / clause
    /// after a colon, where capitals are grammatical.
    pub fn at_clause_start(&self, i: usize) -> bool {
        let (a, _) = self.sentence_of(i);
        if i == a {
            return true;
        }
        let p = &self.toks[i - 1];
        p.kind == TokKind::QuoteMark
            || p.is_punct(":")
            || p.is_punct("(")
            || p.is_punct("\u{2014}")
            || p.is_punct(";")
    }

    /// Whether a capitalised word at a clause start is really a common word.
    pub fn is_common_capital(&self, i: usize) -> bool {
        let t = &self.toks[i];
        let w = t.lower.as_str();
        lx::is_function_word(w)
            || self.lower_vocab.contains(w)
            || lx::is_person_role(w)
            || lx::is_plural_role(w)
            || lx::is_crowd_noun(w)
            || lx::is_document_noun(w)
            || lx::speech_verb(w).is_some()
            || (w.ends_with("ing") && w.len() > 5 && !self.cap_vocab.contains(w))
            || matches!(
                w,
                "asked"
                    | "reached"
                    | "given"
                    | "based"
                    | "faced"
                    | "pressed"
                    | "told"
                    | "known"
                    | "born"
                    | "elected"
                    | "appointed"
                    | "questioned"
                    | "interviewed"
                    | "shares"
                    | "talks"
                    | "rivals"
                    | "critics"
                    | "aid"
                    | "analysts"
                    | "experts"
                    | "both"
                    | "neither"
                    | "whether"
                    | "among"
                    | "not"
                    | "nobody"
                    | "everyone"
            )
    }
}

/// The entity registry plus every capitalised run.
#[derive(Default)]
pub(crate) struct Registry {
    pub entities: Vec<Entity>,
    pub mentions: Vec<NameMention>,
    /// Token index → index into `mentions` (for tokens inside a name proper).
    pub tok_mention: HashMap<usize, usize>,
    by_full: HashMap<String, usize>,
    by_surname: HashMap<String, Vec<usize>>,
    by_org_token: HashMap<String, Vec<usize>>,
    /// Last token position each entity was mentioned at (for recency while building).
    last_seen: Vec<usize>,
}

const PARTICLES: &[&str] = &[
    "de", "van", "von", "der", "den", "da", "di", "du", "la", "le", "al", "el", "bin", "ibn",
    "ben", "dos", "das", "del", "della", "ter", "ten", "y", "abu", "st",
];

/// Whether token `k` is the period of a name's "Jr." or "Sr.", which belongs to the name.
pub(crate) fn is_suffix_period(toks: &[Token], k: usize) -> bool {
    k >= 1 && toks[k].is_punct(".") && matches!(toks[k - 1].lower.as_str(), "jr" | "sr")
}

/// A firm's legal form written in lowercase after its name ("Brennock Energy plc").
pub(crate) fn is_legal_tail(t: &Token) -> bool {
    t.is_word() && !t.is_cap() && matches!(t.lower.as_str(), "plc" | "ltd" | "llc" | "inc")
}

const ABBREV_TITLES: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "gen", "sen", "rep", "gov", "lt", "col", "sgt", "capt",
    "cmdr", "adm", "maj", "rev", "st", "hon", "cllr", "insp", "det", "supt", "mme",
];

impl Registry {
    pub fn entity(&self, id: usize) -> &Entity {
        &self.entities[id]
    }

    pub fn entity_mut(&mut self, id: usize) -> &mut Entity {
        &mut self.entities[id]
    }

    /// Add a new entity and return its id.
    pub fn add_entity(&mut self, e: Entity) -> usize {
        let id = self.entities.len();
        let first = e.first_tok;
        for t in &e.tokens {
            if e.kind != SpeakerKind::Person {
                self.by_org_token.entry(t.clone()).or_default().push(id);
            }
        }
        if e.kind == SpeakerKind::Person && !e.tokens.is_empty() {
            self.by_full.insert(e.tokens.join(" "), id);
            if let Some(s) = e.tokens.last() {
                self.by_surname.entry(s.clone()).or_default().push(id);
            }
        } else if !e.tokens.is_empty() {
            self.by_full.insert(e.tokens.join(" "), id);
        }
        self.entities.push(e);
        self.last_seen.push(first);
        id
    }

    /// Record that entity `id` was mentioned at token `tok`.
    pub fn touch(&mut self, id: usize, tok: usize) {
        if self.last_seen[id] < tok {
            self.last_seen[id] = tok;
        }
    }

    /// Find an entity by an exact lowercase name key.
    pub fn by_name(&self, key: &str) -> Option<usize> {
        self.by_full.get(key).copied()
    }

    /// The person with this surname most recently mentioned before `tok` (any, if none
    /// before), compatible with `gender`.
    pub fn person_by_surname(
        &self,
        surname: &str,
        tok: usize,
        gender: Option<Gender>,
    ) -> Option<usize> {
        let ids = self.by_surname.get(surname)?;
        // "Ruth and Colin Ashby ... Ms. Ashby": a namesake known to be of the title's
        // gender beats one whose gender is unknown.
        let sure = gender.is_some()
            && ids
                .iter()
                .any(|&id| gender == self.entities[id].gender && self.entities[id].first_tok < tok);
        let ok = |id: &&usize| match (gender, self.entities[**id].gender) {
            (Some(a), Some(b)) => a == b,
            (Some(_), None) => !sure,
            _ => true,
        };
        // "Bartek Holmund ... His daughter, Lena Holmund, said ... Holmund became a
        // national figure": a relative brought in by kinship is named in full; the bare
        // surname stays with the person the report is about.
        let kin = |id: usize| {
            self.entities[id]
                .roles
                .iter()
                .any(|r| lx::is_kin_role(&r.head))
        };
        let named: Vec<usize> = ids
            .iter()
            .rev()
            .take(64)
            .filter(ok)
            .filter(|&&id| self.entities[id].first_tok < tok)
            .copied()
            .collect();
        let principal = gender.is_none()
            && named.len() >= 2
            && named.iter().any(|&id| !kin(id))
            && named.iter().any(|&id| kin(id));
        // Bounded: the most recently added namesakes are the ones a surname refers to.
        let before = named
            .iter()
            .filter(|&&id| !principal || !kin(id))
            .max_by_key(|&&id| self.last_seen[id].min(tok));
        before.or_else(|| ids.iter().take(64).find(ok)).copied()
    }

    /// The one person introduced before `tok` by a full name that starts with `first`
    /// ("Carol Dunning", then "Carol said"); none when two share the first name.
    pub fn person_by_first_name(&self, first: &str, tok: usize) -> Option<usize> {
        let mut found = None;
        for (id, e) in self.entities.iter().enumerate() {
            if e.kind == SpeakerKind::Person
                && e.tokens.len() >= 2
                && e.tokens[0] == first
                && e.first_tok < tok
            {
                if found.is_some() {
                    return None;
                }
                found = Some(id);
            }
        }
        found
    }

    /// A person known so far only by surname (and maybe an honorific) whose surname and
    /// gender fit the full name `tokens`.
    pub fn surname_only_person(&self, tokens: &[String], gender: Option<Gender>) -> Option<usize> {
        let ids = self.by_surname.get(tokens.last()?)?;
        ids.iter().rev().take(64).copied().find(|&id| {
            let e = &self.entities[id];
            e.tokens.len() == 1
                && match (gender, e.gender) {
                    (Some(a), Some(b)) => a == b,
                    _ => true,
                }
        })
    }

    /// Give a surname-only person their full name.
    pub fn upgrade_name(&mut self, id: usize, tokens: Vec<String>, name: String) {
        self.by_full.insert(tokens.join(" "), id);
        let e = &mut self.entities[id];
        e.tokens = tokens;
        e.name = name;
    }

    /// The organisation, named before `tok`, whose name's initials spell this acronym
    /// ("BFU" for "the Brennian Farmers' Union"; "of", "for", "and" are skipped).
    pub fn org_by_acronym(&self, acronym: &str, tok: usize) -> Option<usize> {
        let n = acronym.chars().count();
        if !(2..=6).contains(&n) || !acronym.chars().all(|c| c.is_ascii_uppercase()) {
            return None;
        }
        self.entities
            .iter()
            .enumerate()
            .filter(|(_, e)| e.kind == SpeakerKind::Organization && e.first_tok < tok)
            .filter(|(_, e)| {
                let initials: String = e
                    .name
                    .split_whitespace()
                    .filter(|w| w.chars().next().is_some_and(char::is_uppercase))
                    .filter_map(|w| w.chars().next())
                    .collect();
                initials == acronym
            })
            .map(|(id, _)| id)
            .max_by_key(|&id| self.last_seen[id])
    }

    /// The one organisation named before `tok` whose name is `words` after one or two
    /// more words ("corvenian red lantern society" for "red lantern society").
    pub fn org_by_suffix(&self, words: &[String], tok: usize) -> Option<usize> {
        let mut found = self.entities.iter().enumerate().filter(|(_, e)| {
            e.kind == SpeakerKind::Organization
                && e.first_tok < tok
                && (e.tokens.len() == words.len() + 1 || e.tokens.len() == words.len() + 2)
                && e.tokens.ends_with(words)
        });
        match (found.next(), found.next()) {
            (Some((id, _)), None) => Some(id),
            _ => None,
        }
    }

    /// The organisation whose name contains this word (most recent first).
    pub fn org_by_token(&self, w: &str, tok: usize) -> Option<usize> {
        let ids = self.by_org_token.get(w)?;
        ids.iter()
            .rev()
            .take(64)
            .filter(|&&id| self.entities[id].first_tok <= tok)
            .max_by_key(|&&id| self.last_seen[id])
            .copied()
    }
}

/// Find capitalised runs in every sentence, classify them and build the registry.
pub(crate) fn build_registry(ctx: &Ctx) -> Registry {
    let mut reg = Registry::default();
    for (si, &(a, b)) in ctx.sent_toks.iter().enumerate() {
        let runs = cap_runs(ctx, a, b);
        let mut first_name_seen = false;
        for run in runs {
            let mi = reg.mentions.len();
            let m = classify_and_link(ctx, &mut reg, run, si, &mut first_name_seen);
            for t in m.start..m.end {
                reg.tok_mention.insert(t, mi);
            }
            reg.mentions.push(m);
            share_surname(ctx, &mut reg, mi);
        }
    }
    reg
}

/// "Anna and Piet Roos", "Gwen and Harold Pike": a first name alone before "and" and a
/// full name shares its surname, so the couple are two people (Anna, of the Roos
/// family), and "Anna" later is her. `mi` is the mention just added (the full name).
fn share_surname(ctx: &Ctx, reg: &mut Registry, mi: usize) {
    let toks = &ctx.toks;
    let m = &reg.mentions[mi];
    let (Some(id), true) = (m.entity, mi >= 1) else {
        return;
    };
    let first = &reg.mentions[mi - 1];
    let e = reg.entity(id);
    if m.class != NameClass::Person
        || e.tokens.len() != 2
        || first.sentence != m.sentence
        || first.end - first.start != 1
        || first.end + 1 != m.start
        || toks[first.end].lower != "and"
        || first
            .entity
            .is_some_and(|f| reg.entity(f).tokens.len() >= 2)
    {
        return;
    }
    let given = toks[first.start].lower.clone();
    let Some(gender) = lx::first_name_gender(&given) else {
        return;
    };
    let surname = e.tokens[1].clone();
    // Named as written ("Anna"): "Anna Roos" is nowhere in the text, and a report only
    // names what its source does.
    let name = toks[first.start].text.clone();
    let span = (toks[first.start].start, toks[first.end - 1].end);
    let mut partner = Entity::new(SpeakerKind::Person, name, first.start);
    partner.tokens = vec![given, surname];
    partner.gender = Some(gender);
    partner.mentions.push(span);
    let pid = reg.add_entity(partner);
    let first = &mut reg.mentions[mi - 1];
    first.entity = Some(pid);
    first.class = NameClass::Person;
}

/// A raw capitalised run before classification.
#[derive(Debug, Clone, Copy)]
struct Run {
    start: usize,
    end: usize,
    the: bool,
}

fn is_cap_name_word(ctx: &Ctx, i: usize) -> bool {
    let t = &ctx.toks[i];
    t.is_cap() && !lx::is_function_word(&t.lower)
}

/// A clause-initial role word that opens a body's name, known by the description after
/// it: "Passenger Watch, a consumer group, said" / "Tenant Voice, the housing charity,".
fn opens_body_name(ctx: &Ctx, s: usize, b: usize) -> bool {
    let toks = &ctx.toks;
    // "Friends of the Upper Marrow, a conservation group,": a plural noun with "of".
    let of_name = toks[s].lower.ends_with('s')
        && s + 2 < b
        && matches!(toks[s + 1].lower.as_str(), "of" | "for");
    let first = if of_name {
        s + 2 + usize::from(toks[s + 2].lower == "the")
    } else {
        s + 1
    };
    if first >= b || !is_cap_name_word(ctx, first) {
        return false;
    }
    let mut e = first;
    while e < b && is_cap_name_word(ctx, e) {
        e += 1;
    }
    // "Fair Play, a campaign group, ...", "Better Bills, the consumer campaign, ...": a
    // campaign's name of two or three common words, never an opener ("Meanwhile",
    // "Separately", "Asked") before a name.
    let w = toks[s].lower.as_str();
    let campaign_name = (e - s <= 3 || of_name)
        && !w.ends_with("ly")
        && !w.ends_with("ed")
        && !w.ends_with("ing")
        && !lx::is_function_word(w)
        && !lx::is_time_word(w)
        && lx::speech_verb(w).is_none()
        && !matches!(
            w,
            "meanwhile"
                | "still"
                | "instead"
                | "elsewhere"
                | "however"
                | "also"
                | "rivals"
                | "critics"
                | "later"
                | "earlier"
                | "now"
                | "then"
                | "today"
                | "yesterday"
        );
    if !lx::is_person_role(w) && !campaign_name {
        return false;
    }
    e + 2 < b
        && toks[e].is_punct(",")
        && matches!(toks[e + 1].lower.as_str(), "a" | "an" | "the")
        && toks[e + 2..(e + 5).min(b)]
            .iter()
            .take_while(|t| t.is_word() && !lx::is_person_role(&t.lower))
            .any(|t| !t.is_cap() && lx::is_org_noun(&t.lower))
}

/// A plural by its ending ("conservators", not "press").
fn looks_plural(w: &str) -> bool {
    w.ends_with('s') && !w.ends_with("ss")
}

/// "the Conservators of Harrowmoor and Feld", "Friends of the Upper Marrow, a
/// conservation group,": the plural at `s`, before "of", heads a body's name when the text
/// marks it as a name: an article (`the`), a capital mid-sentence, or the body's
/// description after it (before `b`).
fn plural_body_head(ctx: &Ctx, s: usize, the: bool, b: usize) -> bool {
    let toks = &ctx.toks;
    let w = toks[s].lower.as_str();
    w.len() > 3
        && looks_plural(w)
        && !lx::is_function_word(w)
        && toks
            .get(s + 1)
            .is_some_and(|n| matches!(n.lower.as_str(), "of" | "for"))
        && (the || !ctx.at_clause_start(s) || opens_body_name(ctx, s, b))
}

/// ", 81," right after a name at `end` (before `ceil`): an age in apposition.
fn age_after(ctx: &Ctx, end: usize, ceil: usize) -> bool {
    let toks = &ctx.toks;
    end + 2 < ceil
        && toks[end].is_punct(",")
        && toks[end + 1].kind == TokKind::Num
        && toks[end + 2].is_punct(",")
}

fn is_particle(w: &str) -> bool {
    PARTICLES.contains(&w)
}

/// When a name particle at `k` starts "de la Fuente" or "van Velde" (the particle before a
/// capitalised word, or a second lowercase particle before one, all before `ceil`), the
/// index of the word after the particle.
fn particle_run(ctx: &Ctx, k: usize, ceil: usize) -> Option<usize> {
    let toks = &ctx.toks;
    let particle = |i: usize| i < ceil && is_particle(&toks[i].lower);
    if !particle(k) || k + 1 >= ceil {
        return None;
    }
    if toks[k + 1].is_cap() {
        return Some(k + 1);
    }
    (particle(k + 1) && k + 2 < ceil && toks[k + 2].is_cap()).then_some(k + 2)
}

/// A clause-initial particle that opens a surname: "De la Fuente said", "Van der Velde
/// argued", "Al-Mourani said".
fn particle_surname(ctx: &Ctx, s: usize, b: usize) -> bool {
    let toks = &ctx.toks;
    // "Al-Mourani": the article joined by a hyphen.
    let hyphened = toks[s].text.split_once('-').is_some_and(|(p, rest)| {
        is_particle(&p.to_lowercase()) && rest.chars().next().is_some_and(char::is_uppercase)
    });
    hyphened
        || match particle_run(ctx, s, b) {
            // "De la Fuente": two particles.
            Some(n) if n == s + 2 => true,
            // "De Vries", not "De La ..." or "De The ...".
            Some(n) => is_cap_name_word(ctx, n) && !is_particle(&toks[n].lower),
            None => false,
        }
}

/// Capitalised runs in tokens `a..b`.
fn cap_runs(ctx: &Ctx, a: usize, b: usize) -> Vec<Run> {
    let toks = &ctx.toks;
    let mut out = Vec::new();
    let mut i = a;
    while i < b {
        let t = &toks[i];
        if !t.is_cap() {
            i += 1;
            continue;
        }
        let mut the = i > a && toks[i - 1].lower == "the" && toks[i - 1].is_word();
        let mut s = i;
        if t.lower == "the" {
            if i + 1 < b && is_cap_name_word(ctx, i + 1) {
                the = true;
                s = i + 1;
            } else {
                i += 1;
                continue;
            }
        } else if lx::is_function_word(&t.lower)
            && !ABBREV_TITLES.contains(&t.lower.as_str())
            && !(!ctx.at_clause_start(i)
                && !lx::is_subject_pronoun(&t.lower)
                && t.lower != "i"
                && i + 1 < b
                && is_cap_name_word(ctx, i + 1))
        {
            // A capitalised function word mid-sentence before a name is a first name
            // ("Per Lind", "Will Ostby").
            i += 1;
            continue;
        }
        // A clause-initial common word is not part of a name ("Rivals", "Asked").
        while s < b
            && ctx.at_clause_start(s)
            && toks[s].is_cap()
            && ctx.is_common_capital(s)
            && !opens_body_name(ctx, s, b)
            && !particle_surname(ctx, s, b)
            && !(lx::is_title(&toks[s].lower)
                && s + 1 < b
                && (toks[s + 1].is_cap()
                    || (toks[s + 1].is_punct(".") && s + 2 < b && toks[s + 2].is_cap())))
        {
            s += 1;
        }
        if s >= b || !toks[s].is_cap() {
            i = s.max(i + 1);
            continue;
        }
        // Day and month names are never part of a name ("On Monday Vadas said").
        // Abbreviations ("Jun", "Dec") only with their period: "Jun" is also a first name.
        let is_time = |k: usize| {
            let w = toks[k].lower.as_str();
            w != "may"
                && lx::is_time_word(w)
                && (w.len() > 3 || toks.get(k + 1).is_some_and(|n| n.is_punct(".")))
        };
        if is_time(s) {
            i = s + 1;
            continue;
        }
        let mut j = s;
        let mut has_org_head = false;
        // "the Conservators of Harrowmoor and Feld": a plural heading a body's name.
        let plural_head = plural_body_head(ctx, s, the, b);
        while j < b && j - s < 12 {
            let t = &toks[j];
            if t.is_cap() && is_time(j) {
                break;
            }
            if t.is_cap()
                && !(lx::is_function_word(&t.lower)
                    && j > s
                    && !ABBREV_TITLES.contains(&t.lower.as_str()))
            {
                has_org_head |= lx::is_org_noun(&t.lower);
                j += 1;
                continue;
            }
            let next_cap = j + 1 < b && toks[j + 1].is_cap();
            // "Tobias Wren Jr.": the suffix keeps its period, and the name ends there.
            if j > s && is_suffix_period(toks, j) {
                j += 1;
                break;
            }
            if t.is_punct(".") && j > s && next_cap {
                let p = &toks[j - 1];
                if (p.text.chars().count() == 1 && p.is_cap())
                    || ABBREV_TITLES.contains(&p.lower.as_str())
                {
                    j += 1;
                    continue;
                }
            }
            // "Maria de la Fuente", "Jan van der Velde": particles, one or two, before a
            // capitalised surname.
            if let Some(next) = particle_run(ctx, j, b).filter(|_| t.is_word() && j > s) {
                j = next;
                continue;
            }
            if t.kind == TokKind::Poss && t.text == "'" && next_cap {
                j += 1;
                continue;
            }
            // "the Dorn Trawlermen's Guild", "the People's Party": a possessive inside an
            // organisation's name.
            if t.kind == TokKind::Poss
                && next_cap
                && lx::is_org_name_head(&toks[j + 1].lower)
                && (j + 2 >= b || !toks[j + 2].is_cap())
            {
                j += 1;
                continue;
            }
            // 'Tomas "Tommo" Brandt', 'Edda "the Gull" Marrow': a nickname in quotes
            // between a first name and a surname.
            if t.kind == TokKind::QuoteMark && j > s && toks[j - 1].is_cap() {
                let close = (j + 2..(j + 5).min(b)).find(|&k| toks[k].kind == TokKind::QuoteMark);
                if let Some(c) = close {
                    // A title only after "the" ('"the Professor"'): a bare one would
                    // start a name of its own.
                    let nick = (j + 1..c).all(|k| {
                        toks[k].is_word()
                            && (toks[k].is_cap() || toks[k].lower == "the")
                            && (!lx::is_title(&toks[k].lower) || toks[k - 1].lower == "the")
                    }) && toks[c - 1].is_cap();
                    if nick && c + 1 < b && toks[c + 1].is_cap() && toks[c + 1].is_word() {
                        j = c + 1;
                        continue;
                    }
                }
            }
            // "the Route 9 Residents Group", "the Pier 3 Traders' Association": a number
            // inside a body's name, when the capitalised words after it end in the body's
            // noun (not a score: "Redmarsh 2 Harlow 1").
            if t.kind == TokKind::Num && j > s && toks[j - 1].is_cap() && next_cap {
                let mut m = j + 1;
                while m < b && m < j + 6 && (toks[m].is_cap() || toks[m].kind == TokKind::Poss) {
                    m += 1;
                }
                if (j + 1..m).any(|k| lx::is_org_noun(&toks[k].lower)) {
                    j += 1;
                    continue;
                }
            }
            // "Brennock Energy plc": a lowercase legal tail ends a firm's name.
            if j > s && toks[j - 1].is_cap() && is_legal_tail(t) {
                j += 1;
                break;
            }
            // "Odell & Finch": an ampersand between capitalised words is inside a name.
            if t.text == "&" && next_cap && j > s {
                j += 1;
                continue;
            }
            // "Sunvale Holdings of Kestrevia": a firm's name ends at its legal or trade
            // tail; "of" after it says where the firm is.
            let firm_of = t.lower == "of"
                && j > s
                && (matches!(
                    toks[j - 1].lower.as_str(),
                    "holdings" | "ltd" | "limited" | "plc" | "inc" | "llc" | "corp" | "industries"
                ) || lx::is_business_name_tail(&toks[j - 1].lower));
            if (has_org_head || the || plural_head)
                && !firm_of
                && matches!(t.lower.as_str(), "of" | "for" | "on")
            {
                if next_cap {
                    j += 1;
                    continue;
                }
                if j + 2 < b && toks[j + 1].lower == "the" && toks[j + 2].is_cap() {
                    j += 2;
                    continue;
                }
            }
            // "the Ministry of Health and Social Care", "the Ministry of Finance and
            // Housing": after "<body> of <Cap>", "and" joins one to three more capitalised
            // words that end the name and hold no title ("the Ministry of Defence and
            // Foreign Minister Ana Lutz" stays two).
            // "the Union of Smallholders and Tenant Farmers", "the Ministry of Coasts and
            // Fisheries": a department word or a role that modifies a plural is no title.
            if (has_org_head || plural_head)
                && t.lower == "and"
                && next_cap
                && j > s + 2
                && toks[j - 1].is_cap()
                && (s..j).any(|k| matches!(toks[k].lower.as_str(), "of" | "for"))
            {
                let mut m = j + 1;
                while m < b && m < j + 5 && toks[m].is_cap() {
                    m += 1;
                }
                let plain = (j + 1..m).all(|k| {
                    let w = toks[k].lower.as_str();
                    let next = (k + 1 < m).then(|| toks[k + 1].lower.as_str());
                    let before_plural = next.is_some_and(|n| n.ends_with('s'));
                    // ("Defence Secretary Ola Brun", "Foreign Minister Lutz" stay apart.)
                    let before_title =
                        next.is_some_and(|n| lx::is_title(n) || lx::is_person_role(n));
                    let blocks = lx::is_personal_title(w)
                        || (lx::is_title(w) && before_title)
                        || (lx::is_person_role(w) && !before_plural)
                        || lx::is_org_noun(w)
                        || lx::first_name_gender(w).is_some();
                    !blocks
                });
                if m - j - 1 <= 3 && plain && (m >= b || !toks[m].is_cap()) {
                    j = m;
                    continue;
                }
            }
            // "a group calling itself Carrow Ridge Rank and File": a name given as a name
            // keeps its "and".
            let given_name = s >= a + 2
                && (matches!(
                    (toks[s - 2].lower.as_str(), toks[s - 1].lower.as_str()),
                    ("calling" | "calls" | "called", "itself" | "themselves") | ("known", "as")
                ));
            if given_name && t.lower == "and" && next_cap {
                j += 1;
                continue;
            }
            // "the Economic Competition and Markets Office", "the Food and Drug Agency":
            // "and" inside a body's name, when the words after it end the name with an
            // organisation noun and the words before have none.
            if the && !has_org_head && t.lower == "and" && next_cap {
                let mut m = j + 1;
                while m < b && m < j + 5 && toks[m].is_cap() {
                    m += 1;
                }
                if lx::is_org_noun(&toks[m - 1].lower) && (m >= b || !toks[m].is_cap()) {
                    j += 1;
                    continue;
                }
            }
            break;
        }
        // Never end on a connector or a period (but "Jr." keeps its own, and "plc" is
        // part of the name).
        let keeps_end = |j: usize| {
            toks[j - 1].is_cap()
                || (j >= s + 2 && is_suffix_period(toks, j - 1))
                || is_legal_tail(&toks[j - 1])
        };
        while j > s && !keeps_end(j) {
            j -= 1;
        }
        if j > s {
            let the = the && (s == i + 1 || (s == i && i > a && toks[i - 1].lower == "the"));
            out.push(Run {
                start: s,
                end: j,
                the,
            });
        }
        i = j.max(i + 1);
    }
    out
}

/// Lowercase text of the name tokens in `s..e` (periods dropped).
fn name_tokens(ctx: &Ctx, s: usize, e: usize) -> Vec<String> {
    ctx.toks[s..e]
        .iter()
        .filter(|t| t.is_word())
        .map(|t| t.lower.clone())
        .collect()
}

/// The original-looking text of tokens `s..e` (working text, single spaces).
pub(crate) fn tokens_text(ctx: &Ctx, s: usize, e: usize) -> String {
    let mut out = String::new();
    for (k, t) in ctx.toks[s..e].iter().enumerate() {
        let glue = k > 0
            && (t.kind == TokKind::Poss
                || t.is_punct(".")
                || t.is_punct(",")
                || ctx.toks[s + k - 1].end == t.start);
        if k > 0 && !glue {
            out.push(' ');
        }
        out.push_str(&t.text);
    }
    out
}

fn classify_and_link(
    ctx: &Ctx,
    reg: &mut Registry,
    run: Run,
    si: usize,
    first_seen: &mut bool,
) -> NameMention {
    let toks = &ctx.toks;
    let (sa, sb) = ctx.sent_toks[si];
    let in_quote = toks[run.start].quote.is_some();
    let words: Vec<usize> = (run.start..run.end)
        .filter(|&k| toks[k].is_word())
        .collect();
    let lows: Vec<&str> = words.iter().map(|&k| toks[k].lower.as_str()).collect();
    let last = *lows.last().unwrap_or(&"");
    let after = run.end;
    // What follows: a role or organisation noun makes the run a modifier.
    let mut k = after;
    while k < sb
        && k < after + 3
        && toks[k].is_word()
        && !toks[k].is_cap()
        && (lx::is_role_qualifier(&toks[k].lower)
            || matches!(
                toks[k].lower.as_str(),
                "city"
                    | "state"
                    | "national"
                    | "local"
                    | "federal"
                    | "provincial"
                    | "municipal"
                    | "district"
                    | "county"
                    | "senior"
                    | "former"
                    | "top"
                    | "special"
                    | "own"
                    | "general"
            ))
    {
        k += 1;
    }
    let followed_by_role = k < sb
        && toks[k].is_word()
        && !toks[k].is_cap()
        && (lx::is_person_role(&toks[k].lower) || lx::is_group_noun(&toks[k].lower));
    let followed_by_org =
        k < sb && toks[k].is_word() && !toks[k].is_cap() && lx::is_org_noun(&toks[k].lower);
    let followed_by_poss = after < sb && toks[after].kind == TokKind::Poss;
    let before = if run.start > sa {
        Some(&toks[run.start - 1])
    } else {
        None
    };
    let before = if run.the && run.start > sa + 1 {
        Some(&toks[run.start - 2])
    } else {
        before
    };
    let after_prep = before.is_some_and(|t| {
        lx::is_preposition(&t.lower)
            || (t.lower.ends_with("ed") && t.lower.len() > 3 && !t.is_cap())
            || (t.lower.ends_with("ing") && t.lower.len() > 4)
    });

    // Titles: everything up to the last title word that still leaves a name after it
    // ("Ukrainian President Volodymyr Zelenskyy", "Trade Minister Karim Sayegh").
    // A quoted nickname's words are no title ('Halvard "the Professor" Stenmark').
    let in_nickname = |k: usize| {
        (run.start..k)
            .filter(|&q| toks[q].kind == TokKind::QuoteMark)
            .count()
            % 2
            == 1
    };
    let mut title_end = 0; // index into `words` of the first name word
    for (wi, w) in lows.iter().enumerate() {
        let w = w.trim_end_matches('.');
        if wi + 1 < lows.len()
            && (lx::is_title(w) || lx::is_person_role(w))
            && !in_nickname(words[wi])
        {
            title_end = wi + 1;
        }
    }
    // A clause-initial role word before a long run: "Shipbuilder Matteo Brand" (not a
    // first name that only looks like one: "Hector Ruiz Paredes").
    if title_end == 0
        && lows.len() >= 3
        && ctx.at_clause_start(words[0])
        && lx::first_name_gender(lows[0]).is_none()
        && (lx::is_person_role(lows[0]) || lx::has_agent_suffix(lows[0]))
    {
        title_end = 1;
    }
    let name_words = &words[title_end..];
    let name_lows: Vec<&str> = lows[title_end..].to_vec();
    let has_title = title_end > 0;
    let personal_title = lows[..title_end]
        .iter()
        .any(|w| lx::is_personal_title(w.trim_end_matches('.')))
        || lows[..title_end].iter().any(|w| lx::is_title(w));

    // "Bright Tide Energy", "Brennick Health": a portfolio word after a name that holds no
    // title ends a firm's or a trust's name, not a minister's title ("Energy Minister").
    let firm_tail = lows.len() >= 2
        && matches!(
            last,
            "energy" | "health" | "transport" | "industry" | "finance" | "trade" | "education"
        )
        && !lows[..lows.len() - 1].iter().any(|w| lx::is_title(w));
    // An organisation head as the last word, or before "of"/"for" ("Bank of Lessa").
    // "Odell & Finch": a firm's name.
    let org_head = lx::is_org_name_head(last)
        || firm_tail
        || (run.start..run.end).any(|k| toks[k].text == "&")
        || (run.start..run.end).any(|k| {
            lx::is_org_noun(&toks[k].lower)
                && toks
                    .get(k + 1)
                    .is_some_and(|n| matches!(n.lower.as_str(), "of" | "for"))
        });
    // "the Ramblers of Feld and District", "Friends of the Upper Marrow, a ... group": a
    // plural before "of" heads a body's name (cap_runs let the run go on only then).
    let org_head = org_head || (lows.len() >= 3 && plural_body_head(ctx, run.start, run.the, sb));
    let seat = lx::is_seat_of_power(&lows);
    // "The company, Dorn Steel," / "Dorn Steel, the steelmaker that ...": an apposition
    // headed by an organisation noun makes the name an organisation.
    // "Edna Marsh, 81,": an age in apposition makes a person.
    let aged = age_after(ctx, run.end, sb);
    // The apposition's organisation noun, before or after the name.
    let appos_head = (run.start > sa + 1
        && toks[run.start - 1].is_punct(",")
        // "... shares a building with the old school, Edna Marsh": the object of a
        // preposition is no apposition's head.
        && np_left(ctx, run.start - 1, sa)
            .is_some_and(|s0| s0 == sa || !lx::is_preposition(&toks[s0 - 1].lower))
        // "Counsel for the company, Mara Quillfeather,": the body only places a role.
        && np_left(ctx, run.start - 1, sa).is_some_and(|s0| {
            !(s0..run.start - 2).any(|k| {
                lx::is_person_role(&toks[k].lower)
                    && matches!(toks[k + 1].lower.as_str(), "for" | "of" | "at" | "to")
            })
        })
        && {
            let h = &toks[run.start - 2];
            // "the capital, Ledwick": a lowercase capital is a city, not a firm.
            h.is_word()
                && !h.is_cap()
                && lx::is_org_noun(&h.lower)
                && !lx::is_person_role(&h.lower)
                && h.lower != "capital"
        })
    .then(|| run.start - 2)
    .or_else(|| {
        (run.end + 2 < sb
            && toks[run.end].is_punct(",")
            && matches!(toks[run.end + 1].lower.as_str(), "the" | "a" | "an"))
        .then(|| {
            (run.end + 2..(run.end + 5).min(sb))
                .take_while(|&k| toks[k].is_word() && !lx::is_person_role(&toks[k].lower))
                // "Dov Mertens, the group's chair": the group owns the role, he holds it.
                .filter(|&k| {
                    !toks[k].is_cap()
                        && lx::is_org_noun(&toks[k].lower)
                        && toks.get(k + 1).is_none_or(|n| {
                            // "an opposition member of ...": the body only modifies a role.
                            n.kind != TokKind::Poss
                                && !(n.is_word() && lx::is_person_role(&n.lower))
                        })
                })
                .last()
        })
        .flatten()
    });
    let appos_org = appos_head.is_some();
    let which_after =
        run.end + 1 < sb && toks[run.end].is_punct(",") && toks[run.end + 1].lower == "which";
    // "the consumer group Shoppers' Council", "fans' group Supporters United": a name
    // right after an organisation noun names that organisation.
    let named_org = (run.start > sa
        && toks[run.start - 1].is_word()
        && !toks[run.start - 1].is_cap()
        && lx::is_org_noun(&toks[run.start - 1].lower)
        && !lx::is_person_role(&toks[run.start - 1].lower))
        // "a group of workers calling itself Carrow Ridge Rank and File".
        || (run.start >= sa + 2
            && matches!(toks[run.start - 1].lower.as_str(), "itself" | "themselves")
            && matches!(toks[run.start - 2].lower.as_str(), "calling" | "calls" | "called"));
    // "the village of Little Wendram", "the port city of Osk".
    let of_place = run.start > sa + 1
        && toks[run.start - 1].lower == "of"
        && toks[run.start - 2].is_word()
        && !toks[run.start - 2].is_cap()
        && lx::is_place_word(&toks[run.start - 2].lower);
    // "Jenna Park said", "Park said" after her: a place word that is also a surname names
    // a person when a known first name opens the run, when the run is that person's
    // surname, or when a speech verb follows.
    let speaks_next = toks.get(run.end).is_some_and(|t| {
        t.is_word() && !t.is_cap() && lx::speech_verb(&t.lower).is_some_and(|(_, part)| !part)
    });
    let surname_like = matches!(
        last,
        "park"
            | "hill"
            | "hills"
            | "lane"
            | "field"
            | "fields"
            | "green"
            | "heath"
            | "ridge"
            | "strand"
    ) && ((name_lows.len() >= 2
        && lx::first_name_gender(name_lows[0]).is_some())
        || (name_lows.len() == 1
            && reg
                .person_by_surname(name_lows[0], run.start, None)
                .is_some_and(|id| reg.entity(id).first_tok < run.start))
        || speaks_next
        // "Ilona Strand, who teaches law, said" / "Ada Green, 54,": described as a person.
        || aged
        || (name_lows.len() >= 2
            && toks.get(run.end).is_some_and(|t| t.is_punct(","))
            && toks.get(run.end + 1).is_some_and(|t| t.lower == "who")));
    // "Redmarsh City said", "Castle Town said": a town's name that speaks is its club.
    let club = name_lows.len() >= 2 && matches!(last, "city" | "town" | "county") && speaks_next;
    let place = (lx::is_place_word(last) && !surname_like)
        || of_place
        || matches!(
            lows.first().copied(),
            Some("port" | "mount" | "lake" | "cape" | "fort" | "san" | "santa" | "saint")
        );
    let time = lows.iter().all(|w| lx::is_time_word(w));

    // ("the Ministry of Coasts and Fisheries": a department after "and" ends a body's name.)
    let department_tail = org_head && lows.len() >= 4 && lows[lows.len() - 2] == "and";
    let ends_in_title =
        lx::is_title(last) && !lx::is_org_name_head(last) && !firm_tail && !department_tail;
    // "According to Holm, the mission would need ..." after "Mira Holm": the surname of a
    // person named before outweighs a comma phrase that only looks like an apposition.
    let known_surname = name_lows.len() == 1
        && reg
            .person_by_surname(name_lows[0], run.start, None)
            .is_some_and(|id| reg.entity(id).first_tok < run.start);
    // "Lord Pennick of Gale Harrow": the place after a peer's "of" is part of the title.
    let peer_seat = run.start >= sa + 3
        && toks[run.start - 1].lower == "of"
        && toks[run.start - 2].is_cap()
        && lx::is_peerage_title(&toks[run.start - 3].lower)
        && toks[run.start - 3].is_cap();
    let class = if time || name_words.is_empty() || ends_in_title || peer_seat {
        NameClass::Other
    } else if (followed_by_role || followed_by_org) && !has_title {
        NameClass::Modifier
    } else if seat
        || org_head
        || club
        // "Passenger Watch, a consumer group": a role word that opens a body's name.
        || ((named_org || appos_org) && (!has_title || !personal_title) && !known_surname && !aged)
        // "Tollgate House, which regulates the market": "which" is for things and bodies.
        || (which_after
            && !has_title
            && !known_surname
            && name_lows.len() >= 2
            && lx::first_name_gender(name_lows[0]).is_none())
    {
        NameClass::Org
    } else if place && !personal_title {
        NameClass::Place
    } else if run.the && !has_title {
        NameClass::Org
    } else if (has_title && personal_title)
        || (name_words.len() >= 2
            && name_words.len() <= 4
            && !words
                .iter()
                .zip(&lows)
                .any(|(&k, w)| lx::is_title(w) && !in_nickname(k)))
    {
        NameClass::Person
    } else if name_words.len() == 1
        && (lx::is_title(lows[0]) || lx::is_person_role(lows[0]) || lx::is_group_noun(lows[0]))
    {
        NameClass::Other
    } else if name_words.len() == 1
        && !in_quote
        && reg.org_by_token(name_lows[0], run.start).is_none()
        && lone_first_name(ctx, run, sa, sb)
    {
        NameClass::Person
    } else if name_words.len() == 1 {
        NameClass::Single
    } else {
        NameClass::Other
    };

    // A body's name keeps a role word that opens it ("Passenger Watch", not "Watch").
    let name_start = if class == NameClass::Org && !personal_title {
        run.start
    } else {
        name_words.first().copied().unwrap_or(run.start)
    };
    let outer_start = {
        let mut o = if run.the { run.start - 1 } else { run.start };
        if class == NameClass::Person {
            o = role_prefix_start(ctx, run.start, sa).unwrap_or(o);
        }
        o
    };
    let subjectish = class != NameClass::Modifier
        && class != NameClass::Other
        && class != NameClass::Place
        && !in_quote
        && !*first_seen
        && !after_prep
        && !followed_by_poss;
    if matches!(
        class,
        NameClass::Person | NameClass::Org | NameClass::Single
    ) && !in_quote
        && !after_prep
    {
        *first_seen = true;
    }
    let mut m = NameMention {
        start: name_start,
        end: run.end,
        outer_start,
        sentence: si,
        class,
        entity: None,
        subjectish,
        in_quote,
    };
    let span = (toks[name_start].start, toks[run.end - 1].end);
    match class {
        NameClass::Person => {
            let nt = name_tokens(ctx, name_start, run.end);
            let honorific = lows[..title_end]
                .iter()
                .find(|w| lx::is_honorific(w.trim_end_matches('.')))
                .map(|w| w.to_string());
            let gender = lows[..title_end]
                .iter()
                .find_map(|w| lx::title_gender(w.trim_end_matches('.')));
            // "De la Fuente" after "Maria de la Fuente", "Ferraro Lenzi" after "Paolo
            // Ferraro Lenzi": a surname of two or more words (with a particle, or two
            // family names) is the surname of the person whose name ends with it.
            let long_surname = (nt.len() >= 2)
                .then(|| reg.person_by_surname(&nt[nt.len() - 1], name_start, gender))
                .flatten()
                .filter(|&id| {
                    let t = &reg.entity(id).tokens;
                    t.len() > nt.len() && t.ends_with(&nt)
                });
            let id = if long_surname.is_some() {
                long_surname
            } else if nt.len() >= 2 {
                match reg.by_name(&nt.join(" ")) {
                    // "Gwen and Harold Pike", later "Gwen Pike": she was named as written,
                    // and now her full name is in the text.
                    Some(id) if reg.entity(id).name.split_whitespace().count() < nt.len() => {
                        reg.upgrade_name(id, nt.clone(), tokens_text(ctx, name_start, run.end));
                        Some(id)
                    }
                    Some(id) => Some(id),
                    // "Mr. Vadas" first, "Elke Vadas" later: one person, now fully named.
                    None if reg.surname_only_person(&nt, gender).is_some() => {
                        let id = reg.surname_only_person(&nt, gender).expect("checked above");
                        reg.upgrade_name(id, nt.clone(), tokens_text(ctx, name_start, run.end));
                        Some(id)
                    }
                    None => {
                        let mut e = Entity::new(
                            SpeakerKind::Person,
                            tokens_text(ctx, name_start, run.end),
                            name_start,
                        );
                        e.tokens = nt.clone();
                        Some(reg.add_entity(e))
                    }
                }
            } else {
                // Honorific or title + surname; without either, maybe a first name used
                // after the full name ("Carol Dunning ... Carol said").
                // "Sir Gerald" after "Sir Gerald Moffatt": a knight or dame is known by
                // the first name.
                let knighted = lows[..title_end]
                    .iter()
                    .any(|w| matches!(*w, "sir" | "dame"));
                let by_first = || {
                    (title_end == 0 || knighted)
                        .then(|| reg.person_by_first_name(&nt[0], name_start))
                        .flatten()
                };
                match reg
                    .person_by_surname(&nt[0], name_start, gender)
                    .or_else(by_first)
                {
                    Some(id) => Some(id),
                    None => {
                        // "Lord Tresham of Wyckholt" is how a peer is named; "Lord
                        // Tresham" and "Tresham" refer back.
                        let peer = name_start > run.start
                            && lx::is_peerage_title(&toks[name_start - 1].lower);
                        let seat_end = (peer
                            && run.end + 1 < sb
                            && toks[run.end].lower == "of"
                            && toks[run.end + 1].is_cap())
                        .then(|| {
                            (run.end + 1..sb)
                                .take_while(|&k| toks[k].is_cap() && toks[k].is_word())
                                .last()
                                .map_or(run.end, |k| k + 1)
                        });
                        let name = match (peer, seat_end) {
                            (true, Some(end)) => tokens_text(ctx, name_start - 1, end),
                            (true, None) => tokens_text(ctx, name_start - 1, run.end),
                            _ => tokens_text(ctx, name_start, run.end),
                        };
                        let mut e = Entity::new(SpeakerKind::Person, name, name_start);
                        e.tokens = nt.clone();
                        Some(reg.add_entity(e))
                    }
                }
            };
            if let Some(id) = id {
                let e = reg.entity_mut(id);
                if e.gender.is_none() {
                    // A lone first name ("Her boss, Colm,") tells its gender too.
                    e.gender = gender.or_else(|| {
                        (e.tokens.len() >= 2 || (title_end == 0 && e.honorific.is_none()))
                            .then(|| e.tokens.first().and_then(|t| lx::first_name_gender(t)))
                            .flatten()
                    });
                }
                if e.honorific.is_none() {
                    e.honorific = honorific;
                }
                e.mentions.push(span);
                reg.touch(id, name_start);
                m.entity = Some(id);
                attach_roles(ctx, reg, id, &m, run, title_end, &words);
            }
        }
        NameClass::Org => {
            // "Kastrel's Defence Ministry": a generic body's name ("Defence Ministry",
            // "Interior Ministry") takes its country's possessive along, so two countries'
            // ministries stay two voices.
            let possessor = (!run.the
                && run.start >= sa + 2
                && toks[run.start - 1].kind == TokKind::Poss
                && toks[run.start - 2].is_cap()
                && toks[run.start - 2].is_word()
                && lows.iter().any(|w| lx::is_org_noun(w))
                && lows.iter().all(|w| lx::is_org_noun(w) || lx::is_title(w)))
            .then(|| run.start - 2);
            let first = possessor.unwrap_or(run.start);
            let mut nt = name_tokens(ctx, run.start, run.end);
            if let Some(p) = possessor {
                nt.insert(0, format!("{}'s", toks[p].lower));
            }
            let key = nt.join(" ");
            // "the Movement" after "the Sable River Movement": the body named before.
            let short_form = || {
                (run.the && nt.len() == 1 && lx::is_org_noun(&nt[0]))
                    .then(|| reg.org_by_token(&nt[0], run.start))
                    .flatten()
            };
            // "the Red Lantern Society" after "the Corvenian Red Lantern Society": the
            // body's name without the words that place it.
            let shortened = || {
                (nt.len() >= 2 && lx::is_org_noun(&nt[nt.len() - 1]))
                    .then(|| reg.org_by_suffix(&nt, run.start))
                    .flatten()
            };
            let acronym = || {
                (nt.len() == 1)
                    .then(|| reg.org_by_acronym(&toks[run.end - 1].text, run.start))
                    .flatten()
            };
            let id = match reg
                .by_name(&key)
                .or_else(short_form)
                .or_else(shortened)
                .or_else(acronym)
            {
                Some(id) => id,
                None => {
                    let name = if run.the {
                        format!("the {}", tokens_text(ctx, run.start, run.end))
                    } else {
                        tokens_text(ctx, first, run.end)
                    };
                    let mut e = Entity::new(SpeakerKind::Organization, name, first);
                    // "the campaign group Tessel Watch": a name with no body noun of its
                    // own takes the noun it was introduced with, so "the group" finds it.
                    // "the Association of School Caterers": the body's noun comes before
                    // "of" or "for".
                    let before_of = lows
                        .iter()
                        .position(|w| matches!(*w, "of" | "for"))
                        .unwrap_or(lows.len());
                    e.head = lows[..before_of]
                        .iter()
                        .rev()
                        .chain(lows[before_of..].iter().rev())
                        .find(|w| lx::is_org_noun(w))
                        .map(|w| w.to_string())
                        .or_else(|| named_org.then(|| toks[run.start - 1].lower.clone()))
                        // "Fair Play, a campaign group, ...": the apposition's noun (not
                        // the voice in "... to Tessmoor, the firm said").
                        .or_else(|| {
                            appos_head
                                .filter(|&k| {
                                    toks.get(k + 1)
                                        .is_none_or(|n| lx::speech_verb(&n.lower).is_none())
                                })
                                .map(|k| toks[k].lower.clone())
                        })
                        // "the Conservators of Harrowmoor": the plural before "of", so
                        // "the conservators" finds them.
                        .or_else(|| {
                            (before_of > 0 && before_of < lows.len())
                                .then(|| lows[before_of - 1])
                                .filter(|w| looks_plural(w))
                                .map(str::to_string)
                        });
                    e.tokens = nt;
                    e.places = words
                        .iter()
                        .filter(|&&k| {
                            !lx::is_org_noun(&toks[k].lower)
                                && !lx::is_function_word(&toks[k].lower)
                        })
                        .map(|&k| toks[k].text.clone())
                        .collect();
                    reg.add_entity(e)
                }
            };
            let outer = if run.the { run.start - 1 } else { first };
            reg.entity_mut(id)
                .mentions
                .push((toks[outer].start, span.1));
            reg.touch(id, run.start);
            m.entity = Some(id);
            m.start = run.start;
        }
        NameClass::Single => {
            let w = name_lows[0];
            if let Some(id) = reg
                .person_by_surname(w, name_start, None)
                .or_else(|| reg.person_by_first_name(w, name_start))
            {
                reg.entity_mut(id).mentions.push(span);
                reg.touch(id, name_start);
                m.entity = Some(id);
                m.class = NameClass::Person;
                attach_roles(ctx, reg, id, &m, run, 0, &words);
            } else if let Some(id) = reg
                .org_by_token(w, name_start)
                .or_else(|| reg.org_by_acronym(&toks[name_start].text, name_start))
            {
                reg.entity_mut(id).mentions.push(span);
                reg.touch(id, name_start);
                m.entity = Some(id);
                m.class = NameClass::Org;
            }
        }
        _ => {}
    }
    m
}

/// Whether a one-word name is a person introduced by first name alone: "a shepherd named
/// Oren", "His wife, Lorna, ...", "Hanna, whose son was captured, ...", "Priya, from
/// Hollins Bay, said", "Joseph, a farmer from Eastmarch, disagreed".
fn lone_first_name(ctx: &Ctx, run: Run, sa: usize, sb: usize) -> bool {
    let toks = &ctx.toks;
    if run.the || run.end - run.start != 1 {
        return false;
    }
    let named = (run.start > sa + 1
        && matches!(toks[run.start - 1].lower.as_str(), "named" | "called")
        && toks[run.start - 2].is_word()
        && lx::is_person_role(&toks[run.start - 2].lower))
        // "A shopkeeper who gave only his first name, Teo,".
        || (run.start > sa + 2
            && toks[run.start - 1].is_punct(",")
            && toks[run.start - 2].lower == "name"
            && toks[run.start - 3].lower == "first");
    // A person noun in apposition before: "His wife, Lorna," / "a fuel seller, Maret,".
    let role_before = run.start > sa + 1
        && toks[run.start - 1].is_punct(",")
        && toks[run.start - 2].is_word()
        && !toks[run.start - 2].is_cap()
        && lx::is_person_role(&toks[run.start - 2].lower)
        && np_left(ctx, run.start - 1, sa).is_some_and(|s0| {
            matches!(
                toks[s0].lower.as_str(),
                "his" | "her" | "their" | "a" | "an" | "the" | "my" | "our"
            )
        })
        && run.end < sb
        && toks[run.end].is_punct(",");
    // After a preposition the word is a place or a thing ("asked Gareth, from Westholm,
    // who works shifts"): what follows it describes someone else.
    let after_preposition = run.start > sa
        && toks[run.start - 1].is_word()
        && lx::is_preposition(&toks[run.start - 1].lower);
    let comma_after = run.end + 1 < sb && toks[run.end].is_punct(",");
    // A relative clause about a person: "Hanna, whose son ..., had been waiting".
    let who_after = comma_after
        && !after_preposition
        && matches!(toks[run.end + 1].lower.as_str(), "who" | "whose");
    // A caller or passer-by with a home town: "Priya, from Hollins Bay, said".
    let from_after = comma_after
        && !after_preposition
        && toks[run.end + 1].lower == "from"
        && toks.get(run.end + 2).is_some_and(|t| t.is_cap());
    // A person noun in apposition after: "Joseph, a farmer from Eastmarch, disagreed".
    let role_after = comma_after
        && !after_preposition
        && matches!(toks[run.end + 1].lower.as_str(), "a" | "an")
        && toks[run.end + 2..sb.min(run.end + 6)]
            .iter()
            .take_while(|t| t.is_word() && !lx::is_preposition(&t.lower))
            .any(|t| !t.is_cap() && lx::is_person_role(&t.lower));
    // An age in apposition: "said Mara, 34, a nurse", "Kai, 17, who came with friends".
    let aged = comma_after
        && !after_preposition
        && age_after(ctx, run.end, sb)
        && toks[run.end + 1]
            .text
            .parse::<u32>()
            .is_ok_and(|n| (1..120).contains(&n));
    named || role_before || who_after || from_after || role_after || aged
}

/// Where a lowercase role prefix before a personal name starts ("opposition lawmaker
/// Zofia Cerny", "Federation commissioner Edna Garraway"), if there is one.
fn role_prefix_start(ctx: &Ctx, run_start: usize, sa: usize) -> Option<usize> {
    let toks = &ctx.toks;
    if run_start == sa {
        return None;
    }
    let p = &toks[run_start - 1];
    if !(p.is_word() && !p.is_cap() && (lx::is_person_role(&p.lower) || lx::is_title(&p.lower))) {
        return None;
    }
    let mut k = run_start - 1;
    let limit = run_start.saturating_sub(6).max(sa);
    while k > limit {
        let t = &toks[k - 1];
        let ok = (t.is_word()
            && !lx::is_function_word(&t.lower)
            && !lx::is_preposition(&t.lower)
            && lx::speech_verb(&t.lower).is_none())
            || t.kind == TokKind::Poss;
        if !ok {
            break;
        }
        k -= 1;
    }
    Some(k)
}

/// Attach roles from the title, a role prefix and appositions around a person mention.
fn attach_roles(
    ctx: &Ctx,
    reg: &mut Registry,
    id: usize,
    m: &NameMention,
    run: Run,
    title_end: usize,
    words: &[usize],
) {
    let toks = &ctx.toks;
    let (sa, sb) = ctx.sent_toks[m.sentence];
    // Title inside the run, plus any lowercase prefix before it.
    let prefix_start = m.outer_start;
    if title_end > 0 || prefix_start < run.start {
        let mut end = if title_end > 0 {
            words[title_end - 1] + 1
        } else {
            run.start
        };
        // Honorifics are not roles: "Government negotiator Dr. Samuel Aferi".
        while end > prefix_start
            && (toks[end - 1].is_punct(".")
                || matches!(toks[end - 1].lower.as_str(), "dr" | "prof" | "sir" | "dame")
                || lx::is_honorific(&toks[end - 1].lower))
        {
            end -= 1;
        }
        if let Some(role) = role_from_tokens(ctx, prefix_start, end) {
            reg.entity_mut(id).add_role(role);
        }
    }
    // A role as predicate: "Ruth Calloway has been headteacher at the school for years",
    // "Ada Roe is now the harbourmaster".
    {
        let mut k = m.end;
        let mut copula = false;
        while k < sb
            && k < m.end + 4
            && matches!(
                toks[k].lower.as_str(),
                "has"
                    | "had"
                    | "have"
                    | "been"
                    | "is"
                    | "was"
                    | "became"
                    | "becomes"
                    | "now"
                    | "also"
                    | "still"
                    | "serves"
                    | "served"
                    | "as"
            )
        {
            copula |= !matches!(toks[k].lower.as_str(), "now" | "also" | "still");
            k += 1;
        }
        let r0 = k;
        if k < sb && matches!(toks[k].lower.as_str(), "a" | "an" | "the") {
            k += 1;
        }
        let mut role_end = None;
        while k < sb && k < r0 + 4 && toks[k].is_word() && !toks[k].is_cap() {
            if lx::is_person_role(&toks[k].lower) {
                role_end = Some(k + 1);
            } else if role_end.is_some() {
                break;
            }
            k += 1;
        }
        // "was the minister's adviser": the role belongs to someone else.
        let possessed = |re: usize| toks.get(re).is_some_and(|t| t.kind == TokKind::Poss);
        if let Some(re) = role_end.filter(|&re| copula && !possessed(re)) {
            if let Some(role) = role_from_tokens(ctx, r0, re) {
                reg.entity_mut(id).add_role(role);
            }
        }
    }
    // Apposition after: "X, the defence minister," / "X, president of the union,"; an age
    // may come first ("Piotr Vance, 48, the deputy mayor for culture").
    let comma = if age_after(ctx, m.end, sb) {
        m.end + 2
    } else {
        m.end
    };
    if comma < sb && toks[comma].is_punct(",") {
        let s = comma + 1;
        let mut e = s;
        while e < sb
            && e - s < 16
            && !toks[e].is_punct(",")
            && !toks[e].is_punct(".")
            && toks[e].kind != TokKind::QuoteMark
        {
            e += 1;
        }
        // "X, who leads the General Workers' Union," / "X, the developer who has chaired
        // Dunmarrow since 2016,": the verb after "who" (and "has") names the role.
        let who = (s..e).find(|&k| toks[k].lower == "who");
        let (who, has) = match who {
            Some(w) if w + 1 < e && matches!(toks[w + 1].lower.as_str(), "has" | "have") => {
                (Some(w + 1), true)
            }
            other => (other, false),
        };
        if let Some(v) = who.filter(|&w| w + 2 < e) {
            let head = match toks[v + 1].lower.as_str() {
                "leads" | "led" => Some("leader"),
                "heads" | "headed" | "runs" => Some("head"),
                "chairs" | "chaired" => Some("chair"),
                "moderates" | "moderated" => Some("moderator"),
                "directs" => Some("director"),
                "manages" => Some("manager"),
                "founded" => Some("founder"),
                "owns" => Some("owner"),
                "coaches" => Some("coach"),
                _ => None,
            };
            let object = &toks[v + 2];
            if let Some(head) = head
                .filter(|_| object.is_cap() || matches!(object.lower.as_str(), "the" | "a" | "an"))
            {
                // "who chaired the meeting" is the event being reported, not a past post.
                let event = v + 3 < e
                    && toks[v + 2].lower == "the"
                    && matches!(
                        toks[v + 3].lower.as_str(),
                        "meeting" | "session" | "hearing" | "debate" | "panel" | "discussion"
                    );
                let former = !has
                    && !event
                    && matches!(
                        toks[v + 1].lower.as_str(),
                        "led" | "headed" | "chaired" | "moderated"
                    );
                reg.entity_mut(id).add_role(Role {
                    head: head.to_string(),
                    quals: Vec::new(),
                    places: Vec::new(),
                    former,
                    text: format!("{head} of {}", tokens_text(ctx, v + 2, e)),
                });
            }
        }
        // "Oskar Dremm, for the defence,": counsel in a courtroom.
        if e == s + 3
            && toks[s].lower == "for"
            && toks[s + 1].lower == "the"
            && matches!(
                toks[s + 2].lower.as_str(),
                "defence" | "defense" | "prosecution" | "crown" | "claimant" | "plaintiff"
            )
        {
            reg.entity_mut(id).add_role(Role {
                head: "counsel".to_string(),
                text: format!("counsel {}", tokens_text(ctx, s, e)),
                ..Role::default()
            });
        }
        if s < e {
            let first = &toks[s];
            let mut re0 = s;
            while re0 < e
                && !matches!(
                    toks[re0].lower.as_str(),
                    "who" | "whose" | "which" | "whom" | "that"
                )
            {
                re0 += 1;
            }
            // "the defence minister", "president of the union", "Dunmark's prime minister".
            let starts_ok = lx::is_determiner(&first.lower)
                && !matches!(first.lower.as_str(), "this")
                || (!first.is_cap()
                    && (lx::is_person_role(&first.lower) || lx::is_role_qualifier(&first.lower)))
                || (first.is_cap()
                    && np_left(ctx, re0, s) == Some(s)
                    && toks[s..re0].iter().any(|t| t.kind == TokKind::Poss));
            if starts_ok {
                // Stop at a relative pronoun.
                let mut re = s;
                while re < e
                    && !matches!(
                        toks[re].lower.as_str(),
                        "who" | "whose" | "which" | "whom" | "that"
                    )
                {
                    re += 1;
                }
                // "It was Petra Hallorn, the person said.": a description that a speech
                // verb follows is the sentence's speaker, not the name's apposition.
                let speaks = toks[s..re]
                    .iter()
                    .rev()
                    .find(|t| t.is_word())
                    .is_some_and(|t| lx::speech_verb(&t.lower).is_some_and(|(_, part)| !part));
                if let Some(role) = role_from_apposition(ctx, s, re).filter(|_| !speaks) {
                    reg.entity_mut(id).add_role(role);
                }
                if toks[s..e].iter().any(|t| t.lower == "herself") {
                    reg.entity_mut(id).gender.get_or_insert(Gender::Female);
                }
                if toks[s..e].iter().any(|t| t.lower == "himself") {
                    reg.entity_mut(id).gender.get_or_insert(Gender::Male);
                }
            }
        }
    }
    // Apposition before: "Its spokesman, Henri Roquet" / "Vell's prime minister, Arvid Fodor".
    if m.outer_start > sa + 1 && toks[m.outer_start - 1].is_punct(",") {
        let e = m.outer_start - 1;
        if let Some(s) = np_left(ctx, e, sa) {
            if let Some(role) = role_from_tokens(ctx, s, e) {
                reg.entity_mut(id).add_role(role);
            }
        }
    }
}

/// Build a role from tokens `s..e` ("the environment minister of Nordhavn",
/// "Calmira's navy chief", "Ukrainian President"). None if no role noun is found.
pub(crate) fn role_from_tokens(ctx: &Ctx, s: usize, e: usize) -> Option<Role> {
    role_from(ctx, s, e, false)
}

/// Like [`role_from_tokens`], for a phrase set off next to a name ("X, an epidemiologist
/// at Y,"), where an article plus an unknown noun is still a role.
pub(crate) fn role_from_apposition(ctx: &Ctx, s: usize, e: usize) -> Option<Role> {
    role_from(ctx, s, e, true)
}

fn role_from(ctx: &Ctx, s: usize, e: usize, unknown_head: bool) -> Option<Role> {
    let toks = &ctx.toks;
    if s >= e {
        return None;
    }
    let mut s = s;
    let had_article = toks[s].is_word()
        && matches!(
            toks[s].lower.as_str(),
            "a" | "an" | "the" | "his" | "her" | "its" | "their"
        );
    while s < e && toks[s].is_word() && lx::is_determiner(&toks[s].lower) {
        s += 1;
    }
    // The head: the last role noun before any "of/for/at/with" connector.
    let mut cut = e;
    for (k, t) in toks.iter().enumerate().take(e).skip(s) {
        if matches!(
            t.lower.as_str(),
            "of" | "for" | "at" | "with" | "in" | "from" | "to" | "who" | "whose" | "which" | "and"
        ) && k > s
        {
            cut = k;
            break;
        }
    }
    let mut head_idx = None;
    for k in (s..cut).rev() {
        let w = toks[k].lower.as_str();
        if toks[k].is_word() && (lx::is_person_role(w) || lx::is_title(w)) {
            head_idx = Some(k);
            break;
        }
    }
    // "secretary general", "attorney general": the first word is the head.
    if let Some(h) = head_idx {
        if toks[h].lower == "general"
            && h > s
            && matches!(
                toks[h - 1].lower.as_str(),
                "secretary"
                    | "attorney"
                    | "director"
                    | "surgeon"
                    | "inspector"
                    | "auditor"
                    | "solicitor"
                    | "governor"
            )
        {
            head_idx = Some(h - 1);
        }
    }
    // An apposition names a role the lexicon may not know ("an epidemiologist at ..."):
    // its last lowercase noun before any connector is the head.
    if unknown_head && head_idx.is_none() && cut > s {
        let k = cut - 1;
        let t = &toks[k];
        if had_article
            && t.is_word()
            && !t.is_cap()
            && !lx::is_function_word(&t.lower)
            && !lx::is_org_noun(&t.lower)
            && !lx::is_document_noun(&t.lower)
            && lx::speech_verb(&t.lower).is_none()
        {
            head_idx = Some(k);
        }
    }
    let h = head_idx?;
    // The stated role without its possessor: "Vadas's own defence minister" → "defence
    // minister" (the possessor still counts as a place below).
    let mut ts = s;
    for (k, t) in toks.iter().enumerate().take(h).skip(s) {
        if t.kind == TokKind::Poss {
            ts = k + 1;
        }
    }
    while ts < h && matches!(toks[ts].lower.as_str(), "own" | "new") {
        ts += 1;
    }
    let mut role = Role {
        head: toks[h].lower.trim_end_matches('.').to_string(),
        text: tokens_text(ctx, ts, e),
        ..Role::default()
    };
    for (k, t) in toks.iter().enumerate().take(e).skip(s) {
        if k == h || !t.is_word() {
            continue;
        }
        if t.lower == "former" || t.lower == "ex" || t.lower == "retired" {
            role.former = true;
        } else if t.is_cap() && !lx::is_title(&t.lower) && !lx::is_function_word(&t.lower) {
            role.places.push(t.text.clone());
        } else if (!t.is_cap() || lx::is_title(&t.lower))
            && k < cut
            && (lx::is_role_qualifier(&t.lower)
                || lx::is_title(&t.lower)
                || lx::is_person_role(&t.lower))
        {
            role.quals.push(t.lower.clone());
        }
    }
    Some(role)
}

/// Start of the noun phrase ending just before token `e` (exclusive), walking left no
/// further than `floor`: names, role and organisation nouns, modifiers, possessives and
/// "of/for/at" connectors inside a description. None when nothing nominal is there.
pub(crate) fn np_left(ctx: &Ctx, e: usize, floor: usize) -> Option<usize> {
    let toks = &ctx.toks;
    if e <= floor {
        return None;
    }
    let mut k = e;
    let mut n = 0;
    while k > floor && n < 14 {
        let t = &toks[k - 1];
        if t.quote.is_some() && t.kind != TokKind::Poss && toks[e - 1].quote.is_none() {
            break;
        }
        let w = t.lower.as_str();
        let ok = match t.kind {
            TokKind::Poss => k - 1 > floor && toks[k - 2].is_word(),
            TokKind::Num => true,
            TokKind::Word => {
                if lx::is_determiner(w) {
                    // Include and stop, unless the article sits inside "X for the Y".
                    k -= 1;
                    let anon_link = k > floor + 1
                        && lx::is_anonymous_tail(&toks[k - 2].lower, &toks[k - 1].lower);
                    if anon_link {
                        k -= 1;
                        n += 2;
                        continue;
                    }
                    if k > floor + 1
                        && matches!(toks[k - 1].lower.as_str(), "of" | "for" | "at" | "from")
                    {
                        let before = &toks[k - 2];
                        if before.is_word()
                            && (lx::is_person_role(&before.lower)
                                || lx::is_org_noun(&before.lower)
                                || lx::is_group_noun(&before.lower)
                                || before.is_cap())
                        {
                            k -= 1;
                            n += 2;
                            continue;
                        }
                    }
                    // "a woman in the third row", "a young man in a grey hoodie": a
                    // person told apart by where they sit or what they wear.
                    if k > floor + 1 && lx::is_place_or_dress_link(&toks[k - 1].lower) {
                        let before = &toks[k - 2];
                        if before.is_word() && !before.is_cap() && lx::is_person_role(&before.lower)
                        {
                            k -= 1;
                            n += 2;
                            continue;
                        }
                    }
                    break;
                }
                if w == "not"
                    && k > floor + 1
                    && toks.get(k).is_some_and(|n| lx::is_not_party_to(&n.lower))
                    && lx::is_person_role(&toks[k - 2].lower)
                {
                    // "a senior prosecutor not involved in the case".
                    true
                } else if k > floor + 1 && lx::is_anonymous_tail(&toks[k - 2].lower, w) {
                    // "a source familiar with", "a person close to", "officials briefed
                    // on", "a diplomat involved in".
                    true
                } else if matches!(w, "of" | "for" | "at" | "from" | "in") {
                    // Connector inside a description ("a spokesman for X").
                    k > floor + 1 && {
                        let before = &toks[k - 2];
                        before.is_word()
                            && !before.is_cap()
                            && (lx::is_person_role(&before.lower)
                                || lx::is_group_noun(&before.lower)
                                || lx::is_org_noun(&before.lower))
                            // "the Ministry of Defence", "a Department for Education
                            // official".
                            || (before.is_cap()
                                && matches!(w, "of" | "for")
                                && lx::is_org_noun(&before.lower))
                            || (before.is_word() && lx::is_group_noun(&before.lower))
                            // "Ola Brun from Dorn", "Ola Brun of the Greens": the name heads it.
                            || (before.is_cap() && matches!(w, "of" | "from" | "at"))
                    }
                } else if t.is_cap() {
                    !lx::is_function_word(w) || ABBREV_TITLES.contains(&w)
                } else if toks
                    .get(k)
                    .is_some_and(|n| lx::is_anonymous_tail(w, &n.lower))
                {
                    true
                } else {
                    !lx::is_function_word(w)
                        && !lx::is_preposition(w)
                        && lx::speech_verb(w).is_none()
                        && !lx::is_verb_filler(w)
                        && !lx::is_negation(w)
                        && !matches!(
                            w,
                            "and"
                                | "or"
                                | "but"
                                | "that"
                                | "who"
                                | "which"
                                | "was"
                                | "were"
                                | "is"
                                | "are"
                                | "been"
                                | "be"
                        )
                }
            }
            TokKind::Punct => {
                // "Odell & Finch".
                (t.text == "&"
                    && k < e
                    && k - 1 > floor
                    && toks[k - 2].is_cap()
                    && toks[k].is_cap())
                    || t.text == "." && k - 1 > floor && toks[k - 2].is_cap() && {
                        let p = &toks[k - 2];
                        p.text.chars().count() == 1
                            || ABBREV_TITLES.contains(&p.lower.as_str())
                            // "Tobias Wren Jr. said".
                            || (is_suffix_period(toks, k - 1)
                                && k - 2 > floor
                                && toks[k - 3].is_cap())
                    }
            }
            TokKind::QuoteMark => false,
        };
        if !ok {
            break;
        }
        k -= 1;
        n += 1;
    }
    // Never start on a connector or a possessive marker.
    while k < e
        && (matches!(
            toks[k].lower.as_str(),
            "of" | "for" | "at" | "from" | "with" | "to" | "in"
        ) || toks[k].kind == TokKind::Poss)
    {
        k += 1;
    }
    (k < e).then_some(k)
}

/// End (exclusive) of the noun phrase starting at `s`, no further than `ceil`.
pub(crate) fn np_right(ctx: &Ctx, s: usize, ceil: usize) -> Option<usize> {
    let toks = &ctx.toks;
    let mut k = s;
    let mut seen_det = false;
    while k < ceil && k - s < 14 {
        let t = &toks[k];
        let w = t.lower.as_str();
        let ok = match t.kind {
            TokKind::Poss | TokKind::Num => k > s,
            TokKind::Word => {
                if lx::is_determiner(w) {
                    let numeral = matches!(
                        w,
                        "one"
                            | "two"
                            | "three"
                            | "four"
                            | "five"
                            | "six"
                            | "several"
                            | "many"
                            | "some"
                            | "both"
                    );
                    let demonstrative = matches!(w, "this" | "these" | "those");
                    // An article after a name starts a new phrase ("told Ola Brun the plan").
                    let after_name = k > s && toks[k - 1].is_cap();
                    let ok = (!seen_det && (!demonstrative || k == s) && !after_name)
                        || numeral
                        || (k > s
                            && matches!(
                                toks[k - 1].lower.as_str(),
                                "of" | "for"
                                    | "at"
                                    | "from"
                                    | "with"
                                    | "to"
                                    | "on"
                                    | "in"
                                    | "near"
                                    | "by"
                            ));
                    seen_det = true;
                    ok
                } else if k > s && lx::is_anonymous_tail(&toks[k - 1].lower, w) {
                    // The anonymous source's usual tail: "a person familiar with the
                    // talks", "a source close to the board", "an official briefed on it",
                    // "a diplomat involved in the talks".
                    k + 1 < ceil && (toks[k + 1].is_cap() || lx::is_determiner(&toks[k + 1].lower))
                } else if lx::is_place_or_dress_link(w)
                    && k > s
                    && matches!(toks[s].lower.as_str(), "a" | "an")
                    && toks[k - 1].is_word()
                    && lx::is_person_role(&toks[k - 1].lower)
                    && k + 2 < ceil
                    && matches!(toks[k + 1].lower.as_str(), "a" | "an" | "the")
                    && !toks[k + 2].is_cap()
                {
                    // "a woman in the third row", "a man in a yellow oilskin (by the
                    // door)": one phrase of place or dress tells an unnamed person apart.
                    true
                } else if w == "in" {
                    // "a senior official in the League's arms office", "officials in
                    // Dunmark": where an unnamed voice works. Not after a definite phrase
                    // ("said the minister in Geneva": where they spoke), nor before an
                    // unnamed thing ("an official in a statement").
                    let unnamed_voice = k > s
                        && toks[k - 1].is_word()
                        && (lx::is_person_role(&toks[k - 1].lower)
                            || lx::is_plural_role(&toks[k - 1].lower))
                        && (matches!(toks[s].lower.as_str(), "a" | "an")
                            || !lx::is_determiner(&toks[s].lower));
                    unnamed_voice
                        && k + 1 < ceil
                        && (toks[k + 1].is_cap()
                            || (toks[k + 1].lower == "the" && k + 2 < ceil && toks[k + 2].is_cap()))
                } else if matches!(w, "of" | "for" | "at" | "from") {
                    k > s
                        && k + 1 < ceil
                        && (toks[k + 1].is_cap() || lx::is_determiner(&toks[k + 1].lower))
                        && {
                            let p = &toks[k - 1];
                            p.is_word()
                                // "a commander in the riverside town of Pelm".
                                && (w == "of"
                                    && toks[k + 1].is_cap()
                                    && matches!(
                                        p.lower.as_str(),
                                        "town" | "city" | "village" | "district" | "province"
                                            | "region" | "county" | "valley" | "island" | "port"
                                    )
                                    || lx::is_person_role(&p.lower)
                                    || lx::is_org_noun(&p.lower)
                                    || lx::is_group_noun(&p.lower)
                                    || lx::is_document_noun(&p.lower))
                        }
                } else if t.is_cap() {
                    true
                } else if k > s && toks[k - 1].is_cap() && particle_run(ctx, k, ceil).is_some() {
                    // "Jan van der Velde": particles inside a name.
                    true
                } else {
                    !lx::is_function_word(w)
                        && !lx::is_preposition(w)
                        // After an article a cue word is a noun ("the talks").
                        && (lx::speech_verb(w).is_none()
                            || (k > s && matches!(toks[k - 1].lower.as_str(), "the" | "a" | "an")))
                        && !lx::is_verb_filler(w)
                        && !lx::is_negation(w)
                        && !matches!(w, "and" | "or" | "but" | "that" | "who" | "which" | "was" | "were" | "is" | "are" | "has" | "had" | "have")
                        // A word between a noun and an article is a verb ("a source
                        // close to the delegation gave a muddled account").
                        && !(k > s
                            && !lx::is_determiner(&toks[k - 1].lower)
                            && toks[k - 1].is_word()
                            && !lx::is_person_role(w)
                            && !lx::is_org_noun(w)
                            && !lx::is_group_noun(w)
                            && toks.get(k + 1).is_some_and(|n| k + 1 < ceil && matches!(n.lower.as_str(), "a" | "an" | "the")))
                        // A lowercase word after a name ends the phrase ("Obi vehicles"),
                        // unless it modifies a role or body that follows ("a Calvessan
                        // security official").
                        && !(k > s && toks[k - 1].is_cap() && !lx::is_person_role(w) && !lx::is_org_noun(w) && !lx::is_group_noun(w) && !lx::is_role_qualifier(w)
                            && !toks.get(k + 1).is_some_and(|n| k + 1 < ceil && n.is_word() && (lx::is_person_role(&n.lower) || lx::is_org_noun(&n.lower))))
                }
            }
            TokKind::Punct => {
                t.text == "." && k > s && k + 1 < ceil && toks[k + 1].is_cap() && {
                    let p = &toks[k - 1];
                    p.is_cap()
                        && (p.text.chars().count() == 1
                            || ABBREV_TITLES.contains(&p.lower.as_str()))
                }
            }
            TokKind::QuoteMark => false,
        };
        if !ok {
            break;
        }
        k += 1;
    }
    while k > s
        && (matches!(
            toks[k - 1].lower.as_str(),
            "of" | "for" | "at" | "from" | "with" | "to" | "on"
        ) || lx::is_determiner(&toks[k - 1].lower)
            || toks[k - 1].is_punct("."))
    {
        k -= 1;
    }
    (k > s).then_some(k)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::normalize::Doc;
    use crate::text::quotes::find_quotes;
    use crate::text::sentences::{split_paragraphs, split_sentences};
    use crate::text::tokens::tokenize;

    fn registry(text: &str) -> (Ctx, Registry) {
        let d = Doc::new(text);
        let p = split_paragraphs(&d);
        let q = find_quotes(&d, &p);
        let s = split_sentences(&d, &p, &q);
        let (t, r) = tokenize(&d, &s, &q);
        let ctx = Ctx::new(t, r, s, q);
        let reg = build_registry(&ctx);
        (ctx, reg)
    }

    fn names(reg: &Registry) -> Vec<(String, SpeakerKind)> {
        reg.entities
            .iter()
            .map(|e| (e.name.clone(), e.kind))
            .collect()
    }

    #[test]
    fn titles_split_from_names_and_surnames_link() {
        let (_, reg) =
            registry("Harbour Minister Odile Fenwright opened the port. Fenwright spoke first.");
        assert_eq!(
            names(&reg),
            vec![("Odile Fenwright".to_string(), SpeakerKind::Person)]
        );
        let e = &reg.entities[0];
        assert_eq!(e.mentions.len(), 2);
        assert_eq!(e.roles[0].head, "minister");
    }

    #[test]
    fn organisations_places_and_modifiers() {
        let (_, reg) = registry(
            "The Guild of Lamp Makers met in Port Selwyn. Gravel Union chief Aino Pekkala left for Quay Street.",
        );
        let n = names(&reg);
        assert!(n.contains(&(
            "the Guild of Lamp Makers".to_string(),
            SpeakerKind::Organization
        )));
        assert!(n.contains(&("Aino Pekkala".to_string(), SpeakerKind::Person)));
        assert!(!n
            .iter()
            .any(|(s, _)| s.contains("Selwyn") || s.contains("Quay")));
        let aino = reg
            .entities
            .iter()
            .find(|e| e.name == "Aino Pekkala")
            .unwrap();
        assert_eq!(aino.roles[0].head, "chief");
    }

    #[test]
    fn same_surname_stays_apart() {
        let (_, reg) = registry("Ines Marlow coaches. Teodor Marlow plays. Ines Marlow won.");
        assert_eq!(reg.entities.len(), 2);
    }

    #[test]
    fn appositions_give_roles() {
        let (_, reg) = registry(
            "Its treasurer, Bruna Oyelaran, left. Casimir Dunn, the harbour master of Lessa, stayed.",
        );
        let b = reg
            .entities
            .iter()
            .find(|e| e.name == "Bruna Oyelaran")
            .unwrap();
        assert_eq!(b.roles[0].head, "treasurer");
        let c = reg
            .entities
            .iter()
            .find(|e| e.name == "Casimir Dunn")
            .unwrap();
        assert!(c
            .roles
            .iter()
            .any(|r| r.places.contains(&"Lessa".to_string())));
    }
}
