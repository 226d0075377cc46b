//! Resolution: speech-act subjects → entities, and entities with statements → speakers.
//!
//! Walks the sentences in order keeping a short salience history (who was mentioned,
//! who was a subject, who spoke). Names were linked to entities by `mentions`; here
//! - pronouns (he/she → people and anonymous sources, it → organisations, they → groups)
//!   go to the cheapest recent candidate: nearer sentences are cheaper, subjects cheaper
//!   than objects, gender must agree, and in the pronoun's own sentence only a subject
//!   before it counts ("Answering Avdic, she asked" is not Avdic);
//! - descriptions ("the minister", "the Vell prime minister", "the company", "the
//!   official") go to the most recent entity whose role or organisation head and places
//!   agree, never to a "former" holder; with no such entity, a leader-like description
//!   goes to the one recent person whose known roles do not contradict it; otherwise it
//!   becomes a new voice named by the description;
//! - indefinite descriptions ("a senior Teral official") start anonymous sources, plural
//!   ones with a proper modifier ("Ukrainian officials") start groups;
//! - quote-only sentences go to the speaker of the previous quote or statement in the
//!   paragraph (or of the quote they continue, or the one introduced by a colon), else
//!   to the attributed speaker of the next sentence in the paragraph.
//!
//! The result is every entity with at least one statement, with its mentions (names,
//! surnames and standalone descriptions that resolve to it; not pronouns, not appositive
//! role phrases next to the name).

use std::collections::{HashMap, HashSet};

use super::attribution::{anonymity_at, Desc, DescKind, SentenceActs, SubjectRef};
use super::lexicon as lx;
use super::mentions::{
    role_from_apposition, role_from_tokens, tokens_text, Ctx, Entity, Gender, NameClass,
    NameMention, Registry, Role,
};
use super::normalize::Doc;
use super::{Speaker, Statement};
use crate::report::{Mention, Span, SpeakerKind, StatementKind};

#[derive(Debug, Clone, Copy)]
struct Ev {
    tok: usize,
    sentence: usize,
    entity: usize,
    subj: bool,
}

/// A statement attached to an entity, in working offsets.
#[derive(Debug, Clone)]
struct Attached {
    start: usize,
    end: usize,
    kind: StatementKind,
    cue: String,
    sentence: usize,
}

struct Resolver<'c, 'r> {
    ctx: &'c Ctx,
    reg: &'r mut Registry,
    events: Vec<Ev>,
    statements: HashMap<usize, Vec<Attached>>,
    /// (entity, start, end) of every attached statement, to drop duplicates in O(1).
    attached_spans: HashSet<(usize, usize, usize)>,
    /// Description spans resolved to entities (working chars).
    desc_mentions: Vec<(usize, (usize, usize))>,
    /// Who each quote was given to.
    quote_owner: HashMap<usize, (usize, String)>,
}

/// Resolve every sentence's acts and build the speakers.
pub(crate) fn resolve(
    doc: &Doc,
    ctx: &Ctx,
    reg: &mut Registry,
    acts: Vec<SentenceActs>,
) -> Vec<Speaker> {
    let mut r = Resolver {
        ctx,
        reg,
        events: Vec::new(),
        statements: HashMap::new(),
        attached_spans: HashSet::new(),
        desc_mentions: Vec::new(),
        quote_owner: HashMap::new(),
    };
    r.run(&acts);
    r.scan_descriptions();
    r.build(doc)
}

impl Resolver<'_, '_> {
    fn run(&mut self, all: &[SentenceActs]) {
        let ctx = self.ctx;
        let mut mention_ptr = 0usize;
        // Per sentence: the entity of the last statement-bearing act and its cue.
        let mut last_speaker: Vec<Option<(usize, String)>> = vec![None; all.len()];
        let mut colon_from: Option<(usize, usize, String)> = None; // (sentence, entity, cue)
        let mut pending: Vec<(usize, usize)> = Vec::new(); // (sentence, quote)

        // The last act spoken by exactly two people ("X and Y said"), for "the two leaders
        // said" after it: (sentence, the two).
        let mut last_pair: Option<(usize, [usize; 2])> = None;
        for (si, sa) in all.iter().enumerate() {
            // Mentions of this sentence enter the history first.
            while mention_ptr < self.reg.mentions.len()
                && self.reg.mentions[mention_ptr].sentence <= si
            {
                let m = &self.reg.mentions[mention_ptr];
                if m.sentence == si && !m.in_quote {
                    if let Some(e) = m.entity {
                        if matches!(
                            m.class,
                            NameClass::Person | NameClass::Org | NameClass::Single
                        ) {
                            self.events.push(Ev {
                                tok: m.start,
                                sentence: si,
                                entity: e,
                                subj: m.subjectish,
                            });
                        }
                    }
                }
                mention_ptr += 1;
            }
            // A sentence that opens with an organisation description ("The union rejected
            // the deal.") makes it a referent for a later "it", even before it speaks.
            self.sentence_initial_org(si, &sa.acts);
            self.sentence_initial_anonymous(si, &sa.acts);
            self.name_revealed(si, &sa.acts);
            self.spouse_introduced(si, &sa.acts);
            let mut prev_ids: Vec<usize> = Vec::new();
            for act in &sa.acts {
                let mut ids = Vec::new();
                let pair = match act.subjects.as_slice() {
                    [SubjectRef::Desc(d)] if refers_to_pair(ctx, d) => {
                        last_pair.filter(|&(ps, _)| si <= ps + 2).map(|(_, p)| p)
                    }
                    _ => None,
                };
                if let Some(p) = pair {
                    ids.extend(p);
                } else {
                    for sr in &act.subjects {
                        match sr {
                            SubjectRef::SameAsPrevious => ids.extend(prev_ids.iter().copied()),
                            other => {
                                if let Some(id) = self.resolve_subject(other, si) {
                                    ids.push(id);
                                }
                            }
                        }
                    }
                }
                ids.dedup();
                if let [x, y] = ids[..] {
                    if x != y
                        && [x, y]
                            .iter()
                            .all(|&id| self.reg.entity(id).kind == SpeakerKind::Person)
                    {
                        last_pair = Some((si, [x, y]));
                    }
                }
                if ids.is_empty() {
                    continue;
                }
                if let Some((rs, re)) = act.role {
                    // "Passenger Watch, a consumer group, said": a name with no body noun
                    // takes the apposition's, so "the group" later finds it.
                    let body_noun = (rs..re)
                        .rev()
                        .map(|k| &ctx.toks[k])
                        .find(|t| t.is_word() && !t.is_cap() && lx::is_org_noun(&t.lower));
                    for &id in &ids {
                        let ent = self.reg.entity_mut(id);
                        if ent.kind == SpeakerKind::Organization && ent.head.is_none() {
                            ent.head = body_noun.map(|t| t.lower.clone());
                        }
                    }
                    if let Some(role) = role_from_apposition(ctx, rs, re) {
                        for &id in &ids {
                            if self.reg.entity(id).kind == SpeakerKind::Person {
                                self.reg.entity_mut(id).add_role(role.clone());
                            }
                        }
                    }
                }
                for &id in &ids {
                    self.events.push(Ev {
                        tok: act.subject_tok,
                        sentence: si,
                        entity: id,
                        subj: true,
                    });
                    for st in &act.statements {
                        self.attach(id, st.start, st.end, st.kind, &act.cue_text, si);
                        if st.kind == StatementKind::Direct {
                            if let Some(q) = self.quote_at(st.start) {
                                self.quote_owner.insert(q, (id, act.cue_text.clone()));
                            }
                        }
                    }
                }
                if !act.statements.is_empty() {
                    last_speaker[si] = Some((ids[0], act.cue_text.clone()));
                }
                if act.colon_intro {
                    colon_from = Some((si, ids[0], act.cue_text.clone()));
                }
                prev_ids = ids;
            }
            // Free quotes.
            let para = ctx.sent_spans[si].2;
            for &q in &sa.free_quotes {
                let quote = &ctx.quotes[q];
                let mut owner: Option<(usize, String)> = None;
                if let Some(prev) = quote.continues {
                    if let Some(x) = self.quote_owner.get(&prev) {
                        owner = Some(x.clone());
                    }
                }
                if owner.is_none() {
                    if let Some((cs, e, cue)) = colon_from.clone() {
                        if cs + 1 == si || cs == si {
                            owner = Some((e, cue));
                        }
                    }
                }
                if owner.is_none() && sa.quote_only {
                    // The previous attributed sentence in this paragraph (three back at most).
                    for back in 1..=3 {
                        if back > si {
                            break;
                        }
                        let ps = si - back;
                        if ctx.sent_spans[ps].2 != para {
                            break;
                        }
                        // "He shook his head. \"...\"": the one who just acted speaks.
                        if back == 1 && all[ps].acts.is_empty() {
                            if let Some(id) = self.gesture_subject(ps) {
                                owner = Some((id, "said".to_string()));
                                break;
                            }
                        }
                        if let Some(x) = last_speaker[ps].clone() {
                            owner = Some(x);
                            break;
                        }
                        if !all[ps].acts.is_empty() {
                            break;
                        }
                    }
                }
                match owner {
                    Some((e, cue)) => {
                        self.attach(e, quote.start, quote.end, StatementKind::Direct, &cue, si);
                        self.quote_owner.insert(q, (e, cue.clone()));
                        self.events.push(Ev {
                            tok: ctx.sent_toks[si].0,
                            sentence: si,
                            entity: e,
                            subj: true,
                        });
                        last_speaker[si] = Some((e, cue));
                    }
                    None if sa.quote_only || quote.open_end => pending.push((si, q)),
                    None => {}
                }
            }
            if colon_from.as_ref().is_some_and(|(cs, _, _)| cs + 1 < si) {
                colon_from = None;
            }
        }
        // Quote-only sentences that open a paragraph: the next attributed sentence of the
        // paragraph, or the speaker of the previous paragraph's closing quote.
        for (si, q) in pending {
            let para = ctx.sent_spans[si].2;
            let mut owner = None;
            for ns in si + 1..(si + 3).min(all.len()) {
                if ctx.sent_spans[ns].2 != para {
                    break;
                }
                if let Some(x) = last_speaker[ns].clone() {
                    // "\"...\" Festival director Kasia Morrow gave that reason, saying ...":
                    // the next sentence opens with its speaker.
                    let opens_with_speaker = ns == si + 1
                        && all[ns].acts.iter().any(|a| {
                            a.subject_tok <= ctx.sent_toks[ns].0 + 3 && !a.statements.is_empty()
                        });
                    if opens_with_speaker
                        || all[ns].acts.iter().any(|a| {
                            a.open || a.statements.iter().any(|s| s.kind == StatementKind::Direct)
                        })
                    {
                        owner = Some(x);
                    }
                    break;
                }
            }
            // A paragraph that is only a quote, right after a paragraph that ended with
            // one speaker's words, continues them.
            if owner.is_none()
                && si > 0
                && ctx.sent_spans[si - 1].2 + 1 == para
                && all[si].quote_only
            {
                let ps = si - 1;
                let speakers = all[ps]
                    .acts
                    .iter()
                    .filter(|a| !a.statements.is_empty())
                    .count();
                if speakers == 1 {
                    owner = last_speaker[ps].clone();
                }
            }
            if let Some((e, cue)) = owner {
                let quote = &ctx.quotes[q];
                self.attach(e, quote.start, quote.end, StatementKind::Direct, &cue, si);
                self.quote_owner.insert(q, (e, cue));
            }
        }
    }

