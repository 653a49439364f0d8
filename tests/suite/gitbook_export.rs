//! A GitBook export with every construct carnet reads (`tests/fixtures/gitbook/`), built and
//! checked page by page as a reader would see it.

use crate::common::*;
use carnet::diagnostic::Severity;
use scraper::Html;

fn site() -> Built {
    let site = build_fixture("gitbook");
    site.assert_no_errors();
    site
}

/// Diagnostics with `code` on `file`, as (line, message).
fn found(site: &Built, code: &str, file: &str) -> Vec<(usize, String)> {
    site.with_code(code)
        .into_iter()
        .filter_map(|d| {
            d.location
                .as_ref()
                .filter(|l| l.file.to_str() == Some(file))
                .map(|l| (l.line, d.message.clone()))
        })
        .collect()
}

#[test]
fn hints_have_styles_roles_titles_and_stay_in_lists() {
    let site = site();
    let home = site.page("");
    let styles: Vec<&str> = select(&home, ".content div.hint")
        .into_iter()
        .map(|h| attr(h, "class"))
        .collect();
    assert_eq!(
        styles,
        [
            "hint hint-info",
            "hint hint-success",
            "hint hint-warning",
            "hint hint-danger",
            "hint hint-info",
            "hint hint-info",
            "hint hint-info"
        ]
    );
    for hint in select(&home, ".content div.hint") {
        assert_eq!(attr(hint, "role"), "note");
        assert!(!attr(hint, "aria-label").is_empty());
    }
    assert_eq!(
        text(select_one(&home, ".hint-warning > .hint-title")),
        "Attention au titre"
    );
    assert_eq!(
        text(select_one(&home, ".content li .hint")),
        "Un encadré dans la liste."
    );
    assert_eq!(
        found(&site, "gitbook-block", "README.md").len(),
        1,
        "the unknown `tip` style"
    );
}

#[test]
fn tabs_are_titled_panels_with_nested_blocks() {
    let site = site();
    let page = site.page("blocks/tabs/");
    let titles: Vec<String> = select(&page, ".content > .tabs > .tab-panel > .tab-title")
        .into_iter()
        .map(text)
        .collect();
    assert_eq!(titles, ["Linux", "macOS", "Tab 3"]);
    select_one(&page, ".tab-panel[data-title=Linux] .hint");
    // Tabs inside a step of a stepper.
    let steps = select(&page, "ol.stepper > li.step");
    assert_eq!(steps.len(), 2);
    assert_eq!(
        select(&page, "ol.stepper li.step .tabs .tab-panel").len(),
        2
    );
    let untitled = found(&site, "gitbook-block", "blocks/tabs.md");
    assert_eq!(untitled.len(), 1);
    assert!(untitled[0].1.contains("Tab 3"));
}

#[test]
fn content_refs_show_their_targets_current_title() {
    let site = site();
    let page = site.page("blocks/cards/");
    let cards: Vec<(String, String)> = select(&page, "a.content-ref")
        .into_iter()
        .map(|a| {
            (
                text(select_in_one(a, ".content-ref-title")),
                attr(a, "href").to_string(),
            )
        })
        .collect();
    assert_eq!(
        cards,
        [
            ("Onglets et étapes".to_string(), "../tabs/".to_string()),
            ("Accueil GitBook".to_string(), "../../".to_string()),
            ("Texte et HTML".to_string(), "../text/#maths".to_string()),
            (
                "Guide externe".to_string(),
                "https://example.org/guide".to_string()
            ),
            ("Mise en page".to_string(), "../layout/".to_string()),
        ]
    );
    let missing = select_one(&page, ".content-ref-missing");
    assert_eq!(text(missing), "Une page disparue (page non disponible)");
    assert!(
        select(&page, ".content-ref-missing a").is_empty(),
        "no link that would 404"
    );
    assert_eq!(found(&site, "broken-link", "blocks/cards.md").len(), 1);
}

