//! What readers get besides the content: a bounded navigation on big sites that still reaches
//! every page without JavaScript, "Edit this page", "Last updated" from git, link previews, the
//! site's favicon and logo.

use std::collections::{BTreeSet, VecDeque};
use std::path::Path;
use std::process::Command;

use crate::common::*;

/// A site with every shape of list the sidebar cuts: 30 top-level pages, a group of 20, a
/// section of 40 pages whose pages have children, an unlinked entry holding 15 pages, and a
/// small section that is never cut.
fn big_nav_site() -> tempfile::TempDir {
    let mut summary = String::from("# Table of contents\n\n* [Accueil](README.md)\n");
    let mut files: Vec<(String, String)> = vec![("README.md".into(), "# Accueil\n".into())];
    let page = |path: String, title: String, files: &mut Vec<(String, String)>| {
        files.push((path, format!("# {title}\n\nTexte de {title}.\n")));
    };
    for i in 0..30 {
        summary.push_str(&format!("* [Racine {i}](racine-{i}.md)\n"));
        page(format!("racine-{i}.md"), format!("Racine {i}"), &mut files);
    }
    summary.push_str("* [Section](section/README.md)\n");
    page("section/README.md".into(), "Section".into(), &mut files);
    for i in 0..40 {
        summary.push_str(&format!("  * [Page {i}](section/page-{i}.md)\n"));
        page(
            format!("section/page-{i}.md"),
            format!("Page {i}"),
            &mut files,
        );
        if i % 10 == 0 {
            for j in 0..14 {
                summary.push_str(&format!(
                    "    * [Sous-page {i}.{j}](section/page-{i}/sous-{j}.md)\n"
                ));
                page(
                    format!("section/page-{i}/sous-{j}.md"),
                    format!("Sous-page {i}.{j}"),
                    &mut files,
                );
            }
        }
    }
    summary.push_str("* Sans lien\n");
    for i in 0..15 {
        summary.push_str(&format!("  * [Orpheline {i}](orpheline-{i}.md)\n"));
        page(
            format!("orpheline-{i}.md"),
            format!("Orpheline {i}"),
            &mut files,
        );
    }
    summary.push_str("\n## Un groupe\n\n");
    for i in 0..20 {
        summary.push_str(&format!("* [Groupée {i}](groupe/page-{i}.md)\n"));
        page(
            format!("groupe/page-{i}.md"),
            format!("Groupée {i}"),
            &mut files,
        );
    }
    summary.push_str("* [Petite](petite/README.md)\n  * [Seule](petite/seule.md)\n");
    page("petite/README.md".into(), "Petite".into(), &mut files);
    page("petite/seule.md".into(), "Seule".into(), &mut files);
    files.push(("SUMMARY.md".into(), summary));
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, c)| (p.as_str(), c.as_str()))
        .collect();
    site_with(&refs)
}

/// Every page the output holds (its `index.html` files), as site URLs.
fn all_pages(out: &Path) -> BTreeSet<String> {
    walkdir::WalkDir::new(out)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_name() == "index.html")
        .filter_map(|e| {
            let rel = e.path().parent()?.strip_prefix(out).ok()?;
            let url = rel.to_string_lossy().replace('\\', "/");
            Some(if url.is_empty() {
                url
            } else {
                format!("{url}/")
            })
        })
        .collect()
}

/// Follows every `<a href>` of every page from the home page, as a reader without JavaScript
/// would, and returns the pages reached.
fn crawl(site: &Built) -> BTreeSet<String> {
    let mut seen = BTreeSet::from([String::new()]);
    let mut queue = VecDeque::from([String::new()]);
    while let Some(url) = queue.pop_front() {
        let page = site.page(&url);
        for link in select(&page, "a[href]") {
            let href = attr(link, "href");
            if href.contains("://") || href.starts_with('#') || href.starts_with("mailto:") {
                continue;
            }
            let path = href.split(['#', '?']).next().unwrap_or("");
            let Some(target) = join(&url, path) else {
                continue;
            };
            let decoded = percent_encoding::percent_decode_str(&target)
                .decode_utf8_lossy()
                .into_owned();
            if site.out.join(&decoded).join("index.html").is_file() && seen.insert(decoded.clone())
            {
                queue.push_back(decoded);
            }
        }
    }
    seen
}

/// The site URL a relative `href` of the page at `from` leads to.
fn join(from: &str, href: &str) -> Option<String> {
    let mut parts: Vec<&str> = from.split('/').filter(|p| !p.is_empty()).collect();
    for part in href.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            other => parts.push(other),
        }
    }
    Some(if parts.is_empty() {
        String::new()
    } else {
        format!("{}/", parts.join("/"))
    })
}

