//! Repair of whole texts: the patterns it undoes and what it leaves alone.

use super::*;

fn repair(text: &str) -> String {
    apply_repairs(text, &find_repairs(text))
}

#[test]
fn french_through_1252() {
    assert_eq!(repair("L'Ã©quipe gÃ¨re"), "L'équipe gère");
    assert_eq!(repair("dâ€™information"), "d’information");
}

#[test]
fn emoji_through_1254() {
    assert_eq!(repair("ğŸ‡«ğŸ‡· Clever Cloud"), "🇫🇷 Clever Cloud");
}

#[test]
fn lost_bytes_are_restored() {
    assert_eq!(
        repair("## âš™ï¸ Fonctionnement gÃ©nÃ©ral"),
        "## ⚙️ Fonctionnement général"
    );
    assert_eq!(
        repair("## ğŸ›\u{a0}ï¸ RÃ´le et\u{a0}x"),
        "## 🛠️ Rôle et\u{a0}x"
    );
}

#[test]
fn clean_text_is_untouched() {
    for text in [
        "héllo wörld",
        "Température : 25 Â°C",
        "CAFÉ—the best",
        "higher values (“+” and “×” curves)",
        "Use `Ã©` to show mojibake.",
    ] {
        assert!(find_repairs(text).is_empty(), "{text}");
    }
}

#[test]
fn repairs_carry_line_and_column() {
    let repairs = find_repairs("ok\nla gÃ¨re\n");
    assert_eq!(repairs.len(), 1);
    assert_eq!((repairs[0].line, repairs[0].column), (2, 5));
    assert_eq!(repairs[0].damaged, "Ã¨");
    assert_eq!(repairs[0].repaired, "è");
}

// The patterns ftfy repairs, in sentences of our own.

#[test]
fn mac_roman() {
    assert_eq!(
        repair("Die Stra√üe ist wei√ü und die Gr√∂√üe stimmt."),
        "Die Straße ist weiß und die Größe stimmt."
    );
    assert_eq!(
        repair("Le caf√© de la gare est ferm√© le lundi."),
        "Le café de la gare est fermé le lundi."
    );
    // Cyrillic through Mac Roman: dashes between the letters, cheap as signs, but six
    // sequences in a row that each encode back to one letter.
    assert_eq!(repair("–ø—Ä–∏–≤–µ—Ç –ø—Ä–∏–≤–µ—Ç"), "привет привет");
}

#[test]
fn cesu_8_emoji() {
    // Each emoji as two UTF-16 surrogates of three bytes each, read as Latin-1.
    assert_eq!(
        repair("Merci \u{ed}\u{a0}\u{bd}\u{ed}\u{b9}\u{8f} et \u{c3}\u{a0} bient\u{c3}\u{b4}t"),
        "Merci 🙏 et à bientôt"
    );
}

#[test]
fn one_damaged_word_beside_intact_text_that_writes_the_same_letter() {
    assert_eq!(
        repair("Le dÃ©ploiement est terminé, voilà"),
        "Le déploiement est terminé, voilà"
    );
    assert_eq!(
        repair("Das BÃ¼ro ist für alle da."),
        "Das Büro ist für alle da."
    );
    // Nothing else on the line says which reading is right: a note, not a repair.
    assert!(find_repairs("Bremer/Mccoy – DrÃ¥ber").is_empty());
}

#[test]
fn portuguese_and_french_a_grave() {
    // `à` is C3 A0: its second byte is a no-break space in Windows-1252, often a space.
    let pt = "ReuniÃ£o Ã\u{a0}s 14h, atÃ© amanhÃ£.";
    assert_eq!(repair(pt), "Reunião às 14h, até amanhã.");
    assert_eq!(
        repair(&pt.replace('\u{a0}', " ")),
        "Reunião às 14h, até amanhã."
    );
    let fr = "Bienvenue Ã\u{a0} Paris, voilÃ\u{a0}.";
    assert_eq!(repair(fr), "Bienvenue à Paris, voilà.");
    assert_eq!(
        repair("Bienvenue Ã  Paris, voilÃ  tout."),
        "Bienvenue à Paris, voilà tout."
    );
}

#[test]
fn cp437_inside_words() {
    assert_eq!(
        repair("Das B├╝ro ├╢ffnet um acht Uhr."),
        "Das Büro öffnet um acht Uhr."
    );
    assert_eq!(repair("g├╝ne┼ƒ"), "güneş");
}

#[test]
fn box_drawing_stays() {
    // A tree drawn with box drawing, and line art (one of ftfy's negative cases).
    let tree = "├── docs\n│   └── guide.md\n└── README.md\n";
    assert!(find_repairs(tree).is_empty());
    assert!(find_repairs("├┤a┼┐a┼┐a┼┐a┼┐a").is_empty());
}

#[test]
fn two_layers() {
    let once = damage("équipe’s", &CODE_PAGES[0]);
    let twice = damage(&once, &CODE_PAGES[0]);
    assert_eq!(repair(&twice), "équipe’s");
}

#[test]
fn a_page_that_reads_more_wins_over_latin1() {
    // Latin-1 reads `Å¾` and the Japanese as Windows-1252 does (the text holds a C1 control,
    // the image of 0x9D), but only Windows-1252 reads `Ä…` (`ą`).
    assert_eq!(repair("Ä…Å¾uolas æ\u{9d}±äº¬"), "ąžuolas 東京");
    assert_eq!(repair("Ä…Å¾uolas Å¾luÅ¥ouÄ\u{8d}kÃ½"), "ąžuolas žluťoučký");
}

#[test]
fn combining_marks_read_as_latin1() {
    // A price and a word crossed out with U+0336 (CC B6), each mark read as `Ì¶`.
    let struck =
        "Soldes : 1\u{336}2\u{336}0\u{336} € → 99 €, t\u{336}h\u{336}i\u{336}s\u{336} is gone";
    let damaged = damage(struck, &CODE_PAGES[0]);
    assert!(damaged.contains("1Ì¶2Ì¶0Ì¶"), "{damaged}");
    assert_eq!(repair(&damaged), struck);
    assert_eq!(
        repair("the old price 5Ì¶0 is gone"),
        "the old price 5\u{336}0 is gone"
    );
    // An Italian capital before punctuation is what it seems.
    for text in ["PERCHÉ SÌ” e «COSÌ»", "CITTÀ SÌ¶ OK", "AÍ… ok"] {
        assert!(find_repairs(text).is_empty(), "{text}");
    }
}
