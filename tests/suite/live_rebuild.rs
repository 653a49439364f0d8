//! The incremental rebuilds behind `carnet serve` and `carnet build --watch`, called as a
//! library: after every kind of change, the snapshot must hold exactly what a clean build
//! writes, and the rebuild must take the road the change allows (a page swap for a body edit,
//! a reassembly otherwise).

use std::path::{Path, PathBuf};

use crate::common::*;
use carnet::serve::live::{LiveSite, Rebuilt, Scope};

/// A site with links between pages (one to an anchor), an include, and a page included by
/// another.
fn linked_site() -> tempfile::TempDir {
    site_with(&[
        (
            "SUMMARY.md",
            "# Sommaire\n\n* [Accueil](README.md)\n* [Messagerie](messagerie.md)\n* [Hébergement](hebergement.md)\n* [Annexe](annexe.md)\n",
        ),
        (
            "README.md",
            "# Accueil\n\nVoir [la délivrabilité](messagerie.md#delivrabilite).\n\n{% content-ref url=\"hebergement.md\" %}\n[hebergement.md](hebergement.md)\n{% endcontent-ref %}\n",
        ),
        (
            "messagerie.md",
            "# Messagerie\n\nConfigurer MX.\n\n## Délivrabilité\n\nSigner avec DKIM.\n",
        ),
        (
            "hebergement.md",
            "---\ndescription: Choisir une offre.\n---\n\n# Hébergement\n\nUne offre mutualisée.\n\n{% include \".gitbook/includes/contact.md\" %}\n",
        ),
        (".gitbook/includes/contact.md", "Écrivez au support.\n"),
        ("annexe.md", "# Annexe\n\n{% include \"messagerie.md\" %}\n"),
    ])
}

fn start(site: &Path) -> LiveSite {
    let mut live = LiveSite::new(options(site));
    let first = live
        .rebuild(&[])
        .unwrap_or_else(|e| panic!("first build: {e:?}"));
    assert_eq!(first.scope, Scope::Site);
    assert_matches_clean_build(&first, site);
    live
}

fn save(live: &mut LiveSite, site: &Path, rel: &str, text: &str) -> Rebuilt {
    write(site, rel, text.as_bytes());
    rebuild(live, &[site.join(rel)])
}

/// Writes all `files`, then rebuilds as the watcher reports them: in one batch.
fn save_all(live: &mut LiveSite, site: &Path, files: &[(&str, &str)]) -> Rebuilt {
    for (rel, text) in files {
        write(site, rel, text.as_bytes());
    }
    let changed: Vec<PathBuf> = files.iter().map(|(rel, _)| site.join(rel)).collect();
    rebuild(live, &changed)
}

fn rebuild(live: &mut LiveSite, changed: &[PathBuf]) -> Rebuilt {
    live.rebuild(changed)
        .unwrap_or_else(|e| panic!("rebuild of {changed:?}: {e:?}"))
}

/// Every file a clean build writes is in the snapshot, byte for byte, and the snapshot has no
/// page a clean build would not write.
fn assert_matches_clean_build(rebuilt: &Rebuilt, site: &Path) {
    let expected = clean_build_files(site);
    for (path, bytes) in &expected {
        let served = rebuilt
            .snapshot
            .output(path)
            .unwrap_or_else(|| panic!("{path} is missing from the snapshot"));
        assert!(
            served.as_slice() == bytes.as_slice(),
            "{path} differs from a clean build:\n--- snapshot\n{}\n--- build\n{}",
            String::from_utf8_lossy(&served),
            String::from_utf8_lossy(bytes)
        );
    }
    for (_, page) in rebuilt.snapshot.site.published() {
        let path = format!("{}index.html", page.url);
        assert!(
            expected.contains_key(&path),
            "{path} is not in a clean build"
        );
    }
}

/// An output file of the rebuilt snapshot as text (empty when it is missing).
fn text_of(rebuilt: &Rebuilt, rel: &str) -> String {
    let bytes = rebuilt.snapshot.output(rel).unwrap_or_default();
    String::from_utf8_lossy(&bytes).into_owned()
}

fn id_of(rebuilt: &Rebuilt, rel: &str) -> usize {
    rebuilt
        .snapshot
        .site
        .page_by_source(rel)
        .unwrap_or_else(|| panic!("no page {rel}"))
}

#[test]
fn a_body_edit_swaps_one_page_and_matches_a_clean_build() {
    let tmp = linked_site();
    let site = tmp.path();
    let mut live = start(site);
    let rebuilt = save(
        &mut live,
        site,
        "messagerie.md",
        "# Messagerie\n\nConfigurer MX et SPF.\n\n## Délivrabilité\n\nSigner avec DKIM.\n",
    );
    // The annexe includes the page: it is loaded again too.
    let mut expected = vec![
        id_of(&rebuilt, "messagerie.md"),
        id_of(&rebuilt, "annexe.md"),
    ];
    expected.sort_unstable();
    assert_eq!(rebuilt.scope, Scope::Pages(expected));
    assert_eq!(rebuilt.reloaded, 2);
    assert_matches_clean_build(&rebuilt, site);
    assert!(text_of(&rebuilt, "annexe/index.html").contains("Configurer MX et SPF"));
}

