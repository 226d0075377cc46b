//! Table-driven tests of the whole text pipeline, one row per attribution pattern, on
//! sentences written for these tests (invented names), plus bad-input cases.

use super::*;
use crate::report::SpeakerKind::{self, *};
use crate::report::StatementKind::{self, *};

/// Check that every span of an analysis slices the original text to the reported text.
fn assert_offsets(text: &str, a: &TextAnalysis) {
    let slice = |s: Span| -> String { text.chars().skip(s.start).take(s.end - s.start).collect() };
    for s in &a.sentences {
        assert_eq!(slice(s.span), s.text, "sentence span");
    }
    for sp in &a.speakers {
        for m in &sp.mentions {
            assert_eq!(
                slice(Span {
                    start: m.start,
                    end: m.end
                }),
                m.text,
                "mention span"
            );
        }
        for st in &sp.statements {
            assert_eq!(slice(st.span), st.text, "statement span");
            assert!(
                st.context.start <= st.span.start && st.span.end <= st.context.end,
                "context covers statement"
            );
        }
    }
}

/// `analyze_text`, with every span checked against the text.
fn analyzed(text: &str) -> TextAnalysis {
    let a = analyze_text(text);
    assert_offsets(text, &a);
    a
}

struct Row {
    text: &'static str,
    /// (speaker name, kind, statement text that must be among its statements, kind).
    want: &'static [(&'static str, SpeakerKind, &'static str, StatementKind)],
    /// Names that must not be speakers.
    not: &'static [&'static str],
}