    /// The person a short, quoteless sentence opens with ("He shook his head.", "Soler
    /// laughed."), when nobody else is named in it: the speaker of a bare quote right
    /// after it.
    fn gesture_subject(&mut self, si: usize) -> Option<usize> {
        let ctx = self.ctx;
        let (a, b) = ctx.sent_toks[si];
        if b - a > 10 || (a..b).any(|k| ctx.toks[k].quote.is_some()) {
            return None;
        }
        let people: Vec<&NameMention> = self
            .reg
            .mentions
            .iter()
            .filter(|m| m.sentence == si && m.class == NameClass::Person)
            .collect();
        let verb_at = |k: usize| {
            ctx.toks.get(k).is_some_and(|t| {
                k < b && t.is_word() && !t.is_cap() && lx::speech_verb(&t.lower).is_none()
            })
        };
        match (ctx.toks[a].lower.as_str(), &people[..]) {
            ("he" | "she", []) if verb_at(a + 1) => self.resolve_pronoun(a, si),
            (_, [m]) if m.start == a && verb_at(m.end) => m.entity,
            _ => None,
        }
    }

    fn sentence_initial_org(&mut self, si: usize, acts: &[super::attribution::Act]) {
        let ctx = self.ctx;
        let (a, b) = ctx.sent_toks[si];
        if a + 1 >= b || acts.iter().any(|x| x.subject_tok == a) {
            return;
        }
        // "The [Dorn transport] ministry ..." or "Sulvan's [foreign] ministry ...".
        let det_end = if ctx.toks[a].lower == "the" {
            a + 1
        } else if ctx.toks[a].is_cap() && ctx.toks[a + 1].kind == super::tokens::TokKind::Poss {
            a + 2
        } else {
            return;
        };
        // The first organisation noun within a few words.
        let Some(h) = (det_end..(det_end + 5).min(b)).find(|&k| {
            let t = &ctx.toks[k];
            t.is_word() && !t.is_cap() && lx::is_org_noun(&t.lower)
        }) else {
            return;
        };
        if (det_end..h).any(|k| {
            let t = &ctx.toks[k];
            !t.is_word() || lx::is_function_word(&t.lower) || lx::speech_verb(&t.lower).is_some()
        }) {
            return;
        }
        // "the rail operator": the head is the last of a run of organisation nouns.
        let mut h = h;
        while h + 1 < b && {
            let t = &ctx.toks[h + 1];
            t.is_word() && !t.is_cap() && lx::is_org_noun(&t.lower)
        } {
            h += 1;
        }
        let e = h + 1;
        let named = |k: usize| {
            self.reg
                .tok_mention
                .get(&k)
                .is_some_and(|&mi| self.reg.mentions[mi].entity.is_some())
        };
        // "Teskland's postal operator, Carradine Post, wants ...", "The campaign group
        // Tessel Watch declined": the name that follows, in apposition or right after the
        // noun, is the body; the description is not a second one.
        if (det_end..e).any(named)
            || (e < b && named(e))
            || (e + 1 < b && ctx.toks[e].is_punct(",") && named(e + 1))
        {
            return;
        }
        let d = Desc {
            start: a,
            end: e,
            head: e - 1,
            kind: DescKind::Org,
            indefinite: false,
        };
        self.introduce(&d, si);
    }

    /// Resolve a description that opens sentence `si` without speaking and record it as
    /// the sentence's subject: a referent for the pronouns and descriptions that follow.
    fn introduce(&mut self, d: &Desc, si: usize) {
        if let Some(id) = self.resolve_desc_subject(d, si) {
            self.events.push(Ev {
                tok: d.start,
                sentence: si,
                entity: id,
                subj: true,
            });
        }
    }