#[test]
fn every_page_of_a_big_navigation_is_reachable_without_javascript() {
    let site = build_tmp(big_nav_site());
    site.assert_no_errors();
    let pages = all_pages(&site.out);
    assert!(pages.len() > 150, "{} pages", pages.len());
    let reached = crawl(&site);
    let missed: Vec<&String> = pages.difference(&reached).collect();
    assert!(
        missed.is_empty(),
        "not reachable without JavaScript: {missed:?}"
    );
}

#[test]
fn long_lists_are_cut_around_the_page_with_more_entries_leading_to_their_listing() {
    let site = build_tmp(big_nav_site());
    let page = site.page("section/page-20/");
    let entries = select(&page, "#sidebar li");
    assert!(
        entries.len() <= 40,
        "{} entries in the sidebar of a page among 40 siblings",
        entries.len()
    );
    // Siblings near the page are there, far ones are not; "more" entries stand for them.
    let labels: Vec<String> = select(&page, "#sidebar a").into_iter().map(text).collect();
    for near in ["Page 19", "Page 20", "Page 21"] {
        assert!(
            labels.iter().any(|l| l == near),
            "{near} missing: {labels:?}"
        );
    }
    assert!(!labels.iter().any(|l| l == "Page 2"), "{labels:?}");
    let more = select(&page, "#sidebar li.nav-more > a");
    let hrefs: Vec<&str> = more.iter().map(|a| attr(*a, "href")).collect();
    assert!(hrefs.contains(&"../#section-pages"), "{hrefs:?}");
    assert!(hrefs.contains(&"../../#section-pages"), "{hrefs:?}");
    // The section lists all its pages; the home lists the top level, the group's pages and
    // those of the unlinked entry.
    let section = site.page("section/");
    let listed = select(&section, "#section-pages li a");
    assert_eq!(listed.len(), 40);
    let home = site.page("");
    let listed: Vec<String> = select(&home, "#section-pages a")
        .into_iter()
        .map(text)
        .collect();
    for label in [
        "Racine 0",
        "Racine 29",
        "Section",
        "Orpheline 14",
        "Groupée 19",
        "Petite",
    ] {
        assert!(listed.iter().any(|l| l == label), "{label}: {listed:?}");
    }
    assert!(
        !listed.iter().any(|l| l == "Page 3"),
        "a section's pages are its own"
    );
    // A short section is listed by nobody: every sidebar shows it whole.
    assert!(select(&site.page("petite/"), "#section-pages").is_empty());
}

#[test]
fn a_page_listed_twice_lists_the_long_section_under_either_entry() {
    // GitBook keeps a page's first entry; a long list under its second one still needs the
    // listing its "more" entries lead to (mariadb's SUMMARY.md lists `storage-engines/` twice).
    let mut summary = String::from(
        "* [Home](README.md)\n* [Engines](engines/README.md)\n* [Usage](usage.md)\n  * [Engines](engines/README.md)\n",
    );
    let mut files = vec![
        ("README.md".to_string(), "# Home\n".to_string()),
        ("engines/README.md".to_string(), "# Engines\n".to_string()),
        ("usage.md".to_string(), "# Usage\n".to_string()),
    ];
    for i in 0..20 {
        summary.push_str(&format!("    * [Engine {i}](engines/e{i}.md)\n"));
        files.push((format!("engines/e{i}.md"), format!("# Engine {i}\n")));
    }
    files.push(("SUMMARY.md".to_string(), summary));
    let files: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, c)| (p.as_str(), c.as_str()))
        .collect();
    let site = build_tmp(site_with(&files));
    let page = site.page("engines/e10/");
    let more: Vec<&str> = select(&page, "#sidebar li.nav-more > a")
        .into_iter()
        .map(|a| attr(a, "href"))
        .collect();
    assert_eq!(more, ["../#section-pages"; 2]);
    let owner = site.page("engines/");
    assert_eq!(select(&owner, "#section-pages li a").len(), 20);
}

#[test]
fn a_flat_summary_of_many_pages_gives_pages_of_bounded_size() {
    let mut summary = String::from("* [Accueil](README.md)\n");
    let mut files = vec![("README.md".to_string(), "# Accueil\n".to_string())];
    for i in 0..400 {
        summary.push_str(&format!("* [Une page au titre assez long {i}](p{i}.md)\n"));
        files.push((format!("p{i}.md"), format!("# Page {i}\n")));
    }
    files.push(("SUMMARY.md".into(), summary));
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, c)| (p.as_str(), c.as_str()))
        .collect();
    let site = build_tmp(site_with(&refs));
    site.assert_no_errors();
    let sizes: Vec<usize> = (0..400)
        .map(|i| site.file(&format!("p{i}/index.html")).len())
        .collect();
    let largest = sizes.iter().max().copied().unwrap_or_default();
    assert!(
        largest < 8 * 1024,
        "a page of 400 siblings weighs {largest} bytes"
    );
    assert_eq!(crawl(&site), all_pages(&site.out));
}

