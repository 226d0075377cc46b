//! Word lists the rules rely on: speech verbs, titles, role and organisation nouns,
//! document nouns, anonymity phrases and the small closed classes (determiners,
//! prepositions, pronouns). All entries are lowercase; callers lowercase before looking up.
//!
//! The lists are general English news vocabulary, not tuned to any article: a new
//! phrasing should be handled by adding its word class here, not by a special case in
//! the rules.

use std::collections::HashSet;
use std::sync::LazyLock;

/// A set from a whitespace-separated word list.
fn words(list: &'static str) -> HashSet<&'static str> {
    list.split_whitespace().collect()
}

/// Abbreviations after which a period never ends a sentence.
pub(crate) const ABBREV_NO_SPLIT: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "gen", "sen", "rep", "gov", "lt", "col", "sgt", "capt",
    "cmdr", "adm", "maj", "rev", "st", "mt", "ft", "jan", "feb", "apr", "jun", "jul", "aug", "sep",
    "sept", "oct", "nov", "dec", "no", "nos", "vol", "vs", "e.g", "i.e", "approx", "fig", "pres",
    "gens", "supt", "insp", "det", "cpl", "pvt", "hon", "amb", "sec", "mme",
];

/// Abbreviations that end a sentence only when a sentence-opening word follows.
pub(crate) const ABBREV_MAYBE_SPLIT: &[&str] =
    &["inc", "ltd", "co", "corp", "jr", "sr", "etc", "plc", "llc"];

/// Words that commonly open a sentence (used after ambiguous periods).
pub(crate) fn is_sentence_starter(w: &str) -> bool {
    static S: LazyLock<HashSet<&str>> = LazyLock::new(|| {
        words(
            "the a an he she it they we i you his her its their our but and in on at after before \
         this that these those there when while as if some many most officials asked \
         according however meanwhile still yet so for with without since last earlier later \
         one two no not what who why how where both neither such other others several under \
         by from during despite",
        )
    });
    S.contains(&w.to_lowercase().as_str())
}

/// Attribution verbs, by lemma, with the inflected forms we accept as a finite verb.
/// `Evaluative` verbs carry the speaker's attitude, so the cue is kept in the statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CueClass {
    /// Verbs of saying: the statement is the reported clause.
    Say,
    /// Verbs whose object says what the speaker thinks ("urged", "accused", "called"):
    /// the statement starts at the verb.
    Evaluative,
}

/// Look up a finite attribution verb form. Returns the class and whether the form is a
/// present participle ("saying", "adding"), which needs a subject from elsewhere.
pub(crate) fn speech_verb(w: &str) -> Option<(CueClass, bool)> {
    use CueClass::*;
    static SAY: LazyLock<HashSet<&str>> = LazyLock::new(|| {
        words(
            "ruled said says say told tells added adds wrote writes posted posts tweeted stated states \
         argue warn insist maintain contend predict estimate \
         announced announces argued argues claimed claims confirmed confirms insisted insists \
         warned warns noted notes explained explains replied replies answered responded \
         declared declares stressed stresses emphasised emphasized suggested suggests \
         predicted predicts promised promises pledged pledges vowed vows acknowledged \
         acknowledges admitted admits conceded concedes recalled countered complained \
         complains estimated estimates testified maintained maintains asserted asserts \
         alleged alleges revealed disclosed reiterated reiterates reaffirmed reaffirms \
         signalled signaled hinted cautioned observed remarked commented comments continued \
         concluded reported retorted joked quipped assured reassured informed briefed \
         mentioned messaged texted emailed blogged underlined underscored contended forecast \
         projected indicated shouted yelled interjected heckled clarified clarifies",
        )
    });
    static EVAL: LazyLock<HashSet<&str>> = LazyLock::new(|| {
        words(
            "accuse urge criticise criticize blame condemn urged urges accused accuses blamed blames criticised criticized criticises \
         criticizes condemned condemns denounced denounces praised praises welcomed welcomes \
         hailed hails called calls described describes disputed disputes denied denies \
         rejected rejects dismissed dismisses mocked mocks demanded demands threatened \
         threatens questioned questions appealed appeals thanked thanks slammed labelled \
         labeled branded termed dubbed expressed voiced proposed proposes recommended \
         recommends challenged ridiculed lambasted decried applauded endorsed endorses \
         scoffed put pressed implored begged lamented objected protested doubted defended \
         asked asks",
        )
    });
    static ING_SAY: LazyLock<HashSet<&str>> = LazyLock::new(|| {
        words(
            "saying adding telling writing arguing claiming insisting warning noting explaining \
         stressing reaffirming declaring confirming acknowledging admitting announcing \
         suggesting predicting promising pledging vowing asserting asking alleging stating \
         emphasising emphasizing replying responding reiterating posting",
        )
    });
    static ING_EVAL: LazyLock<HashSet<&str>> = LazyLock::new(|| {
        words(
            "urging accusing blaming criticising criticizing condemning praising welcoming \
         calling describing disputing denying rejecting dismissing mocking demanding \
         threatening questioning thanking labelling branding proposing expressing voicing",
        )
    });
    if SAY.contains(&w) {
        Some((Say, false))
    } else if EVAL.contains(&w) {
        Some((Evaluative, false))
    } else if ING_SAY.contains(&w) {
        Some((Say, true))
    } else if ING_EVAL.contains(&w) {
        Some((Evaluative, true))
    } else {
        None
    }
}