    /// A sentence that opens with an unnamed source and its anonymity clause ("A senior
    /// Dolmari official, who asked not to be named, was blunter.") introduces that source
    /// before it speaks, so the next sentence's "he said" and "the official" find it.
    ///
    /// The same for an office named without a name and described by a relative clause
    /// ("The finance minister, who once dismissed the bloc, has become its champion."): the
    /// holder is introduced, so "the minister told a rally" next refers to them.
    fn sentence_initial_anonymous(&mut self, si: usize, acts: &[super::attribution::Act]) {
        let ctx = self.ctx;
        let (a, b) = ctx.sent_toks[si];
        if a >= b {
            return;
        }
        let definite = ctx.toks[a].lower == "the";
        // "A second diplomat was more guarded": an ordinal sets a new voice beside one
        // already heard, so it is introduced too.
        let ordinal = a + 1 < b && lx::is_ordinal(&ctx.toks[a + 1].lower);
        // "A man in a yellow oilskin by the door spent his two minutes on diesel.": a
        // person told apart by place or dress is someone the report will come back to.
        let told_apart = matches!(ctx.toks[a].lower.as_str(), "a" | "an")
            && (a + 1..(a + 5).min(b)).any(|k| {
                ctx.toks[k].is_word()
                    && lx::is_person_role(&ctx.toks[k].lower)
                    && ctx
                        .toks
                        .get(k + 1)
                        .is_some_and(|n| lx::is_place_or_dress_link(&n.lower))
            });
        if !(definite
            || matches!(ctx.toks[a].lower.as_str(), "a" | "an")
                && (anonymity_at(ctx, a, b).is_some() || ordinal || told_apart))
        {
            return;
        }
        // A sentence whose own subject speaks introduces nobody; a pronoun later in it
        // ("..., which he said had risen") refers to the person it opens with.
        if acts.iter().any(|x| {
            x.subject_tok >= a
                && x.subject_tok < b
                && !(told_apart && matches!(x.subjects.as_slice(), [SubjectRef::Pronoun(_)]))
        }) {
            return;
        }
        // The description runs to the first comma or relative/participle clause.
        let clause = (a + 1..(a + 16).min(b)).find(|&k| {
            let t = &ctx.toks[k];
            t.is_punct(",") || matches!(t.lower.as_str(), "who" | "speaking" | "whose")
        });
        let Some(e) = clause.or_else(|| told_apart.then_some((a + 16).min(b))) else {
            return;
        };
        // ... or to its verb ("A second diplomat was more guarded, ...", "A man in a
        // yellow oilskin by the door spent ...").
        let e = if ordinal || clause.is_none() {
            super::mentions::np_right(ctx, a, e).unwrap_or(e)
        } else {
            e
        };
        let Some(SubjectRef::Desc(d)) = super::attribution::np_subject(ctx, self.reg, a, e) else {
            return;
        };
        let relative = ctx.toks[e].is_punct(",")
            && ctx
                .toks
                .get(e + 1)
                .is_some_and(|t| matches!(t.lower.as_str(), "who" | "whose"));
        if d.kind == DescKind::Person && (d.indefinite || (definite && relative)) {
            self.introduce(&d, si);
        }
    }

    /// "Gwen and Harold Pike ... Her husband was more careful.": a sentence that opens with
    /// "his wife" / "her husband" and doesn't speak brings the spouse forward, so the
    /// next sentence's "he said" finds them. The spouse is the one named person (in the
    /// last six sentences) who shares the surname of the last man (or woman) named.
    fn spouse_introduced(&mut self, si: usize, acts: &[super::attribution::Act]) {
        let ctx = self.ctx;
        let (a, b) = ctx.sent_toks[si];
        if a + 2 >= b || acts.iter().any(|x| x.subject_tok >= a && x.subject_tok < b) {
            return;
        }
        let partner_gender = match (ctx.toks[a].lower.as_str(), ctx.toks[a + 1].lower.as_str()) {
            ("his", "wife") => Gender::Male,
            ("her", "husband") => Gender::Female,
            _ => return,
        };
        let named = self.people_named_before(a, si.saturating_sub(6));
        let reg = &*self.reg;
        let other = match partner_gender {
            Gender::Male => Gender::Female,
            Gender::Female => Gender::Male,
        };
        // "Ruth and Colin Ashby ... His wife": with nobody of the partner's gender named,
        // the last person of unknown gender whose namesake is known to be of the other.
        let Some(&partner) = named
            .iter()
            .find(|&&id| reg.entity(id).gender == Some(partner_gender))
            .or_else(|| named.first().filter(|&&id| reg.entity(id).gender.is_none()))
        else {
            return;
        };
        let partner_unsure = reg.entity(partner).gender.is_none();
        let Some(surname) = reg
            .entity(partner)
            .tokens
            .last()
            .filter(|_| reg.entity(partner).tokens.len() >= 2)
        else {
            return;
        };
        let spouses: Vec<usize> = named
            .iter()
            .copied()
            .filter(|&id| {
                let e = reg.entity(id);
                id != partner
                    && e.tokens.len() >= 2
                    && e.tokens.last() == Some(surname)
                    && e.gender != Some(partner_gender)
                    && (!partner_unsure || e.gender == Some(other))
            })
            .collect();
        if let [spouse] = spouses[..] {
            let span = (ctx.toks[a].start, ctx.toks[a + 1].end);
            self.desc_mentions.push((spouse, span));
            self.events.push(Ev {
                tok: a,
                sentence: si,
                entity: spouse,
                subj: true,
            });
        }
    }

    /// A sentence that opens with an office and no name ("The region's chief medical
    /// officer struck a more careful note.") and is followed, in its paragraph, by one that
    /// introduces a single new person by name alone ("Last year Dr. Ada Brenn described
    /// ..."): news reveals the office's holder that way, so the person takes the role, and
    /// "the chief medical officer said" later is them, not a second voice. An office some
    /// earlier person holds, or a name set off with its own role, is left alone.
    fn name_revealed(&mut self, si: usize, acts: &[super::attribution::Act]) {
        let ctx = self.ctx;
        let (a, b) = ctx.sent_toks[si];
        let next = si + 1;
        if a + 2 >= b
            || ctx.toks[a].lower != "the"
            || next >= ctx.sent_toks.len()
            || ctx.sent_spans[next].2 != ctx.sent_spans[si].2
            || acts.iter().any(|x| x.subject_tok >= a && x.subject_tok < b)
        {
            return;
        }
        // "The [region's] chief medical officer": the head is the last role noun among the
        // first three lowercase words after any possessive, with no verb-like word before
        // it ("The minister blames farmers" is about the minister).
        let mut lower_words = 0;
        let mut head = None;
        for k in a + 1..(a + 8).min(b) {
            let t = &ctx.toks[k];
            let plain = t.is_word() && !lx::is_function_word(&t.lower);
            if !(plain || t.kind == super::tokens::TokKind::Poss)
                || self.reg.tok_mention.contains_key(&k)
            {
                break;
            }
            // "The minister's spokesman": the owner's words are not the head's.
            if t.kind == super::tokens::TokKind::Poss {
                (lower_words, head) = (0, None);
                continue;
            }
            if t.is_cap() {
                continue;
            }
            let w = t.lower.as_str();
            if lx::is_person_role(w) {
                head = Some(k);
            } else if w.ends_with("ed") || (w.ends_with('s') && !w.ends_with("ss")) {
                break;
            }
            lower_words += 1;
            if lower_words == 3 {
                break;
            }
        }
        let Some(h) = head else {
            return;
        };
        let e = h + 1;
        // "The finance minister, Ada Brenn," / "The finance minister Ada Brenn": named here.
        let named = |k: usize| self.reg.tok_mention.contains_key(&k);
        if (e < b && named(e)) || (e + 1 < b && ctx.toks[e].is_punct(",") && named(e + 1)) {
            return;
        }
        let Some(SubjectRef::Desc(d)) = super::attribution::np_subject(ctx, self.reg, a, e) else {
            return;
        };
        let Some(role) = role_from_tokens(ctx, a, e) else {
            return;
        };
        if d.kind != DescKind::Person
            || d.indefinite
            || self.resolve_person_desc(&role, a, si).is_some()
        {
            return;
        }
        // The next sentence's people: exactly one, first named there, with no role yet
        // and none set off beside the name.
        let (na, nb) = ctx.sent_toks[next];
        let mut people = Vec::new();
        for m in self
            .reg
            .mentions
            .iter()
            .filter(|m| m.sentence == next && !m.in_quote)
        {
            let Some(id) = m.entity else { continue };
            if m.class != NameClass::Person || people.iter().any(|&(p, _)| p == id) {
                continue;
            }
            people.push((id, m.end));
        }
        let [(id, name_end)] = people[..] else {
            return;
        };
        let ent = self.reg.entity(id);
        if ent.kind != SpeakerKind::Person
            || !ent.roles.is_empty()
            || !(na..nb).contains(&ent.first_tok)
            || (name_end < nb && ctx.toks[name_end].is_punct(","))
        {
            return;
        }
        self.reg.entity_mut(id).add_role(role);
        self.desc_mentions
            .push((id, (ctx.toks[a].start, ctx.toks[h].end)));
        self.events.push(Ev {
            tok: a,
            sentence: si,
            entity: id,
            subj: true,
        });
    }

