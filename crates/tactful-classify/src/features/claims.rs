//! Claim vocabulary cues for the claim heads: which kinds of words a text
//! uses (conditions, cure verbs, drugs, proof words; money, earning, jobs,
//! riches, the opportunity) and which kinds occur together. A linear model
//! cannot learn "a disease *and* a cure verb" from separate words; these
//! tokens give it the pairs, and they let a condition or an amount the model
//! never saw count like the ones it did. The word lists are written from the
//! FTC's and FDA's descriptions of disease and earnings claims, not from the
//! labeled claims.

use super::{FNV_START, SEED_CUE, WordTable, bucket, fnv, fnv_byte, fnv_from};

/// Word kinds, one bit each.
const CONDITION: u16 = 1;
const CURE: u16 = 1 << 1;
const PROOF: u16 = 1 << 2;
const DRUG: u16 = 1 << 3;
const BODY: u16 = 1 << 4;
const MONEY: u16 = 1 << 5;
const EARN: u16 = 1 << 6;
const JOB: u16 = 1 << 7;
const RICHES: u16 = 1 << 8;
const OPPORTUNITY: u16 = 1 << 9;
const FREEDOM: u16 = 1 << 10;
const SELF: u16 = 1 << 11;
const WEIGHT: u16 = 1 << 12;
const SUFFER: u16 = 1 << 13;
const PRODUCT: u16 = 1 << 14;

/// Conditions, with the short, everyday and misspelled names people write.
const CONDITIONS: &str = "covid covid19 corona coronavirus rona virus viruses viral pandemic plandemic flu influenza \
    cold colds pneumonia bronchitis sars h1n1 h5n1 ebola zika measles herpes hiv aids hepatitis shingles lyme \
    infection infections bacteria bacterial fungal fungus candida yeast uti strep sepsis mrsa staph parasites \
    cancer cancers tumor tumors tumour tumours leukemia leukaemia lymphoma melanoma carcinoma chemo metastatic \
    diabetes diabetic diabetics prediabetes prediabetic a1c glucose insulin sugar sugars cholesterol cholestrol \
    ldl triglycerides hypertension bp pressure cardiovascular heart stroke strokes clots arteries plaque \
    obesity obese overweight liver fatty cirrhosis kidney kidneys gout anemia \
    alzheimer alzheimers alzheimer's dementia parkinson parkinsons parkinson's autism autistic adhd add epilepsy \
    seizure seizures sclerosis ms neuropathy migraine migraines concussion depression depressed anxiety \
    panic ptsd bipolar schizophrenia ocd insomnia tinnitus vertigo \
    arthritis arthritus arthritic rheumatoid rheumatism osteoarthritis osteoporosis fibromyalgia lupus \
    autoimmune eczema psoriasis dermatitis rosacea acne allergies allergy asthma copd emphysema \
    crohn crohns crohn's ibs colitis reflux gerd ulcer ulcers diverticulitis celiac hernia thyroid \
    hypothyroidism hyperthyroidism hashimoto hashimotos pcos endometriosis infertility erectile impotence \
    glaucoma cataracts macular hangover hangovers addiction opioid withdrawal kratom \
    disease diseases illness illnesses disorder disorders syndrome condition conditions ailment ailments \
    inflammation inflammatory chronic pain pains ache aches arthralgia sciatica headache headaches cramps \
    bloating constipation diarrhea indigestion heartburn nausea fatigue fog cough congestion sinus \
    cellulite wrinkles hairloss baldness alopecia warts hemorrhoids varicose neuralgia lesions cysts";

/// Verbs that say a product acts on a condition (each form listed: "heal*"
/// would also catch "health").
const CURES: &str = "cure cures cured curing curative treat treats treated treating treatment heal heals healed \
    healing prevent prevents prevented preventing prevention reverse reverses reversed reversing eliminate \
    eliminates eliminated eradicate eradicates kill kills killed killing destroy destroys destroyed fight \
    fights fighting fought beat beats beating beaten combat combats protect protects protected protection \
    shield shields guard relieve relieves relieved relief alleviate alleviates soothe soothes ease eases eased \
    reduce reduces reduced reducing lower lowers lowered lowering regulate regulates regulated stabilize \
    balance balances normalize restore restores restored repair repairs regrow regrowth rebuild boost boosts \
    boosting strengthen strengthens suppress suppresses block blocks blocking shrink shrinks shrank dissolve \
    dissolves detox cleanse remedy remedies gone disappeared vanished cleared clears improve improves \
    improved helps helped manage manages controls control recover recovered recovery remission survive \
    survived survivor beaten conquer conquers conquered slows slowed stopped stops halt";