/// Verbs that are speech only with an explicit complement ("that", a quote, a claim) or
/// right after a quote: "posted a video", "rejected the bill", "continued" are not.
pub(crate) fn is_weak_cue(w: &str) -> bool {
    static SET: LazyLock<HashSet<&str>> = LazyLock::new(|| {
        words(
            "ruled rules posted posts wrote writes tweeted messaged texted emailed blogged continued \
         observed indicated projected forecast answered defended proposed proposes \
         protested objected rejected rejects dismissed dismisses questioned questions \
         doubted endorsed endorses reported put informed briefed mentioned recalled \
         remarked challenged shouted yelled interjected heckled clarified clarifies",
        )
    });
    SET.contains(w)
}

/// A word shaped like a person's occupation ("shipbuilder", "curator", "florist",
/// "custodian", "attendant", "agent"), for words the role list doesn't hold.
pub(crate) fn has_agent_suffix(w: &str) -> bool {
    ["er", "or", "ist", "ian", "ant", "ent"]
        .iter()
        .any(|s| w.ends_with(s))
}

/// "a prosecutor not involved in the case": the word after "not" that keeps an unnamed
/// source's description going.
pub(crate) fn is_not_party_to(w: &str) -> bool {
    w == "involved"
}

/// The tail that makes a description an anonymous source: "a person familiar with the
/// talks", "sources close to the board", "an official briefed on it", "a diplomat involved
/// in the negotiations". `word` is the adjective or participle, `link` the word after it.
pub(crate) fn is_anonymous_tail(word: &str, link: &str) -> bool {
    matches!(
        (word, link),
        ("familiar", "with") | ("close", "to") | ("briefed", "on") | ("involved", "in")
    )
}

/// Prepositions that tell an unnamed person apart by place or dress ("a woman in the
/// third row", "a man near the door", "a boy with a placard").
pub(crate) fn is_place_or_dress_link(w: &str) -> bool {
    matches!(w, "in" | "near" | "by" | "with")
}

/// Present-tense cue forms that are just as often nouns ("the claims", "calls for").
pub(crate) fn is_noun_ambiguous_cue(w: &str) -> bool {
    {
        static SET: LazyLock<HashSet<&str>> = LazyLock::new(|| {
            words(
                "says claims notes posts calls comments questions demands thanks appeals vows \
         promises pledges estimates states put answered forecast denies reports threatens \
         doubted projected agreed indicated observed continued defended proposed \
         protested objected expressed voiced",
            )
        });
        SET.contains(w)
    }
}

/// Capitalised titles that can stand before a personal name ("President Elke Vadas").
pub(crate) fn is_title(w: &str) -> bool {
    static T: LazyLock<HashSet<&str>> = LazyLock::new(|| {
        words(
            "president prime minister senator sen rep representative congressman \
         congresswoman governor gov mayor councillor councilor councilman councilwoman \
         alderman bishop archbishop cardinal pope father rev reverend rabbi imam sheikh \
         pastor general gen admiral adm colonel col major maj captain capt lieutenant lt \
         sergeant sgt commander cmdr marshal brigadier corporal private judge justice dr \
         doctor prof professor mr mrs ms miss mx sir dame lord lady king queen prince \
         princess emperor empress sultan emir crown chancellor premier speaker secretary \
         baron baroness viscount viscountess earl countess duke duchess marquess marchioness \
         ambassador envoy commissioner director chairman chairwoman chairperson chair vice \
         deputy acting former mp mep senior chief inspector detective sheriff superintendent \
         officer coach dean chancellor-elect president-elect delegate attorney prosecutor \
         foreign defence defense interior finance trade economy health education labour labor \
         energy transport environment agriculture state home fisheries culture industry \
         opposition independent auditor general-secretary ombudsman mufti patriarch \
         metropolitan abbot brother sister elder cllr hon \
         alcalde alcaldesa sindaco sindaca bürgermeister burgermeister burgemeester \
         prefeito prefeita herr frau señor senor señora senora monsieur madame mme signor \
         signora",
        )
    });
    T.contains(&w)
}

/// Titles that, on their own, make a capitalised run a personal name.
pub(crate) fn is_personal_title(w: &str) -> bool {
    is_title(w)
        && !{
            static SET: LazyLock<HashSet<&str>> = LazyLock::new(|| {
                words(
                "foreign defence defense interior finance trade economy health education labour \
         labor energy transport environment agriculture state home fisheries culture \
         industry opposition independent senior acting former vice deputy crown chief \
         prime general private major justice secretary director chair speaker",
            )
            });
            SET.contains(w)
        }
}

/// Titles of the peerage: "Lord Hallam of Ferrisby" is known by title and surname, and
/// the place after "of" belongs to the title.
pub(crate) fn is_peerage_title(w: &str) -> bool {
    matches!(
        w,
        "lord"
            | "lady"
            | "baron"
            | "baroness"
            | "viscount"
            | "viscountess"
            | "earl"
            | "countess"
            | "duke"
            | "duchess"
            | "marquess"
            | "marchioness"
    )
}

/// Roles that place a person by kinship ("his daughter", "her husband").
pub(crate) fn is_kin_role(w: &str) -> bool {
    matches!(
        w,
        "daughter"
            | "son"
            | "wife"
            | "husband"
            | "widow"
            | "widower"
            | "brother"
            | "sister"
            | "mother"
            | "father"
            | "nephew"
            | "niece"
            | "grandson"
            | "granddaughter"
            | "spouse"
    )
}

