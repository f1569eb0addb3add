//! The shipped heads as a seller meets them: they load, answer the obvious
//! cases the obvious way, and give probabilities that mean something.

use tactful_classify::{Head, Model, Scratch, UNCERTAIN, builtin};

/// Each text gets its label from the embedded model of `head`.
fn assert_labels(head: Head, cases: &[(&str, &str)]) {
    let m = builtin::model(head).expect("the embedded model loads");
    for &(text, want) in cases {
        assert_eq!(m.classify(text, &mut Scratch::new()).label.to_string(), want, "{head}: {text:?}");
    }
}

#[test]
fn every_head_loads_with_its_classes_and_a_sane_threshold() {
    for head in Head::ALL {
        let m = builtin::model(head).unwrap_or_else(|e| panic!("{head}: {e}"));
        assert_eq!(m.head(), head.as_str());
        assert_eq!(m.classes(), head.classes(), "{head}");
        assert_eq!(m.is_binary(), head.positive().is_some());
        assert!((0.0..=1.0).contains(&m.threshold()), "{head}: {}", m.threshold());
        let (a, _) = m.calibration();
        assert!(a > 0.0, "{head}: calibration must keep the order of scores");
    }
}

#[test]
fn the_embedded_files_are_written_back_byte_for_byte() {
    for head in Head::ALL {
        let bytes = builtin::bytes(head);
        assert_eq!(Model::from_bytes(bytes).unwrap().to_bytes(), bytes, "{head}");
    }
}

#[test]
fn obvious_spam_is_spam_and_a_friends_message_is_not() {
    assert_labels(
        Head::Spam,
        &[
            ("WINNER!! You have won a £1000 cash prize. To claim call 09061701461 now. T&C apply", "spam"),
            ("Check out my channel and subscribe please!! http://youtube.com/mychannel", "spam"),
            ("Are you coming to dinner tonight? Mum is making lasagne", "not-spam"),
            ("Had a lovely walk by the lake with the kids this morning.", "not-spam"),
        ],
    );
}

#[test]
fn a_complaint_to_a_brand_is_a_customer_request_and_small_talk_is_not() {
    assert_labels(
        Head::CustomerRequest,
        &[
            (
                "@AcmeSupport my order still hasn't arrived after three weeks and nobody answers my emails. I want a refund",
                "request",
            ),
            ("@BrandHelp the app keeps crashing every time I try to pay, this is ridiculous", "request"),
            ("What a beautiful sunset tonight, feeling grateful", "other"),
        ],
    );
}

#[test]
fn content_kind_tells_an_ad_from_a_chat_and_a_fan_comment() {
    assert_labels(
        Head::ContentKind,
        &[
            (
                "Shop our new summer collection! 30% off all dresses this weekend only. Free shipping on orders over $50.",
                "promotional",
            ),
            ("Hey, are you still coming over later? I'll cook, just bring wine", "personal"),
            ("this song is amazing, still listening in 2015 :)", "off-topic"),
        ],
    );
}

#[test]
fn scores_are_probabilities_and_repeatable() {
    let mut s = Scratch::new();
    for head in Head::ALL {
        let m = builtin::model(head).unwrap();
        for t in [
            "",
            "ok",
            "Buy now!!! 🎉🎉 https://example.com",
            "Où est ma commande ? Je l'attends depuis deux semaines.",
        ] {
            let p = m.probabilities(t, &mut s);
            assert_eq!(p.len(), head.classes().len());
            assert!((p.iter().sum::<f32>() - 1.0).abs() < 1e-4, "{head} {t:?}: {p:?}");
            assert!(p.iter().all(|x| (0.0..=1.0).contains(x)));
            assert_eq!(p, m.probabilities(t, &mut s), "{head} {t:?}: not repeatable");
        }
    }
}

#[test]
#[allow(clippy::float_cmp)] // exact: the threshold must not touch the score
fn the_threshold_moves_the_label_not_the_score() {
    let m = builtin::model(Head::Spam).unwrap();
    let mut s = Scratch::new();
    let text = "Free entry to win a prize, text WIN to 80086";
    let low = m.classify_with(text, 0.0, &mut s);
    let high = m.classify_with(text, 1.0, &mut s);
    assert_eq!(low.label, "spam");
    assert_eq!(high.label, if high.score >= 1.0 { "spam" } else { "not-spam" });
    assert_eq!(low.score, high.score);
    let k = builtin::model(Head::ContentKind).unwrap();
    assert_eq!(k.classify_with("hello", 1.0, &mut s).label, UNCERTAIN);
}

#[test]
fn spam_reads_where_a_text_was_written() {
    use tactful_classify::{Channel, Input};
    let m = builtin::model(Head::Spam).unwrap();
    assert!(m.spec().channels, "the shipped spam head has per-channel features");
    assert_eq!("dm".parse::<Channel>(), Ok(Channel::Message), "as `tactful check --channel dm` says it");
    let mut s = Scratch::new();
    let p = |text: &str, c: Option<Channel>, s: &mut Scratch| m.probabilities(Input::new(text, c), s)[1];
    // Self-promotion is the classic spam under a video; as someone's own post it is less so.
    let promo = "watch my new video and subscribe";
    assert_eq!(m.classify(Input::new(promo, Some(Channel::Comment)), &mut s).label, "spam");
    assert!(p(promo, Some(Channel::Comment), &mut s) > p(promo, Some(Channel::Post), &mut s));
    // A plain message stays plain wherever it was written, and with no channel at all.
    let plain = "hey are we still on for dinner tonight?";
    for c in [None, Some(Channel::Post), Some(Channel::Comment), Some(Channel::Message)] {
        assert_eq!(m.classify(Input::new(plain, c), &mut s).label, "not-spam", "{c:?}");
    }
}