/// Words that claim proof, or cite doctors and studies.
const PROOFS: &str = "proven proof clinically clinical scientifically studies study research researched \
    shown tested trials trial doctors doctor physicians effective efficacy miracle miraculous guaranteed \
    breakthrough evidence approved certified";

/// Drugs and the medical system a product is set against or beside.
const DRUGS: &str = "medication medications medicine medicines meds drug drugs prescription prescriptions \
    pharmacy pharmaceutical pharma antibiotics antibiotic antiviral antivirals vaccine vaccines chemotherapy \
    radiation surgery pills pill steroids statins metformin ibuprofen tylenol advil hospital hospitals";

/// Organs and body systems a health claim often names.
const BODIES: &str = "immune immunity liver kidney kidneys lungs lung brain cells organs organ blood bones \
    joints nerves gut colon pancreas thyroid hormones arteries veins";

const MONEYS: &str = "money income incomes cash dollars dollar paycheck paychecks salary salaries commission \
    commissions bonus bonuses profit profits revenue residual residually passive earnings wealth wealthy rich \
    millionaire millionaires millions million thousands figures figure debt debts bills mortgage raise \
    check cheque checks deposit payout paid payments";

const EARNS: &str = "earn earns earned earning make makes made making bring brings brought pay pays paying \
    replace replaced replacing quit quitting retire retired retiring retirement fired afford";

const JOBS: &str = "job jobs career careers boss bosses employer corporate office shift shifts nine hourly \
    wage wages overtime teacher nurse husband hubby wife spouse";

const RICH_WORDS: &str = "car cars trip trips vacation vacations cruise cruises house mansion dream dreams \
    luxury lifestyle travel bahamas mercedes bmw lexus tesla rolex";

const OPPORTUNITIES: &str = "business opportunity opportunities team join joining recruit downline upline \
    sponsor rank ranks investment invest investing scalable hustle entrepreneur mlm venture";

const FREEDOMS: &str = "anywhere spare parttime fulltime freedom flexible sleep sleeping laptop phone beach \
    home unlimited uncapped";

const SELVES: &str = "i i'm im ive i've my me we our us";

const WEIGHTS: &str = "pounds lbs kg kilos weight inches belly lose losing lost slim slimming";

const SUFFERS: &str = "suffer suffers suffered suffering diagnosed diagnosis symptoms symptom sick patients \
    patient struggled struggling battling battled";

const PRODUCTS: &str = "oil oils product products supplement supplements capsule capsules tea tincture \
    serum cream shake shakes formula blend extract cbd essential drops powder gummies vitamin vitamins";