/// Forms of address that say nothing of a role ("Mr", "Herr", "Madame").
pub(crate) fn is_honorific(w: &str) -> bool {
    matches!(
        w,
        "mr" | "mrs"
            | "ms"
            | "miss"
            | "mx"
            | "herr"
            | "frau"
            | "señor"
            | "senor"
            | "señora"
            | "senora"
            | "monsieur"
            | "madame"
            | "mme"
            | "signor"
            | "signora"
    )
}

/// Gender implied by a title or role word, if any.
pub(crate) fn title_gender(w: &str) -> Option<super::mentions::Gender> {
    use super::mentions::Gender::*;
    match w {
        "mr" | "sir" | "lord" | "baron" | "viscount" | "earl" | "duke" | "marquess" | "king"
        | "prince" | "emperor" | "sultan" | "father" | "brother" | "spokesman" | "chairman"
        | "congressman" | "councilman" | "businessman" | "policeman" | "husband" | "son"
        | "uncle" | "brother-in-law" | "son-in-law" | "father-in-law" | "nephew" | "grandson"
        | "grandfather" | "man" | "boy" | "fisherman" | "abbot" | "patriarch" | "herr"
        | "señor" | "senor" | "monsieur" | "signor" => Some(Male),
        "mrs" | "ms" | "miss" | "dame" | "lady" | "queen" | "princess" | "empress" | "sister"
        | "spokeswoman" | "chairwoman" | "congresswoman" | "councilwoman" | "businesswoman"
        | "policewoman" | "wife" | "daughter" | "aunt" | "sister-in-law" | "daughter-in-law"
        | "mother-in-law" | "niece" | "granddaughter" | "grandmother" | "woman" | "girl"
        | "mother" | "herself" | "widow" | "actress" | "waitress" | "abbess" | "nun"
        | "prioress" | "duchess" | "baroness" | "countess" | "viscountess" | "marchioness"
        | "frau" | "señora" | "senora" | "madame" | "mme" | "signora" | "alcaldesa" | "sindaca"
        | "prefeita" => Some(Female),
        _ => None,
    }
}

/// The place-name stems a word may be the demonym of ("varran" → "varra", "varr";
/// "ostrelian" → "ostrel", ...), each of four letters or more.
pub(crate) fn demonym_stems(w: &str) -> Vec<&str> {
    ["ian", "an", "ese", "ish", "i", "n"]
        .iter()
        .filter_map(|suf| w.strip_suffix(suf))
        .filter(|stem| stem.chars().count() >= 4)
        .collect()
}

/// Gender of a common first name, when the name is well known to be one or the other.
/// Names absent from these lists tell nothing (they are never guessed from spelling).
pub(crate) fn first_name_gender(w: &str) -> Option<super::mentions::Gender> {
    use super::mentions::Gender::*;
    static FEMALE: LazyLock<HashSet<&str>> = LazyLock::new(|| {
        words(
            "anna ana anne annie maria mary marie sara sarah elena helena ilse ingrid greta \
         petra eva olga irina natalia natasha sofia sophie julia julie laura lena lina \
         nora emma hanna hannah leonie clara claire karin katarina katrin kristina \
         christina agnieszka beatrix birgit brigitte bridget camille carla carmen \
         catherine caroline charlotte chloe daniela diana dina dinara edda elisa elise \
         elizabeth ella emily emilia fatima farah gwen hana hilde ida ines irene isabel \
         jana jane jennifer jessica joanna johanna josephine judith karen kate katie \
         klara leila lejla linda lisa lorena lucia luisa lucy magda margaret maja marta \
         martina mei mia michelle miriam monika nadia naomi nina paula priya rachel \
         rebecca rosa ruth sabine sandra simone sigrid silvia sonia susan svetlana \
         tanya tatiana teresa ursula valentina vera veronika vesna victoria yara yasmin \
         zainab zeynep zofia amina ayesha aisha mariam gulnara sunniva mateja mirela \
         hanne astrid freya solveig ragnhild aino liv maren vivian lillian marian heather \
         esther maud edith alice agnes mabel ada ellen eleanor helen harriet martha matilda \
         molly nancy pauline phoebe rhona morag mairi fiona isla ailsa kirsty gillian janet \
         joan judy lorna margot marion megan nell rita sheila shirley stella tessa wendy \
         yvonne zoe abigail amelia beth bethan carys cerys ffion rhian sian siobhan aoife \
         niamh orla roisin imogen jess jessie mara inga kerstin lene lise marit \
         sigrun thea vibeke elin elsa odile dagny signe tove britt birgitta malin mette \
         lotte annika ulla ulrike gudrun helga hedda gwenna ottilie willa hattie",
        )
    });
    static MALE: LazyLock<HashSet<&str>> = LazyLock::new(|| {
        words(
            "john james david michael peter paul mark thomas tomas tom daniel anders \
         lars erik karl carl hans jan jonas johan josef joseph luca lucas marco mario \
         martin matteo max maxim mikhail nikolai oskar oscar pavel piotr pieter piet \
         robert ruben rustam samuel sergei stefan stephen steve sven tobias viktor \
         vladimir william yusuf ahmed ali omar hassan ibrahim idris ilya ivan ivo \
         jorge jose juan kwame emeka olu ravi farid gareth henrik harald harlan \
         marcus mateo miro anton andrei alexander aleksander aziz bram dario elias \
         emmanuel felix frank george gregor hugo igor jack jacob jens klaus kofi leon \
         lionel ludwig malik markus matthias mehmet nils olaf otto patrick philip \
         radu rafael ralf richard roman rolf samir simon theo tim victor walter wolfgang \
         yuri anselm tevita keld gunnar bjorn knut magnus hector trevor connor tudor \
         christian vincent florian adrian brian julian damian sebastian fabian oliver \
         roger jasper dexter werner rainer reiner laurent clement edwin colin alan allan \
         arthur albert alfred bernard cecil clive derek dennis donald douglas duncan edgar \
         edmund edward ernest eric frederick geoffrey gerald gordon graham harold harry \
         henry herbert ian keith kenneth leonard malcolm maurice neil nigel norman ralph \
         raymond reginald rodney ronald rupert stuart wilfred angus callum hamish ewan \
         euan fergus rory seamus sean owen emrys gwyn dafydd rhys huw aled declan colm \
         cormac ciaran niall padraig einar erling espen frode gustav haakon halvard halvor \
         helge ivar kjell leif mats morten petter rune sigurd stig svein torbjorn trond \
         ulf vidar jonah caleb ezra milo rufus silas ambrose aldous",
        )
    });
    if FEMALE.contains(w) {
        Some(Female)
    } else if MALE.contains(w) {
        Some(Male)
    } else {
        None
    }
}