#[test]
fn the_same_bytes_again_change_nothing() {
    let tmp = linked_site();
    let site = tmp.path();
    let mut live = start(site);
    let text = "# Messagerie\n\nAutre texte.\n\n## Délivrabilité\n\nSigner.\n";
    let first = save(&mut live, site, "messagerie.md", text);
    assert!(!first.is_unchanged());
    // The debounced event of the same save, after the fast lane's.
    let again = rebuild(&mut live, &[site.join("messagerie.md")]);
    assert!(again.is_unchanged());
    assert!(std::sync::Arc::ptr_eq(&first.snapshot, &again.snapshot));
    let summary = std::fs::read_to_string(site.join("SUMMARY.md")).unwrap_or_default();
    let edited = save(
        &mut live,
        site,
        "SUMMARY.md",
        &summary.replace("[Annexe]", "[Annexes]"),
    );
    assert_eq!(edited.scope, Scope::Site);
    assert!(rebuild(&mut live, &[site.join("SUMMARY.md")]).is_unchanged());
}

#[test]
fn a_title_or_description_edit_reassembles_and_cards_show_it() {
    let tmp = linked_site();
    let site = tmp.path();
    let mut live = start(site);
    let rebuilt = save(
        &mut live,
        site,
        "hebergement.md",
        "---\ndescription: Comparer les offres.\n---\n\n# Hébergement web\n\nUne offre mutualisée.\n\n{% include \".gitbook/includes/contact.md\" %}\n",
    );
    assert_eq!(rebuilt.scope, Scope::Site);
    assert_matches_clean_build(&rebuilt, site);
    let home = text_of(&rebuilt, "index.html");
    assert!(home.contains("Comparer les offres."), "{home}");
}

#[test]
fn an_anchor_that_vanishes_is_reported_in_the_page_linking_to_it() {
    let tmp = linked_site();
    let site = tmp.path();
    let mut live = start(site);
    let rebuilt = save(
        &mut live,
        site,
        "messagerie.md",
        "# Messagerie\n\nConfigurer MX.\n\n## Signature\n\nSigner avec DKIM.\n",
    );
    assert_eq!(rebuilt.scope, Scope::Site, "anchors changed: not a swap");
    assert!(
        rebuilt.rechecked.contains(&site.join("README.md")),
        "{:?}",
        rebuilt.rechecked
    );
    let found: Vec<_> = rebuilt
        .snapshot
        .diagnostics
        .iter()
        .filter(|d| d.code == "missing-anchor")
        .filter(|d| {
            d.location
                .as_ref()
                .is_some_and(|l| l.file.ends_with("README.md"))
        })
        .collect();
    assert_eq!(found.len(), 1, "{:?}", rebuilt.snapshot.diagnostics);
    // README.md was not loaded again, and its text was let go after its first load: the
    // warning still points at its line and quotes it (the file is read again for it).
    assert_eq!(found[0].location.as_ref().map(|l| l.line), Some(3));
    assert_eq!(
        found[0].source_line.as_deref(),
        Some("Voir [la délivrabilité](messagerie.md#delivrabilite).")
    );
    assert_matches_clean_build(&rebuilt, site);

    // The anchor comes back: the warning goes.
    let rebuilt = save(
        &mut live,
        site,
        "messagerie.md",
        "# Messagerie\n\n## Délivrabilité\n\nSigner avec DKIM.\n",
    );
    assert!(
        !rebuilt
            .snapshot
            .diagnostics
            .iter()
            .any(|d| d.code == "missing-anchor"),
        "{:?}",
        rebuilt.snapshot.diagnostics
    );
}

#[test]
fn a_deleted_page_is_reported_where_it_was_linked_and_its_output_goes() {
    let tmp = linked_site();
    let site = tmp.path();
    let mut live = start(site);
    std::fs::remove_file(site.join("hebergement.md")).ok();
    let rebuilt = rebuild(&mut live, &[site.join("hebergement.md")]);
    assert!(
        rebuilt.rechecked.contains(&site.join("README.md")),
        "{:?}",
        rebuilt.rechecked
    );
    assert!(rebuilt.snapshot.output("hebergement/index.html").is_none());
    assert_matches_clean_build(&rebuilt, site);
}

#[test]
fn an_include_edit_reloads_the_pages_including_it() {
    let tmp = linked_site();
    let site = tmp.path();
    let mut live = start(site);
    let rebuilt = save(
        &mut live,
        site,
        ".gitbook/includes/contact.md",
        "Appelez le support.\n",
    );
    assert_eq!(rebuilt.reloaded, 1, "only the page including it");
    assert!(text_of(&rebuilt, "hebergement/index.html").contains("Appelez le support"));
    assert_matches_clean_build(&rebuilt, site);
}

