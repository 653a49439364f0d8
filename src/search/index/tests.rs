use super::*;

fn index(pages: &[(&str, &str, &str)]) -> (Vec<Vec<u8>>, TermFiles) {
    let fr = Analyzer::for_language("fr");
    let vocabulary = Vocabulary::default();
    let mut scripts = Vec::new();
    let mut terms = Vec::new();
    for (id, (url, title, body)) in pages.iter().enumerate() {
        let sections = vec![Section {
            text: (*body).to_owned(),
            ..Section::default()
        }];
        let script = page_script(id as u32, url, title, &sections);
        let mut entry = page_terms(
            &fr,
            &vocabulary,
            id as u32,
            title,
            None,
            &PageWords::of_sections(&sections),
        );
        entry.file_hash = *blake3::hash(&script).as_bytes();
        scripts.push(script);
        terms.push(entry);
    }
    let analyzers = [("fr".to_string(), Analyzer::for_language("fr"))];
    (
        scripts,
        term_files(&analyzers, &vocabulary, terms.iter().collect()),
    )
}

#[test]
fn title_words_weigh_more_than_body_words() {
    let fr = Analyzer::for_language("fr");
    let vocabulary = Vocabulary::default();
    let sections = vec![Section {
        text: "messagerie et serveurs".to_owned(),
        ..Section::default()
    }];
    let page = page_terms(
        &fr,
        &vocabulary,
        0,
        "Messagerie",
        None,
        &PageWords::of_sections(&sections),
    );
    let names = vocabulary.into_terms();
    let weight = |t: &str| {
        page.terms
            .iter()
            .find(|(id, _)| names[*id as usize] == t)
            .map(|(_, w)| *w)
    };
    assert_eq!(weight("messager"), Some(TITLE_WEIGHT + 1.0));
    assert_eq!(weight("serveur"), Some(1.0));
    assert_eq!(page.length, TITLE_WEIGHT + 2.0);
}

#[test]
fn pages_files_carry_url_title_and_sections() {
    let (scripts, _) = index(&[("a/", "Titre", "Un texte.")]);
    let script = String::from_utf8_lossy(&scripts[0]);
    assert_eq!(
        script,
        "carnetSearch.page(0,{\"u\":\"a/\",\"t\":\"Titre\",\"s\":[[\"\",\"\",\"Un texte.\"]]});\n"
    );
}

#[test]
fn shards_hold_each_terms_pages_with_weights() {
    let (_, index) = index(&[
        ("a/", "Hébergement", "Un hébergeur mutualisé."),
        ("b/", "Messagerie", "Courriels et hébergement."),
    ]);
    let meta = std::str::from_utf8(&index.files[0].bytes).unwrap_or_default();
    assert!(meta.starts_with("carnetSearch.meta({"), "{meta}");
    assert!(meta.contains("\"stemmer\":\"french\""), "{meta}");
    assert!(
        meta.contains(&format!("\"version\":\"{}\"", index.version)),
        "{meta}"
    );
    let shard = index
        .files
        .iter()
        .find(|f| f.path == "search/t/h.js")
        .map(|f| String::from_utf8_lossy(&f.bytes).into_owned())
        .unwrap_or_default();
    // Both pages contain "héberg…": page 0 (delta 0) then page 1 (delta 1), each with a score.
    let postings = shard
        .split("\"heberg\":[")
        .nth(1)
        .and_then(|rest| rest.split(']').next())
        .unwrap_or_default();
    let numbers: Vec<u32> = postings.split(',').filter_map(|n| n.parse().ok()).collect();
    assert_eq!(numbers.len(), 4, "{shard}");
    assert_eq!((numbers[0], numbers[2]), (0, 1));
    assert!(
        numbers[1] > numbers[3],
        "the title match ranks first: {numbers:?}"
    );
}