/// Lowercase nouns naming a person by role ("the minister", "a spokesman").
pub(crate) fn is_person_role(w: &str) -> bool {
    static R: LazyLock<HashSet<&str>> = LazyLock::new(|| {
        words(
            "eyewitness bystander onlooker passer-by ally colleague neighbour neighbor friend partner spouse minister president spokesman spokeswoman spokesperson official leader chief \
         executive director secretary chair chairman chairwoman chairperson commissioner \
         envoy ambassador diplomat negotiator mediator analyst economist expert professor \
         researcher scientist lawmaker legislator senator councillor councilor mayor governor \
         general colonel commander admiral captain bishop priest pope cardinal imam rabbi \
         pastor king queen prince princess judge magistrate coroner lawyer counsel attorney \
         prosecutor father mother son \
         daughter brother sister husband wife resident farmer nurse teacher worker driver \
         student campaigner activist founder co-founder owner ceo chancellor premier coach \
         player guard manager head deputy aide adviser advisor source witness survivor doctor \
         officer soldier journalist reporter editor historian counterpart representative \
         delegate member organiser organizer coordinator candidate mp mep shipbuilder baker \
         fisherman shopkeeper stallholder fishmonger cook shopper backbencher frontbencher \
         whip pilot engineer strategist consultant academic lecturer veteran \
         centre center forward striker goalkeeper midfielder defender oceanographer pollster \
         banker trader investor shareholder entrepreneur businessman businesswoman monitor \
         observer inspector investigator surgeon physician paramedic firefighter \
         policeman policewoman detective sheriff warden clerk auditor treasurer controller \
         master harbourmaster president-elect vice-president governor-general \
         secretary-general general-secretary superintendent principal dean rector provost \
         curator architect planner developer landlord tenant villager commuter passenger \
         pensioner retiree mechanic electrician miner steelworker dockworker docker fisher \
         herder shepherd grower winemaker chef owner-operator spokesmen insider person man \
         woman citizen voter parent broker intermediary chairs cleric monk nun elder \
         chieftain warlord militant fighter rebel separatist insurgent refugee migrant \
         protester protestor demonstrator unionist steward negotiators emir sultan sheikh \
         patriarch mufti ombudsman commentator columnist blogger influencer author writer \
         novelist poet artist musician singer actor actress director-general chief-of-staff \
         staffer assistant undersecretary under-secretary attaché consul envoys clinician \
         epidemiologist pharmacist midwife physiotherapist psychologist psychiatrist \
         scholar demographer criminologist sociologist bioethicist ethicist hotelier \
         restaurateur publican retailer accountant lobbyist porter caretaker headteacher \
         headmaster headmistress postmaster postmistress stationmaster \
         screener handler foreman forewoman schoolteacher carpenter plumber labourer carer \
         waiter waitress cashier hairdresser butcher grocer vendor seller trucker abbess \
         abbot prioress boss teenager youngster girl boy pupil schoolgirl schoolboy \
         grandmother grandfather moderator panellist panelist brother-in-law sister-in-law son-in-law \
         daughter-in-law father-in-law mother-in-law nephew niece grandson granddaughter",
        )
    });
    R.contains(&w)
}

/// Plural nouns for people that make a group voice when modified ("Ukrainian officials").
pub(crate) fn is_group_noun(w: &str) -> bool {
    static G: LazyLock<HashSet<&str>> = LazyLock::new(|| {
        words(
            "officials diplomats ministers lawmakers legislators negotiators mediators leaders \
         commanders representatives spokesmen spokespeople authorities prosecutors \
         investigators executives sources envoys delegates delegations senators councillors \
         officers generals monitors inspectors regulators judges economists analysts experts \
         scientists researchers governors trustees allies",
        )
    });
    G.contains(&w)
}

/// A plural person noun: a group noun or the plural of a role ("lawyers", "doctors").
pub(crate) fn is_plural_role(w: &str) -> bool {
    is_group_noun(w)
        || (w.len() > 3 && w.ends_with('s') && is_person_role(&w[..w.len() - 1]))
        || (w.len() > 4 && w.ends_with("es") && is_person_role(&w[..w.len() - 2]))
        || (w.len() > 4
            && w.ends_with("men")
            && is_person_role(&format!("{}man", &w[..w.len() - 3])))
}