/// Added in the second vocabulary ([`Spec::claims_v2`](super::Spec)), by kind:
/// everyday and misspelled names of conditions and body troubles; a story of
/// surviving or beating one; a product set against a medicine; earnings told
/// without a figure (out-earning a wage, a spouse coming home, a second
/// income, the business as an investment). Written from the FTC's and FDA's
/// descriptions of such claims, not from the labeled claims.
const MORE: [(&str, u16); 11] = [
    (
        "diabetis diabeties diabetus sugars hbp hypertention cholestoral cholesteral alzheimers altzheimers \
        parkinsons arthritus artritis excema exzema psorisis psoraisis fibro fibromialgia migranes migrane \
        asthama canser tumer depresion anxiousness insomina imflammation inflamation neuropathy covid19 \
        omicron shingles flus stds psoriatic cancerous tumours lymphomas leukaemia thyroiditis lupus \
        sclerosis dementia bronchial sinusitis tonsillitis eczema rheumatoid neuropathic apnea apnoea \
        autoimmunity allergic allergies asthmatic bloated bloat ibd gerd reflux gastritis kidneystones \
        infertile miscarriage menopause menopausal perimenopause pms pcos hormonal imbalance imbalances \
        sickness sicknesses unwell illnesses injury injuries wounds wound scars scarring",
        CONDITION,
    ),
    (
        "survive survived surviving survivor survivors beat beaten overcame overcome overcoming conquered \
        fought gone disappear disappeared vanish vanished freed rid kicked cleared reversed reversal \
        remission cured miracle miracles saved lifesaver transformed fixes fixed solved stopped \
        alternative replacement naturally",
        CURE,
    ),
    (
        "doctor's doctors docs doc dr physician oncologist cardiologist endocrinologist rheumatologist \
        dermatologist neurologist nurse practitioner medically clinically tested testing studies proven",
        PROOF,
    ),
    (
        "insulin inhaler inhalers antidepressants antidepressant painkillers painkiller opioids \
        chemo dialysis transplant prescribed prescribe rx otc bloodwork labs",
        DRUG,
    ),
    (
        "heart skin hair nails eyes eyesight vision hearing memory mood energy metabolism digestion \
        stomach bladder prostate hormone sleep",
        BODY,
    ),
    (
        "earner earners outearn outearned outearning outearns sidehustle sidegig income incomes \
        sixfigure sixfigures sevenfigure fivefigure figures sixfigs grand paycheque payday payout \
        payouts bonus bonuses royalty royalties dividends residuals loans loan payoff paidoff \
        passiveincome residualincome fulltimeincome sideincome extraincome generationalwealth \
        financialfreedom sixfigureincome moneymaker moneymaking",
        MONEY,
    ),
    (
        "generate generated generating profit profited profiting replaced replacing matched matching \
        doubled tripled surpassed surpass exceed exceeded exceeds multiplied outearned outearn",
        EARN,
    ),
    (
        "husband's hubby's wife's spouse's partner retired fired laid layoff unemployed coworkers \
        manager managers commute commuting nurse nurses teacher teachers military corporate cubicle \
        ninetofive grind salary salaried career careers retire sahm stayathome quityourjob \
        firedmyboss workfromhome wfh mompreneur bossbabe girlboss",
        JOB,
    ),
    (
        "boat yacht pool debtfree mortgagefree paidoff earlyretirement firstclass resort resorts \
        designer handbags jewelry watches ferrari porsche audi range rover incentive incentives \
        carbonus freecar freetrip luxurylifestyle dreamlife dreamcar dreamhome",
        RICHES,
    ),
    (
        "investment investments invested investing asset assets roi returns portfolio franchise \
        sideincome secondincome extraincome passive residual leverage leveraged duplicate duplication \
        ownboss boss beyourownboss",
        OPPORTUNITY,
    ),
    (
        "freedom timefreedom financially financial independence independent retire early setforlife \
        financialfreedom laptoplifestyle",
        FREEDOM,
    ),
];

/// Condition names from MeSH (single words of 7 letters or more, derived by
/// `lexicon/derive-conditions.py`; see `lexicon/README.md`): the long,
/// technical names no hand list holds, so a claim about a condition the
/// examples never named still reads as one. Second vocabulary only.
const MESH_CONDITIONS: &str = include_str!("../../lexicon/conditions.txt");

/// Only words this long are read as a condition name with one letter wrong.
/// At 7 letters ordinary words are too often one letter from a name
/// ("lessons" and "lesions", "lasting"), measured on the ordinary texts.
const FUZZY_MIN: usize = 8;

/// Bits of the slip filter (64 KiB).
const SLIP_BITS: usize = 1 << 19;

fn slip_bit(h: u64) -> usize {
    (h.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - 19)) as usize
}

fn set_slip(slips: &mut [u64], h: u64) {
    let i = slip_bit(h);
    slips[i / 64] |= 1 << (i % 64);
}

fn may_slip(slips: &[u64], h: u64) -> bool {
    let i = slip_bit(h);
    slips[i / 64] >> (i % 64) & 1 == 1
}

/// The listed words and their kinds, and (second vocabulary) the one-letter
/// deletions of the long condition names, for a name written with one
/// letter wrong.
struct Tables {
    words: WordTable<u16>,
    deletions: Option<WordTable<u16>>,
    /// One bit per hash of a deletion or a long condition name: a small
    /// filter read before either table, which are too large to stay in
    /// cache when every long word of every draft is tried.
    slips: Box<[u64]>,
    endings: &'static [(&'static [u8], &'static [u8])],
    near: bool,
}

fn letters(w: &str) -> Vec<u8> {
    w.bytes().filter(u8::is_ascii_alphanumeric).collect()
}

/// The first claim vocabulary's lists.
const FIRST: [(&str, u16); 15] = [
    (CONDITIONS, CONDITION),
    (CURES, CURE),
    (PROOFS, PROOF),
    (DRUGS, DRUG),
    (BODIES, BODY),
    (MONEYS, MONEY),
    (EARNS, EARN),
    (JOBS, JOB),
    (RICH_WORDS, RICHES),
    (OPPORTUNITIES, OPPORTUNITY),
    (FREEDOMS, FREEDOM),
    (SELVES, SELF),
    (WEIGHTS, WEIGHT),
    (SUFFERS, SUFFER),
    (PRODUCTS, PRODUCT),
];