    fn quote_at(&self, start: usize) -> Option<usize> {
        let qs = &self.ctx.quotes;
        let i = qs.partition_point(|q| q.start < start);
        (i < qs.len() && qs[i].start == start).then_some(i)
    }

    fn attach(
        &mut self,
        entity: usize,
        start: usize,
        end: usize,
        kind: StatementKind,
        cue: &str,
        sentence: usize,
    ) {
        if !self.attached_spans.insert((entity, start, end)) {
            return;
        }
        let list = self.statements.entry(entity).or_default();
        list.push(Attached {
            start,
            end,
            kind,
            cue: cue.to_string(),
            sentence,
        });
    }

    fn resolve_subject(&mut self, sr: &SubjectRef, si: usize) -> Option<usize> {
        let ctx = self.ctx;
        match sr {
            SubjectRef::Name(mi) => self.reg.mentions[*mi].entity,
            SubjectRef::NewPerson { start, end } => {
                let key: Vec<String> = ctx.toks[*start..*end]
                    .iter()
                    .filter(|t| t.is_word())
                    .map(|t| t.lower.clone())
                    .collect();
                let span = (ctx.toks[*start].start, ctx.toks[*end - 1].end);
                let mut e =
                    Entity::new(SpeakerKind::Person, tokens_text(ctx, *start, *end), *start);
                e.tokens = key;
                e.mentions.push(span);
                Some(self.reg.add_entity(e))
            }
            SubjectRef::NewOrg { start, end } => {
                let key: Vec<String> = ctx.toks[*start..*end]
                    .iter()
                    .filter(|t| t.is_word())
                    .map(|t| t.lower.clone())
                    .collect();
                let span = (ctx.toks[*start].start, ctx.toks[*end - 1].end);
                if let Some(id) = self.reg.by_name(&key.join(" ")) {
                    return Some(id);
                }
                // A surname used before the full name appears ("Peters said ... Anna Peters").
                if key.len() == 1 {
                    if let Some(id) = self.reg.person_by_surname(&key[0], *start, None) {
                        self.reg.entity_mut(id).mentions.push(span);
                        return Some(id);
                    }
                    // "the Velandi government said ... Veland said": a country that speaks
                    // is its government.
                    if let Some(id) = self.government_of(&ctx.toks[*start].text, *start) {
                        self.reg.entity_mut(id).mentions.push(span);
                        return Some(id);
                    }
                }
                let mut e = Entity::new(
                    SpeakerKind::Organization,
                    tokens_text(ctx, *start, *end),
                    *start,
                );
                e.tokens = key;
                e.mentions.push(span);
                Some(self.reg.add_entity(e))
            }
            SubjectRef::Pronoun(tok) => self.resolve_pronoun(*tok, si),
            SubjectRef::Desc(d) => self.resolve_desc_subject(d, si),
            SubjectRef::SameAsPrevious => None,
            SubjectRef::IssuedText(tok) => self.issuer_of(*tok, si),
        }
    }

    /// "the statement said" (at `tok`): the subject that spoke in, or issued, a statement
    /// (the same noun) in this sentence or the three before it.
    fn issuer_of(&self, tok: usize, si: usize) -> Option<usize> {
        let ctx = self.ctx;
        let noun = ctx.toks[tok].lower.as_str();
        for s in (si.saturating_sub(3)..=si).rev() {
            let (a, b) = ctx.sent_toks[s];
            let b = if s == si {
                tok.saturating_sub(1).max(a)
            } else {
                b
            };
            if !(a..b).any(|k| ctx.toks[k].lower == noun && ctx.toks[k].quote.is_none()) {
                continue;
            }
            return self
                .events
                .iter()
                .rev()
                .filter(|ev| ev.sentence == s && ev.subj && ev.tok < b)
                .map(|ev| ev.entity)
                .find(|&id| self.reg.entity(id).kind != SpeakerKind::Group);
        }
        None
    }

    fn resolve_pronoun(&mut self, tok: usize, si: usize) -> Option<usize> {
        let w = self.ctx.toks[tok].lower.clone();
        if matches!(w.as_str(), "former" | "latter") {
            return self.former_or_latter(w == "former", tok, si);
        }
        // "the Varran said": the one person whose role is of that place ("Port Varra's
        // harbour master"), else whoever a pronoun would find.
        if self.ctx.toks[tok].is_cap() {
            let stems = lx::demonym_stems(&w);
            let of_place: Vec<usize> = (0..self.reg.entities.len())
                .filter(|&id| {
                    let e = self.reg.entity(id);
                    e.kind == SpeakerKind::Person
                        && e.first_tok < tok
                        && e.roles.iter().any(|r| {
                            r.places.iter().any(|p| {
                                p.to_lowercase()
                                    .split_whitespace()
                                    .any(|p| stems.iter().any(|s| p.starts_with(s)))
                            })
                        })
                })
                .collect();
            if let [id] = of_place[..] {
                return Some(id);
            }
        }
        let (kinds, gender): (&[SpeakerKind], Option<Gender>) = match w.as_str() {
            "he" => (
                &[SpeakerKind::Person, SpeakerKind::Anonymous],
                Some(Gender::Male),
            ),
            "she" => (
                &[SpeakerKind::Person, SpeakerKind::Anonymous],
                Some(Gender::Female),
            ),
            "it" => (&[SpeakerKind::Organization], None),
            "they" => (&[SpeakerKind::Group], None),
            // "the 61-year-old": a person of either gender.
            _ => (&[SpeakerKind::Person, SpeakerKind::Anonymous], None),
        };
        let mut best: Option<(f32, usize, usize)> = None; // (cost, tok, entity)
        for ev in self.events.iter().rev().take(400) {
            if ev.sentence + 4 < si {
                break;
            }
            if ev.tok >= tok && ev.sentence == si {
                continue;
            }
            let e = self.reg.entity(ev.entity);
            if !kinds.contains(&e.kind) {
                continue;
            }
            if let (Some(g), Some(h)) = (gender, e.gender) {
                if g != h {
                    continue;
                }
            }
            if ev.sentence == si && !ev.subj {
                continue;
            }
            // "Her brother, Jory Haskett, \"thinks it is a trap,\" she said": the name is the
            // subject of the quoted words, so "she" is someone else.
            if ev.sentence == si && self.subject_of_quote_fragment(ev.tok, tok) {
                continue;
            }
            // Someone named earlier in the pronoun's own paragraph beats a subject of the
            // paragraph before ("For Ruth Kemble, ... \"...\" she asked." after another
            // woman spoke): all candidates of earlier paragraphs pay the same, so with none
            // in this paragraph the order is unchanged.
            let other_paragraph = self.ctx.sent_spans[ev.sentence].2 != self.ctx.sent_spans[si].2;
            let cost = (si - ev.sentence) as f32
                + if ev.subj { 0.0 } else { 1.5 }
                + if other_paragraph { 2.0 } else { 0.0 };
            if best.is_none_or(|(c, t, _)| cost < c || (cost == c && ev.tok > t)) {
                best = Some((cost, ev.tok, ev.entity));
            }
        }
        let (_, _, id) = best?;
        if let Some(g) = gender {
            let e = self.reg.entity_mut(id);
            if e.gender.is_none() {
                e.gender = Some(g);
            }
        }
        Some(id)
    }

    /// The name mentioned at `start` runs straight into a quote that opens in lowercase
    /// and closes before `pronoun` ("Jory Haskett, \"thinks it is a trap,\" she said").
    fn subject_of_quote_fragment(&self, start: usize, pronoun: usize) -> bool {
        let toks = &self.ctx.toks;
        let Some(&mi) = self.reg.tok_mention.get(&start) else {
            return false;
        };
        let mut k = self.reg.mentions[mi].end;
        if toks.get(k).is_some_and(|t| t.is_punct(",")) {
            k += 1;
        }
        toks.get(k)
            .is_some_and(|t| t.kind == super::tokens::TokKind::QuoteMark && t.quote.is_some())
            && toks
                .get(k + 1)
                .is_some_and(|t| t.is_word() && !t.is_cap() && t.quote.is_some())
            && k + 1 < pronoun
            && toks[pronoun].quote.is_none()
    }