#[test]
fn mentions_show_the_current_title() {
    let site = site();
    let page = site.page("blocks/cards/");
    assert_eq!(link_href(&page, "Intégrations et fichiers"), "../embeds/");
    assert_eq!(link_href(&page, "API"), "../api/");
    assert!(!page.html().contains("Ancien titre") && !page.html().contains("ancien nom"));
}

#[test]
fn card_tables_become_card_grids() {
    let site = site();
    let page = site.page("blocks/cards/");
    let cards = select(&page, ".card-grid > .card");
    assert_eq!(cards.len(), 2);
    assert_eq!(
        attr(select_in_one(cards[0], "img"), "src"),
        "../../.gitbook/assets/cover.png"
    );
    assert_eq!(
        attr(select_in_one(cards[0], "a.card-link"), "href"),
        "../tabs/"
    );
    assert!(select_in(cards[1], "a").is_empty());
    assert!(select(&page, "table[data-view]").is_empty());
}

#[test]
fn embeds_are_link_cards_never_iframes() {
    let site = site();
    let page = site.page("blocks/embeds/");
    assert!(select(&page, "iframe").is_empty());
    let embeds = select(&page, "figure.embed");
    assert_eq!(embeds.len(), 3);
    assert_eq!(text(select_in_one(embeds[0], ".embed-host")), "youtube.com");
    assert_eq!(
        text(select_in_one(embeds[0], "figcaption")),
        "Une vidéo avec sa légende."
    );
    assert_eq!(
        attr(select_in_one(embeds[1], "a"), "href"),
        "https://github.com/carnet-docs/carnet"
    );
    assert_eq!(
        text(select_in_one(embeds[2], "figcaption")),
        "Légende héritée"
    );
}

#[test]
fn file_blocks_are_download_cards_with_size() {
    let site = site();
    let page = site.page("blocks/embeds/");
    let files = select(&page, "figure.file a.file-card");
    assert_eq!(files.len(), 2);
    assert_eq!(attr(files[0], "href"), "../../.gitbook/assets/guide.pdf");
    assert!(files[0].value().attr("download").is_some());
    assert_eq!(text(select_in_one(files[0], ".file-name")), "guide.pdf");
    assert_eq!(text(select_in_one(files[0], ".file-meta")), "PDF · 2.1 KB");
    let captions: Vec<String> = select(&page, "figure.file figcaption")
        .into_iter()
        .map(text)
        .collect();
    assert_eq!(captions, ["Le guide en PDF.", ""]);
}

#[test]
fn code_blocks_have_titles_line_numbers_and_wrapping() {
    let site = site();
    let page = site.page("blocks/embeds/");
    let block = select_one(&page, ".code-block");
    assert_eq!(
        attr(block, "class"),
        "code-block code-wrap code-line-numbers code-expandable"
    );
    assert_eq!(text(select_in_one(block, ".code-title")), "config.yaml");
    assert_eq!(select_in(block, "code .line").len(), 2);
}

#[test]
fn columns_and_updates() {
    let site = site();
    let page = site.page("blocks/layout/");
    let columns = select(&page, ".columns > .column");
    assert_eq!(columns.len(), 2);
    assert_eq!(attr(columns[0], "style"), "flex-basis: 60%");
    let dates: Vec<&str> = select(&page, ".updates .update time")
        .into_iter()
        .map(|t| attr(t, "datetime"))
        .collect();
    assert_eq!(dates, ["2025-03-02", "2024-01-15"], "newest first");
    let tags: Vec<String> = select(&page, ".update-tag").into_iter().map(text).collect();
    assert_eq!(tags, ["api", "nouveau"]);
}