const ROWS: &[Row] = &[
    // "X said" + bare reported clause.
    Row {
        text: "Marta Ilves said the bridge would reopen in May.",
        want: &[("Marta Ilves", Person, "the bridge would reopen in May", Reported)],
        not: &[],
    },
    // Quote first, "said X" with an apposition after.
    Row {
        text: "\"The bridge is safe,\" said Tomas Grell, the city engineer.",
        want: &[("Tomas Grell", Person, "The bridge is safe", Direct)],
        not: &[],
    },
    // "X, the minister, said".
    Row {
        text: "Lena Morrow, the fisheries minister, said quotas would be cut.",
        want: &[("Lena Morrow", Person, "quotas would be cut", Reported)],
        not: &[],
    },
    // "according to X" before the clause, with a relative clause after the source.
    Row {
        text: "According to Piet Varga-Lind, who runs the dam, the reservoir holds 40 million litres.",
        want: &[("Piet Varga-Lind", Person, "the reservoir holds 40 million litres", Reported)],
        not: &[],
    },
    // "according to X of Y, ..." before the clause: the affiliation belongs to the source.
    Row {
        text: "According to Dr. Inga Moss of the Harbour Institute, the dredging cost 12 million. According to Pavel Dune at Orrin's bank, rates will fall.",
        want: &[
            ("Inga Moss", Person, "the dredging cost 12 million", Reported),
            ("Pavel Dune", Person, "rates will fall", Reported),
        ],
        not: &[],
    },
    // A conjunction before "X, a farmer, said" is no part of the subject.
    Row {
        text: "The talks resumed. And Nell Ashby, a goat farmer near Orrin Ford, said all she wanted was her fence back.",
        want: &[("Nell Ashby", Person, "all she wanted was her fence back", Reported)],
        not: &[],
    },
    // An unnamed official of a body whose name has "for" in it.
    Row {
        text: "A Department for Transport official, who asked not to be named, said the line would close. The official said buses would replace it.",
        want: &[
            ("a Department for Transport official", Anonymous, "the line would close", Reported),
            ("a Department for Transport official", Anonymous, "buses would replace it", Reported),
        ],
        not: &[],
    },
    // A description with words of its own before the head is a body of that kind, not
    // the earlier body of another kind.
    Row {
        text: "A review by the Care Standards Commission found long waits. The regional health authority said in a statement that it had approved the money.",
        want: &[("the regional health authority", Organization, "it had approved the money", Reported)],
        not: &["the Care Standards Commission"],
    },
    // A firm named "... Terminals" is a firm, so "the company" is that firm.
    Row {
        text: "In a statement, Orrin Quay Terminals called the strike \"unlawful\". The company said its offer stood.",
        want: &[
            ("Orrin Quay Terminals", Organization, "called the strike \"unlawful\"", Reported),
            ("Orrin Quay Terminals", Organization, "its offer stood", Reported),
        ],
        not: &["the company"],
    },
    // A cabinet secretary is "the minister"; a shadow secretary is not the secretary.
    Row {
        text: "The Transport Secretary, Ilse Varden, defended the toll. The minister said that traffic had fallen. Tom Pryce, the shadow transport secretary, said it was a tax. Mr Pryce later urged the Transport Secretary to scrap it.",
        want: &[
            ("Ilse Varden", Person, "traffic had fallen", Reported),
            ("Tom Pryce", Person, "it was a tax", Reported),
        ],
        not: &["the minister"],
    },
    // "put it" introduces a quote, or closes one ("as X put it").
    Row {
        text: "Outside the bank, Rhoda Kell, a retired nurse, put it more simply: \"One bank, one price, and we pay it.\" \"Nobody asked us,\" as Ivo Strand put it.",
        want: &[
            ("Rhoda Kell", Person, "One bank, one price, and we pay it.", Direct),
            ("Ivo Strand", Person, "Nobody asked us", Direct),
        ],
        not: &[],
    },
    // ", which said" and " - which said": the body before the relative pronoun speaks; a
    // document before it does not.
    Row {
        text: "The deal needs the approval of the Fair Markets Board - which said on Monday that it would open a review. Talks went on with the port authority, which said the cranes were safe. The report, which said rents had doubled, was ignored.",
        want: &[
            ("the Fair Markets Board", Organization, "it would open a review", Reported),
            ("the port authority", Organization, "the cranes were safe", Reported),
        ],
        not: &["report"],
    },
    // A first name after the full name is that person.
    Row {
        text: "\"At last!\" said Tamsin Orley, 16. The club voted for it, according to Tamsin. Brin Hale, 44, said he was relieved. \"I hated those nights,\" Brin said.",
        want: &[
            ("Tamsin Orley", Person, "The club voted for it", Reported),
            ("Brin Hale", Person, "I hated those nights", Direct),
        ],
        not: &[],
    },
    // "the two doctors said" right after two people spoke together: both of them.
    Row {
        text: "Ida Rask and Olaf Venn, who chair the nurses' council, said the walkout was a last resort. The two nurses said wards were short of staff.",
        want: &[
            ("Ida Rask", Person, "wards were short of staff", Reported),
            ("Olaf Venn", Person, "wards were short of staff", Reported),
        ],
        not: &["two nurses"],
    },
    // A participle after two coordinated names gives both of them the words, so "the two
    // leaders" after it are the pair.
    Row {
        text: "In a joint statement, President Ada Brun and Ilse Varga, the rebels' commander, defended the clause, calling it \"the price of peace.\"\n\nThe two leaders said the amnesty would cover both sides.",
        want: &[
            ("Ada Brun", Person, "the amnesty would cover both sides", Reported),
            ("Ilse Varga", Person, "the amnesty would cover both sides", Reported),
        ],
        not: &["two leaders"],
    },
    // A body named "... Project", a board of governors, a statement read out by a clerk.
    Row {
        text: "In a statement, the Dunmore Youth Project, which runs a drop-in centre, said it shared the goal. The governors of Kell Primary School said in a letter that they would not sign. A statement from the Tarn Water Board, read out by its clerk, said the hearing would close in May.",
        want: &[
            ("the Dunmore Youth Project", Organization, "it shared the goal", Reported),
            ("the governors of Kell Primary School", Group, "they would not sign", Reported),
            ("the Tarn Water Board", Organization, "the hearing would close in May", Reported),
        ],
        not: &[],
    },
    // "pressed ahead" is no speech, and "at least one economist" no voice to place.
    Row {
        text: "Vellcom pressed ahead with its bid, even as traders and at least one leading economist warned that prices would rise. Markets fell. At least one analyst said the bid was too high.",
        want: &[],
        not: &["Vellcom", "economist", "analyst"],
    },
    // A cue inside a relative clause set off by commas: the statement ends where the
    // main clause comes back.
    Row {
        text: "Ola Brun, who said in May that the bank was \"not for sale\", was more guarded on Tuesday. The Hosts Guild, which says it represents 640 owners, said the ban was unlawful.",
        want: &[
            ("Ola Brun", Person, "the bank was \"not for sale\"", Reported),
            ("the Hosts Guild", Organization, "it represents 640 owners", Reported),
            ("the Hosts Guild", Organization, "the ban was unlawful", Reported),
        ],
        not: &[],
    },
    // Shouts are speech: "shouted \"...\"", "called out \"...\"".
    Row {
        text: "As the minister rose, Pim Oster, a backbencher, shouted \"Shame on you!\" Then Lia Varn, another backbencher, called out \"Sit down!\", to jeers.",
        want: &[
            ("Pim Oster", Person, "Shame on you!", Direct),
            ("Lia Varn", Person, "Sit down!", Direct),
        ],
        not: &[],
    },
    // "the Ministry of Health and Social Care" is one body; "Jr." ends a name with its period.
    Row {
        text: "The Ministry of Health and Social Care said no decision had been made. \"No,\" said Amos T. Ferrin Jr., the union leader.",
        want: &[
            ("the Ministry of Health and Social Care", Organization, "no decision had been made", Reported),
            ("Amos T. Ferrin Jr.", Person, "No", Direct),
        ],
        not: &[],
    },
    // A name ending in "Jr." or "Sr." before its verb.
    Row {
        text: "\"We stay,\" Osric Pell-Danby Jr. said on Friday. Hale Merrow Sr. said the pier would close.",
        want: &[
            ("Osric Pell-Danby Jr.", Person, "We stay", Direct),
            ("Hale Merrow Sr.", Person, "the pier would close", Reported),
        ],
        not: &[],
    },
    // An American legislator's party tag is no voice.
    Row {
        text: "Sen. Corliss Amory, R-Danfield, said the bill would fail.",
        want: &[("Corliss Amory", Person, "the bill would fail", Reported)],
        not: &["R-Danfield"],
    },
    // A place in apposition before a role-prefixed name; a place word as a surname.
    Row {
        text: "Outside the old depot, Brindle Field, bus driver Omar Teale, 52, said the fares were too high. Jenna Park said the fares were fair.",
        want: &[
            ("Omar Teale", Person, "the fares were too high", Reported),
            ("Jenna Park", Person, "the fares were fair", Reported),
        ],
        not: &["Brindle Field"],
    },
    // A relative clause after an apposition is about the named person.
    Row {
        text: "Lena Ostrova, a retired nurse, who said she had queued since dawn, was angry. Pavel Rusk, a harbour pilot who last year called the pier \"a death trap,\" took a softer line.",
        want: &[
            ("Lena Ostrova", Person, "she had queued since dawn", Reported),
            ("Pavel Rusk", Person, "called the pier \"a death trap,\"", Reported),
        ],
        not: &["a retired nurse", "a harbour pilot"],
    },
    // "not involved in" keeps an unnamed source's description going.
    Row {
        text: "A senior diplomat not involved in the talks, who asked not to be named, said the deal was close.",
        want: &[("a senior diplomat not involved in the talks", Anonymous, "the deal was close", Reported)],
        not: &[],
    },
    // A participle's subject is the description that opens the sentence.
    Row {
        text: "A magistrate in Dorhaven on Friday refused bail for the former treasurer, Ivo Marek, saying the risk of flight was too high.",
        want: &[("a magistrate in Dorhaven", Anonymous, "the risk of flight was too high", Reported)],
        not: &["Ivo Marek"],
    },
    // A lede's description names the person identified further down.
    Row {
        text: "A judge in Velm on Monday refused the plea deal for the former mayor, Aldo Brisk, saying the sum was too low.\n\nThe deal was struck in May.\n\nJudge Mira Stoll said she would rule next week.",
        want: &[("Mira Stoll", Person, "the sum was too low", Reported)],
        not: &["a judge in Velm", "Aldo Brisk"],
    },
    // A quote that opens a paragraph, then a sentence that opens with its speaker.
    Row {
        text: "Tova Lind said the pier was safe.\n\n\"The old hall leaks. We cannot stay.\" Club secretary Ansel Roe gave that reason at a meeting, saying the move was overdue.",
        want: &[
            ("Tova Lind", Person, "the pier was safe", Reported),
            ("Ansel Roe", Person, "The old hall leaks. We cannot stay.", Direct),
        ],
        not: &[],
    },
    // A firm's name ends at its tail: "of <place>" after it says where the firm is.
    Row {
        text: "Brackwell Holdings of Varnia said the offer was final.",
        want: &[("Brackwell Holdings", Organization, "the offer was final", Reported)],
        not: &["Brackwell Holdings of Varnia"],
    },
    // A definite description with no earlier role is the one person just named.
    Row {
        text: "Vera Holm, who has sold bread on the square for decades, called the plan \"a trap\". \"They never ask us,\" the baker said.",
        want: &[("Vera Holm", Person, "They never ask us", Direct)],
        not: &["the baker"],
    },
    // "the association" is "the Association of ..."; a town's name that speaks is its
    // club; a role before a name with its body.
    Row {
        text: "The Association of School Cooks said in a statement that it backed the aim. \"We cannot price it,\" the association said. Marlow City said it would appeal. \"We will fight it,\" the club said. The mediator, Anouk van der Berg of the Coastal Peace Office, said the monitors were ready.",
        want: &[
            ("the Association of School Cooks", Organization, "We cannot price it", Direct),
            ("Marlow City", Organization, "We will fight it", Direct),
            ("Anouk van der Berg", Person, "the monitors were ready", Reported),
        ],
        not: &["the association", "the club", "The mediator"],
    },
    // A nickname in quotes inside a name.
    Row {
        text: "Coach Anton \"the Hammer\" Velk said the truce was a joke. \"We stay,\" said Rikke \"Rix\" Dahl.",
        want: &[
            ("Anton \"the Hammer\" Velk", Person, "the truce was a joke", Reported),
            ("Rikke \"Rix\" Dahl", Person, "We stay", Direct),
        ],
        not: &[],
    },
    // A backbencher is a person, even one of the government.
    Row {
        text: "Ossian Vell, a government backbencher, said the bill was sound.",
        want: &[("Ossian Vell", Person, "the bill was sound", Reported)],
        not: &[],
    },
    // A street is no person for a pronoun to find.
    Row {
        text: "For Ada Penn, a cook who has lived on Mill Row for years, the choice is easy. \"We need it,\" she said.",
        want: &[("Ada Penn", Person, "We need it", Direct)],
        not: &["Mill Row"],
    },
    // Counsel "for the defence" is "the defence lawyer"; a rights centre is "the group".
    Row {
        text: "Ilya Brask, for the defence, told the court the case was weak. The defence lawyer also argued that the charges were late. In a statement, the Marsh Rights Forum said it backed the plan. \"We will watch closely,\" the group said.",
        want: &[
            ("Ilya Brask", Person, "the charges were late", Reported),
            ("the Marsh Rights Forum", Organization, "We will watch closely", Direct),
        ],
        not: &["The defence lawyer", "the group"],
    },
    // "according to X" after the clause.
    Row {
        text: "The vote was postponed twice, according to Selma Ruud.",
        want: &[("Selma Ruud", Person, "The vote was postponed twice", Reported)],
        not: &[],
    },
    // "X told reporters that".
    Row {
        text: "Edwin Saar told reporters after the meeting that the strike was over.",
        want: &[("Edwin Saar", Person, "the strike was over", Reported)],
        not: &[],
    },
    // "X wrote on <platform> that".
    Row {
        text: "Nadia Kross wrote on Facebook that the vote had been rigged.",
        want: &[("Nadia Kross", Person, "the vote had been rigged", Reported)],
        not: &[],
    },
    // "In a statement, <org> said".
    Row {
        text: "In a statement, the Orvell Mining Company said it would appeal.",
        want: &[("the Orvell Mining Company", Organization, "it would appeal", Reported)],
        not: &[],
    },
    // Multi-sentence quote first, then a quote with "he added".
    Row {
        text: "\"We lost two days. We will lose no more,\" Ivo Brandt said. \"The line opens on Monday,\" he added.",
        want: &[
            ("Ivo Brandt", Person, "We lost two days. We will lose no more", Direct),
            ("Ivo Brandt", Person, "The line opens on Monday", Direct),
        ],
        not: &[],
    },
    // Pronoun continuation in the next sentence.
    Row {
        text: "Sara Lind said the budget was balanced. She added that taxes would not rise.",
        want: &[
            ("Sara Lind", Person, "the budget was balanced", Reported),
            ("Sara Lind", Person, "taxes would not rise", Reported),
        ],
        not: &[],
    },
    // A quote after an attribution colon, by role.
    Row {
        text: "Mayor Ruth Okoye opened the session. Asked whether she would resign, the mayor replied: \"Never.\"",
        want: &[("Ruth Okoye", Person, "Never.", Direct)],
        not: &[],
    },
    // A quote-only sentence after an attributed one.
    Row {
        text: "\"The pumps failed,\" said Aldo Ferrin. \"Nobody checked them for a year.\"",
        want: &[("Aldo Ferrin", Person, "Nobody checked them for a year.", Direct)],
        not: &[],
    },
    // Paraphrase cues without quotation marks.
    Row {
        text: "Jonas Pell accused the council of hiding the report.",
        want: &[("Jonas Pell", Person, "accused the council of hiding the report", Reported)],
        not: &[],
    },
    Row {
        text: "Dana Voss warned that the river could flood by Friday.",
        want: &[("Dana Voss", Person, "the river could flood by Friday", Reported)],
        not: &[],
    },
    Row {
        text: "Carl Enby called for a recount of the postal votes.",
        want: &[("Carl Enby", Person, "called for a recount of the postal votes", Reported)],
        not: &[],
    },
    Row {
        text: "Mira Holt acknowledged that the plan was late.",
        want: &[("Mira Holt", Person, "the plan was late", Reported)],
        not: &[],
    },
    Row {
        text: "Olav Tenn urged voters to stay calm.",
        want: &[("Olav Tenn", Person, "urged voters to stay calm", Reported)],
        not: &[],
    },
    Row {
        text: "Greta Lunde described the deal as a betrayal.",
        want: &[("Greta Lunde", Person, "described the deal as a betrayal", Reported)],
        not: &[],
    },
    Row {
        text: "Ines Paro criticized the decision to close the clinic.",
        want: &[("Ines Paro", Person, "criticized the decision to close the clinic", Reported)],
        not: &[],
    },
    Row {
        text: "Rolf Dahn confirmed that talks had resumed. Ana Bex claimed that the count was wrong.",
        want: &[
            ("Rolf Dahn", Person, "talks had resumed", Reported),
            ("Ana Bex", Person, "the count was wrong", Reported),
        ],
        not: &[],
    },
    // One attribution, two speakers.
    Row {
        text: "Kai Moss and Lotte Fenn said the talks had failed.",
        want: &[
            ("Kai Moss", Person, "the talks had failed", Reported),
            ("Lotte Fenn", Person, "the talks had failed", Reported),
        ],
        not: &[],
    },
    Row {
        text: "According to the two mediators, Hale Ostrom and Vera Quist, a deal is close.",
        want: &[
            ("Hale Ostrom", Person, "a deal is close", Reported),
            ("Vera Quist", Person, "a deal is close", Reported),
        ],
        not: &[],
    },
    // Organisation voices.
    Row {
        text: "The Teldar interior ministry said the border would stay closed.",
        want: &[("the Teldar interior ministry", Organization, "the border would stay closed", Reported)],
        not: &[],
    },
    Row {
        text: "Workers at Grannholm Rail walked out. In a statement, the company said the offer stood.",
        want: &[("Grannholm Rail", Organization, "the offer stood", Reported)],
        not: &[],
    },
    // Anonymous source.
    Row {
        text: "A senior Varn official, speaking on condition of anonymity, said the offer was withdrawn.",
        want: &[("a senior Varn official", Anonymous, "the offer was withdrawn", Reported)],
        not: &[],
    },
    // Group voice.
    Row {
        text: "Hektor Lusk said the dam was sound. Dornish officials disputed the claim.",
        want: &[
            ("Hektor Lusk", Person, "the dam was sound", Reported),
            ("Dornish officials", Group, "disputed the claim", Reported),
        ],
        not: &[],
    },
    // People only talked about, refusals, documents.
    Row {
        text: "Elsa Grau said Piet Moor does not want peace. Hugo Lamm declined to comment. Ana Rist did not respond. The firm paid twice, according to court records.",
        want: &[("Elsa Grau", Person, "Piet Moor does not want peace", Reported)],
        not: &["Piet Moor", "Hugo Lamm", "Ana Rist", "court records"],
    },
    // "said it does not comment" is speech.
    Row {
        text: "The Halvard Bank said it does not comment on client matters.",
        want: &[("the Halvard Bank", Organization, "it does not comment on client matters", Reported)],
        not: &[],
    },
    // Clause first, attribution after.
    Row {
        text: "The mine will close in June, Energy Minister Pia Rask announced on Friday.",
        want: &[("Pia Rask", Person, "The mine will close in June", Reported)],
        not: &[],
    },
    // A statement's source speaks; a document's publisher does not.
    Row {
        text: "A report published by the Ostry Institute said rents had doubled. A statement from the harbour board said the quay would reopen.",
        want: &[("the harbour board", Organization, "the quay would reopen", Reported)],
        not: &["Ostry"],
    },
    // Plural roles with a qualifier are a group.
    Row {
        text: "Lawyers for the ferry company told the court that the crew had followed the rules.",
        want: &[("lawyers for the ferry company", Group, "the crew had followed the rules", Reported)],
        not: &[],
    },
    // "was quoted as saying" and "people familiar with".
    Row {
        text: "Bo Tarrant, who leads the dockers, was quoted as saying that the port would close. People familiar with the talks said a deal was near.",
        want: &[
            ("Bo Tarrant", Person, "the port would close", Reported),
            ("people familiar with the talks", Anonymous, "a deal was near", Reported),
        ],
        not: &[],
    },
    // Same surname told apart by honorifics and first names.
    Row {
        text: "Mr. Ivo Strand leads the union. Ms. Ana Strand chairs the board. Mr. Strand said the offer was poor. Ms. Strand said it was fair.",
        want: &[
            ("Ivo Strand", Person, "the offer was poor", Reported),
            ("Ana Strand", Person, "it was fair", Reported),
        ],
        not: &[],
    },
    // A mayor by the local title is "the mayor"; foreign forms of address are no part of
    // a name, and tell "Herr Strand" from "Frau Strand".
    Row {
        text: "Sindaco Pia Marchetti Orsi cut the ribbon. \"The square is ours again,\" the mayor said. Herr Ivo Strand and Frau Ana Strand run the cafe. Herr Strand said trade was slow. Frau Strand said it would recover.",
        want: &[
            ("Pia Marchetti Orsi", Person, "The square is ours again", Direct),
            ("Ivo Strand", Person, "trade was slow", Reported),
            ("Ana Strand", Person, "it would recover", Reported),
        ],
        not: &["the mayor", "Sindaco", "Herr"],
    },
    // A surname shaped like an "-ly" adverb is still the subject of its verb.
    Row {
        text: "Maeve Donnelly said the quota was unfair. Donnelly added that the boats would stay in port. The union has firmly said it would strike.",
        want: &[
            ("Maeve Donnelly", Person, "the quota was unfair", Reported),
            ("Maeve Donnelly", Person, "the boats would stay in port", Reported),
            ("the union", Organization, "it would strike", Reported),
        ],
        not: &[],
    },
    // A first name that is also a function word; an adverb between commas.
    Row {
        text: "The mayor's deputy, Per Lind, said rationing would start. The opposition, however, called for a recount.",
        want: &[
            ("Per Lind", Person, "rationing would start", Reported),
            ("the opposition", Organization, "called for a recount", Reported),
        ],
        not: &[],
    },
    // A colon at a paragraph's end, then a quote over two paragraphs.
    Row {
        text: "Nils Orme told reporters:\n\n\"We will not move. Not this year.\n\n\"Not next year either.\"",
        want: &[
            ("Nils Orme", Person, "We will not move. Not this year.", Direct),
            ("Nils Orme", Person, "Not next year either.", Direct),
        ],
        not: &[],
    },
    // A quote-only paragraph after a paragraph that ended with the speaker's words.
    Row {
        text: "Edda Voll said the council had waited too long.\n\n\"We asked in June. Nobody came.\"",
        want: &[
            ("Edda Voll", Person, "the council had waited too long", Reported),
            ("Edda Voll", Person, "We asked in June. Nobody came.", Direct),
        ],
        not: &[],
    },
    // British single quotes when a text has no double quotes.
    Row {
        text: "'We have waited long enough,' said Ros Penn. 'Now we act.'",
        want: &[
            ("Ros Penn", Person, "We have waited long enough", Direct),
            ("Ros Penn", Person, "Now we act.", Direct),
        ],
        not: &[],
    },
    // A title-only description that resolves through a leader-like role.
    Row {
        text: "Ivar Kolst and Mina Oduro met in Tarrin, after which the Veskan president said the talks were useful. Oduro, Brall's prime minister, left early.",
        want: &[("Ivar Kolst", Person, "the talks were useful", Reported)],
        not: &["Mina Oduro"],
    },
    // A clause can start with a number; "called a meeting" is not speech.
    Row {
        text: "The mayor called a meeting. A spokesperson for the ministry said 1.2 million doses had arrived.",
        want: &[("a spokesperson for the ministry", Anonymous, "1.2 million doses had arrived", Reported)],
        not: &["mayor"],
    },
    // Official bodies of people speak as groups; a name after "group" is an organisation.
    Row {
        text: "Prosecutors said they would appeal. The residents' group Harbour Watch said it was relieved.",
        want: &[
            ("prosecutors", Group, "they would appeal", Reported),
            ("Harbour Watch", Organization, "it was relieved", Reported),
        ],
        not: &[],
    },
    // Clause first, when the tail after the attribution has its own cue.
    Row {
        text: "Cases fell for a third week, health officials said on Friday, although doctors warned that the outbreak was not over.",
        want: &[("health officials", Group, "Cases fell for a third week", Reported)],
        not: &[],
    },
    // Honorific and surname first, full name later: one person with the full name.
    Row {
        text: "Ms. Orlov said the port would reopen. Later, Vera Orlov added that fees would fall.",
        want: &[
            ("Vera Orlov", Person, "the port would reopen", Reported),
            ("Vera Orlov", Person, "fees would fall", Reported),
        ],
        not: &[],
    },
    // Asides in brackets or dashes, passive "asked" asides, titles with "of".
    Row {
        text: "Ola Brun (left) said the plan was dead. Ivo Marr \u{2014} who chairs the panel \u{2014} said it was not.",
        want: &[
            ("Ola Brun", Person, "the plan was dead", Reported),
            ("Ivo Marr", Person, "it was not", Reported),
        ],
        not: &[],
    },
    Row {
        text: "Ola Brun, asked whether the plan was dead, replied: \"Yes.\" Deputy Secretary of State Ivo Marr said Monday the talks would go on.",
        want: &[
            ("Ola Brun", Person, "Yes.", Direct),
            ("Ivo Marr", Person, "the talks would go on", Reported),
        ],
        not: &[],
    },
    // An active "told" after an apposition is speech.
    Row {
        text: "Its chairman, Olaf Rinde, told reporters that three wind farms could be cancelled.",
        want: &[("Olaf Rinde", Person, "three wind farms could be cancelled", Reported)],
        not: &[],
    },
    // The addressee of "told" is no part of the content.
    Row {
        text: "Ivo Marr told Ola Brun the plan was dead.",
        want: &[("Ivo Marr", Person, "the plan was dead", Reported)],
        not: &["Ola Brun"],
    },
    // "it" after an organisation that opened the previous sentence.
    Row {
        text: "The Dorn transport ministry reopened the bridge. It said repairs had cost 2 million.",
        want: &[("the Dorn transport ministry", Organization, "repairs had cost 2 million", Reported)],
        not: &[],
    },
    // Comma-less relative clauses and anonymous sources "briefed on".
    Row {
        text: "An official who spoke on condition of anonymity said talks had stalled. Two people briefed on the talks said a deal was near.",
        want: &[
            ("an official", Anonymous, "talks had stalled", Reported),
            ("two people briefed on the talks", Anonymous, "a deal was near", Reported),
        ],
        not: &[],
    },
    // Seats of power speak as organisations.
    Row {
        text: "The Kremlin blamed the delay on the weather.",
        want: &[("the Kremlin", Organization, "blamed the delay on the weather", Reported)],
        not: &[],
    },
    // A title seen earlier lets a role phrase find its holder; a former holder is not
    // "the president".
    Row {
        text: "Veskan President Ivar Kolst arrived late. The Veskan leader said the talks were useful.",
        want: &[("Ivar Kolst", Person, "the talks were useful", Reported)],
        not: &[],
    },
    Row {
        text: "President Ada Korr and former president Bo Lenn met on Monday. The president said the talks were useful. Lenn has not commented and did not speak to reporters.",
        want: &[("Ada Korr", Person, "the talks were useful", Reported)],
        not: &["Bo Lenn", "Lenn"],
    },
    // An unnamed source introduced before it speaks: "he said" and "the official" are it,
    // not the premier named before.
    Row {
        text: "Premier Ansel Dorr said he would sign. A senior Varnic official, who asked not to be named, was less patient. \"Nobody here believes it,\" he said. The official said the army would wait.",
        want: &[
            ("Ansel Dorr", Person, "he would sign", Reported),
            ("a senior Varnic official", Anonymous, "Nobody here believes it", Direct),
            ("a senior Varnic official", Anonymous, "the army would wait", Reported),
        ],
        not: &[],
    },
    // "the official" for an unnamed voice introduced by another noun.
    Row {
        text: "A member of the harbour board, who spoke on condition of anonymity, said the fees would rise. \"Those are the numbers,\" the official said.",
        want: &[
            ("a member of the harbour board", Anonymous, "the fees would rise", Reported),
            ("a member of the harbour board", Anonymous, "Those are the numbers", Direct),
        ],
        not: &[],
    },
    // A lowercase modifier between a capitalised word and the role noun.
    Row {
        text: "\"The fence stays,\" said a senior Varnic security official, who asked not to be named.",
        want: &[("a senior Varnic security official", Anonymous, "The fence stays", Direct)],
        not: &[],
    },
    // A speech noun before a modal is not a verb.
    Row {
        text: "Written comments can be sent to the council until May 3.",
        want: &[],
        not: &["Written"],
    },
    // "the Movement" after the body's full name.
    Row {
        text: "In a statement, the Ostrel Farmers Movement said it would join the talks. The Movement added that its members would stay home.",
        want: &[(
            "the Ostrel Farmers Movement",
            Organization,
            "its members would stay home",
            Reported,
        )],
        not: &[],
    },
    // A club named without a telling noun, then "the club".
    Row {
        text: "In a statement, Harwick Athletic said the new ground would open in 2027. The club said its old stand was unsafe.",
        want: &[
            ("Harwick Athletic", Organization, "the new ground would open in 2027", Reported),
            ("Harwick Athletic", Organization, "its old stand was unsafe", Reported),
        ],
        not: &[],
    },
    // A firm introduced by the lede ("X will ... its ..., the company said") is the
    // company, and the dateline before it is nobody's words.
    Row {
        text: "TESSMOOR, Oct 9 - Brannock Valves will move its foundry to Kelsby from March, the company said on Friday. The company said the old site was too small.",
        want: &[
            (
                "Brannock Valves",
                Organization,
                "Brannock Valves will move its foundry to Kelsby from March",
                Reported,
            ),
            ("Brannock Valves", Organization, "the old site was too small", Reported),
        ],
        not: &["the company", "TESSMOOR"],
    },
    // A name after a preposition is not the body "the firm" refers to; a person named in
    // the lede is not "the company".
    Row {
        text: "Ilse Varga will move to Tessmoor, the firm said. Marit Olsen will join the board, the company said.",
        want: &[
            ("the firm", Organization, "Ilse Varga will move to Tessmoor", Reported),
            ("the firm", Organization, "Marit Olsen will join the board", Reported),
        ],
        not: &["Tessmoor", "Ilse Varga", "Marit Olsen"],
    },
    // A role owned by a body ("the group's chair") or modified by one ("an opposition
    // member") keeps the name a person, and "the lawmaker" finds the member.
    Row {
        text: "Ivo Brenn, the group's chair, said the count was wrong. Petra Ovin, an opposition member of the Varn assembly, called the deal a disgrace. The lawmaker said her party would vote against it.",
        want: &[
            ("Ivo Brenn", Person, "the count was wrong", Reported),
            ("Petra Ovin", Person, "her party would vote against it", Reported),
        ],
        not: &[],
    },
    // A pronoun prefers someone named earlier in its own paragraph, even as an object,
    // to the subject of the paragraph before.
    Row {
        text: "According to a ward manager, who asked not to be named because she was not allowed to speak, 12 beds were closed.\n\nFor Ilse Marrow, a teacher who takes the No. 4 bus, the week has been long. \"Who is this helping?\" she asked.",
        want: &[
            ("a ward manager", Anonymous, "12 beds were closed", Reported),
            ("Ilse Marrow", Person, "Who is this helping?", Direct),
        ],
        not: &[],
    },
    // "the group" for a rebel front named in the sentence before.
    Row {
        text: "The Western Liberation Front was more guarded. In a statement, the group said it would respect the truce for now.",
        want: &[(
            "the Western Liberation Front",
            Organization,
            "it would respect the truce for now",
            Reported,
        )],
        not: &[],
    },
    // "According to <surname>," after the full name, though ", the mission ..." looks
    // like an apposition of a body.
    Row {
        text: "Mira Holm said the hardest part would be counting. According to Holm, the mission would need 150 monitors.",
        want: &[
            ("Mira Holm", Person, "the hardest part would be counting", Reported),
            ("Mira Holm", Person, "the mission would need 150 monitors", Reported),
        ],
        not: &[],
    },
    // A body introduced as a possessive subject before it speaks ("It said").
    Row {
        text: "Marendia and Sulvan agreed a truce.\n\nSulvan's foreign ministry was more cautious. It said it would honour the extension only if the guns were withdrawn.",
        want: &[(
            "Sulvan's foreign ministry",
            Organization,
            "it would honour the extension only if the guns were withdrawn",
            Reported,
        )],
        not: &[],
    },
    // An unnamed voice with a long prepositional tail and a long anonymity clause.
    Row {
        text: "The dockers walked out on Monday.\n\nA foreman at one of the port's two stevedoring firms, who asked not to be named because he had no permission to talk to reporters, said the crews had a point. \"I would not call them greedy,\" he said.",
        want: &[
            ("a foreman at one of the port's two stevedoring firms", Anonymous, "the crews had a point", Reported),
            ("a foreman at one of the port's two stevedoring firms", Anonymous, "I would not call them greedy", Direct),
        ],
        not: &[],
    },
    // The same shape introduced before it speaks ("was blunter"), with a role noun.
    Row {
        text: "The mill will close in May.\n\nA postmistress in one of the valley's upper villages, who spoke on condition of anonymity, was blunter. \"Nobody asked us,\" she said.",
        want: &[("a postmistress in one of the valley's upper villages", Anonymous, "Nobody asked us", Direct)],
        not: &[],
    },
    // "familiar with" / "close to" belong to the source's description.
    Row {
        text: "According to a person familiar with the talks, who asked not to be named, the two boards will vote in June.",
        want: &[("a person familiar with the talks", Anonymous, "the two boards will vote in June", Reported)],
        not: &[],
    },
    // An acronym used later for a body named in full.
    Row {
        text: "The Coastal Fishers' Guild said the quota was unfair. The CFG said it would sue the ministry.",
        want: &[("the Coastal Fishers' Guild", Organization, "it would sue the ministry", Reported)],
        not: &["the CFG"],
    },
    // A firm named with a business ending and a descriptive apposition, then "the company".
    Row {
        text: "Orrin Milling, the region's biggest flour maker, was calmer. The company said the ban could be lived with for a month.",
        want: &[("Orrin Milling", Organization, "the ban could be lived with for a month", Reported)],
        not: &["the company"],
    },
    // "Skyvard Air" is a carrier; "the airline" refers back to it; "the capital, X" is a city.
    Row {
        text: "Pelk Air said it had cancelled 40 flights to the capital, Vorn, on Monday. The airline said refunds would follow.",
        want: &[("Pelk Air", Organization, "refunds would follow", Reported)],
        not: &["Vorn"],
    },
    // A description followed by the body's name in apposition is that body.
    Row {
        text: "Mardia's state-owned rail operator, Ostline, plans to close 30 stations. The company said the stations lost money.",
        want: &[("Ostline", Organization, "the stations lost money", Reported)],
        not: &["Mardia's state-owned rail operator", "the company"],
    },
    // "the village of X" is a place; "Name, 81," is a person, not a body in apposition.
    Row {
        text: "In the village of Upper Tarn, where the shop shares a room with the old chapel, Iris Penhallow, 79, buys her stamps. \"It is a scandal,\" she said.",
        want: &[("Iris Penhallow", Person, "It is a scandal", Direct)],
        not: &["Upper Tarn"],
    },
    // A country's generic ministry keeps the country in its name.
    Row {
        text: "Talvia's Interior Ministry said in a statement that the border would stay shut. The ministry said patrols would double.",
        want: &[("Talvia's Interior Ministry", Organization, "patrols would double", Reported)],
        not: &[],
    },
    // Contesting land "with" a neighbour is not speech.
    Row {
        text: "Orlenia's army will leave the ridge it has disputed with Maskov for two decades.",
        want: &[],
        not: &["Orlenia's army"],
    },
    // "who leads the union" gives the role that "the union leader" refers back to.
    Row {
        text: "In May, Ilka Brandt, who leads the Dockers' Union, rejected the offer. \"We will take it now,\" the union leader said on Friday.",
        want: &[("Ilka Brandt", Person, "We will take it now", Direct)],
        not: &["the union leader"],
    },
    // People introduced by first name alone: "named X", "His sister, X,", "X, whose ...".
    Row {
        text: "The pass reopened.\n\nBy the well, a herder named Tavi shook his head. \"It will not last,\" he said.\n\nHis sister, Mirel, disagreed. \"It has to,\" she said.\n\nDana, whose husband drives the bus, was waiting. \"Let them open it,\" she said.",
        want: &[
            ("Tavi", Person, "It will not last", Direct),
            ("Mirel", Person, "It has to", Direct),
            ("Dana", Person, "Let them open it", Direct),
        ],
        not: &[],
    },
    // "..., said the council would ...": the phrase after "said" starts the reported
    // clause; the speaker is the councillor with a compound role in apposition.
    Row {
        text: "Councillor Edda Prior, cabinet member for transport on Wexley District Council, said the council would fight the toll.",
        want: &[("Edda Prior", Person, "the council would fight the toll", Reported)],
        not: &["Wexley District Council"],
    },
    // A role given as a predicate is a role "the headteacher" can refer back to.
    Row {
        text: "The school will close in July.\n\nMaren Holt has been headteacher at the school since 2015. The headteacher says the decision is wrong.",
        want: &[("Maren Holt", Person, "the decision is wrong", Reported)],
        not: &["the headteacher"],
    },
    // A body whose name opens with a role word ("Passenger"), told apart by its apposition.
    Row {
        text: "In a statement, Passenger Watch, a consumer group, said fares would rise.",
        want: &[("Passenger Watch", Organization, "fares would rise", Reported)],
        not: &[],
    },
    // "according to a statement from X": X speaks; a report by X is only a document.
    Row {
        text: "According to a statement from the port authority, the quay will reopen in May. According to a report by the Harbour Trust, the pier is unsafe.",
        want: &[("the port authority", Organization, "the quay will reopen in May", Reported)],
        not: &["the Harbour Trust"],
    },
    // An office introduced without a name by a relative clause; "the minister" and "the
    // health minister" later are the same holder.
    Row {
        text: "The clinic plan is back.\n\nThe health minister, who once called it a fantasy, now leads the campaign for it. \"We will open ten clinics,\" the minister told parliament. Later the health minister said the money was found.",
        want: &[
            ("the health minister", Person, "We will open ten clinics", Direct),
            ("the health minister", Person, "the money was found", Reported),
        ],
        not: &["the minister"],
    },
    // "the group" for an armed movement named an army; "the charity" for a league of friends.
    Row {
        text: "The Serrin Liberation Army said in a post that it would free six prisoners. The group said the list was final.\n\nThe Orme League of Friends wrote that it backed the plan. The charity said it would pay for the scanner.",
        want: &[
            ("the Serrin Liberation Army", Organization, "the list was final", Reported),
            ("the Orme League of Friends", Organization, "it would pay for the scanner", Reported),
        ],
        not: &["the group", "the charity"],
    },
    // "..., said the board privately regards ...": the board is the reported clause's
    // subject, not an inverted speaker.
    Row {
        text: "Ilse Brand, who chairs the port, said the board privately regards the sale as settled.",
        want: &[("Ilse Brand", Person, "the board privately regards the sale as settled", Reported)],
        not: &["the board"],
    },
    // An adverb after an inverted subject ends the attribution.
    Row {
        text: "\"We will not sign,\" said Petra Lusk firmly.",
        want: &[("Petra Lusk", Person, "We will not sign", Direct)],
        not: &[],
    },
    // Callers and passers-by by first name with a home town or a job: "X, from Y," and
    // "X, a nurse from Y,"; the town after "from" is not the "who" clause's person.
    Row {
        text: "Listeners rang in all morning. \"Who pays for the extra day?\" asked Dilys, from Porthmere, who runs a bakery.\n\nTomas, from Kelloway, said his son was tired by Wednesday. \"I am all for it,\" he said.\n\nMagda, a nurse from Linwood, disagreed. \"It is late, but it is a chance,\" she told the station.",
        want: &[
            ("Dilys", Person, "Who pays for the extra day?", Direct),
            ("Tomas", Person, "I am all for it", Direct),
            ("Magda", Person, "It is late, but it is a chance", Direct),
        ],
        not: &["Porthmere", "Kelloway", "Linwood"],
    },
    // "told" takes its listener as object: after a quoted phrase it does not invert.
    Row {
        text: "Ilka Dorn, who in May called the deal \"a gift to smugglers\", told the assembly on Friday that it had saved lives.",
        want: &[("Ilka Dorn", Person, "it had saved lives", Reported)],
        not: &["the assembly"],
    },
    // "the councillor" for an unnamed member of a council committee; not for a member of
    // the public.
    Row {
        text: "A member of the planning committee, who asked not to be named, said the vote was close. \"I cannot back it yet,\" the councillor said.",
        want: &[("a member of the planning committee", Anonymous, "I cannot back it yet", Direct)],
        not: &["the councillor"],
    },
    Row {
        text: "A member of the public said the hall was full. \"It is a disgrace,\" the councillor said.",
        want: &[
            ("a member of the public", Anonymous, "the hall was full", Reported),
            ("the councillor", Person, "It is a disgrace", Direct),
        ],
        not: &[],
    },
    // A role word that opens a body's name stays in the name.
    Row {
        text: "Tenant Voice, a housing charity, said the rents were unfair.",
        want: &[("Tenant Voice", Organization, "the rents were unfair", Reported)],
        not: &[],
    },
    // Names with particles, a hyphened article, and a surname that opens with a particle.
    Row {
        text: "Interior minister Rosa de la Vega said the border would open. De la Vega said the talks went well.\n\n\"The ban is late,\" said Ambassador Piet van der Hoek of Sarnia. Van der Hoek said the vote was close.\n\n\"We will not wait,\" said Sheikh Omar al-Rashidi, the bloc's president. Al-Rashidi said the measures were fair.",
        want: &[
            ("Rosa de la Vega", Person, "the talks went well", Reported),
            ("Piet van der Hoek", Person, "The ban is late", Direct),
            ("Piet van der Hoek", Person, "the vote was close", Reported),
            ("Omar al-Rashidi", Person, "We will not wait", Direct),
            ("Omar al-Rashidi", Person, "the measures were fair", Reported),
        ],
        not: &[],
    },
    // A role after an age, a role from "who has chaired", an abbreviated military title,
    // and a town in -ing opening a sentence.
    Row {
        text: "\"We need the money,\" says Hanna Loft, 52, the deputy mayor for sport. The deputy mayor says the vote is close.\n\n\"It pays,\" says Ivo Brandt, 61, a builder who has chaired Westfield since 2015. The chairman says the sums work.\n\nCapt. Mira Solt said the port was open. The captain said ships were waiting.\n\nThe plan needs Harling Town Council. Harling Town Council said it would decide in May.",
        want: &[
            ("Hanna Loft", Person, "the vote is close", Reported),
            ("Ivo Brandt", Person, "the sums work", Reported),
            ("Mira Solt", Person, "ships were waiting", Reported),
            ("Harling Town Council", Organization, "it would decide in May", Reported),
        ],
        not: &["the deputy mayor", "the chairman", "the captain"],
    },
    // "Member states" are no speech verb; a role word before a name in apposition to a
    // description makes the name the speaker.
    Row {
        text: "ORVIK - Member states of the Delta League spent a third day on Friday debating the trade embargo proposed against Korth, where the ruling council has used armoured cars against marchers. A petition has 900 names. Its organiser, schoolteacher Alma Fenn, told the paper in early July that the ban should end.",
        want: &[("Alma Fenn", Person, "the ban should end", Reported)],
        not: &["Member", "its organiser"],
    },
    // An abbess is a woman: "he says" is not hers.
    Row {
        text: "\"The road is open,\" says Aldo Brenn, a ferryman. The shrine's keeper, Abbess Ilse Varn, declined to comment, but the bells ring at noon. \"Ask me tomorrow,\" he says.",
        want: &[("Aldo Brenn", Person, "Ask me tomorrow", Direct)],
        not: &["Ilse Varn"],
    },
    // An opening phrase, then a subject with its own apposition.
    Row {
        text: "In a statement, the Tarrow Anglers, who fish the upper weir, said the permit fee was too high.\n\nAfter the hearing, the magistrate, a former harbour pilot, said the fee would stand.",
        want: &[
            ("the Tarrow Anglers", Organization, "the permit fee was too high", Reported),
            ("the magistrate", Person, "the fee would stand", Reported),
        ],
        not: &[],
    },
    // "issued a statement saying", "posted a short message asking": the body that put
    // the text out speaks.
    Row {
        text: "The Kessel Rovers issued a statement saying the new kit deal was a mistake.\n\nThe Dunmore Supporters' Club, the biggest fans' group, posted a short message asking: \"Who signed this?\" The club shop was shut.",
        want: &[
            ("the Kessel Rovers", Organization, "the new kit deal was a mistake", Reported),
            ("the Dunmore Supporters' Club", Organization, "Who signed this?", Direct),
        ],
        not: &[],
    },
    // "and" and "&" inside a body's or a firm's name; an analyst "of" a firm speaks.
    Row {
        text: "The Water Quality and Rivers Agency said it would test the lake. Ola Tenn of Harker & Bligh wrote in a note to clients that the shares were cheap.",
        want: &[
            ("the Water Quality and Rivers Agency", Organization, "it would test the lake", Reported),
            ("Ola Tenn", Person, "the shares were cheap", Reported),
        ],
        not: &[],
    },
    // Two family names: the later "Vidal Serra" is the "Hector Vidal Serra" named
    // before (and "Hector" is a first name, not a role word ending in -or).
    Row {
        text: "Hector Vidal Serra, the harbour master, said the quay was safe. \"It will hold,\" Vidal Serra said.",
        want: &[
            ("Hector Vidal Serra", Person, "the quay was safe", Reported),
            ("Hector Vidal Serra", Person, "It will hold", Direct),
        ],
        not: &[],
    },
    // A relative clause that goes on after its own apposition ("whose son X, a
    // fisherman, was lost at sea, said").
    Row {
        text: "Carla Moen, whose son Piet Moen, a fisherman, was lost at sea in 2019, said she would vote against the plan.",
        want: &[("Carla Moen", Person, "she would vote against the plan", Reported)],
        not: &[],
    },
    // "X's verdict: \"...\"": a voice's verdict given as a bare quote.
    Row {
        text: "Reaction came fast.\n\nThe Kell Hauliers' Guild's verdict: \"Too little, too late.\"",
        want: &[("the Kell Hauliers' Guild", Organization, "Too little, too late.", Direct)],
        not: &[],
    },
    // "The body, through its chair X, said": the named person speaks.
    Row {
        text: "The Brask Tenants' Forum, through its chair Ilona Petz, said the rent cap was overdue.",
        want: &[("Ilona Petz", Person, "the rent cap was overdue", Reported)],
        not: &["Forum"],
    },
    // A firm whose name ends in a portfolio word ("Energy", "Health") is no title; "the
    // company" later is that firm.
    Row {
        text: "The operator, Grey Fjord Energy, struck a softer tone. In a filing last week, the company said the turbines would be quieter.",
        want: &[("Grey Fjord Energy", Organization, "the turbines would be quieter", Reported)],
        not: &["the operator"],
    },
    // "involved in" as the tail of an anonymous source; a name in apposition inside
    // "sources close to the commander" is the commander's, not the speaker's.
    Row {
        text: "An aid worker involved in the convoy said the road was open.\n\nPeople close to the colonel, Edvin Sarr, said he had wanted to sign.",
        want: &[
            ("an aid worker involved in the convoy", Anonymous, "the road was open", Reported),
            ("people close to the colonel", Anonymous, "he had wanted to sign", Reported),
        ],
        not: &["Edvin Sarr"],
    },
    // A firm named in apposition to the object of a role ("counsel for the builder, X
    // Homes,") is not the subject; the lawyer named first is.
    Row {
        text: "Mirja Kallas, counsel for the builder, Tor Vale Energy, said the complaint was a delaying tactic.",
        want: &[("Mirja Kallas", Person, "the complaint was a delaying tactic", Reported)],
        not: &[],
    },
    // A body introduced as "the <noun> group NAME" is what "the group" means later, even
    // with another body's description ("The company") in between.
    Row {
        text: "The company stayed silent. The tenants' group Lantern Row, which had been asked to sign, refused. \"We will not be bought,\" the group said.",
        want: &[("Lantern Row", Organization, "We will not be bought", Direct)],
        not: &["the company"],
    },
    // A negated subject says nothing.
    Row {
        text: "Talks resume on Monday. Neither side has said who will attend. None of the envoys said anything either.",
        want: &[],
        not: &["side", "envoys"],
    },
    // A sentence that ends in its own attribution: the inner "has told" is reported by
    // the one who adds it.
    Row {
        text: "Her father, Aldo Penn, has told relatives he will not sell the farm, Mira Penn added.",
        want: &[("Mira Penn", Person, "Her father, Aldo Penn, has told relatives he will not sell the farm", Reported)],
        not: &["Aldo Penn"],
    },
    // The same with an unnamed source or a role after the comma.
    Row {
        text: "The harbour master has told crews the quay will reopen, a port source said. Ivo Rask has told friends he will stand down, his spokesman said.",
        want: &[
            ("a port source", Anonymous, "The harbour master has told crews the quay will reopen", Reported),
            ("his spokesman", Person, "Ivo Rask has told friends he will stand down", Reported),
        ],
        not: &["harbour master", "Ivo Rask"],
    },
    // A relative clause whose closing comma sits inside a short quoted phrase.
    Row {
        text: "Councillor Nils Arvid, whose group once called the tram \"a folly,\" said on Friday that it had earned its keep.",
        want: &[("Nils Arvid", Person, "it had earned its keep", Reported)],
        not: &[],
    },
    // An office named first and its holder's name in the next sentence: one voice.
    Row {
        text: "The port's chief safety officer took a different line. Two years ago Dr. Ines Varga called the levy \"a tax on caution\". On Monday the chief safety officer said the levy had kept the harbour safe.",
        want: &[
            ("Ines Varga", Person, "the levy had kept the harbour safe", Reported),
            ("Ines Varga", Person, "called the levy \"a tax on caution\"", Reported),
        ],
        not: &[],
    },
    // Not when the next name comes with its own role, or an earlier person holds the office.
    Row {
        text: "The finance minister arrived late. Ola Brun, a dock worker, said the strike would go on. The finance minister said the talks would resume.",
        want: &[
            ("Ola Brun", Person, "the strike would go on", Reported),
            ("the finance minister", Person, "the talks would resume", Reported),
        ],
        not: &[],
    },
    Row {
        text: "Finance Minister Ada Lenk opened the session. The finance minister spoke first. Ola Brun called the budget \"a start\". The minister said it would pass.",
        want: &[
            ("Ada Lenk", Person, "it would pass", Reported),
            ("Ola Brun", Person, "called the budget \"a start\"", Reported),
        ],
        not: &[],
    },
    // An unnamed source is named with where they work, after "at" or "in"; where someone
    // spoke is not part of the name, and "a senior figure" is a person.
    Row {
        text: "A senior figure at the port authority, who asked not to be named, said the levy would stay. According to a senior official in the Vell transport ministry, who asked not to be named, the line will close. \"We are ready,\" said the minister in Geneva.",
        want: &[
            ("a senior figure at the port authority", Anonymous, "the levy would stay", Reported),
            ("a senior official in the Vell transport ministry", Anonymous, "the line will close", Reported),
            ("the minister", Person, "We are ready", Direct),
        ],
        not: &[],
    },
    // A spokesperson for a body that has spoken is its voice; for one that has not, the
    // speaker is the spokesperson.
    Row {
        text: "Tessel Watch, a campaign group, said the toll was unfair. \"Drivers pay twice,\" a spokeswoman for the group said. A spokesman for the Vell Prosecution Office said the case was closed.",
        want: &[
            ("Tessel Watch", Organization, "Drivers pay twice", Direct),
            ("a spokesman for the Vell Prosecution Office", Anonymous, "the case was closed", Reported),
        ],
        not: &[],
    },
    // After a quote, an evaluative cue followed only by where or when says nothing more:
    // the quote is the statement. With "that" or "to" the clause is the statement.
    Row {
        text: "\"Stop now,\" Ola Brun urged at a rally in Kelso. Ada Brenn urged in a letter that the plan be dropped.",
        want: &[
            ("Ola Brun", Person, "Stop now", Direct),
            ("Ada Brenn", Person, "urged in a letter that the plan be dropped", Reported),
        ],
        not: &[],
    },
    // A local branch of a body speaks as itself.
    Row {
        text: "The Kelso branch of the Teachers' Union said the plan would cost jobs.",
        want: &[(
            "the Kelso branch of the Teachers' Union",
            Organization,
            "the plan would cost jobs",
            Reported,
        )],
        not: &[],
    },
    // A nickname with a title in it stays inside the name.
    Row {
        text: "The manager, Ossi \"the Doctor\" Lammers, said the truce was \"overdue\". Lammers added that he would sign.",
        want: &[
            ("Ossi \"the Doctor\" Lammers", Person, "the truce was \"overdue\"", Reported),
            ("Ossi \"the Doctor\" Lammers", Person, "he would sign", Reported),
        ],
        not: &[],
    },
    // A verb ends the unnamed source's description ("... the board painted a ...").
    Row {
        text: "A person close to the board painted a bleak picture, saying the deal was dead. An aide gave a short account, saying the talks had stalled.",
        want: &[
            ("a person close to the board", Anonymous, "the deal was dead", Reported),
            ("an aide", Anonymous, "the talks had stalled", Reported),
        ],
        not: &[],
    },
    // Pressing a hand to something is no speech.
    Row {
        text: "Ines Vort, a teacher in the gallery, pressed her palms to the glass and cried. Ola Brun pressed the minister to resign.",
        want: &[("Ola Brun", Person, "pressed the minister to resign", Reported)],
        not: &["Vort"],
    },
    // "the second envoy" is the second envoy introduced, not the first.
    Row {
        text: "\"It is dead,\" one envoy said. A second envoy was more hopeful, putting the odds at even. Much, the second envoy said, hung on the money.",
        want: &[
            ("one envoy", Anonymous, "It is dead", Direct),
            ("a second envoy", Anonymous, "Much, the second envoy said, hung on the money", Reported),
        ],
        not: &[],
    },
    // "the boss" is the chief executive; whom she says told her something is no speaker.
    Row {
        text: "Mara Quist, the chief executive of Dorn Rail, said the bid was fair. The boss also said that the minister, Ivo Sand, had told her the bid was welcome.",
        want: &[
            ("Mara Quist", Person, "the bid was fair", Reported),
            ("Mara Quist", Person, "the minister, Ivo Sand, had told her the bid was welcome", Reported),
        ],
        not: &["Ivo Sand"],
    },
    // A number inside a body's name; a campaign named with common words; a firm's
    // lowercase legal tail.
    Row {
        text: "The Dock 7 Tenants Association said the freeze was late. It would be fair to wait, some said. Fair Deal, a campaign group founded by nurses, wants the levy scrapped. \"It is a tax on the sick,\" the group said. Roads are safer now. Safer Roads, the road safety campaign, said the ban was overdue. \"Half a step,\" the campaign said. Tarn Water plc said it would cut bills. Tarn said customers need not act.",
        want: &[
            ("the Dock 7 Tenants Association", Organization, "the freeze was late", Reported),
            ("Fair Deal", Organization, "It is a tax on the sick", Direct),
            ("Safer Roads", Organization, "the ban was overdue", Reported),
            ("Safer Roads", Organization, "Half a step", Direct),
            ("Tarn Water plc", Organization, "it would cut bills", Reported),
            ("Tarn Water plc", Organization, "customers need not act", Reported),
        ],
        not: &[],
    },
    // A country that speaks is its government; a body's name without the word that places
    // it is the same body.
    Row {
        text: "In a statement, the Ostrian government said the plan was unfair. Ostria later said it could accept talks. The Northern Ferry Workers Union said the strike would go ahead. The Ferry Workers Union later said talks had resumed.",
        want: &[
            ("the Ostrian government", Organization, "the plan was unfair", Reported),
            ("the Ostrian government", Organization, "it could accept talks", Reported),
            ("the Northern Ferry Workers Union", Organization, "the strike would go ahead", Reported),
            ("the Northern Ferry Workers Union", Organization, "talks had resumed", Reported),
        ],
        not: &[],
    },
    // The publication's own reporter passes on the story; whoever speaks to them speaks.
    Row {
        text: "10:05 - Our correspondent at the port, Ivo Dane, says the ferries are running. Most passengers are calm, he says. Speaking to our reporter, Mira Solt said the truce was welcome.",
        want: &[("Mira Solt", Person, "the truce was welcome", Reported)],
        not: &["Ivo Dane"],
    },
    // "The former" and "the latter" are the earlier and the later of the two just named;
    // "clarified that" is speech; "asked by reporters" is not the one asked speaking.
    Row {
        text: "Ilsa Varn backed the fee. Bea Holm opposed it. Varn and Holm met on Friday. The former said the fee would stay; the latter said she would appeal. The minister's office later clarified that the fee was legal. Tor Maas, asked by reporters whether he paid it, walked away.",
        want: &[
            ("Ilsa Varn", Person, "the fee would stay", Reported),
            ("Bea Holm", Person, "she would appeal", Reported),
            ("the minister's office", Organization, "the fee was legal", Reported),
        ],
        not: &["former", "latter", "Tor Maas"],
    },
    // A couple named "Anna and Piet Roos" are two people; "His wife" / "Her husband" opening a
    // sentence brings the spouse forward for the next sentence's pronoun.
    Row {
        text: "Greta and Jonas Lund have run the ferry for years. Jonas Lund said the toll was fair. He added that he would pay it. Tolls rose twice last year. The ferry carries 300 people a day. His wife is less sure. \"We cannot afford it,\" she said. Greta added that she would write to the council.",
        want: &[
            ("Jonas Lund", Person, "the toll was fair", Reported),
            ("Jonas Lund", Person, "he would pay it", Reported),
            ("Greta", Person, "We cannot afford it", Direct),
            ("Greta", Person, "she would write to the council", Reported),
        ],
        not: &[],
    },
    // A strand is a beach, not a surname, unless a first name or a "who" clause marks a
    // person. A second relative clause joined by "and who" is skipped like the first.
    Row {
        text: "A lifeguard who has worked on Long Strand for six summers, and who asked not to be named, said the change would help. \"It helps,\" he said. Ulla Strand, who swims there daily, said the ban was fair. Ivo Strand said dogs are barred from Long Strand in summer.",
        want: &[
            ("a lifeguard", Anonymous, "the change would help", Reported),
            ("a lifeguard", Anonymous, "It helps", Direct),
            ("Ivo Strand", Person, "dogs are barred from Long Strand in summer", Reported),
            ("Ulla Strand", Person, "the ban was fair", Reported),
        ],
        not: &["Long Strand"],
    },
    // A couple whose husband's first name tells no gender: "His wife" is still the other
    // one of the two, and "Mrs. Kolbe" is her (the namesake known to be a woman), not him.
    Row {
        text: "Ragnhild and Emrys Kolbe run the bakery on the square. Emrys Kolbe is already baking for the fair. \"Let them all come,\" he said. His wife was less sure. \"We have no room for a queue,\" she said. Mrs. Kolbe added that she would ask the council for a stall.",
        want: &[
            ("Emrys Kolbe", Person, "Let them all come", Direct),
            ("Ragnhild", Person, "We have no room for a queue", Direct),
            ("Ragnhild", Person, "she would ask the council for a stall", Reported),
        ],
        not: &[],
    },
    // One of a couple named as written ("Ilse") takes her full name once the text gives it.
    Row {
        text: "Ilse and Piet Maddox sell fish at the harbour. Ilse Maddox said the quota was unfair. Piet Maddox said it was overdue.",
        want: &[
            ("Ilse Maddox", Person, "the quota was unfair", Reported),
            ("Piet Maddox", Person, "it was overdue", Reported),
        ],
        not: &[],
    },
    // "who" after a noun no list knows as a role still makes a person; a polytechnic is a
    // body, so "he said" doesn't go to it.
    Row {
        text: "The ferryman, who has crossed the sound for 30 years, said the bridge was a mistake. Lena Sorvik, a planner at Holm Polytechnic, was supportive. Colin Ashby is sketching a bike rack. \"Bring it on,\" he said.",
        want: &[
            ("the ferryman", Person, "the bridge was a mistake", Reported),
            ("Colin Ashby", Person, "Bring it on", Direct),
        ],
        not: &["Holm Polytechnic"],
    },
    // People placed by their contact with someone are anonymous sources; "a close ally of"
    // is the ally, not "a".
    Row {
        text: "People who have spoken to the mayor say she is furious about the deal. Those who know him say he will not back down. A close ally of the minister said she would resign.",
        want: &[
            ("people who have spoken to the mayor", Anonymous, "she is furious about the deal", Reported),
            ("those who know him", Anonymous, "he will not back down", Reported),
            ("a close ally of the minister", Anonymous, "she would resign", Reported),
        ],
        not: &[],
    },
    // A quote that ends in "?" before a cue with its own "that" clause is a sentence of
    // its own, the last speaker's; "described" is a view only with "as".
    Row {
        text: "\"A truce? We have signed four,\" Tomas Ferrell told reporters. \"Which one should I celebrate?\" Ferrell's allies insist that he will not resign. Ada Brenn described the station in unflattering terms. Ivo Marr described the plan as reckless. The Harbour Board described the minister's meeting with the mayor, held before the regatta, as \"very productive.\"",
        want: &[
            ("Tomas Ferrell", Person, "Which one should I celebrate?", Direct),
            ("Ferrell's allies", Group, "he will not resign", Reported),
            ("Ivo Marr", Person, "described the plan as reckless", Reported),
            ("the Harbour Board", Organization, "described the minister's meeting with the mayor, held before the regatta, as \"very productive.\"", Reported),
        ],
        not: &["Ada Brenn"],
    },
    // A demonym of a place the text names ("the Varran", of Port Varra) refers back to a
    // person like "the 61-year-old"; a paper's name is no demonym.
    Row {
        text: "In Port Varra, the harbour master, Marta Elling, was making plans. \"We will lay buoys next week,\" the Varran said. The Courier said the truce was fragile.",
        want: &[
            ("Marta Elling", Person, "We will lay buoys next week", Direct),
            ("the Courier", Organization, "the truce was fragile", Reported),
        ],
        not: &["the Varran"],
    },
    // A bare quote right after a short sentence in which one person acts ("He shook his
    // head.") is theirs, not the last speaker's.
    Row {
        text: "Anna and Piet Roos have fished for decades. Mr. Roos said he had had enough of paper promises. His wife is more hopeful. \"I would sign it tomorrow,\" she said. He shook his head. \"Anna believes everyone keeps their word.\"",
        want: &[
            ("Piet Roos", Person, "he had had enough of paper promises", Reported),
            ("Piet Roos", Person, "Anna believes everyone keeps their word.", Direct),
            ("Anna", Person, "I would sign it tomorrow", Direct),
        ],
        not: &[],
    },
    // A first name with an age in apposition is a person ("said Jess, 27, a barista"; "Kai,
    // 17, who ..."); a cue inside what a later "she said" reports is part of it; a lone
    // first name tells its gender, so "she" is not Colm.
    Row {
        text: "The ban was popular. \"I cannot wait,\" said Jess, 27, a barista. Her boss, Colm, reckons the cafe will lose a week's takings, she said. Kai, 17, who came with friends, saw it differently. \"Last year a man threw a bottle,\" he said.",
        want: &[
            ("Jess", Person, "I cannot wait", Direct),
            ("Jess", Person, "Her boss, Colm, reckons the cafe will lose a week's takings", Reported),
            ("Kai", Person, "Last year a man threw a bottle", Direct),
        ],
        not: &["Colm"],
    },
    // "A deckhand on the ... route, who": the noun before the preposition heads the
    // description; "declined to comment ... but said": the sentence's subject speaks.
    Row {
        text: "A deckhand on the Inchmarrow route, who asked not to be named, said most of the crew welcomed the change. A Brennock spokeswoman declined to comment on how many jobs would be affected but said passengers would be offered a refund.",
        want: &[
            ("a deckhand on the Inchmarrow route", Anonymous, "most of the crew welcomed the change", Reported),
            ("a Brennock spokeswoman", Anonymous, "passengers would be offered a refund", Reported),
        ],
        not: &[],
    },
    // "Counsel for the company, Mara Quillfeather,": a role's body is no apposition that
    // makes her a body; "Brellin Coatings" is a firm, so "she said" isn't it.
    Row {
        text: "The permit was granted to Brellin Coatings. Counsel for the company, Mara Quillfeather, told the court that the permit was lawful. \"My client has nothing to hide,\" she said.",
        want: &[
            ("Mara Quillfeather", Person, "the permit was lawful", Reported),
            ("Mara Quillfeather", Person, "My client has nothing to hide", Direct),
        ],
        not: &["Brellin Coatings"],
    },
    // "The company" after two unmarked firms is the one that just spoke; "the regulator"
    // is a board (or a body named by its building), never a person.
    Row {
        text: "Corvell Foods has offered to buy Pennick Stores. Corvell said the deal would cut prices. The company said its offer was fair. The Tarrow Competition Board said it does not comment on individual cases. The regulator added that a review could take 90 days.",
        want: &[
            ("Corvell Foods", Organization, "the deal would cut prices", Reported),
            ("Corvell Foods", Organization, "its offer was fair", Reported),
            ("the Tarrow Competition Board", Organization, "it does not comment on individual cases", Reported),
            ("the Tarrow Competition Board", Organization, "a review could take 90 days", Reported),
        ],
        not: &[],
    },
    // A name given as a name ("calling itself ...") keeps its "and" and is a body; a name
    // followed by ", which" is a body.
    Row {
        text: "A group of workers calling itself Carrow Ridge Rank and File said the deal was bad. The cap will be reviewed every three months, according to Tollgate House, which regulates the energy market. The regulator said suppliers would have six weeks.",
        want: &[
            ("Carrow Ridge Rank and File", Organization, "the deal was bad", Reported),
            ("Tollgate House", Organization, "The cap will be reviewed every three months", Reported),
            ("Tollgate House", Organization, "suppliers would have six weeks", Reported),
        ],
        not: &[],
    },
    // "who gave only his first name, Teo," makes Teo a person; "Deputy mayor X, who ... and
    // called it ..." is no voice named "deputy"; ", the person said" after a name is the
    // unnamed source speaking, not the name's apposition.
    Row {
        text: "A shopkeeper who gave only his first name, Teo, stood in his doorway. \"Who will carry the cement?\" he said. Deputy mayor Ruth Halloran, who in 2019 voted against a plan and called it \"a gift to the malls\", was at the barriers. A person familiar with the talks said the firm had opened low. The side was led by the general manager, Petra Hallorn, the person said.",
        want: &[
            ("Teo", Person, "Who will carry the cement?", Direct),
            ("a person familiar with the talks", Anonymous, "the firm had opened low", Reported),
            ("a person familiar with the talks", Anonymous, "The side was led by the general manager, Petra Hallorn", Reported),
        ],
        not: &["deputy", "Petra Hallorn"],
    },
    // Bodies named with "of" and "and": a department word or a role before a plural
    // ends the name, not a title; a plural before "of" heads a name when an article, a
    // mid-sentence capital or the body's description marks it, and "the wardens" refers
    // back to it.
    Row {
        text: "The Guild of Weavers and Market Traders said in a statement that the levy was unfair. The Ministry of Roads and Fisheries said the levy would start in June. Wardens of the Tallow Moor, a conservation trust, said the levy was fair. The toll was set by the Stewards of Brack and Heath, the body that runs the causeway. The stewards said it was overdue. In a statement, the county constabulary said it had enough officers.",
        want: &[
            ("the Guild of Weavers and Market Traders", Organization, "the levy was unfair", Reported),
            ("the Ministry of Roads and Fisheries", Organization, "the levy would start in June", Reported),
            ("Wardens of the Tallow Moor", Organization, "the levy was fair", Reported),
            ("the Stewards of Brack and Heath", Organization, "it was overdue", Reported),
            ("the county constabulary", Organization, "it had enough officers", Reported),
        ],
        not: &[],
    },
    // People told apart by place or dress ("a man in a green cap", "a girl in a school
    // blazer", "a woman near the door"); a sentence that opens with one introduces them
    // for the "she asked" that follows; two cues with the same subject are one person.
    Row {
        text: "The hall was full. A man in a green cap said the ferry was always late. \"We wait every day,\" he said. A girl in a school blazer, standing by her father, put up her hand. \"Why can't we vote?\" she asked. A woman near the door, who said she was a nurse, admitted she was torn.",
        want: &[
            ("a man in a green cap", Anonymous, "We wait every day", Direct),
            ("a girl in a school blazer", Anonymous, "Why can't we vote?", Direct),
            ("a woman near the door", Anonymous, "she was torn", Reported),
        ],
        not: &["her father"],
    },
    // A relative clause with no comma before it picks out an unnamed person and is part of
    // the name ("a nurse who treated the wounded"), unless it only hides them ("who asked
    // not to be named", which is cut off at its "and") or "and who" joins a second clause;
    // "a man who said he was a pilot" is the pilot.
    Row {
        text: "A nurse who treated the wounded at Corrin said the shelling had stopped. An engineer who has worked at the dam for years and asked not to be named said the crews were ready. A diplomat who sat in on the talks, who asked not to be named, said the text was ready. A guard who has worked at the gate for years, and who asked not to be named, said the queues were long. A man who said he was a pilot at the airfield waved. \"It is safe now,\" the pilot said.",
        want: &[
            ("a nurse who treated the wounded at Corrin", Anonymous, "the shelling had stopped", Reported),
            ("an engineer who has worked at the dam for years", Anonymous, "the crews were ready", Reported),
            ("a diplomat who sat in on the talks", Anonymous, "the text was ready", Reported),
            ("a guard", Anonymous, "the queues were long", Reported),
            ("a man who said he was a pilot at the airfield", Anonymous, "It is safe now", Direct),
        ],
        not: &["the pilot"],
    },
    // Peers keep their title and seat ("Lord Ashby of Fenwick"; the seat is no person);
    // a knight or dame is known by the first name ("Sir Tobias").
    Row {
        text: "Lord Ashby of Fenwick, a former envoy, opened the debate. \"We owe them this,\" he said. Lord Ashby said the vote was a relief. Baroness Ida Crane was scornful. \"Marvellous,\" the baroness said. Sir Tobias Rennet, head of the trade body, was calmer. \"We can live with it,\" Sir Tobias said. Dame Olwen Price said her party would abstain. Dame Olwen said the matter was settled.",
        want: &[
            ("Lord Ashby of Fenwick", Person, "We owe them this", Direct),
            ("Lord Ashby of Fenwick", Person, "the vote was a relief", Reported),
            ("Ida Crane", Person, "Marvellous", Direct),
            ("Tobias Rennet", Person, "We can live with it", Direct),
            ("Olwen Price", Person, "the matter was settled", Reported),
        ],
        not: &[],
    },
    // "who chaired the meeting" makes her the chair of it (not a former chair); a relative
    // brought in by kinship is named in full, and the bare surname stays with the person
    // the report is about.
    Row {
        text: "Ida Marsh, who chaired the meeting, opened it. \"Keep it short,\" she said. The chair added that the vote was on Friday.\n\nTomas Greel, who ran the mill for forty years, has died. His son, Piet Greel, said he had been ill. \"He never missed a shift,\" he said. Greel fought the closure in 2010. \"They are killing the town,\" he told this paper at the time.",
        want: &[
            ("Ida Marsh", Person, "the vote was on Friday", Reported),
            ("Piet Greel", Person, "he had been ill", Reported),
            ("Tomas Greel", Person, "They are killing the town", Direct),
        ],
        not: &["the chair"],
    },
    // A name that runs straight into a quote opening in lowercase is the subject of the
    // quoted words; the pronoun of the cue after it is someone else.
    Row {
        text: "Ada Lorne spoke first. Her neighbour, the farmer Kelso Brann, \"thinks the plan is a swindle,\" she said.",
        want: &[("Ada Lorne", Person, "thinks the plan is a swindle", Direct)],
        not: &["Kelso Brann"],
    },
    // "\"...,\" the statement said" after a body spoke in a statement: the body's words.
    Row {
        text: "The Harbour Board said in a statement that it regretted the delay. \"The dredging will finish by June,\" the statement said.",
        want: &[
            ("the Harbour Board", Organization, "it regretted the delay", Reported),
            ("the Harbour Board", Organization, "The dredging will finish by June", Direct),
        ],
        not: &[],
    },
    // Curly quotes and apostrophes.
    Row {
        text: "\u{201C}It doesn\u{2019}t matter who won,\u{201D} Bo Anker said.",
        want: &[("Bo Anker", Person, "It doesn\u{2019}t matter who won", Direct)],
        not: &[],
    },
];