    /// "The former" / "the latter": of the last two people named (by name, in this
    /// sentence or the two before it), the earlier or the later.
    fn former_or_latter(&self, former: bool, tok: usize, si: usize) -> Option<usize> {
        match self.people_named_before(tok, si.saturating_sub(2))[..] {
            [latter, earlier, ..] => Some(if former { earlier } else { latter }),
            _ => None,
        }
    }

    /// The people named (by name) before token `tok` and from sentence `from` on, each
    /// once, most recent first.
    fn people_named_before(&self, tok: usize, from: usize) -> Vec<usize> {
        let mut named = Vec::new();
        for m in self.reg.mentions.iter().rev() {
            if m.start >= tok {
                continue;
            }
            if m.sentence < from {
                break;
            }
            if let Some(id) = m.entity.filter(|_| m.class == NameClass::Person) {
                if !named.contains(&id) {
                    named.push(id);
                }
            }
        }
        named
    }

    /// Entities mentioned recently before token `tok`, most recent first (bounded, so that
    /// resolving a description never scans the whole article).
    fn recent_entities(&self, tok: usize) -> Vec<usize> {
        let mut seen = HashSet::new();
        let mut out = Vec::new();
        for ev in self.events.iter().rev().take(600) {
            if ev.tok < tok && seen.insert(ev.entity) {
                out.push(ev.entity);
            }
        }
        out
    }

    /// Events before token `tok` in sentence `si` or the three before it, most recent
    /// first (bounded, like the other look-backs).
    fn events_near(&self, tok: usize, si: usize) -> impl Iterator<Item = &Ev> {
        self.events
            .iter()
            .rev()
            .take(200)
            .take_while(move |ev| ev.sentence + 3 >= si)
            .filter(move |ev| ev.tok < tok)
    }

    /// Distinct entities with an event in [`Self::events_near`], most recent first.
    fn entities_near(&self, tok: usize, si: usize) -> Vec<usize> {
        let mut seen = HashSet::new();
        self.events_near(tok, si)
            .filter(|ev| seen.insert(ev.entity))
            .map(|ev| ev.entity)
            .collect()
    }

    /// The most recent event position of each candidate, before token `tok`.
    fn most_recent(&self, cands: &[usize], tok: usize) -> Option<usize> {
        for ev in self.events.iter().rev().take(2000) {
            if ev.tok < tok && cands.contains(&ev.entity) {
                return Some(ev.entity);
            }
        }
        cands
            .iter()
            .copied()
            .min_by_key(|&id| self.reg.entity(id).first_tok)
    }

    fn resolve_desc_subject(&mut self, d: &Desc, si: usize) -> Option<usize> {
        let ctx = self.ctx;
        let span = (ctx.toks[d.start].start, ctx.toks[d.end - 1].end);
        let text = tokens_text(ctx, d.start, d.end);
        // A description keeps its words; only a capital that is there because the
        // sentence starts with it goes ("Officials in Dunmark" → "officials in Dunmark").
        let name = if ctx.at_clause_start(d.start) && ctx.is_common_capital(d.start) {
            let mut c = text.chars();
            c.next()
                .map(|f| f.to_lowercase().collect::<String>() + c.as_str())
                .unwrap_or_default()
        } else {
            lower_article(&text)
        };
        let head = ctx.toks[d.head].lower.clone();
        match d.kind {
            DescKind::Person if d.indefinite => {
                if let Some(body) = self
                    .spokesperson_for_speaking_body(d, si)
                    .or_else(|| self.named_later(d, si))
                {
                    self.desc_mentions.push((body, span));
                    return Some(body);
                }
                // "A woman near the aisle, who said ..., admitted ...": two cues of one
                // sentence with the same words as subject are one person.
                if let Some(id) = (0..self.reg.entities.len()).find(|&id| {
                    let e = self.reg.entity(id);
                    e.kind == SpeakerKind::Anonymous && e.first_tok == d.start
                }) {
                    return Some(id);
                }
                let mut e = Entity::new(SpeakerKind::Anonymous, name, d.start);
                e.head = Some(head);
                e.places = cap_words(ctx, d.start, d.end);
                if let Some(r) = role_from_tokens(ctx, d.start, d.end) {
                    e.roles.push(r);
                }
                // "a man who said he was a nurse": the role he gave himself.
                if let Some(w) = (d.start..d.end)
                    .find(|&w| super::attribution::self_identified(ctx, w, d.end + 1))
                {
                    if let Some(r) = role_from_tokens(ctx, w + 4, d.end) {
                        e.roles.push(r);
                    }
                }
                e.mentions.push(span);
                Some(self.reg.add_entity(e))
            }
            DescKind::Person => {
                // A head no list knows ("the ferryman, who ..."): the words after the
                // article are the role.
                let role = role_from_tokens(ctx, d.start, d.end).unwrap_or_else(|| Role {
                    head: head.clone(),
                    text: if d.start + 1 < d.end && lx::is_determiner(&ctx.toks[d.start].lower) {
                        tokens_text(ctx, d.start + 1, d.end)
                    } else {
                        text.clone()
                    },
                    ..Role::default()
                });
                if let Some(id) = self.resolve_person_desc(&role, d.start, si) {
                    self.desc_mentions.push((id, span));
                    // "the Lessarian president said" also tells us who the president is.
                    if self.reg.entity(id).kind == SpeakerKind::Person {
                        self.reg.entity_mut(id).add_role(role);
                    }
                    return Some(id);
                }
                let generic = matches!(
                    head.as_str(),
                    "official" | "source" | "diplomat" | "person" | "insider" | "aide"
                );
                if !generic && ctx.toks[d.start].lower == "the" {
                    if let Some(id) = self.sole_unmarked_person(d.start, si) {
                        self.desc_mentions.push((id, span));
                        self.reg.entity_mut(id).add_role(role);
                        return Some(id);
                    }
                }
                let kind = if generic {
                    SpeakerKind::Anonymous
                } else {
                    SpeakerKind::Person
                };
                let mut e = Entity::new(kind, name, d.start);
                e.head = Some(head);
                e.roles.push(role);
                e.mentions.push(span);
                Some(self.reg.add_entity(e))
            }
            DescKind::Org => {
                let places = cap_words(ctx, d.start, d.end);
                // "The regional health authority said": a description with words of its
                // own before the head names a body of that kind; it doesn't refer back to
                // a body of another kind ("the Health Quality Commission").
                let modified = (d.start..d.head).any(|k| {
                    let t = &ctx.toks[k];
                    t.is_word() && !t.is_cap() && !lx::is_determiner(&t.lower)
                });
                let found = self
                    .resolve_org_desc(&head, &places, d.start, modified)
                    .or_else(|| self.unmarked_org(&head, &places, d.start, si));
                let found = found.or_else(|| self.lede_org(&head, &places, d.start, si));
                if let Some(id) = found {
                    self.desc_mentions.push((id, span));
                    return Some(id);
                }
                let mut e = Entity::new(SpeakerKind::Organization, name, d.start);
                e.head = Some(head);
                e.places = places;
                e.mentions.push(span);
                Some(self.reg.add_entity(e))
            }
            DescKind::Group => {
                let places = cap_words(ctx, d.start, d.end);
                let existing =
                    self.reg
                        .entities
                        .iter()
                        .enumerate()
                        .rev()
                        .take(50)
                        .find(|(_, e)| {
                            e.kind == SpeakerKind::Group
                                && e.head.as_deref() == Some(head.as_str())
                                && (places.is_empty()
                                    || places
                                        .iter()
                                        .any(|p| e.places.iter().any(|q| lx::same_place(p, q))))
                        });
                if let Some((id, _)) = existing {
                    self.desc_mentions.push((id, span));
                    return Some(id);
                }
                let mut e = Entity::new(SpeakerKind::Group, name, d.start);
                e.head = Some(head);
                e.places = places;
                e.mentions.push(span);
                Some(self.reg.add_entity(e))
            }
        }
    }