/// A site whose SUMMARY.md lists `count` pages at the top level (`p<i>.md`), plus `extra`.
fn flat_site(count: usize, extra: &[(&str, &str)]) -> tempfile::TempDir {
    let mut summary = String::from("* [Accueil](README.md)\n");
    let mut files = vec![("README.md".to_string(), "# Accueil\n".to_string())];
    for i in 0..count {
        summary.push_str(&format!("* [Une page au titre assez long {i}](p{i}.md)\n"));
        files.push((format!("p{i}.md"), format!("# Page {i}\n")));
    }
    for (path, title) in extra {
        summary.push_str(&format!("* [{title}]({path})\n"));
        files.push((path.to_string(), format!("# {title}\n")));
    }
    files.push(("SUMMARY.md".into(), summary));
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, c)| (p.as_str(), c.as_str()))
        .collect();
    site_with(&refs)
}

#[test]
fn a_long_listing_is_cut_into_pages_that_all_lead_to_each_other() {
    let site = build_tmp(flat_site(600, &[]));
    site.assert_no_errors();
    // The home page lists the first hundred entries, not all 600 (once 75 KB).
    let home = site.page("");
    assert_eq!(select(&home, "#section-pages > ul > li").len(), 100);
    let largest = all_pages(&site.out)
        .iter()
        .map(|url| site.file(&format!("{url}index.html")).len())
        .max()
        .unwrap_or_default();
    assert!(
        largest < 24 * 1024,
        "the largest page weighs {largest} bytes"
    );
    // Six pages of listing, each with links to the first, the last and its neighbours.
    let pager = |url: &str| -> Vec<(String, String)> {
        let page = site.page(url);
        select(&page, "#section-pages nav.listing-pages a")
            .into_iter()
            .map(|a| (text(a), attr(a, "href").to_string()))
            .collect()
    };
    assert_eq!(
        pager(""),
        [
            ("1", "#section-pages"),
            ("2", "page/2/"),
            ("3", "page/3/"),
            ("6", "page/6/")
        ]
        .map(|(a, b)| (a.to_string(), b.to_string()))
    );
    assert_eq!(
        pager("page/4/"),
        [
            ("1", "../../#section-pages"),
            ("2", "../2/"),
            ("3", "../3/"),
            ("4", "./"),
            ("5", "../5/"),
            ("6", "../6/")
        ]
        .map(|(a, b)| (a.to_string(), b.to_string()))
    );
    let fourth = site.page("page/4/");
    let listed: Vec<String> = select(&fourth, "#section-pages > ul > li > a")
        .into_iter()
        .map(text)
        .collect();
    assert_eq!(listed.len(), 100);
    // The home page is not listed: page 4 starts at the 301st entry.
    assert_eq!(listed[0], "Une page au titre assez long 300");
    assert_eq!(
        attr(select_one(&fourth, "nav.listing-pages a[rel=next]"), "href"),
        "../5/"
    );
    assert_eq!(
        text(select_one(&fourth, "h1")),
        "In this section (4/6) · Accueil"
    );
    assert_eq!(
        attr(select_one(&fourth, "meta[name=robots]"), "content"),
        "noindex"
    );
    assert!(!site.exists("page/7/index.html"));
    // Its sidebar is the owner's, with no entry claiming to be the page shown.
    assert!(select(&fourth, "#sidebar [aria-current]").is_empty());
    assert!(!select(&home, "#sidebar [aria-current]").is_empty());
    // A "more" entry leads to the page of the listing where its run starts.
    let far = site.page("p450/");
    let more: Vec<&str> = select(&far, "#sidebar li.nav-more > a")
        .into_iter()
        .map(|a| attr(a, "href"))
        .collect();
    assert_eq!(more, ["../#section-pages", "../page/5/#section-pages"]);
    // Every page is reached by following links, without JavaScript.
    let pages = all_pages(&site.out);
    assert_eq!(pages.len(), 601 + 5);
    assert_eq!(crawl(&site), pages);
}

#[test]
fn a_listings_pages_never_take_a_pages_url() {
    let site = build_tmp(flat_site(150, &[("page/2.md", "Une vraie page")]));
    site.assert_no_errors();
    assert_eq!(
        text(select_one(&site.page("page/2/"), "h1")),
        "Une vraie page"
    );
    let home = site.page("");
    let pager: Vec<&str> = select(&home, "nav.listing-pages a")
        .into_iter()
        .map(|a| attr(a, "href"))
        .collect();
    assert_eq!(pager, ["#section-pages", "page-1/2/"]);
    assert!(site.exists("page-1/2/index.html"));
    assert_eq!(crawl(&site), all_pages(&site.out));
}

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
