//! The navigation readers get on big sites: bounded on every page, and still reaching every page
//! without JavaScript (sidebar cuts, "more" entries, section listings in pages). What else a page
//! carries (edit link, dates, previews) is in `page_meta`.

use std::collections::{BTreeSet, VecDeque};
use std::path::Path;

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
    site_with_owned(&files)
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
    let site = build_tmp(site_with_owned(&files));
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
    let site = build_tmp(flat_site(400, &[]));
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
    site_with_owned(&files)
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