#[test]
fn api_blocks_render_their_static_parts() {
    let site = site();
    let page = site.page("blocks/api/");
    let operations = select(&page, "section.api-operation");
    assert_eq!(operations.len(), 3);
    let methods: Vec<String> = select(&page, ".api-method").into_iter().map(text).collect();
    assert_eq!(methods, ["GET", "POST", "DELETE"]);
    assert_eq!(
        text(select_in_one(operations[0], ".api-path")),
        "https://api.example.org/users/{id}"
    );
    let rows: Vec<Vec<String>> = select_in(operations[0], ".api-parameters tbody tr")
        .into_iter()
        .map(|row| select_in(row, "td").into_iter().map(text).collect())
        .collect();
    assert_eq!(
        rows[0],
        ["id obligatoire", "path", "string", "Identifiant."]
    );
    assert_eq!(rows[1], ["fields", "query", "string", "Champs voulus."]);
    assert_eq!(
        text(select_in_one(
            operations[0],
            "details.api-response > summary"
        )),
        "200: OK Trouvé"
    );
    assert_eq!(
        attr(select_in_one(operations[1], ".api-spec a"), "href"),
        "https://petstore3.swagger.io/api/v3/openapi.json"
    );
    assert_eq!(
        select_in(operations[2], ".api-parameters tbody tr td")
            .into_iter()
            .map(text)
            .nth(1)
            .as_deref(),
        Some("path")
    );
    select_one(&page, ".prompt .prompt-body");
    assert!(text(select_one(&page, ".integration")).contains("@marketo/form"));
    assert_eq!(select(&page, ".adaptive-content").len(), 2);
    // Said once for the whole site, not once per block.
    let interactive = site.with_code("interactive-block");
    assert_eq!(interactive.len(), 1);
    assert!(
        interactive[0].message.starts_with("5 blocks"),
        "{}",
        interactive[0].message
    );
}

#[test]
fn includes_render_in_place_and_remote_ones_leave_a_note() {
    let site = site();
    let page = site.page("blocks/includes/");
    let hint = select_one(&page, ".content .hint");
    assert!(text(hint).starts_with("Ce texte vient d’une inclusion"));
    // A link written relative to .gitbook/includes/ still leads to the right page.
    assert_eq!(link_href(&page, "lien vers les onglets"), "../tabs/");
    assert!(
        !page.html().contains("Note réutilisable"),
        "the include's front matter is ignored"
    );
    select_one(&page, ".include-remote");
    assert_eq!(
        found(&site, "include-remote", "blocks/includes.md").len(),
        1
    );
}

#[test]
fn html_and_text_gitbook_writes() {
    let site = site();
    let page = site.page("blocks/text/");
    select_one(&page, "details > summary");
    assert_eq!(text(select_one(&page, "details strong")), "Markdown");
    assert_eq!(
        attr(select_one(&page, "figure img"), "src"),
        "../../.gitbook/assets/cover.png"
    );
    assert_eq!(
        attr(select_one(&page, "picture source"), "srcset"),
        "../../.gitbook/assets/cover-dark.png"
    );
    assert_eq!(
        attr(select_one(&page, "mark"), "class"),
        "mark mark-red mark-bg-yellow"
    );
    assert!(select_one(&page, "mark").value().attr("style").is_none());
    assert_eq!(
        attr(select_one(&page, "a.button.primary"), "href"),
        "../tabs/"
    );
    assert_eq!(
        text(select_one(&page, "pre.language-bash")),
        "echo \"bonjour\" && ls"
    );
    assert_eq!(
        select(&page, ".content br").len(),
        1,
        "trailing backslash is a hard break"
    );
    // Math: $$ alone is a display equation, inside text it is inline; a single $ is text.
    select_one(&page, ".math-display math[display=block]");
    select_one(&page, "p math[display=inline]");
    assert!(page.html().contains("un prix de 5$ qui reste du texte"));
    // Mermaid: readable source, Mermaid loaded on this page only.
    assert_eq!(text(select_one(&page, "pre.mermaid")), "graph TD; A-->B;");
    assert!(page.html().contains("mermaid.esm.min.mjs"));
    assert!(
        !site
            .page("blocks/tabs/")
            .html()
            .contains("mermaid.esm.min.mjs")
    );
    assert!(site.exists("assets/vendor/mermaid/mermaid.esm.min.mjs"));
    // GitBook's lost links are text, reported.
    assert!(select(&page, "a[href*=broken]").is_empty());
    assert!(page.html().contains("Un lien perdu reste lisible."));
    assert_eq!(found(&site, "broken-link", "blocks/text.md").len(), 1);
    assert!(page.html().contains("{{ moustache }}"));
    // GitBook variables show their value from .gitbook/vars.yaml.
    assert!(page.html().contains("Le produit s’appelle Nébula."));
}

