//! What readers get about a page besides its content: "Edit this page", "Last updated" from git,
//! link previews, the site's favicon and logo, the theme script's words.

use std::path::Path;
use std::process::Command;

use crate::common::*;

#[test]
fn an_edit_link_leads_to_the_pages_source() {
    let site = build_tmp(site_with(&[
        (
            "carnet.yaml",
            "edit_url: https://git.example.org/docs/edit/main/content\nlanguage: fr\n",
        ),
        ("content/README.md", "# Accueil\n"),
        ("content/guide/mon guide.md", "# Guide\n"),
        (
            "content/SUMMARY.md",
            "* [Accueil](README.md)\n* [Guide](<guide/mon guide.md>)\n",
        ),
    ]));
    site.assert_no_errors();
    let page = site.page("guide/mon guide/");
    let link = select_one(&page, "a.edit-link");
    assert_eq!(
        attr(link, "href"),
        "https://git.example.org/docs/edit/main/content/guide/mon%20guide.md"
    );
    assert_eq!(text(link), "Modifier cette page");
    // Without the key, no link.
    let site = build_tmp(site_with(&[("README.md", "# Accueil\n")]));
    assert!(select(&site.page(""), "a.edit-link").is_empty());
}

/// Runs git in `dir` with fixed identities and dates.
pub fn git(dir: &Path, args: &[&str], date: &str) {
    let status = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "A")
        .env("GIT_AUTHOR_EMAIL", "a@example.org")
        .env("GIT_COMMITTER_NAME", "A")
        .env("GIT_COMMITTER_EMAIL", "a@example.org")
        .env("GIT_AUTHOR_DATE", date)
        .env("GIT_COMMITTER_DATE", date)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .status()
        .expect("git runs");
    assert!(status.success(), "git {args:?}");
}

pub fn dated_repo() -> tempfile::TempDir {
    let tmp = site_with(&[
        (
            "carnet.yaml",
            "last_updated: git\nbase_url: https://docs.example.org/\nlanguage: fr\n",
        ),
        ("content/README.md", "# Accueil\n"),
        ("content/a.md", "# A\n"),
        ("content/b.md", "# B\n"),
        (
            "content/SUMMARY.md",
            "* [Accueil](README.md)\n* [A](a.md)\n* [B](b.md)\n",
        ),
        ("code.rs", "fn main() {}\n"),
    ]);
    let dir = tmp.path();
    git(dir, &["init", "-q", "-b", "main"], "2024-01-15T10:00:00Z");
    git(dir, &["add", "."], "2024-01-15T10:00:00Z");
    git(
        dir,
        &["commit", "-q", "-m", "first"],
        "2024-01-15T10:00:00Z",
    );
    write(dir, "content/a.md", b"# A\n\nModified.\n");
    git(dir, &["commit", "-q", "-am", "a"], "2024-05-01T12:00:00Z");
    write(dir, "code.rs", b"fn main() { }\n");
    git(
        dir,
        &["commit", "-q", "-am", "code only"],
        "2024-06-01T12:00:00Z",
    );
    tmp
}

#[test]
fn last_updated_is_the_date_of_the_last_commit_that_touched_the_page() {
    let tmp = dated_repo();
    // An edit not committed yet changes nothing: dates belong to the commit.
    write(tmp.path(), "content/b.md", b"# B\n\nNot committed.\n");
    let site = build_tmp(tmp);
    site.assert_no_errors();
    assert!(site.with_code("last-updated").is_empty());
    let time = |url: &str| {
        let page = site.page(url);
        let time = select_one(&page, ".page-meta time");
        (attr(time, "datetime").to_string(), text(time))
    };
    assert_eq!(
        time("a/"),
        ("2024-05-01T12:00:00Z".into(), "1er mai 2024".into())
    );
    assert_eq!(
        time("b/"),
        ("2024-01-15T10:00:00Z".into(), "15 janvier 2024".into())
    );
    let sitemap = site.file("sitemap.xml");
    assert!(
        sitemap.contains(
            "<loc>https://docs.example.org/a/</loc><lastmod>2024-05-01T12:00:00Z</lastmod>"
        ),
        "{sitemap}"
    );
}

#[test]
fn last_updated_outside_a_repository_is_a_warning_and_no_date() {
    let site = build_tmp(site_with(&[
        ("carnet.yaml", "last_updated: git\n"),
        ("README.md", "# Accueil\n"),
    ]));
    site.assert_no_errors();
    let warnings = site.with_code("last-updated");
    assert_eq!(warnings.len(), 1, "{}", list(&warnings));
    assert!(warnings[0].message.contains("not inside a git repository"));
    assert!(select(&site.page(""), ".page-meta time").is_empty());
}

#[test]
fn last_updated_in_a_shallow_clone_dates_only_what_it_has_and_warns() {
    let origin = dated_repo();
    write(origin.path(), "content/a.md", b"# A\n\nAgain.\n");
    git(
        origin.path(),
        &["commit", "-q", "-am", "a again"],
        "2024-08-01T08:00:00Z",
    );
    let clone = tempfile::tempdir().expect("temp dir");
    let url = format!("file://{}", origin.path().display());
    git(
        clone.path(),
        &["clone", "-q", "--depth", "2", &url, "."],
        "2024-07-01T00:00:00Z",
    );
    let site = build_tmp(clone);
    site.assert_no_errors();
    let warnings = site.with_code("last-updated");
    assert_eq!(warnings.len(), 1, "{}", list(&warnings));
    assert!(
        warnings[0].message.contains("shallow"),
        "{}",
        warnings[0].message
    );
    // `a.md` changed in the newer of the two commits fetched; `b.md` did not: no date rather
    // than the date of the oldest commit fetched.
    let a = site.page("a/");
    assert_eq!(
        attr(select_one(&a, ".page-meta time"), "datetime"),
        "2024-08-01T08:00:00Z"
    );
    assert!(select(&site.page("b/"), ".page-meta time").is_empty());
}