fn table(m: std::collections::HashMap<u64, u16>) -> WordTable<u16> {
    let mut entries: Vec<(u64, u16)> = m.into_iter().collect();
    entries.sort_unstable();
    WordTable::new(&entries)
}

/// Every listed word and its kinds, under the first or the second vocabulary.
fn tables(second: bool) -> &'static Tables {
    static FIRST_TABLES: std::sync::OnceLock<Tables> = std::sync::OnceLock::new();
    static SECOND_TABLES: std::sync::OnceLock<Tables> = std::sync::OnceLock::new();
    let cell = if second { &SECOND_TABLES } else { &FIRST_TABLES };
    cell.get_or_init(|| {
        let mut kinds: std::collections::HashMap<u64, u16> = std::collections::HashMap::new();
        let mut add = |w: &str, kind: u16| *kinds.entry(fnv(&letters(w))).or_default() |= kind;
        for (words, kind) in FIRST {
            // Lookups read letters only, as the text is read.
            words.split_whitespace().for_each(|w| add(w, kind));
        }
        if !second {
            return Tables {
                words: table(kinds),
                deletions: None,
                slips: Box::new([]),
                endings: &ENDINGS[..5],
                near: false,
            };
        }
        for (words, kind) in MORE {
            words.split_whitespace().for_each(|w| add(w, kind));
        }
        MESH_CONDITIONS.lines().filter(|l| !l.starts_with('#')).for_each(|w| add(w, CONDITION));
        let long_conditions = FIRST
            .iter()
            .chain(&MORE)
            .filter(|(_, kind)| *kind == CONDITION)
            .flat_map(|(words, _)| words.split_whitespace())
            .chain(MESH_CONDITIONS.lines().filter(|l| !l.starts_with('#')))
            .map(letters)
            .filter(|w| w.len() >= FUZZY_MIN);
        // A plural of a listed name is no target of its own: "cancers" one
        // letter from "cancels" would make that a condition.
        let plural_of_listed = |w: &[u8]| {
            [&b"s"[..], b"es"].iter().any(|s| {
                w.ends_with(s) && kinds.get(&fnv(&w[..w.len() - s.len()])).is_some_and(|k| k & CONDITION != 0)
            })
        };
        let mut deletions: std::collections::HashMap<u64, u16> = std::collections::HashMap::new();
        let mut slips = vec![0u64; SLIP_BITS / 64].into_boxed_slice();
        let mut buf = Vec::with_capacity(32);
        for w in long_conditions.filter(|w| !plural_of_listed(w)) {
            set_slip(&mut slips, fnv(&w));
            // The first letter is kept: people rarely get it wrong, and
            // "dancers" must not read as "cancers".
            for i in 1..w.len() {
                buf.clear();
                buf.extend_from_slice(&w[..i]);
                buf.extend_from_slice(&w[i + 1..]);
                deletions.insert(fnv(&buf), CONDITION);
                set_slip(&mut slips, fnv(&buf));
            }
        }
        Tables {
            words: table(kinds),
            deletions: Some(table(deletions)),
            slips,
            endings: &ENDINGS,
            near: true,
        }
    })
}

/// Endings stripped to find a listed form, with what replaces them (the
/// first vocabulary reads the first five):
/// "seizures" finds "seizure", "remedies" "remedy", "curing" "cure",
/// "healthier" stays unlisted (no "-ier" here: "earlier" is no kind).
const ENDINGS: [(&[u8], &[u8]); 9] = [
    (b"s", b""),
    (b"es", b""),
    (b"ed", b""),
    (b"ing", b""),
    (b"d", b""),
    (b"ies", b"y"),
    (b"ing", b"e"),
    (b"ly", b""),
    (b"ers", b""),
];

