//! Claim vocabulary cues for the claim heads: which kinds of words a text
//! uses (conditions, cure verbs, drugs, proof words; money, earning, jobs,
//! riches, the opportunity) and which kinds occur together. A linear model
//! cannot learn "a disease *and* a cure verb" from separate words; these
//! tokens give it the pairs, and they let a condition or an amount the model
//! never saw count like the ones it did. The word lists are written from the
//! FTC's and FDA's descriptions of disease and earnings claims, not from the
//! labeled claims.

use super::{SEED_CUE, WordTable, bucket, fnv};

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

/// Every listed word and its kinds.
fn table() -> &'static WordTable<u16> {
    static TABLE: std::sync::OnceLock<WordTable<u16>> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let lists: [(&str, u16); 15] = [
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
        let mut kinds: std::collections::HashMap<u64, u16> = std::collections::HashMap::new();
        for (words, kind) in lists {
            for w in words.split_whitespace() {
                // Lookups read letters only, as the text is read.
                let letters: Vec<u8> = w.bytes().filter(u8::is_ascii_alphanumeric).collect();
                *kinds.entry(fnv(&letters)).or_default() |= kind;
            }
        }
        let mut entries: Vec<(u64, u16)> = kinds.into_iter().collect();
        entries.sort_unstable();
        WordTable::new(&entries)
    })
}

/// The kinds of one word, trying it as written, then without a plural or
/// verb ending ("arthritis" stays, "seizures" finds "seizure").
fn kinds_of(w: &[u8], table: &WordTable<u16>) -> u16 {
    if let Some(k) = table.get(fnv(w)) {
        return k;
    }
    for suffix in [&b"s"[..], b"es", b"ed", b"ing", b"d"] {
        if w.len() > suffix.len() + 3 && w.ends_with(suffix) {
            if let Some(k) = table.get(fnv(&w[..w.len() - suffix.len()])) {
                return k;
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

/// Emit the claim cue tokens of the folded buffer; returns how many.
pub(super) fn claim_cues(
    buf: &[u8],
    has_digits_with_money: bool,
    bits: u8,
    emit: &mut impl FnMut(u32),
) -> u32 {
    let table = table();
    let mut counts = [0u8; 15];
    let mut seen: u16 = 0;
    // Words as letters and digits ("alzheimer's" reads as "alzheimer", "s").
    for w in buf.split(|b| !b.is_ascii_alphanumeric()) {
        if w.is_empty() || w.len() > 20 {
            continue;
        }
        let k = kinds_of(w, table);
        seen |= k;
        for (i, c) in counts.iter_mut().enumerate() {
            if k >> i & 1 == 1 {
                *c = c.saturating_add(1);
            }
        }
    }
    let mut n = 0;
    let mut token = |id: u64, v: u64, emit: &mut dyn FnMut(u32)| {
        emit(bucket((id << 56) ^ v.wrapping_mul(0x9E37_79B9) ^ SEED_CUE ^ 0xC1A1_5000, bits));
        n += 1;
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
    }
    if has_digits_with_money {
        token(80, 1 + u64::from(seen & EARN != 0) + 2 * u64::from(seen & SELF != 0), emit);
    }
    n
}
