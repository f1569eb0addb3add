//! The tokenizer's behaviour on a vocabulary small enough to read.

use tactful_context::wordpiece::{VocabError, WordPiece};

/// Line index = id: [PAD] 0, [UNK] 1, [CLS] 2, [SEP] 3, un 4, ##aff 5, …
const VOCAB: &str =
    "[PAD]\n[UNK]\n[CLS]\n[SEP]\nun\n##aff\n##able\nhello\n,\n!\ncaf\n##e\nworld\nna\n##ive\n.\n";

fn encode(text: &str, max_len: usize) -> Vec<u32> {
    let wp = WordPiece::from_vocab(VOCAB).unwrap();
    let mut out = vec![99; 3]; // stale ids: encode clears first
    wp.encode(text, max_len, &mut out);
    out
}

#[test]
fn reads_ids_from_line_numbers() {
    let wp = WordPiece::from_vocab(VOCAB).unwrap();
    assert_eq!(wp.vocab_len(), 16);
    assert_eq!(wp.pad_id(), 0);
    assert_eq!(encode("", 256), [2, 3]);
}

#[test]
fn splits_a_word_into_longest_pieces() {
    // un ##aff ##able
    assert_eq!(encode("unaffable", 256), [2, 4, 5, 6, 3]);
}

#[test]
fn lowercases_and_strips_accents() {
    // Café → caf ##e; NAÏVE → na ##ive (also the decomposed form: e + U+0301)
    assert_eq!(encode("Café", 256), [2, 10, 11, 3]);
    assert_eq!(encode("Cafe\u{301}", 256), [2, 10, 11, 3]);
    assert_eq!(encode("NAÏVE", 256), [2, 13, 14, 3]);
}

#[test]
fn splits_punctuation_into_words_of_its_own() {
    // hello , world !
    assert_eq!(encode("hello, world!", 256), [2, 7, 8, 12, 9, 3]);
    assert_eq!(encode("hello,world!", 256), [2, 7, 8, 12, 9, 3]);
    // Unicode punctuation too: the ideographic full stop splits "hello" and "world".
    assert_eq!(encode("hello\u{3002}world", 256), [2, 7, 1, 12, 3]);
}

#[test]
fn whitespace_and_controls_follow_bert() {
    // Tabs, newlines and no-break spaces separate words.
    assert_eq!(encode("\thello\n\u{a0}world\r\n", 256), [2, 7, 12, 3]);
    // Controls and format chars are dropped, joining their neighbours.
    assert_eq!(encode("hel\u{0}lo wor\u{200b}ld caf\u{c}e", 256), [2, 7, 12, 10, 11, 3]);
}

#[test]
fn an_unknown_word_is_one_unk() {
    // "unknown" starts with "un" but the rest is in no piece: the whole word is [UNK].
    assert_eq!(encode("hello unknown world", 256), [2, 7, 1, 12, 3]);
    // CJK ideographs are words of their own, each unknown here.
    assert_eq!(encode("hello中文", 256), [2, 7, 1, 1, 3]);
    // A word of more than 100 chars is [UNK] even if it could be split.
    let long = "un".to_owned() + &"aff".repeat(33);
    assert_eq!(long.chars().count(), 101);
    assert_eq!(encode(&long, 256), [2, 1, 3]);
    // At exactly 100 it is split: un, 32 × ##aff, ##e, ##e.
    let just_fits = "un".to_owned() + &"aff".repeat(32) + "ee";
    assert_eq!(just_fits.chars().count(), 100);
    let ids = encode(&just_fits, 256);
    assert_eq!(ids.len(), 2 + 1 + 32 + 2);
    assert_eq!(ids[..3], [2, 4, 5]);
    assert_eq!(ids[ids.len() - 3..], [11, 11, 3]);
}

#[test]
fn special_tokens_typed_in_the_text_are_kept() {
    // As in the reference: matched in the raw text, not lowercased or split.
    assert_eq!(encode("hello[UNK]world", 256), [2, 7, 1, 12, 3]);
    assert_eq!(encode("[SEP][PAD]", 256), [2, 3, 0, 3]);
    // Only the exact spelling: "[unk]" is punctuation and an unknown word.
    assert_eq!(encode("[unk]", 256), [2, 1, 1, 1, 3]);
    // They count toward max_len like any piece.
    assert_eq!(encode("[PAD][PAD][PAD]", 4), [2, 0, 0, 3]);
}

#[test]
fn truncation_keeps_sep_last() {
    let text = "hello, world! unaffable";
    assert_eq!(encode(text, 256), [2, 7, 8, 12, 9, 4, 5, 6, 3]);
    assert_eq!(encode(text, 5), [2, 7, 8, 12, 3]);
    // The cut may fall inside a word's pieces, as the reference cuts ids.
    assert_eq!(encode(text, 7), [2, 7, 8, 12, 9, 4, 3]);
    assert_eq!(encode(text, 2), [2, 3]);
    assert_eq!(encode(text, 0), [2, 3]);
}

#[test]
fn a_bad_vocabulary_names_the_line() {
    let err = WordPiece::from_vocab("[PAD]\n[UNK]\n\n[CLS]\n[SEP]\n").unwrap_err();
    assert_eq!(err, VocabError::EmptyLine { line: 3 });
    assert!(err.to_string().contains("line 3"), "{err}");

    let err = WordPiece::from_vocab("[PAD]\n[UNK]\n[CLS]\nhello\nhello\n[SEP]\n").unwrap_err();
    assert_eq!(err, VocabError::Duplicate { line: 5, first: 4, token: "hello".into() });

    let err = WordPiece::from_vocab("[PAD]\n[UNK]\n[CLS]\nhello\n").unwrap_err();
    assert_eq!(err, VocabError::MissingSpecial { token: "[SEP]" });
    assert!(err.to_string().contains("[SEP]"), "{err}");
}