/// The kinds of one word: as written, then without an inflection, then (a
/// long word only) as a condition name with one letter added, dropped or
/// changed ("diabetis", "arthritus", "psoraisis").
fn kinds_of(w: &[u8], tables: &Tables) -> u16 {
    // The hash of every beginning of the word, so that each ending and each
    // deletion tried below hashes only the letters after it.
    let mut pre = [0u64; 21];
    pre[0] = FNV_START;
    for (i, &b) in w.iter().enumerate() {
        pre[i + 1] = fnv_byte(pre[i], b);
    }
    if let Some(k) = tables.words.get(pre[w.len()]) {
        return k;
    }
    for &(suffix, with) in tables.endings {
        if w.len() > suffix.len() + 3 && w.ends_with(suffix) {
            let keep = w.len() - suffix.len();
            if let Some(k) = tables.words.get(fnv_from(pre[keep], with)) {
                return k;
            }
        }
    }
    let Some(deletions) = &tables.deletions else { return 0 };
    // Not a word with a verb ending: "starring" is no slip for "scarring".
    let verb = w.ends_with(b"ing") || w.ends_with(b"ed");
    if w.len() >= FUZZY_MIN && !verb && w.iter().all(u8::is_ascii_lowercase) {
        // One letter missing from a name: the word is one of its deletions.
        if may_slip(&tables.slips, pre[w.len()]) && deletions.get(pre[w.len()]).is_some() {
            return CONDITION;
        }
        // The first letter is never the slip (see the deletions).
        for i in 1..w.len() {
            let h = fnv_from(pre[i], &w[i + 1..]);
            if !may_slip(&tables.slips, h) {
                continue;
            }
            // One letter too many (the deletion is the name), or one letter
            // changed (both lose the same letter).
            let listed = tables.words.get(h).is_some_and(|k| k & CONDITION != 0);
            if listed || deletions.get(h).is_some() {
                return CONDITION;
            }
        }
    }
    0
}

/// The pairs of kinds that make a claim together.
const PAIRS: [(u16, u16); 16] = [
    (CONDITION, CURE),
    (CONDITION, PROOF),
    (CONDITION, DRUG),
    (CONDITION, PRODUCT),
    (CONDITION, SELF),
    (SUFFER, CURE),
    (SUFFER, CONDITION),
    (DRUG, CURE),
    (BODY, CURE),
    (WEIGHT, SELF),
    (MONEY, EARN),
    (MONEY, SELF),
    (EARN, JOB),
    (RICHES, EARN),
    (OPPORTUNITY, MONEY),
    (OPPORTUNITY, FREEDOM),
];

/// How many words apart the two kinds of a pair may sit to count as near.
const NEAR: i64 = 6;

/// Emit the claim cue tokens of the folded buffer; returns how many.
pub(super) fn claim_cues(
    buf: &[u8],
    has_digits_with_money: bool,
    second: bool,
    bits: u8,
    emit: &mut impl FnMut(u32),
) -> u32 {
    let tables = tables(second);
    let mut counts = [0u8; 15];
    let mut seen: u16 = 0;
    // Pairs whose two kinds sit within NEAR words of each other: "cured my
    // arthritis" says more than "arthritis" in one sentence and "cured" in another.
    let mut near: u16 = 0;
    let mut before = [0u16; 15];
    let mut last = [i64::MIN / 2; 15];
    let mut pos: i64 = 0;
    // Words as letters and digits ("alzheimer's" reads as "alzheimer", "s").
    for w in buf.split(|b| !b.is_ascii_alphanumeric()) {
        if w.is_empty() {
            continue;
        }
        pos += 1;
        if w.len() > 20 {
            continue;
        }
        let k = kinds_of(w, tables);
        if k == 0 {
            continue;
        }
        seen |= k;
        for (j, (a, b)) in PAIRS.iter().enumerate() {
            let close = |kind: u16| pos - last[kind.trailing_zeros() as usize] <= NEAR;
            if k & a != 0 && close(*b) || k & b != 0 && close(*a) {
                near |= 1 << j;
            }
        }
        if tables.near {
            // Every kind just before this word's kinds, in order: "cured
            // my" then a condition, a job then an earning verb.
            for i in (0..15).filter(|i| k >> i & 1 == 1) {
                for (j, &at) in last.iter().enumerate() {
                    if pos - at <= NEAR {
                        before[i] |= 1 << j;
                    }
                }
            }
        }
        for (i, c) in counts.iter_mut().enumerate() {
            if k >> i & 1 == 1 {
                *c = c.saturating_add(1);
                last[i] = pos;
            }
        }
    }
    let mut n = 0;
    let weight = if second { 4 } else { 1 };
    let mut token = |id: u64, v: u64, emit: &mut dyn FnMut(u32)| {
        let b = bucket((id << 56) ^ v.wrapping_mul(0x9E37_79B9) ^ SEED_CUE ^ 0xC1A1_5000, bits);
        for _ in 0..weight {
            emit(b);
        }
        n += weight;
    };
    for (i, &c) in counts.iter().enumerate() {
        if c > 0 {
            token(40 + i as u64, u64::from(c.min(3)), emit);
        }
    }
    for (j, (a, b)) in PAIRS.iter().enumerate() {
        if seen & a != 0 && seen & b != 0 {
            token(60 + j as u64, 1, emit);
        }
        if tables.near && near >> j & 1 == 1 {
            token(90 + j as u64, 1, emit);
        }
    }
    for (i, &b) in before.iter().enumerate() {
        for j in (0..15).filter(|j| b >> j & 1 == 1) {
            token(100, (i * 16 + j) as u64, emit);
        }
    }
    if has_digits_with_money {
        token(80, 1 + u64::from(seen & EARN != 0) + 2 * u64::from(seen & SELF != 0), emit);
    }
    n
}