/// Plural nouns for generic crowds: never a speaker on their own.
pub(crate) fn is_crowd_noun(w: &str) -> bool {
    static C: LazyLock<HashSet<&str>> = LazyLock::new(|| {
        words(
            "residents people villagers commuters passengers fans voters protesters protestors \
         crowds crowd citizens locals shoppers customers workers families parents students \
         rivals critics supporters opponents observers onlookers others many some most few \
         all both everyone nobody somebody someone anyone members drivers farmers fishermen \
         owners players teams clubs",
        )
    });
    C.contains(&w)
}

/// Organisation heads: a capitalised name containing one is an organisation, and
/// "the ministry" / "the company" are organisation voices.
pub(crate) fn is_org_noun(w: &str) -> bool {
    static O: LazyLock<HashSet<&str>> = LazyLock::new(|| {
        words(
            "opposition ministry government office company firm group union council committee commission \
         authority authorities agency department army military police court parliament \
         cabinet administration embassy federation association institute league board bank \
         party movement alliance front coalition organisation organization church charity \
         foundation fund network club team airline operator regulator watchdog mission \
         secretariat kremlin pentagon corporation corp inc ltd plc llc ag sa gmbh co holdings \
         industries markets partners capital bureau service services navy forces force guard \
         senate congress assembly chamber university college school academy hospital \
         presidency monarchy palace command headquarters directorate inspectorate society \
         trust confederation syndicate consortium cooperative co-operative collective brigade \
         battalion regiment division corps militia junta regime delegation caucus faction \
         bloc rail railway railways airlines airways motors energy developments construction \
         insurance media news times post press radio television broadcasting studios \
         pharmaceuticals labs laboratories technologies systems solutions logistics shipping \
         lines nations institution observatory centre center forum tribunal prosecutor's \
         conference summit parliaments ministries governments companies unions groups house \
         hall executive legislature municipality prefecture commune county state republic \
         kingdom emirate commonwealth province guild chapter lodge branch campaign \
         polytechnic seminary conservatory clinic museum gallery orchestra constabulary \
         gendarmerie coastguard",
        )
    });
    O.contains(&w)
}

/// Organisation heads that, as the last word of a capitalised run, make it an organisation
/// even without "the" ("Southgate Rail", "Nordbank Markets").
pub(crate) fn is_org_name_head(w: &str) -> bool {
    is_org_noun(w)
        && !{
            static SET: LazyLock<HashSet<&str>> = LazyLock::new(|| {
                words(
                "state republic kingdom province county house hall executive capital post front \
         guard force energy times news",
            )
            });
            SET.contains(w)
        }
        || matches!(w, "front" | "guard" | "times" | "news" | "post")
        || is_business_name_tail(w)
}

/// Last words of business and club names that are not descriptions on their own
/// ("Brightfold Homes", "Castrelle Athletic", "Saltmarsh Foods"): they make a capitalised
/// run an organisation, but "the homes" is no description of one.
pub(crate) fn is_business_name_tail(w: &str) -> bool {
    matches!(
        w,
        "homes"
            | "foods"
            | "coatings"
            | "paints"
            | "minerals"
            | "metals"
            | "beverages"
            | "breweries"
            | "dairies"
            | "electronics"
            | "athletic"
            | "united"
            | "rovers"
            | "wanderers"
            | "properties"
            | "estates"
            | "farms"
            | "works"
            | "brands"
            | "stores"
            | "dairy"
            | "mining"
            | "telecom"
            | "pharma"
            | "ventures"
            | "resources"
            | "transit"
            | "buses"
            | "air"
            | "milling"
            | "mills"
            | "bakeries"
            | "brewing"
            | "steel"
            | "textiles"
            | "terminals"
            | "freight"
            | "haulage"
            | "supermarkets"
            | "grocers"
            | "engineering"
            | "utilities"
            | "chemicals"
            | "plastics"
            | "cement"
            | "aviation"
            | "packaging"
    )
}

/// Capitalised words that make a run a place, not a voice.
pub(crate) fn is_place_word(w: &str) -> bool {
    static P: LazyLock<HashSet<&str>> = LazyLock::new(|| {
        words(
            "street st road rd avenue ave boulevard lane square river valley sea ocean bay gulf \
         island islands mountain mountains mount mt lake port station bridge airport harbour \
         harbor province region county district city town village coast shoals strait straits \
         peninsula desert forest park plain plains hills hill heights highlands basin delta \
         canal cape point beach quay wharf pier dock docks central north south east west \
         northern southern eastern western upper lower prefecture oblast territory \
         territories state republic kingdom arena stadium cathedral basilica church mosque \
         temple palace castle tower plaza market reach falls springs creek glacier pass ridge \
         fjord line row crescent terrace mews grove parade drive field fields airfield \
         meadow meadows common green strand cove",
        )
    });
    P.contains(&w)
}

/// Month and day names and other capitalised time words: never voices.
pub(crate) fn is_time_word(w: &str) -> bool {
    static T: LazyLock<HashSet<&str>> = LazyLock::new(|| {
        words(
            "monday tuesday wednesday thursday friday saturday sunday january february march \
         april may june july august september october november december jan feb mar apr jun \
         jul aug sep sept oct nov dec christmas easter ramadan eid passover hanukkah diwali \
         today yesterday tomorrow",
        )
    });
    T.contains(&w)
}

