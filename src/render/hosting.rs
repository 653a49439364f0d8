//! The files hosts and crawlers read: `sitemap.xml` and `robots.txt`.

use pulldown_cmark_escape::escape_html;

use crate::git_dates::{PageDates, iso_datetime};
use crate::site::Site;

/// `sitemap.xml`: the absolute URL of every published page readers can reach from the navigation
/// or a link, except those asking not to be indexed. Needs `base_url` (a sitemap lists absolute
/// URLs); `None` without one. `lastmod` is the date of the last commit that touched the page's
/// source, with `last_updated: git` (the same commit gives the same sitemap); never the build's
/// own time, so builds stay byte-for-byte reproducible.
pub fn sitemap(site: &Site, dates: Option<&PageDates>) -> Option<String> {
    let base = site.config.base_url.as_deref()?;
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    let mut urls: Vec<(&str, Option<i64>)> = site
        .published()
        .filter(|(_, page)| !page.hidden() && !page.doc.front_matter.no_index)
        .map(|(_, page)| {
            let date = dates.and_then(|d| d.get(&page.source.rel));
            (page.href_path.as_str(), date)
        })
        .collect();
    if site.home.is_none() && site.visible_spaces().count() > 1 {
        urls.push(("", None));
    }
    urls.sort_unstable();
    for (url, date) in urls {
        xml.push_str("<url><loc>");
        let _ = escape_html(&mut xml, &format!("{base}{url}"));
        xml.push_str("</loc>");
        if let Some(date) = date {
            xml.push_str("<lastmod>");
            xml.push_str(&iso_datetime(date));
            xml.push_str("</lastmod>");
        }
        xml.push_str("</url>\n");
    }
    xml.push_str("</urlset>\n");
    Some(xml)
}

/// `robots.txt`: everything may be crawled; the sitemap, when there is one, is announced.
pub fn robots(site: &Site) -> String {
    let mut robots = String::from("User-agent: *\nAllow: /\n");
    if let Some(base) = &site.config.base_url {
        robots.push_str(&format!("\nSitemap: {base}sitemap.xml\n"));
    }
    robots
}
