//! Every file of the output that is not a page, a copied asset or the search index: where it goes
//! and how to make it. `carnet build` writes them all; `carnet serve` makes one when it is
//! requested. One list for both, so what the dev server shows is what a build publishes.

use crate::diagnostic::Diagnostic;
use crate::site::Site;
use crate::site::redirects::Redirect;

use super::{
    SiteRenderer, Theme, ThemeFile, nav_json, redirect_page, redirects_file, robots, sitemap,
};

/// A file every build writes besides the pages.
#[derive(Clone, Copy, Debug)]
pub enum SharedOutput<'a> {
    /// A static file of the theme (CSS, JavaScript, vendored libraries).
    Theme(&'a ThemeFile),
    /// The navigation tree of a space (index into `site.spaces`).
    NavJson(usize),
    /// The HTML redirect page of an old URL (index into the redirects).
    Redirect(usize),
    Robots,
    Sitemap,
    /// Netlify/Cloudflare-style `_redirects`.
    RedirectsFile,
    /// The home of a tree of spaces without a root README.
    SpacesHome,
    NotFound,
}

/// Output path → what goes there, for everything [`SharedOutput`] covers.
pub fn shared_outputs<'a>(
    site: &Site,
    theme: &'a Theme,
    redirects: &[Redirect],
) -> Vec<(String, SharedOutput<'a>)> {
    let mut outputs = Vec::new();
    let has_mermaid = site.published().any(|(_, p)| p.fragment.has_mermaid);
    for file in theme
        .files
        .iter()
        .filter(|f| f.only_for != Some("mermaid") || has_mermaid)
    {
        outputs.push((file.output.clone(), SharedOutput::Theme(file)));
    }
    for space in (0..site.spaces.len()).filter(|s| site.space_has_pages(*s)) {
        let path = format!("{}nav.json", site.spaces[space].spec.url_prefix);
        outputs.push((path, SharedOutput::NavJson(space)));
    }
    for (i, redirect) in redirects.iter().enumerate() {
        outputs.push((
            format!("{}index.html", redirect.from),
            SharedOutput::Redirect(i),
        ));
    }
    // A site's own robots.txt, sitemap.xml or _redirects is copied as an asset and wins.
    let mut hosting = vec![("robots.txt", SharedOutput::Robots)];
    if site.config.base_url.is_some() {
        hosting.push(("sitemap.xml", SharedOutput::Sitemap));
    }
    if !redirects.is_empty() {
        hosting.push(("_redirects", SharedOutput::RedirectsFile));
    }
    for (name, output) in hosting {
        if !site.has_asset(name) {
            outputs.push((name.to_owned(), output));
        }
    }
    if site.home.is_none() && site.visible_spaces().count() > 1 {
        outputs.push(("index.html".to_owned(), SharedOutput::SpacesHome));
    }
    outputs.push(("404.html".to_owned(), SharedOutput::NotFound));
    outputs
}

/// The bytes of one shared output.
pub fn render_shared(
    output: SharedOutput<'_>,
    site: &Site,
    renderer: &SiteRenderer<'_>,
    redirects: &[Redirect],
) -> Result<Vec<u8>, Diagnostic> {
    Ok(match output {
        SharedOutput::Theme(file) => file.bytes.to_vec(),
        SharedOutput::NavJson(space) => nav_json(site, space).into_bytes(),
        SharedOutput::Redirect(i) => redirects
            .get(i)
            .map(|r| redirect_page(site, r).into_bytes())
            .unwrap_or_default(),
        SharedOutput::Robots => robots(site).into_bytes(),
        SharedOutput::Sitemap => sitemap(site, renderer.dates())
            .unwrap_or_default()
            .into_bytes(),
        SharedOutput::RedirectsFile => redirects_file(site, redirects).into_bytes(),
        SharedOutput::SpacesHome => renderer.spaces_home()?,
        SharedOutput::NotFound => renderer.not_found()?,
    })
}