/// "the Transport Secretary" after a shadow transport secretary has spoken is the
/// secretary, not the shadow.
#[test]
fn a_shadow_secretary_is_not_the_secretary() {
    let a = analyzed("The Transport Secretary, Ilse Varden, defended the toll. Tom Pryce, the shadow transport secretary, said it was a tax. Mr Pryce later urged the Transport Secretary to scrap it.");
    let mentions = |name: &str| -> Vec<String> {
        a.speakers
            .iter()
            .find(|s| s.name == name)
            .map(|s| s.mentions.iter().map(|m| m.text.clone()).collect())
            .unwrap_or_default()
    };
    assert!(
        !mentions("Tom Pryce").contains(&"the Transport Secretary".to_string()),
        "{:?}",
        mentions("Tom Pryce")
    );
}

#[test]
fn attribution_patterns() {
    let mut failures = Vec::new();
    for row in ROWS {
        let a = analyzed(row.text);
        for (name, kind, st, sk) in row.want {
            let sp = a.speakers.iter().find(|s| s.name == *name);
            match sp {
                None => failures.push(format!(
                    "{:?}: no speaker {name:?}; got {:?}",
                    row.text,
                    a.speakers.iter().map(|s| &s.name).collect::<Vec<_>>()
                )),
                Some(sp) => {
                    if sp.kind != *kind {
                        failures.push(format!(
                            "{:?}: {name} kind {:?} != {kind:?}",
                            row.text, sp.kind
                        ));
                    }
                    if !sp.statements.iter().any(|s| s.text == *st && s.kind == *sk) {
                        failures.push(format!(
                            "{:?}: {name} lacks {sk:?} statement {st:?}; has {:?}",
                            row.text,
                            sp.statements
                                .iter()
                                .map(|s| (&s.text, s.kind))
                                .collect::<Vec<_>>()
                        ));
                    }
                }
            }
        }
        for n in row.not {
            if a.speakers.iter().any(|s| s.name.contains(n)) {
                failures.push(format!("{:?}: {n:?} must not be a speaker", row.text));
            }
        }
        let expected: std::collections::HashSet<&str> = row.want.iter().map(|w| w.0).collect();
        for s in &a.speakers {
            if !expected.contains(s.name.as_str()) {
                failures.push(format!("{:?}: unexpected speaker {:?}", row.text, s.name));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn statement_offsets_point_at_the_words() {
    let text = "Intro line.\r\n\r\n\u{201C}Go home,\u{201D} said Vera\u{00A0}Quist.";
    let a = analyzed(text);
    let sp = a
        .speakers
        .iter()
        .find(|s| s.name == "Vera Quist")
        .expect("speaker");
    let st = &sp.statements[0];
    assert_eq!(st.text, "Go home");
    assert_eq!(st.span.start, 16);
    assert_eq!(st.cue, "said");
    assert_eq!(a.paragraphs.len(), 2);
}

#[test]
fn bad_input_never_panics() {
    for text in [
        "",
        "   \n\n\t ",
        "\"",
        "\"\"\"",
        ". . .",
        "said said said",
        "\u{201D}\u{201C}",
        "A.",
        "Mr.",
    ] {
        analyzed(text);
    }
    assert!(analyze_text("").sentences.is_empty());
    assert!(analyze_text("  \n ").paragraphs.is_empty());
    // Lossy-decoded binary garbage.
    let bytes: Vec<u8> = (0..4000u32)
        .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
        .collect();
    let garbage = String::from_utf8_lossy(&bytes).into_owned();
    analyzed(&garbage);
}

#[test]
fn text_without_speakers_is_empty_but_valid() {
    let text =
        "The river rose overnight. Boats were moved to higher ground.\n\nSchools stayed open.";
    let a = analyze_text(text);
    assert!(a.speakers.is_empty());
    assert_eq!(a.sentences.len(), 3);
    assert_eq!(a.paragraphs.len(), 2);
}

#[test]
fn five_megabytes_finish_fast() {
    let unit = "Kara Moll said the plan was \"fine, mostly.\" The committee met. \"We disagree,\" \
                the minister replied. Residents were divided, according to the figures.\n\n";
    let mut text = String::new();
    while text.len() < 5_000_000 {
        text.push_str(unit);
    }
    let t = std::time::Instant::now();
    let a = analyze_text(&text);
    let took = t.elapsed();
    eprintln!("5 MB of repeated paragraphs: {took:?}");
    assert!(!a.speakers.is_empty());
    // Generous bound for debug builds on a busy machine; quadratic code takes minutes.
    assert!(took.as_secs() < 60, "5 MB took {took:?}");
    // Many distinct people, descriptions and pronouns: nothing may scan them all.
    let syll = [
        "ka", "lo", "mer", "vin", "dra", "sol", "te", "bar", "qui", "zen",
    ];
    let name = |i: usize| -> String {
        let mut s = String::new();
        let mut n = i;
        for _ in 0..4 {
            s.push_str(syll[n % 10]);
            n /= 10;
        }
        let mut c = s.chars();
        c.next()
            .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
            .unwrap_or_default()
    };
    let mut text = String::new();
    let mut i = 0;
    while text.len() < 5_000_000 {
        text.push_str(&format!(
            "{} {}, the {} minister, said the plan was late. The minister added that it would pass. \"It will,\" she said. The company said no.\n\n",
            name(i),
            name(i + 7),
            ["trade", "defence", "health"][i % 3]
        ));
        i += 1;
    }
    let t = std::time::Instant::now();
    let a = analyze_text(&text);
    eprintln!("5 MB of distinct names: {:?}", t.elapsed());
    assert!(a.speakers.len() > 1000);
    assert!(
        t.elapsed().as_secs() < 60,
        "many names took {:?}",
        t.elapsed()
    );
    // One long line without any punctuation must also be fine.
    let line = "word Capital ".repeat(400_000);
    let t = std::time::Instant::now();
    let _ = analyze_text(&line);
    eprintln!("one 5 MB line: {:?}", t.elapsed());
    assert!(t.elapsed().as_secs() < 60);
}

#[test]
fn own_example_article() {
    let text = include_str!("../../examples/harbour-truce.txt");
    let a = analyzed(text);
    let find = |n: &str| a.speakers.iter().find(|s| s.name == n);
    let vasko = find("Oren Vasko").expect("Vasko speaks");
    assert_eq!(vasko.kind, Person);
    assert!(
        vasko
            .mentions
            .iter()
            .any(|m| m.text == "the Lessarian president"),
        "{:?}",
        vasko.mentions
    );
    assert!(vasko
        .statements
        .iter()
        .any(|s| s.text.starts_with("fishing crews from both countries")));
    assert!(vasko
        .statements
        .iter()
        .any(|s| s.text == "That is how you know it\u{2019}s a real deal."));
    let brecht = find("Talia Brecht").expect("Brecht speaks");
    assert!(brecht
        .statements
        .iter()
        .any(|s| s.text == "We have heard promises before"));
    assert_eq!(find("officials in Dunmark").map(|s| s.kind), Some(Group));
    assert_eq!(
        find("the Dunmark transport ministry").map(|s| s.kind),
        Some(Organization)
    );
    assert_eq!(
        find("a senior Lessarian diplomat").map(|s| s.kind),
        Some(Anonymous)
    );
    let quint = find("Mirela Quint").expect("spokeswoman speaks");
    assert_eq!(quint.role.as_deref(), Some("spokeswoman"));
    for n in ["Kesten Ruhl", "Pell Anouk"] {
        assert!(find(n).is_none(), "{n} is only talked about");
    }
    assert_eq!(
        a.speakers.len(),
        6,
        "{:?}",
        a.speakers.iter().map(|s| &s.name).collect::<Vec<_>>()
    );
}

/// Whole articles written for these tests (not from any corpus), in the styles the
/// held-out articles are likely to use: exactly these speakers, never these people.
/// (article, expected speakers with kinds, names that must not be speakers).
type ArticleCase = (
    &'static str,
    &'static [(&'static str, SpeakerKind)],
    &'static [&'static str],
);

const ARTICLES: &[ArticleCase] = &[
    (
        r#"Talks between the Kessarine government and the Oru rebels collapsed on Friday after the rebels walked out of the negotiating room in Lomé-Vire, according to both delegations.

Government negotiator Dr. Samuel Aferi blamed the rebels for the breakdown. "We offered them everything they asked for on the table last week," Aferi said. "They came back with new demands."

The rebels' spokesman, Kofi Dansa, rejected that account. In a message to journalists, he wrote that the government had "never intended to share power" and accused Aferi of negotiating "in bad faith."

Kessarine's foreign minister, Lina Marsh, told parliament on Saturday that the government remained committed to a negotiated settlement. "The door is not closed," she said. "But it will not stay open forever."

The Oru leader, Emmanuel Tatu, has not spoken publicly since the talks began. A senior rebel commander, who asked not to be named, said fighters in the north had been told to prepare for renewed clashes.

Western diplomats said they would press both sides to return to the table. "There is no military solution," one European envoy said.

Human rights groups say at least 300 civilians were killed in the last round of fighting. The Kessarine army disputed those figures, saying most of the dead were combatants.

Local residents were pessimistic. "We have heard this before," said Amina Djalo, a market trader in the northern town of Bessa.
"#,
        &[
            ("Samuel Aferi", Person),
            ("Kofi Dansa", Person),
            ("Lina Marsh", Person),
            ("a senior rebel commander", Anonymous),
            ("Western diplomats", Group),
            ("one European envoy", Anonymous),
            ("Human rights groups", Group),
            ("the Kessarine army", Organization),
            ("Amina Djalo", Person),
        ],
        &["Emmanuel Tatu"],
    ),
    (
        r#"Marek Oltan and Sefa Irmak met behind closed doors in the Grand Hall of the Lindenburg Palace on Thursday to discuss a possible ceasefire along their shared border, after which the Corvanian president said his counterpart had "listened, for once."

The Talvan foreign ministry called the meeting "constructive but premature." Irmak, speaking on state television, said the talks had been "serious" and that any deal would need "guarantees written in ink, not in promises."

It was the first meeting between Oltan and Irmak since a bitter exchange in January, when Oltan and his deputy, Yusuf Kerim, accused the Talvan leader of sabotaging an earlier truce.

Following the meeting, Oltan posted a long message online. "Enough funerals," Oltan wrote. "If Talva wants peace, Talva can have it tomorrow."

"We will see if they keep their word this time," he added.

Oltan's envoy, Dana Rusk, travelled to the Talvan capital on Friday to present a written proposal. According to two draft texts published by the Harbin Ledger, the plan would freeze the front line for ninety days.

Talvan officials, however, disputed the claim that Irmak had agreed to a freeze.

Irmak told reporters:

"Our position has not changed. Every village on our side of the river stays on our side of the river.

"We are not going to trade land for quiet."

The European Commission said it welcomed "any step toward an end to the fighting." Opposition lawmaker Pia Varro mocked the talks as "a photo opportunity."
"#,
        &[
            ("Marek Oltan", Person),
            ("the Talvan foreign ministry", Organization),
            ("Sefa Irmak", Person),
            ("Yusuf Kerim", Person),
            ("Talvan officials", Group),
            ("the European Commission", Organization),
            ("Pia Varro", Person),
        ],
        &["Dana Rusk", "Harbin Ledger"],
    ),
    (
        r#"A report published on Wednesday by the Halvard Institute said the northern reservoirs were at their lowest level in forty years.

A statement from the royal palace said the king had been briefed on the shortages. Police said two men had been arrested for stealing water from a municipal tank.

Residents said the taps in the old town had been dry for a week. Lawyers for the water company told the court that the shortages were caused by the drought, not by neglect.

The company's founder, Harald Vinter, was in the courtroom but did not speak. His daughter, Sigrid, said the family had "done nothing wrong."

Jens Ruiz, 45, a farmer near Oddby, said he had lost half his crop. "I have never seen the river this low," Ruiz said.

Environment Minister Karin Alm is expected to announce emergency measures on Friday. Alm's deputy, Per Lind, said the measures would include rationing.

The deal that Alm said would end the shortage has not yet been signed. The opposition, meanwhile, called for her resignation.

Ruiz said the government had waited too long.

"We asked for help in June. Nobody came."
"#,
        &[
            ("the royal palace", Organization),
            ("Police", Organization),
            ("lawyers for the water company", Group),
            ("Sigrid", Person),
            ("Jens Ruiz", Person),
            ("Per Lind", Person),
            ("the opposition", Organization),
        ],
        &["Harald Vinter", "Karin Alm", "Halvard Institute"],
    ),
];

#[test]
fn whole_articles() {
    for (text, want, never) in ARTICLES {
        let a = analyzed(text);
        let got: Vec<(&str, SpeakerKind)> = a
            .speakers
            .iter()
            .map(|s| (s.name.as_str(), s.kind))
            .collect();
        let mut got_sorted = got.clone();
        got_sorted.sort_by_key(|x| x.0);
        let mut want_sorted = want.to_vec();
        want_sorted.sort_by_key(|x| x.0);
        assert_eq!(got_sorted, want_sorted);
        for n in *never {
            assert!(
                !a.speakers.iter().any(|s| s.name.contains(n)),
                "{n} is no speaker"
            );
        }
    }
}

/// "the front line" is no mention of a body called "the ... Front".
#[test]
fn a_noun_that_modifies_another_is_no_mention() {
    let text = "The Western Liberation Front said it would respect the truce. Convoys still need guarantees before they cross the front line, the Front added.";
    let a = analyzed(text);
    let front = a
        .speakers
        .iter()
        .find(|s| s.name.contains("Western Liberation Front"))
        .expect("the Front speaks");
    let mentions: Vec<&str> = front.mentions.iter().map(|m| m.text.as_str()).collect();
    assert!(!mentions.contains(&"the front"), "{mentions:?}");
}

/// "X, asked about the tariff, spoke instead about ...": X was asked; nothing in that
/// clause is X's words on the tariff. "asked whether" as X's own question still is.
#[test]
fn passive_asked_is_not_speech() {
    let text = "Opposition leader Maren Tolle, asked about the tariff at a rally, spoke instead about the housing bill. Tolle said her party would publish its own plan. The minister asked whether the plan was legal.";
    let a = analyzed(text);
    let tolle = a
        .speakers
        .iter()
        .find(|s| s.name == "Maren Tolle")
        .expect("Tolle speaks in the second sentence");
    let words: Vec<&str> = tolle.statements.iter().map(|s| s.text.as_str()).collect();
    assert_eq!(words, ["her party would publish its own plan"], "{words:?}");
    assert!(
        a.speakers
            .iter()
            .any(|s| s.statements.iter().any(|st| st.cue == "asked")),
        "an active 'asked whether' is still speech"
    );
}

#[test]
fn a_headline_line_is_the_title_and_nobody_speaks_in_it() {
    let text = "Kestmar doctors warn fuel will run out before talks end\n\n\
                The last generator at Kestmar's general hospital will run dry within ten days, \
                the hospital's director, Ilse Brandt, said on Monday.";
    let a = analyzed(text);
    let h = headline(&a.sentences).expect("the first line is a headline");
    assert_eq!(
        h.text,
        "Kestmar doctors warn fuel will run out before talks end"
    );
    let names: Vec<&str> = a.speakers.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["Ilse Brandt"], "{:#?}", a.speakers);

    // Not headlines: a story that opens with a sentence, a text of one paragraph, a first
    // paragraph of two sentences, a line too long to be a headline.
    for story in [
        "Talks ended on Monday.\n\nThe ferry runs again.",
        "Ferry talks end with a ceasefire promise",
        "By Jane Smith\n\nThe ferry runs again.",
        "Ferry talks end\nThe ferry runs again.\n\nMore later.",
        &format!("{}\n\nThe ferry runs again.", "word ".repeat(30).trim()),
    ] {
        let a = analyzed(story);
        assert!(headline(&a.sentences).is_none(), "{story:?}");
    }
}