/// What a text is about, as the claim vocabulary (second edition) reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Subjects {
    /// A condition, a drug or the medical system, an organ, weight, or suffering.
    pub health: bool,
    /// Money, earning, a job, riches or the good life, freedom from work, or an amount of money.
    pub earnings: bool,
}

/// The subjects of a folded buffer (see [`super::subjects`]).
pub(super) fn subjects_of(buf: &[u8], has_money_amount: bool) -> Subjects {
    let tables = tables(true);
    let mut seen: u16 = 0;
    for w in buf.split(|b| !b.is_ascii_alphanumeric()) {
        if !w.is_empty() && w.len() <= 20 {
            seen |= kinds_of(w, tables);
        }
    }
    Subjects {
        health: seen & (CONDITION | DRUG | BODY | WEIGHT | SUFFER) != 0,
        earnings: has_money_amount || seen & (MONEY | EARN | JOB | RICHES | FREEDOM) != 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(word: &str, second: bool) -> u16 {
        kinds_of(word.as_bytes(), tables(second))
    }

    fn cue_count(text: &str, second: bool) -> u32 {
        claim_cues(text.as_bytes(), false, second, 18, &mut |_| {})
    }

    fn about(text: &str) -> Subjects {
        crate::features::subjects(text)
    }

    #[test]
    fn a_claim_names_its_subject_and_an_invitation_alone_names_none() {
        // An invitation to join is the opportunity, not money: no earnings subject.
        assert_eq!(about("Want to join my team? DM me!"), Subjects::default());
        assert!(about("I made $5,000 last month from my phone").earnings);
        assert!(about("Fire your boss and join my team").earnings);
        assert!(about("These drops cured my anxiety").health);
        assert!(about("Our tea melts belly fat, lose 20 pounds").health);
        assert!(!about("Loving this serum with my morning coffee").health);
    }

    #[test]
    fn mesh_names_are_conditions_in_the_second_vocabulary_only() {
        for name in ["glomerulonephritis", "sarcoidosis", "hidradenitis"] {
            assert_eq!(kinds(name, true) & CONDITION, CONDITION, "{name}");
            assert_eq!(kinds(name, false) & CONDITION, 0, "{name}: the first vocabulary must not change");
        }
    }

    #[test]
    fn a_long_condition_name_with_one_letter_wrong_is_still_a_condition() {
        // fibromyalgia: a letter changed, dropped, added; sarcoidosis likewise.
        for slip in ["fibromyalgya", "fibromylgia", "fibromyallgia", "sarcoidossis", "sarciodosis"] {
            assert_eq!(kinds(slip, true) & CONDITION, CONDITION, "{slip}");
        }
        // Ordinary words one letter from a name, or a slip of the first
        // letter, or a verb ending, stay ordinary.
        for word in ["dancers", "cancels", "lessons", "starring", "tarcoidosis", "personality"] {
            assert_eq!(kinds(word, true) & CONDITION, 0, "{word}");
        }
    }

    #[test]
    fn inflections_find_the_listed_form() {
        assert_eq!(kinds("remedies", true) & CURE, CURE);
        assert_eq!(kinds("reversing", true) & CURE, CURE);
        assert_eq!(kinds("outearned", true) & EARN, EARN);
    }

    #[test]
    fn a_cure_verb_next_to_a_condition_counts_more_than_one_far_away() {
        // The same words; only where "eczema" sits differs.
        let close = "this oil cured my eczema and i love the smell of it every single morning";
        let far = "this oil cured my face and i love the smell of it every single morning eczema";
        assert!(cue_count(close, true) > cue_count(far, true));
        assert_eq!(cue_count(close, false), cue_count(far, false), "the first vocabulary has no near pairs");
    }
}