#[test]
fn malformed_blocks_give_a_warning_at_their_place_and_a_page() {
    let site = site();
    let problems = found(&site, "gitbook-block", "blocks/malformed.md");
    let lines: Vec<usize> = problems.iter().map(|(line, _)| *line).collect();
    assert_eq!(lines, [3, 6, 9, 13, 27], "{problems:#?}");
    assert!(
        problems[0]
            .1
            .contains("`{% hints %}` is not a GitBook block")
    );
    assert!(problems[1].1.contains("`{% endhint %}` has no matching"));
    assert!(problems[2].1.contains("`{% tab %}` is still open"));
    assert!(problems[3].1.contains("no closing quote"));
    assert!(problems[4].1.contains("never closed"));
    let page = site.page("blocks/malformed/");
    assert_eq!(
        attr(select_one(&page, "figure.embed a"), "href"),
        "https://example.org/video"
    );
    assert_eq!(
        text(select_one(&page, "figure.embed figcaption")),
        "Guillemet manquant"
    );
    // The unclosed hint ends with the page; everything before it still renders.
    assert_eq!(
        text(select_one(&page, ".hint-warning")),
        "Jamais fermé : se termine avec la page."
    );
    assert!(page.html().contains("Un nom de bloc inconnu."));
    // Tags in code stay literal.
    let code: Vec<String> = select(&page, "code").into_iter().map(text).collect();
    assert!(
        code.iter()
            .any(|c| c.contains("{% hint style=\"info\" %}dans du code"))
    );
    assert!(
        code.iter()
            .any(|c| c.contains("{% tabs %} dans du code indenté"))
    );
    assert!(code.contains(&"{% code %}".to_string()));
    // Liquid and GitBook's own escape are literal text.
    assert!(
        page.html()
            .contains("{% if customer.total_spent &gt; 100 %}remise{% endif %}")
    );
    assert!(
        page.html()
            .contains("Échappement GitBook : {% hint style=\"info\" %} s’affiche tel quel.")
    );
    assert!(
        site.report
            .diagnostics
            .iter()
            .all(|d| d.severity == Severity::Warning)
    );
}

#[test]
fn gitbook_front_matter() {
    let site = site();
    let page = site.page("blocks/front-matter/");
    assert_eq!(
        attr(select_one(&page, "meta[name=robots]"), "content"),
        "noindex"
    );
    assert_eq!(text(select_one(&page, ".page-icon")), "🎨");
    assert_eq!(
        attr(select_one(&page, "img.page-cover"), "src"),
        "../../.gitbook/assets/cover.png"
    );
    assert_eq!(attr(select_one(&page, "body"), "class"), "no-sidebar wide");
    assert!(select(&page, ".page-toc").is_empty(), "outline hidden");
    assert!(select(&page, ".pagination").is_empty(), "pagination hidden");
    assert_eq!(
        text(select_one(&page, ".page-description")),
        "Une page décorée."
    );
    assert!(select(&site.page("blocks/tabs/"), "meta[name=robots]").is_empty());
}

#[test]
fn summary_groups_with_explicit_slugs_labels_and_duplicates() {
    let site = site();
    let page = site.page("");
    let groups: Vec<String> = select(&page, "#sidebar .nav-group-title")
        .into_iter()
        .map(text)
        .collect();
    assert_eq!(groups, ["Blocs", "Ailleurs"]);
    assert!(
        select(&page, "#sidebar a")
            .into_iter()
            .any(|a| text(a) == "Onglets"),
        "link title is the nav label"
    );
    assert_eq!(site.with_code("summary-duplicate").len(), 1);
    assert_eq!(
        attr(select_one(&page, "#sidebar a[rel=external]"), "href"),
        "https://www.gitbook.com"
    );
}