    /// "Dolores Fenn, who has sold fish here for 31 years, called it \"a trap\". \"...,\" the
    /// fishmonger said.": a definite description no earlier role matches is the one person
    /// of this sentence or the one before (same paragraph), when that person has no role
    /// that could say otherwise.
    fn sole_unmarked_person(&self, tok: usize, si: usize) -> Option<usize> {
        let ctx = self.ctx;
        let para = ctx.sent_spans[si].2;
        let mut people: Vec<usize> = Vec::new();
        for ev in self.events_near(tok, si) {
            if ev.sentence + 1 < si || ctx.sent_spans[ev.sentence].2 != para {
                continue;
            }
            let kind = self.reg.entity(ev.entity).kind;
            if matches!(kind, SpeakerKind::Person | SpeakerKind::Anonymous)
                && !people.contains(&ev.entity)
            {
                people.push(ev.entity);
            }
        }
        match people[..] {
            [id] if self.reg.entity(id).kind == SpeakerKind::Person
                && self.reg.entity(id).roles.is_empty() =>
            {
                Some(id)
            }
            _ => None,
        }
    }

    /// "A judge in Castrel on Monday refused ..., saying ..." opening the story, and "Judge
    /// Orla Penn" later: news names the person behind a lede's description further down.
    /// The one person named later with a role of the same kind, when the description opens
    /// a sentence of the first two paragraphs (the lede, after any headline line), is a
    /// plain office (not an "official" or a "source") and nothing says the speaker is to
    /// stay unnamed.
    fn named_later(&self, d: &Desc, si: usize) -> Option<usize> {
        let ctx = self.ctx;
        let (a, b) = ctx.sent_toks[si];
        let head = ctx.toks[d.head].lower.as_str();
        let generic = matches!(
            head,
            "official" | "source" | "diplomat" | "person" | "insider" | "aide" | "member"
        ) || lx::is_plural_role(head);
        let lede = ctx.sent_spans[si].2 <= ctx.sent_spans[0].2 + 1;
        if d.start != a || generic || !lede || anonymity_at(ctx, a, b).is_some() {
            return None;
        }
        let reg = &*self.reg;
        let later: Vec<usize> = (0..reg.entities.len())
            .filter(|&id| {
                let e = reg.entity(id);
                e.kind == SpeakerKind::Person
                    && e.first_tok >= b
                    && e.roles
                        .iter()
                        .any(|r| !r.former && lx::role_heads_compatible(head, &r.head))
            })
            .collect();
        match later[..] {
            [id] => Some(id),
            _ => None,
        }
    }

    /// "a spokeswoman for the group" / "a spokesman for Tessel Watch", when that body has
    /// already spoken in the article: the spokesperson is its voice, not a second speaker.
    /// (A spokesperson for a body that does not speak otherwise is the speaker, named by
    /// the description.)
    fn spokesperson_for_speaking_body(&self, d: &Desc, si: usize) -> Option<usize> {
        let ctx = self.ctx;
        let toks = &ctx.toks;
        if !matches!(
            toks[d.head].lower.as_str(),
            "spokesman" | "spokeswoman" | "spokesperson"
        ) {
            return None;
        }
        let k = (d.head + 1..d.end).find(|&k| matches!(toks[k].lower.as_str(), "for" | "of"))?;
        let (s, e) = (k + 1, d.end);
        if s >= e {
            return None;
        }
        // The body's name ("for Passenger Watch", however its words were read here), or
        // a description ("for the group").
        let bare = |t: &str| {
            let t = t.to_lowercase();
            t.strip_prefix("the ").map(str::to_string).unwrap_or(t)
        };
        let phrase = bare(&tokens_text(ctx, s, e));
        let named = self
            .reg
            .entities
            .iter()
            .position(|x| x.kind == SpeakerKind::Organization && bare(&x.name) == phrase);
        let body = if let Some(id) = named {
            id
        } else {
            if toks[s].lower != "the" || e - s != 2 {
                return None;
            }
            let head = toks[e - 1].lower.as_str();
            if !lx::is_org_noun(head) {
                return None;
            }
            self.resolve_org_desc(head, &[], s, false)
                .or_else(|| self.unmarked_org(head, &[], s, si))?
        };
        (self.reg.entity(body).kind == SpeakerKind::Organization
            && self.statements.contains_key(&body))
        .then_some(body)
    }

    /// An entity a person description ("the minister", "the Ukrainian leader") refers to.
    fn resolve_person_desc(&self, role: &Role, tok: usize, si: usize) -> Option<usize> {
        let reg = &*self.reg;
        let desc_quals: Vec<&String> = role
            .quals
            .iter()
            .filter(|q| lx::is_role_qualifier(q))
            .collect();
        // "the second diplomat" is not "one diplomat": an ordinal must be in the referent's
        // own description.
        let ordinal = role.text.split_whitespace().find(|w| lx::is_ordinal(w));
        let mut cands = Vec::new();
        for id in self.recent_entities(tok) {
            let e = reg.entity(id);
            if e.first_tok >= tok || !matches!(e.kind, SpeakerKind::Person | SpeakerKind::Anonymous)
            {
                continue;
            }
            if ordinal.is_some_and(|o| {
                !e.name.to_lowercase().split_whitespace().any(|w| w == o)
                    && !e
                        .roles
                        .iter()
                        .any(|r| r.text.split_whitespace().any(|w| w == o))
            }) {
                continue;
            }
            let all_places: Vec<&String> = e
                .roles
                .iter()
                .flat_map(|r| r.places.iter())
                .chain(e.places.iter())
                .collect();
            let places_ok = role
                .places
                .iter()
                .all(|p| all_places.iter().any(|q| lx::same_place(p, q)));
            if !places_ok {
                continue;
            }
            let role_match = e.roles.iter().any(|r| {
                (lx::role_heads_compatible(&role.head, &r.head)
                    || (role.head == "minister" && lx::is_cabinet_secretary(&r.head, &r.text)))
                    && lx::is_shadow_role(&r.text) == lx::is_shadow_role(&role.text)
                    && (!r.former || role.former)
                    && desc_quals
                        .iter()
                        .all(|q| r.quals.contains(q) || r.text.to_lowercase().contains(q.as_str()))
            });
            // "A member of the health committee, who asked not to be named" is "the
            // councillor" later; a member of the public is not.
            let council_member = |h: &str| {
                matches!(role.head.as_str(), "councillor" | "councilor")
                    && h == "member"
                    && e.roles.iter().any(|r| {
                        let t = r.text.to_lowercase();
                        t.contains("council") || t.contains("committee")
                    })
            };
            let anon_match = e.kind == SpeakerKind::Anonymous
                && e.head
                    .as_deref()
                    .is_some_and(|h| lx::role_heads_compatible(&role.head, h) || council_member(h));
            if role_match || anon_match {
                cands.push(id);
            }
        }
        if !cands.is_empty() {
            return self.most_recent(&cands, tok);
        }
        // "the official" / "the source" after an unnamed voice introduced by another noun
        // ("a member of the finance committee, who asked not to be named"): that voice.
        if matches!(role.head.as_str(), "official" | "source") && role.places.is_empty() {
            let anon = self
                .entities_near(tok, si)
                .into_iter()
                .find(|&id| reg.entity(id).kind == SpeakerKind::Anonymous);
            if anon.is_some() {
                return anon;
            }
        }
        // A leader-like description with a place: the one recent person whose roles do
        // not contradict it ("the U.S. president" right after two named leaders, one of
        // them Ukrainian elsewhere).
        let leaderish = matches!(
            role.head.as_str(),
            "president" | "leader" | "premier" | "chancellor" | "minister" | "king" | "queen"
        );
        if !leaderish || role.places.is_empty() {
            return None;
        }
        let mut ok = Vec::new();
        for id in self.entities_near(tok, si) {
            let e = reg.entity(id);
            if e.kind != SpeakerKind::Person {
                continue;
            }
            let conflict = e.roles.iter().any(|r| {
                r.former
                    || (!r.places.is_empty()
                        && !role
                            .places
                            .iter()
                            .all(|p| r.places.iter().any(|q| lx::same_place(p, q))))
            });
            if !conflict {
                ok.push(id);
            }
        }
        match ok.len() {
            0 => None,
            1 => Some(ok[0]),
            // Several unmarked people: the most salient one (most mentions in the article,
            // then the first introduced), as the lead usually introduces the subject first.
            _ => ok.iter().copied().max_by_key(|&id| {
                let e = reg.entity(id);
                (e.mentions.len(), std::cmp::Reverse(e.first_tok))
            }),
        }
    }