#[test]
fn common_terms_keep_their_best_pages_in_the_shard_and_the_rest_in_a_tail() {
    let list: Vec<(u32, f32)> = (0..HEAD_POSTINGS as u32 + 100)
        .map(|page| (page, if page % 6 == 0 { 2.0 } else { 0.5 }))
        .collect();
    let (head, tail) = split_postings(list, 10_000);
    let numbers = |s: &str| -> Vec<u32> { s.split(',').filter_map(|n| n.parse().ok()).collect() };
    let head = numbers(&head);
    let tail = numbers(&tail.unwrap_or_default());
    assert_eq!(head.len() / 2, HEAD_POSTINGS);
    assert_eq!(tail.len() / 2, 100);
    // Every page weighing 2.0 (every sixth) is in the head, whose scores are the highest.
    let best = head.chunks(2).filter(|p| p[1] == head[1]).count();
    assert_eq!(best, (HEAD_POSTINGS + 100).div_ceil(6));
    assert!(tail.chunks(2).all(|p| p[1] < head[1]));
    let (short, none) = split_postings(vec![(3, 1.0)], 10);
    assert!(none.is_none());
    assert_eq!(numbers(&short)[0], 3);
}

#[test]
fn big_groups_split_by_longer_prefixes() {
    let long_postings = "0,1,".repeat(SHARD_BYTES / 8);
    let terms: Vec<(&str, usize)> = ["ab", "aba", "abc", "abd", "b"]
        .iter()
        .map(|t| (*t, long_postings.len()))
        .collect();
    let keys: Vec<String> = shard(&terms, 1).into_iter().map(|(k, _)| k).collect();
    assert_eq!(keys, ["ab", "aba", "abc", "abd", "b"]);
}

#[test]
fn the_version_changes_with_the_content() {
    let a = index(&[("a/", "Un", "alpha")]).1.version;
    let b = index(&[("a/", "Un", "beta")]).1.version;
    assert_ne!(a, b);
    assert_eq!(a, index(&[("a/", "Un", "alpha")]).1.version);
}

#[test]
fn file_names_are_safe_for_any_script() {
    assert_eq!(file_name("he"), "he");
    assert_eq!(file_name("日"), "_65e5");
    assert_eq!(file_name("a-b"), "a_2db");
}

/// A build's index (made from its pages' terms, which it consumes, then sealed with the page
/// files' hashes) has the files of the index of the same pages made in one go, tails included,
/// and the vocabulary can be let go once it is made.
#[test]
fn a_made_index_has_the_files_of_its_pages_index() {
    let fr = Analyzer::for_language("fr");
    let analyzers = [("fr".to_string(), Analyzer::for_language("fr"))];
    let vocabulary = Vocabulary::default();
    let pages: Vec<PageTerms> = (0..HEAD_POSTINGS as u32 + 20)
        .map(|id| {
            let body = format!(
                "commun réseau{} page{id} {}",
                id % 7,
                "mot ".repeat(id as usize % 5)
            );
            let sections = vec![Section {
                text: body,
                ..Section::default()
            }];
            let words = PageWords::of_sections(&sections);
            let mut terms = page_terms(&fr, &vocabulary, id, "Titre", None, &words);
            terms.file_hash = *blake3::hash(&id.to_le_bytes()).as_bytes();
            terms
        })
        .collect();
    let whole = term_files(&analyzers, &vocabulary, pages.iter().collect());
    let hashes: Vec<(u32, [u8; 32])> = pages.iter().map(|p| (p.id, p.file_hash)).collect();
    let made = make_index(&analyzers, &vocabulary, pages);
    vocabulary.forget();
    let made = made.files(&analyzers, &vocabulary, hashes.into_iter());
    assert_eq!(made.version, whole.version);
    let listed = |files: &TermFiles| -> Vec<(String, Vec<u8>)> {
        files
            .files
            .iter()
            .map(|f| (f.path.clone(), f.bytes.clone()))
            .collect()
    };
    assert!(whole.files.iter().any(|f| f.path.starts_with("search/x/")));
    assert_eq!(listed(&made), listed(&whole));
    assert!(vocabulary.into_terms().is_empty());
}