#[test]
fn link_previews_carry_title_description_url_and_cover() {
    let site = build_tmp(site_with(&[
        ("carnet.yaml", "base_url: https://docs.example.org/v2\n"),
        ("README.md", "# Accueil\n"),
        (
            "guide/page.md",
            "---\ndescription: Ce que dit l’aperçu.\ncover: ../.gitbook/assets/cover.png\n---\n# Page \"guide\"\n",
        ),
        (".gitbook/assets/cover.png", "png"),
        (
            "SUMMARY.md",
            "* [Accueil](README.md)\n* [Page \"guide\"](guide/page.md)\n",
        ),
    ]));
    site.assert_no_errors();
    let page = site.page("guide/page/");
    let meta = |selector: &str| attr(select_one(&page, selector), "content").to_string();
    assert_eq!(meta("meta[property='og:title']"), "Page \"guide\"");
    assert_eq!(
        meta("meta[property='og:description']"),
        "Ce que dit l’aperçu."
    );
    assert_eq!(
        meta("meta[property='og:url']"),
        "https://docs.example.org/v2/guide/page/"
    );
    assert_eq!(
        meta("meta[property='og:image']"),
        "https://docs.example.org/v2/.gitbook/assets/cover.png"
    );
    assert_eq!(meta("meta[name='twitter:card']"), "summary_large_image");
    // Without a cover: a small card and no image.
    let home = site.page("");
    assert!(select(&home, "meta[property='og:image']").is_empty());
    assert_eq!(
        attr(select_one(&home, "meta[name='twitter:card']"), "content"),
        "summary"
    );
}

#[test]
fn a_cover_without_base_url_gives_no_preview_image() {
    let site = build_tmp(site_with(&[
        ("README.md", "---\ncover: cover.png\n---\n# Accueil\n"),
        ("cover.png", "png"),
    ]));
    site.assert_no_errors();
    let home = site.page("");
    assert!(select(&home, "meta[property='og:image']").is_empty());
    assert!(select(&home, "meta[property='og:url']").is_empty());
}

#[test]
fn favicon_and_logo_come_from_the_configuration() {
    let site = build_tmp(site_with(&[
        (
            "carnet.yaml",
            "favicon: images/icon.svg\nlogo: https://cdn.example.org/logo.png\n",
        ),
        ("content/README.md", "# Accueil\n"),
        ("content/guide.md", "# Guide\n"),
        ("content/images/icon.svg", "<svg/>"),
        (
            "content/SUMMARY.md",
            "* [Accueil](README.md)\n* [Guide](guide.md)\n",
        ),
    ]));
    site.assert_no_errors();
    let page = site.page("guide/");
    assert_eq!(
        attr(select_one(&page, "link[rel=icon]"), "href"),
        "../images/icon.svg"
    );
    assert_eq!(
        attr(select_one(&page, ".site-title img.site-logo"), "src"),
        "https://cdn.example.org/logo.png"
    );
    // The theme falls back to none.
    let plain = build_tmp(site_with(&[("README.md", "# Accueil\n")]));
    assert!(select(&plain.page(""), "link[rel=icon], .site-logo").is_empty());
}

#[test]
fn a_favicon_that_does_not_exist_is_a_configuration_error() {
    let site = build_tmp(site_with(&[
        ("carnet.yaml", "favicon: missing.ico\n"),
        ("README.md", "# Accueil\n"),
    ]));
    let errors = site.with_code("invalid-config");
    assert_eq!(errors.len(), 1, "{}", list(&errors));
    assert!(errors[0].message.contains("missing.ico"));
    assert!(!site.report.written);
}

#[test]
fn unknown_configuration_keys_are_still_errors() {
    let site = build_tmp(site_with(&[
        ("carnet.yaml", "edit_link: https://x.org/\n"),
        ("README.md", "# Accueil\n"),
    ]));
    let errors = site.with_code("invalid-config");
    assert_eq!(errors.len(), 1, "{}", list(&errors));
    assert!(
        errors[0].message.contains("edit_link"),
        "{}",
        errors[0].message
    );
}

#[test]
fn the_theme_scripts_words_are_carnets_words() {
    let script = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/static/carnet.js"),
    )
    .expect("carnet.js");
    for language in ["fr", "en"] {
        let table = script
            .split(&format!("    {language}: {{"))
            .nth(1)
            .and_then(|rest| rest.split("\n    }").next())
            .unwrap_or_else(|| panic!("no `{language}` table in carnet.js"));
        let words = carnet::i18n::theme_strings(language);
        let mut checked = 0;
        // `key: "value", key: "value"`: outside the quotes a key, inside a value.
        let parts: Vec<&str> = table.split('"').collect();
        for pair in parts.chunks(2) {
            let [outside, value] = pair else { continue };
            let key = outside
                .trim()
                .trim_start_matches(',')
                .trim()
                .trim_end_matches(':');
            assert_eq!(words.get(key).copied(), Some(*value), "{language}.{key}");
            checked += 1;
        }
        assert!(checked >= 10, "{language}: {checked} words read");
    }
}