/// Texts through which a body or person speaks: "a statement from the palace", "according
/// to a letter by the union" make the palace and the union the source.
pub(crate) fn is_voice_text(w: &str) -> bool {
    matches!(
        w,
        "statement"
            | "communique"
            | "communiqué"
            | "release"
            | "letter"
            | "post"
            | "message"
            | "note"
    )
}

/// Heads of noun phrases that are documents, data or things: "according to court
/// records", "the proposal calls for ...": never a speaker.
pub(crate) fn is_document_noun(w: &str) -> bool {
    static D: LazyLock<HashSet<&str>> = LazyLock::new(|| {
        words(
            "figures figure data records record documents document report reports survey surveys \
         poll polls plans plan statistics estimates estimate study studies analysis census \
         filings filing minutes transcript transcripts proposal proposals agreement deal \
         accord treaty text draft bill law laws resolution letter memo memorandum statement \
         statements release website map maps sets set papers paper article book books video \
         footage images photos research findings results numbers counts tally calculations \
         projections models timeline schedule budget sources charts chart tables table index \
         rules regulations guidelines cables emails messages leaks decree order ruling \
         verdict judgment judgement constitution charter framework roadmap blueprint platform \
         manifesto programme program initiative policy strategy ceasefire truce merger tariff \
         move decision vote strike offer bid measure package scheme project it this that \
         which what",
        )
    });
    D.contains(&w)
}

/// Words that make "figure" a person ("a senior figure", "a leading opposition figure")
/// rather than a number.
pub(crate) fn is_person_figure_qualifier(w: &str) -> bool {
    matches!(
        w,
        "senior"
            | "leading"
            | "prominent"
            | "key"
            | "veteran"
            | "influential"
            | "respected"
            | "well-known"
            | "top"
            | "party"
            | "opposition"
            | "government"
            | "political"
            | "public"
            | "establishment"
    )
}

/// Determiners and possessive pronouns that can open a noun phrase.
pub(crate) fn is_determiner(w: &str) -> bool {
    {
        static SET: LazyLock<HashSet<&str>> = LazyLock::new(|| {
            words(
                "the a an its his her their our my your this these those one two three four five \
         six several some many another each both no",
            )
        });
        SET.contains(w)
    }
}

/// Ordinals that set one of several like voices apart ("a second diplomat").
pub(crate) fn is_ordinal(w: &str) -> bool {
    matches!(w, "second" | "third" | "fourth" | "fifth")
}

/// Indefinite determiners (an anonymous source is introduced by one).
pub(crate) fn is_indefinite(w: &str) -> bool {
    {
        static SET: LazyLock<HashSet<&str>> =
            LazyLock::new(|| words("a an one two three four five six several some many another"));
        SET.contains(w)
    }
}

/// Prepositions (a noun phrase after one of these is not a clause subject).
pub(crate) fn is_preposition(w: &str) -> bool {
    {
        static SET: LazyLock<HashSet<&str>> = LazyLock::new(|| {
            words(
                "in on at of for by with from to into onto about against between among amongst \
         after before during under over through across near since until than like via \
         without within toward towards upon behind beyond outside inside despite \
         throughout per amid aboard around along beside besides past as",
            )
        });
        SET.contains(w)
    }
}

/// Subject pronouns that can refer to a speaker.
pub(crate) fn is_subject_pronoun(w: &str) -> bool {
    matches!(w, "he" | "she" | "it" | "they")
}

/// Adverbs and auxiliaries allowed between a subject and its verb ("also said", "has
/// repeatedly said", "later told").
pub(crate) fn is_verb_filler(w: &str) -> bool {
    is_listed_verb_filler(w) || is_ly_adverb(w)
}

/// The listed words of [`is_verb_filler`], without the "-ly" shape.
pub(crate) fn is_listed_verb_filler(w: &str) -> bool {
    static SET: LazyLock<HashSet<&str>> = LazyLock::new(|| {
        words(
            "also later then again previously earlier once now has have had will would could \
             may might did should must can shall does do already since first initially \
             finally just still even only separately similarly jointly subsequently recently \
             today yesterday personally reportedly herself himself itself themselves too all \
             both",
        )
    });
    SET.contains(w)
}

/// A word that looks like an "-ly" adverb ("firmly", "privately"), not one of the nouns
/// that end the same way ("the assembly", "a family", "the supply").
pub(crate) fn is_ly_adverb(w: &str) -> bool {
    w.len() > 4
        && w.ends_with("ly")
        && !matches!(
            w,
            "family"
                | "italy"
                | "ally"
                | "rally"
                | "july"
                | "assembly"
                | "supply"
                | "monopoly"
                | "anomaly"
                | "reply"
                | "homily"
                | "bully"
                | "folly"
        )
}

/// Negation and refusal words: a cue after one of these is not a speech act.
pub(crate) fn is_negation(w: &str) -> bool {
    matches!(
        w,
        "not" | "never" | "no" | "neither" | "nor" | "cannot" | "nobody"
    ) || w.ends_with("n't")
}