    /// The government already speaking for the country `place` names ("the Velandi
    /// government" for "Veland"), or the country already speaking as itself.
    fn government_of(&self, place: &str, tok: usize) -> Option<usize> {
        let found: Vec<usize> = self
            .recent_entities(tok)
            .into_iter()
            .filter(|&id| {
                let e = self.reg.entity(id);
                let as_country = e.head.is_none() && e.tokens.len() == 1;
                let as_government = e.head.as_deref() == Some("government")
                    && e.places.len() == 1
                    && !e.name.contains(',');
                e.kind == SpeakerKind::Organization
                    && e.first_tok < tok
                    && if as_country {
                        lx::same_place(place, &e.name)
                    } else {
                        as_government && lx::same_place(place, &e.places[0])
                    }
            })
            .collect();
        match found.as_slice() {
            [id] => Some(*id),
            _ => None,
        }
    }

    /// An organisation a description ("the company", "The ministry") refers to. With
    /// `same_head`, only a body whose head is the description's own.
    fn resolve_org_desc(
        &self,
        head: &str,
        places: &[String],
        tok: usize,
        same_head: bool,
    ) -> Option<usize> {
        let reg = &*self.reg;
        if let ("government", [place]) = (head, places) {
            if let Some(id) = self.government_of(place, tok) {
                return Some(id);
            }
        }
        let mut cands = Vec::new();
        for id in self.recent_entities(tok) {
            let e = reg.entity(id);
            if e.first_tok >= tok || e.kind != SpeakerKind::Organization {
                continue;
            }
            let Some(h) = e.head.as_deref() else { continue };
            if !lx::org_heads_compatible(head, h) || (same_head && head != h) {
                continue;
            }
            if !places
                .iter()
                .all(|p| e.places.iter().any(|q| lx::same_place(p, q)))
            {
                continue;
            }
            cands.push(id);
        }
        if cands.is_empty() {
            return None;
        }
        self.most_recent(&cands, tok)
    }

    /// "The club said" / "according to the company" right after a body named without a
    /// telling noun ("Castrelle Athletic", "Brightfold Homes"): that body, when it is the
    /// only such one in the last three sentences.
    fn unmarked_org(&self, head: &str, places: &[String], tok: usize, si: usize) -> Option<usize> {
        if !is_generic_body(head) || !places.is_empty() {
            return None;
        }
        // "The Wendle League of Friends ... The charity asks": a charity is often named
        // as a league, trust or society.
        let charity_like = |h: &str| {
            head == "charity"
                && matches!(
                    h,
                    "league" | "trust" | "foundation" | "society" | "association" | "fund"
                )
        };
        // Named somewhere other than after a preposition of place: "will move to Oslo, the
        // firm said" is no body named before "the firm" ("drawn up by Castrelle Athletic"
        // is).
        let toks = &self.ctx.toks;
        let after_preposition = |t: usize| {
            let mut p = t;
            while p > 0 && toks[p - 1].lower == "the" {
                p -= 1;
            }
            p > 0
                && matches!(
                    toks[p - 1].text.as_str(),
                    "in" | "at"
                        | "to"
                        | "from"
                        | "into"
                        | "near"
                        | "outside"
                        | "inside"
                        | "across"
                        | "towards"
                        | "toward"
                )
        };
        let mut seen = HashSet::new();
        let found: Vec<usize> = self
            .events_near(tok, si)
            .filter(|ev| !after_preposition(ev.tok) && seen.insert(ev.entity))
            .map(|ev| ev.entity)
            .filter(|&id| {
                let e = self.reg.entity(id);
                e.kind == SpeakerKind::Organization && e.head.as_deref().is_none_or(charity_like)
            })
            .collect();
        match found.as_slice() {
            [id] => Some(*id),
            [] => None,
            // "Corvell said ... Pennick's closing price. The company said": of several, the
            // one that spoke in this sentence or the one before.
            _ => {
                let spoke: Vec<usize> = found
                    .iter()
                    .copied()
                    .filter(|&id| {
                        self.events_near(tok, si)
                            .any(|ev| ev.entity == id && ev.subj && ev.sentence + 1 >= si)
                    })
                    .collect();
                match spoke[..] {
                    [id] => Some(id),
                    _ => None,
                }
            }
        }
    }

    /// "Hallberg Pumps will extend its four-day week to all its workers, the company said":
    /// a generic body closing the sentence that introduces a name is that name, when
    /// nothing marks the name as a person (no title, role or known first name) and the
    /// clause between them says "its" or "it". News introduces a firm this way in its
    /// first sentence; the name, read as a person until now, is an organisation.
    fn lede_org(&mut self, head: &str, places: &[String], tok: usize, si: usize) -> Option<usize> {
        let ctx = self.ctx;
        let (a, _) = ctx.sent_toks[si];
        if !is_generic_body(head)
            || !places.is_empty()
            || tok <= a
            || !ctx.toks[tok - 1].is_punct(",")
        {
            return None;
        }
        let m = &self.reg.mentions[*self.reg.tok_mention.get(&a)?];
        if m.start != a || m.outer_start != a {
            return None;
        }
        let (id, name_end) = (m.entity?, m.end);
        let e = self.reg.entity(id);
        let unmarked = e.kind == SpeakerKind::Person
            && e.roles.is_empty()
            && e.honorific.is_none()
            && e.first_tok == a
            && e.tokens
                .first()
                .is_none_or(|t| lx::first_name_gender(t).is_none());
        let its = (name_end..tok).any(|i| {
            ctx.toks[i].quote.is_none() && matches!(ctx.toks[i].lower.as_str(), "its" | "it")
        });
        if !unmarked || !its {
            return None;
        }
        let e = self.reg.entity_mut(id);
        e.kind = SpeakerKind::Organization;
        e.head = Some(head.to_string());
        Some(id)
    }

    /// Standalone descriptions ("the minister", "the company") that refer to a speaker.
    fn scan_descriptions(&mut self) {
        let ctx = self.ctx;
        let speakers: HashSet<usize> = self.statements.keys().copied().collect();
        if speakers.is_empty() {
            return;
        }
        let mut found = Vec::new();
        for (si, &(a, b)) in ctx.sent_toks.iter().enumerate() {
            for k in a..b {
                let t = &ctx.toks[k];
                if !(t.is_word() && t.lower == "the") || t.quote.is_some() {
                    continue;
                }
                // "the" + qualifiers/places + head.
                let mut e = k + 1;
                while e < b
                    && e < k + 5
                    && ctx.toks[e].is_word()
                    && !lx::is_person_role(&ctx.toks[e].lower)
                    && !lx::is_org_noun(&ctx.toks[e].lower)
                    && (ctx.toks[e].is_cap()
                        || lx::is_role_qualifier(&ctx.toks[e].lower)
                        || ctx.toks[e].text.contains('.'))
                {
                    e += 1;
                }
                if e >= b || !ctx.toks[e].is_word() {
                    continue;
                }
                let head = ctx.toks[e].lower.clone();
                let person = lx::is_person_role(&head)
                    || (lx::is_title(&head) && !lx::is_role_qualifier(&head));
                let org = lx::is_org_noun(&head);
                if !person && !org {
                    continue;
                }
                let end = e + 1;
                // Not an apposition or a title before a name, not a possessor's thing.
                let next = ctx.toks.get(end);
                if next.is_some_and(|n| n.is_cap()) {
                    continue;
                }
                // "the front line", "the union leaders": the noun only modifies the next one.
                if org
                    && next.is_some_and(|n| {
                        n.is_word()
                            && (lx::is_person_role(&n.lower)
                                || lx::is_plural_role(&n.lower)
                                || matches!(n.lower.as_str(), "line" | "lines"))
                    })
                {
                    continue;
                }
                if next.is_some_and(|n| n.is_punct(","))
                    && ctx.toks.get(end + 1).is_some_and(|n| {
                        n.is_cap() && self.reg.tok_mention.contains_key(&(end + 1))
                    })
                {
                    continue;
                }
                if k > a
                    && ctx.toks[k - 1].is_punct(",")
                    && k >= 2
                    && self.reg.tok_mention.contains_key(&(k - 2))
                {
                    continue;
                }
                let id = if person {
                    let role = role_from_tokens(ctx, k, end).unwrap_or_else(|| Role {
                        head: head.clone(),
                        ..Role::default()
                    });
                    self.resolve_person_desc(&role, k, si)
                } else {
                    let places = cap_words(ctx, k + 1, end);
                    self.resolve_org_desc(&head, &places, k, false)
                };
                if let Some(id) = id {
                    if speakers.contains(&id) {
                        found.push((id, (t.start, ctx.toks[e].end)));
                    }
                }
            }
        }
        self.desc_mentions.extend(found);
    }