#[test]
fn redirects_become_pages_and_a_redirects_file() {
    let site = site();
    let redirects = site.file("_redirects");
    let lines: Vec<&str> = redirects.lines().collect();
    assert_eq!(
        lines,
        [
            "/ancienne-page /blocks/tabs/ 301",
            "/blocs /blocks/layout/ 301",
            "/espace-invisible /blocks/text/ 301",
            "/vieux/guide /blocks/cards/ 301"
        ]
    );
    let page = Html::parse_document(&site.file("ancienne-page/index.html"));
    assert_eq!(
        attr(select_one(&page, "meta[http-equiv=refresh]"), "content"),
        "0; url=../blocks/tabs/"
    );
    assert_eq!(
        attr(select_one(&page, "link[rel=canonical]"), "href"),
        "../blocks/tabs/"
    );
    assert_eq!(attr(select_one(&page, "body a"), "href"), "../blocks/tabs/");
    // A key with a #fragment: the old page picks its target by the URL's fragment.
    let blocs = site.file("blocs/index.html");
    assert!(
        blocs.contains(r##"{"#onglets":"../blocks/tabs/#linux"}"##),
        "{blocs}"
    );
    let warnings: Vec<String> = site
        .with_code("redirect")
        .into_iter()
        .chain(site.with_code("broken-redirect"))
        .map(|d| d.message.clone())
        .collect();
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert!(warnings.iter().any(|w| w.contains("zero-width")));
    assert!(warnings.iter().any(|w| w.contains("`introuvable`")));
}

/// No page of any fixture shows a GitBook tag as raw text. Outside code, the only `{%` allowed
/// are the ones the author meant as text: Liquid in prose and GitBook's own `\{% %\}` escape.
#[test]
fn no_raw_tags_reach_any_page() {
    let allowed = [
        "{% if customer.total_spent > 100 %}",
        "{% endif %}",
        "{% hint style=\"info\" %}",
    ];
    for case in [
        "gitbook",
        "gitbook-summary",
        "folder-tree",
        "gitbook-root",
        "theme-override",
    ] {
        let site = build_fixture(case);
        for entry in walkdir::WalkDir::new(&site.out)
            .into_iter()
            .filter_map(Result::ok)
        {
            if entry.path().extension().is_none_or(|e| e != "html") {
                continue;
            }
            let html = Html::parse_document(&std::fs::read_to_string(entry.path()).expect("page"));
            for node in html.root_element().descendants() {
                let Some(text) = node.value().as_text() else {
                    continue;
                };
                let in_code = node
                    .ancestors()
                    .filter_map(scraper::ElementRef::wrap)
                    .any(|e| matches!(e.value().name(), "code" | "pre" | "script"));
                if in_code {
                    continue;
                }
                let mut rest: &str = text;
                while let Some(start) = rest.find("{%") {
                    let end = rest[start..]
                        .find("%}")
                        .map_or(rest.len(), |e| start + e + 2);
                    let tag = &rest[start..end];
                    assert!(
                        allowed.contains(&tag),
                        "{}: raw `{tag}`",
                        entry.path().display()
                    );
                    rest = &rest[end..];
                }
            }
        }
    }
}

fn select_in<'a>(element: scraper::ElementRef<'a>, css: &str) -> Vec<scraper::ElementRef<'a>> {
    let selector = scraper::Selector::parse(css).expect("selector");
    element.select(&selector).collect()
}

fn select_in_one<'a>(element: scraper::ElementRef<'a>, css: &str) -> scraper::ElementRef<'a> {
    let found = select_in(element, css);
    assert_eq!(found.len(), 1, "expected one `{css}`");
    found[0]
}