/// Words for countries and places used as modifiers are capitalised; these lowercase
/// modifiers are role qualifiers that two descriptions must agree on ("defence minister").
pub(crate) fn is_role_qualifier(w: &str) -> bool {
    {
        static SET: LazyLock<HashSet<&str>> = LazyLock::new(|| {
            words(
                "foreign defence defense interior finance trade economy health education justice \
         labour labor energy transport environment agriculture home fisheries culture \
         industry prime vice deputy chief assistant junior regional planning logistics \
         union opposition army navy police military treasury information",
            )
        });
        SET.contains(w)
    }
}

/// Role heads that may describe the same kind of position ("the Ukrainian leader" for a
/// president or prime minister).
pub(crate) fn role_heads_compatible(desc: &str, have: &str) -> bool {
    if desc == have {
        return true;
    }
    fn norm(w: &str) -> &str {
        match w {
            "spokeswoman" | "spokesperson" | "spokesman" => "spokesman",
            "chairwoman" | "chairperson" | "chairman" | "chair" => "chairman",
            "advisor" => "adviser",
            "councilor" => "councillor",
            // Abbreviated titles before a name ("Gen. Omar Tamimi" is "the general").
            "gen" => "general",
            "col" => "colonel",
            "adm" => "admiral",
            "capt" => "captain",
            "maj" => "major",
            "sgt" => "sergeant",
            "lt" => "lieutenant",
            "gov" => "governor",
            "sen" => "senator",
            "amb" => "ambassador",
            // A mayor by the local title ("Sindaco Paolo Ferraro" is "the mayor").
            "alcalde" | "alcaldesa" | "sindaco" | "sindaca" | "maire" | "bürgermeister"
            | "burgermeister" | "burgemeester" | "prefeito" | "prefeita" => "mayor",
            other => other,
        }
    }
    let (d, h) = (norm(desc), norm(have));
    if d == h {
        return true;
    }
    match d {
        "leader" => {
            static SET: LazyLock<HashSet<&str>> = LazyLock::new(|| {
                words(
                "president minister premier chancellor king queen emir sultan leader head chief \
         chairman secretary",
            )
            });
            SET.contains(h)
        }
        "head" | "chief" => matches!(h, "head" | "chief" | "director" | "chairman" | "leader"),
        "official" => {
            static SET: LazyLock<HashSet<&str>> = LazyLock::new(|| {
                words("official spokesman minister secretary diplomat aide adviser officer source")
            });
            SET.contains(h)
        }
        "diplomat" => matches!(h, "envoy" | "ambassador" | "diplomat" | "negotiator"),
        "envoy" => matches!(h, "envoy" | "ambassador" | "negotiator" | "mediator"),
        "mediator" => matches!(h, "mediator" | "negotiator" | "envoy" | "broker"),
        "negotiator" => matches!(h, "mediator" | "negotiator" | "envoy"),
        "executive" => matches!(h, "executive" | "ceo"),
        // "the boss": whoever runs the firm.
        "boss" => matches!(
            h,
            "executive"
                | "ceo"
                | "chief"
                | "head"
                | "director"
                | "chairman"
                | "chairwoman"
                | "owner"
                | "manager"
                | "founder"
                | "president"
        ),
        "ceo" => matches!(h, "executive"),
        "lawmaker" | "legislator" => {
            matches!(
                h,
                "lawmaker"
                    | "legislator"
                    | "mp"
                    | "senator"
                    | "representative"
                    | "mep"
                    | "member"
                    | "deputy"
                    | "congressman"
                    | "congresswoman"
            )
        }
        "economist" | "analyst" => matches!(h, "economist" | "analyst"),
        "lawyer" | "counsel" | "attorney" | "barrister" | "solicitor" | "advocate" => matches!(
            h,
            "lawyer" | "counsel" | "attorney" | "barrister" | "solicitor" | "advocate"
        ),
        _ => false,
    }
}

/// Organisation heads that may describe the same body ("the government" for a ministry
/// voice is not allowed; "the company" for a firm is).
pub(crate) fn org_heads_compatible(desc: &str, have: &str) -> bool {
    if desc == have {
        return true;
    }
    match desc {
        "company" | "firm" | "group" | "operator" | "corporation" => {
            static SET: LazyLock<HashSet<&str>> = LazyLock::new(|| {
                words(
                "company firm group corporation corp inc ltd plc llc holdings industries markets \
         rail railway railways airline airlines airways motors energy developments \
         construction insurance media bank pharmaceuticals labs technologies systems \
         logistics shipping lines operator partners capital post press studios \
         broadcasting",
            )
            });
            // "the group" is also how news refers back to a rebel front, a movement, a
            // campaign alliance or a charity.
            SET.contains(have)
                || (desc == "group"
                    && matches!(
                        have,
                        "movement"
                            | "alliance"
                            | "front"
                            | "coalition"
                            | "militia"
                            | "faction"
                            | "association"
                            | "society"
                            | "charity"
                            | "network"
                            | "campaign"
                            | "collective"
                            | "army"
                            | "brigade"
                            | "brigades"
                            // "the Halden Rights Centre ... the group said".
                            | "centre"
                            | "center"
                            | "forum"
                            | "watch"
                            | "initiative"
                            | "project"
                            | "league"
                            | "foundation"
                            | "institute"
                            | "committee"
                    ))
        }
        "union" => matches!(have, "union" | "federation" | "confederation"),
        "airline" | "carrier" => matches!(have, "airline" | "airlines" | "airways"),
        "organisation" | "organization" => true,
        "body" => true,
        "bank" => matches!(have, "bank" | "markets"),
        "movement" | "alliance" | "front" | "coalition" | "militia" => {
            static SET: LazyLock<HashSet<&str>> = LazyLock::new(|| {
                words("movement alliance front coalition group militia council party")
            });
            SET.contains(have)
        }
        "council" => matches!(have, "council" | "committee" | "commission"),
        "association" => matches!(have, "association" | "federation" | "society"),
        "institute" => matches!(have, "institute" | "centre" | "center" | "institution"),
        "authority" | "regulator" | "watchdog" => {
            matches!(
                have,
                "authority"
                    | "regulator"
                    | "watchdog"
                    | "commission"
                    | "agency"
                    | "board"
                    | "office"
                    | "inspectorate"
                    | "bureau"
                    // A regulator named by its building ("Tollgate House").
                    | "house"
            )
        }
        "league" => matches!(have, "league" | "federation" | "association"),
        _ => false,
    }
}