    fn build(self, doc: &Doc) -> Vec<Speaker> {
        let ctx = self.ctx;
        let reg = self.reg;
        // In order of first statement; entities that share one (a joint statement) in
        // the order they were named. `statements` is a hash map: without the id as a
        // tie-break the order, and so the report, would vary between runs.
        let mut ids: Vec<usize> = self.statements.keys().copied().collect();
        ids.sort_by_key(|&id| {
            let first = self.statements[&id]
                .iter()
                .map(|s| s.start)
                .min()
                .unwrap_or(usize::MAX);
            (first, id)
        });
        let mut desc_by: HashMap<usize, Vec<(usize, usize)>> = HashMap::new();
        for (id, sp) in &self.desc_mentions {
            desc_by.entry(*id).or_default().push(*sp);
        }
        // Names shared by two speakers get their honorifics.
        let mut name_count: HashMap<String, usize> = HashMap::new();
        for id in &ids {
            *name_count
                .entry(reg.entity(*id).name.to_lowercase())
                .or_default() += 1;
        }
        let mut out = Vec::new();
        for id in ids {
            let e: &Entity = reg.entity(id);
            if house_reporter(ctx, e) {
                continue;
            }
            let mut name = e.name.clone();
            if name_count.get(&name.to_lowercase()).copied().unwrap_or(0) > 1 {
                if let Some(h) = &e.honorific {
                    let h = h.trim_end_matches('.');
                    let mut hc = h.to_string();
                    if let Some(f) = hc.get_mut(0..1) {
                        f.make_ascii_uppercase();
                    }
                    // "Mr. Lund", "Miss Lund", "Herr Lund".
                    let dot = if matches!(h, "mr" | "mrs" | "ms" | "mx" | "mme") {
                        "."
                    } else {
                        ""
                    };
                    name = format!("{hc}{dot} {name}");
                }
            }
            let mut spans: Vec<(usize, usize)> = e.mentions.clone();
            spans.extend(desc_by.get(&id).cloned().unwrap_or_default());
            spans.sort();
            spans.dedup();
            let mentions = spans
                .into_iter()
                .filter(|&(s, t)| s < t && t <= doc.len())
                .map(|(s, t)| {
                    let sp = doc.span(s, t);
                    Mention {
                        text: doc.original_text(sp),
                        start: sp.start,
                        end: sp.end,
                    }
                })
                .collect();
            let mut sts = self.statements[&id].clone();
            sts.sort_by_key(|s| (s.start, s.end));
            let statements = sts
                .into_iter()
                .filter(|s| s.start < s.end && s.end <= doc.len())
                .map(|s| {
                    let span = doc.span(s.start, s.end);
                    let context = context_span(doc, ctx, s.sentence, s.start, s.end);
                    Statement {
                        text: doc.original_text(span),
                        span,
                        kind: s.kind,
                        cue: s.cue,
                        context,
                    }
                })
                .collect();
            // The stated role; a rank or honorific only when nothing else is known.
            let rank = |r: &&Role| {
                matches!(
                    r.head.as_str(),
                    "general"
                        | "colonel"
                        | "admiral"
                        | "captain"
                        | "major"
                        | "lieutenant"
                        | "sergeant"
                        | "corporal"
                        | "brigadier"
                        | "marshal"
                        | "dr"
                        | "doctor"
                        | "prof"
                        | "professor"
                        | "mr"
                        | "mrs"
                        | "ms"
                        | "sir"
                        | "dame"
                        | "lord"
                        | "lady"
                ) && r.text.split_whitespace().count() == 1
            };
            let role = e
                .roles
                .iter()
                .find(|r| !rank(r))
                .or(e.roles.first())
                .map(|r| r.text.clone())
                .filter(|t| !t.is_empty());
            out.push(Speaker {
                name,
                kind: e.kind,
                role,
                mentions,
                statements,
            });
        }
        out
    }
}

/// The sentence span(s) around a statement, in original offsets.
fn context_span(doc: &Doc, ctx: &Ctx, sentence: usize, start: usize, end: usize) -> Span {
    let spans = &ctx.sent_spans;
    let mut first = sentence.min(spans.len().saturating_sub(1));
    while first > 0 && spans[first].0 > start {
        first -= 1;
    }
    let mut last = first;
    while last + 1 < spans.len() && spans[last].1 < end {
        last += 1;
    }
    let s = spans[first].0.min(start);
    let e = spans[last].1.max(end);
    doc.span(s, e)
}

/// "The Ostreva foreign ministry" → "the Ostreva foreign ministry"; "A senior official" →
/// "a senior official" (canonical names keep the article lowercase).
/// Whether tokens `a..b` say the speaker is not named: "asked not to be named /
/// identified / quoted", "on condition of anonymity", "anonymously".
/// The publication's own reporter ("Our correspondent in Dunmara, Lena Holt, says ...",
/// "our reporter Ivo Dane", "our correspondent says"): what they pass on is the story's
/// own narration, so they are no speaker.
fn house_reporter(ctx: &Ctx, e: &Entity) -> bool {
    let toks = &ctx.toks;
    let reporter = |k: usize| {
        matches!(
            toks[k].lower.as_str(),
            "correspondent" | "correspondents" | "reporter" | "reporters" | "stringer"
        )
    };
    let ft = e.first_tok;
    let (a, _) = ctx.sentence_of(ft);
    // "our" opening a clause ("Speaking to our correspondent, X said" is X's), the
    // reporter noun right after it, and the name set off after them or the description
    // itself.
    let lo = ft.saturating_sub(8).max(a);
    (lo..=ft)
        .filter(|&k| toks[k].lower == "our" && (k == a || !toks[k - 1].is_word()))
        .any(|k| (k + 1..(k + 3).min(toks.len())).any(reporter))
        && (lo..ft).filter(|&k| toks[k].is_punct(",")).count() <= 1
}

fn lower_article(text: &str) -> String {
    for art in [
        "The ", "A ", "An ", "One ", "Two ", "Three ", "Several ", "Some ", "People ", "Sources ",
    ] {
        if let Some(rest) = text.strip_prefix(art) {
            return format!("{}{}", art.to_lowercase(), rest);
        }
    }
    text.to_string()
}

/// Capitalised words (places, bodies) in tokens `s..e`, including possessors.
fn cap_words(ctx: &Ctx, s: usize, e: usize) -> Vec<String> {
    ctx.toks[s..e]
        .iter()
        .filter(|t| {
            t.is_cap()
                && !lx::is_function_word(&t.lower)
                && !lx::is_org_noun(&t.lower)
                && !lx::is_title(&t.lower)
        })
        .map(|t| t.text.clone())
        .collect()
}

/// Generic nouns for a body that may have been named without one ("Castrelle Athletic",
/// "Hallberg Pumps"): "the company", "the club".
fn is_generic_body(head: &str) -> bool {
    matches!(
        head,
        "company"
            | "firm"
            | "club"
            | "team"
            | "group"
            | "business"
            | "operator"
            | "carrier"
            | "airline"
            | "charity"
            | "organisation"
            | "organization"
            | "developer"
    )
}

/// "the two leaders", "both mayors", "the pair": a plural description that refers back to
/// the two people who have just spoken together.
fn refers_to_pair(ctx: &Ctx, d: &Desc) -> bool {
    let words: Vec<&str> = (d.start..d.end)
        .map(|k| ctx.toks[k].lower.as_str())
        .skip_while(|&w| w == "the")
        .collect();
    match words.as_slice() {
        ["two", w] | ["both", w] => lx::is_plural_role(w),
        ["pair"] => true,
        _ => false,
    }
}