#[test]
fn structure_theme_and_asset_changes_match_a_clean_build() {
    let tmp = linked_site();
    let site = tmp.path();
    let mut live = start(site);

    // A new page, listed (the watcher reports both files).
    let summary = std::fs::read_to_string(site.join("SUMMARY.md")).unwrap_or_default();
    let listed = format!("{summary}* [Nouveau](nouveau.md)\n");
    let files = [
        ("nouveau.md", "# Nouveau\n\nTexte neuf.\n"),
        ("SUMMARY.md", &listed),
    ];
    assert_matches_clean_build(&save_all(&mut live, site, &files), site);

    // A folder of pages appears, then is renamed.
    let listed = format!("{summary}* [A](guides/a.md)\n* [B](guides/b.md)\n");
    let files = [
        ("guides/a.md", "# A\n\nPremier.\n"),
        ("guides/b.md", "# B\n\nSecond.\n"),
        ("SUMMARY.md", &listed),
    ];
    assert_matches_clean_build(&save_all(&mut live, site, &files), site);
    std::fs::rename(site.join("guides"), site.join("docs")).ok();
    write(
        site,
        "SUMMARY.md",
        format!("{summary}* [A](docs/a.md)\n* [B](docs/b.md)\n").as_bytes(),
    );
    let rebuilt = rebuild(
        &mut live,
        &[
            site.join("guides"),
            site.join("docs"),
            site.join("SUMMARY.md"),
        ],
    );
    assert!(rebuilt.snapshot.output("guides/a/index.html").is_none());
    assert_matches_clean_build(&rebuilt, site);

    // An asset, changed, then deleted.
    let rebuilt = save(&mut live, site, "docs/schema.txt", "v1");
    assert_matches_clean_build(&rebuilt, site);
    let rebuilt = save(&mut live, site, "docs/schema.txt", "version 2");
    assert_matches_clean_build(&rebuilt, site);
    std::fs::remove_file(site.join("docs/schema.txt")).ok();
    let rebuilt = rebuild(&mut live, &[site.join("docs/schema.txt")]);
    assert!(rebuilt.snapshot.output("docs/schema.txt").is_none());
    assert_matches_clean_build(&rebuilt, site);

    // A theme template, then the configuration.
    let rebuilt = save(
        &mut live,
        site,
        "themes/default/templates/404.html",
        "{% extends \"base.html\" %}{% block main %}<h1>Introuvable</h1>{% endblock main %}",
    );
    // Structure, template and configuration edits re-render from the pages in memory.
    assert_eq!(rebuilt.reloaded, 0, "a template edit parses no page again");
    assert_matches_clean_build(&rebuilt, site);
    let rebuilt = save(&mut live, site, "carnet.yaml", "title: Guides renommés\n");
    assert_eq!(rebuilt.scope, Scope::Site);
    assert_eq!(rebuilt.reloaded, 0, "a title edit parses no page again");
    assert_matches_clean_build(&rebuilt, site);
    let relabelled = format!("{summary}* [A, renommé](docs/a.md)\n* [B](docs/b.md)\n");
    let rebuilt = save(&mut live, site, "SUMMARY.md", &relabelled);
    assert_eq!(rebuilt.scope, Scope::Site);
    assert_eq!(
        rebuilt.reloaded, 0,
        "a SUMMARY.md edit parses no page again"
    );
    assert_matches_clean_build(&rebuilt, site);
}

#[test]
fn a_broken_configuration_keeps_nothing_stale_once_fixed() {
    let tmp = linked_site();
    let site = tmp.path();
    let mut live = start(site);
    write(site, "carnet.yaml", b"title: [pas fini\n");
    assert!(live.rebuild(&[site.join("carnet.yaml")]).is_err());
    // Saves while the configuration is broken are not lost.
    write(
        site,
        "messagerie.md",
        "# Messagerie\n\nÉcrit pendant la panne.\n\n## Délivrabilité\n".as_bytes(),
    );
    assert!(live.rebuild(&[site.join("messagerie.md")]).is_err());
    let rebuilt = save(&mut live, site, "carnet.yaml", "title: Guides\n");
    assert_matches_clean_build(&rebuilt, site);
    assert!(text_of(&rebuilt, "messagerie/index.html").contains("Écrit pendant la panne"));
}

#[test]
fn a_home_page_title_edit_renames_the_site_on_every_page() {
    // Without a configured title, the site is named after its home page: the theme's
    // site-wide values change, not only the pages.
    let tmp = linked_site();
    let site = tmp.path();
    let mut live = start(site);
    let summary = std::fs::read_to_string(site.join("SUMMARY.md")).unwrap_or_default();
    let rebuilt = save(
        &mut live,
        site,
        "SUMMARY.md",
        &summary.replace("[Accueil]", "[Portail]"),
    );
    assert_matches_clean_build(&rebuilt, site);
    assert!(text_of(&rebuilt, "annexe/index.html").contains("Portail"));
}