/// "Defence Secretary", "the education secretary": a secretary who heads a government
/// department, and so is "the minister" (not a general, permanent or press secretary).
pub(crate) fn is_cabinet_secretary(head: &str, text: &str) -> bool {
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .map(str::to_lowercase)
        .collect();
    head == "secretary"
        && words.iter().any(|w| {
            matches!(
                w.as_str(),
                "foreign"
                    | "defence"
                    | "defense"
                    | "interior"
                    | "home"
                    | "education"
                    | "health"
                    | "justice"
                    | "transport"
                    | "energy"
                    | "environment"
                    | "trade"
                    | "business"
                    | "work"
                    | "culture"
                    | "treasury"
                    | "agriculture"
                    | "housing"
                    | "state"
            )
        })
        && !words.iter().any(|w| {
            matches!(
                w.as_str(),
                "general" | "permanent" | "press" | "private" | "executive" | "shadow"
            )
        })
}

/// A shadow minister's role ("the shadow defence secretary"): never the office itself.
pub(crate) fn is_shadow_role(text: &str) -> bool {
    text.split(|c: char| !c.is_alphanumeric())
        .any(|w| w.eq_ignore_ascii_case("shadow"))
}

/// Proper-name heads for government voices that need no article ("the Kremlin said",
/// "the White House said").
pub(crate) fn is_seat_of_power(words: &[&str]) -> bool {
    matches!(
        words,
        ["kremlin"]
            | ["pentagon"]
            | ["white", "house"]
            | ["downing", "street"]
            | ["elysee"]
            | ["élysée"]
            | ["state", "department"]
            | ["vatican"]
            | ["quai", "d'orsay"]
            | ["blue", "house"]
            | ["foreign", "office"]
            | ["home", "office"]
    )
}

/// Function words that may be capitalised at a sentence start but never begin a name.
pub(crate) fn is_function_word(w: &str) -> bool {
    is_determiner(w) || is_preposition(w) || is_subject_pronoun(w) || {
        static SET: LazyLock<HashSet<&str>> = LazyLock::new(|| {
            words(
                "and but or so yet if when while although though because however meanwhile still \
         asked i we you there here what who whom whose why how where which not neither \
         nor even also once then now instead yes no last next earlier later despite \
         following reached speaking according unlike whether everyone nobody few most all \
         any other others such every let let's more less only just perhaps maybe today \
         tonight tomorrow yesterday he's she's it's that's there's we're they're i'm \
         don't our their my your his her its mr ms mrs",
            )
        });
        SET.contains(w)
    }
}

/// Demonym-insensitive comparison of two place words ("Calmiran" ~ "Calmira",
/// "Marovian" ~ "Marovia", "U.S." ~ "US" ~ "American").
pub(crate) fn same_place(a: &str, b: &str) -> bool {
    let canon = |s: &str| -> String {
        let s: String = s
            .chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(|c| c.to_lowercase())
            .collect();
        match s.as_str() {
            "us" | "usa" | "american" | "america" | "washington" | "unitedstates" => "us".into(),
            "uk" | "british" | "britain" | "london" => "uk".into(),
            "un" | "unitednations" => "un".into(),
            "eu" | "european" | "europe" | "brussels" => "eu".into(),
            _ => s,
        }
    };
    let (a, b) = (canon(a), canon(b));
    if a.is_empty() || b.is_empty() {
        return false;
    }
    if a == b {
        return true;
    }
    let stem = |s: &str| -> String {
        let mut s = s.to_string();
        for suf in ["ian", "ean", "ese", "ish", "an", "i", "n", "a", "s"] {
            if s.len() > suf.len() + 3 && s.ends_with(suf) {
                s.truncate(s.len() - suf.len());
                break;
            }
        }
        s
    };
    let (sa, sb) = (stem(&a), stem(&b));
    sa.len() >= 4 && sb.len() >= 4 && (sa == sb || a.starts_with(&sb) || b.starts_with(&sa))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demonyms_match_their_places() {
        assert!(same_place("Calmiran", "Calmira"));
        assert!(same_place("Marovian", "Marovia"));
        assert!(same_place("U.S.", "American"));
        assert!(same_place("Kelvosi", "Kelvos"));
        assert!(!same_place("Vell", "Calmira"));
        assert!(!same_place("Russian", "Ukrainian"));
    }

    #[test]
    fn leader_covers_heads_of_government() {
        assert!(role_heads_compatible("leader", "president"));
        assert!(role_heads_compatible("spokesperson", "spokeswoman"));
        assert!(!role_heads_compatible("president", "minister"));
    }
}
