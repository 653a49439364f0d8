//! Unit tests of the Markdown stage on single pages (whole-site behaviour is in `tests/`).

use super::markers::fill_markers;
use super::*;
use crate::gitbook::blocks::NoIncludes;

fn render(text: &str) -> Fragment {
    render_fragment(&PageInput {
        text,
        body_start: 0,
        path: "page.md",
        includes: &NoIncludes,
        vars: &Default::default(),
        markdown: true,
        raw_html: crate::config::RawHtml::Keep,
    })
}

/// The fragment with every marker replaced by what it refers to, as written.
fn filled(fragment: &Fragment) -> String {
    fill_markers(&fragment.html, |i, out| match &fragment.refs[i].kind {
        RefKind::Url { dest, .. } => out.push_str(dest),
        RefKind::ContentRef { dest, label } => out.push_str(&format!("[card {dest} {label}]")),
        RefKind::Mention { dest, fallback } => {
            out.push_str(&format!("[mention {dest} {fallback}]"))
        }
        RefKind::FileCard { dest } => out.push_str(&format!("[file {dest}]")),
        RefKind::Link { dest, title } if title.is_empty() => {
            out.push_str(&format!("<a href=\"{dest}\">"))
        }
        RefKind::Link { dest, title } => {
            out.push_str(&format!("<a href=\"{dest}\" title=\"{title}\">"))
        }
        RefKind::Word { key } => out.push_str(crate::i18n::word("fr", key)),
    })
}

#[test]
fn leading_h1_is_the_title_and_left_out_of_the_body() {
    let f = render("# Titre\n\nTexte.\n\n## Section\n");
    assert_eq!(f.first_h1.as_deref(), Some("Titre"));
    assert!(!f.html.contains("<h1"));
    assert_eq!(f.headings.len(), 1);
    assert_eq!(f.first_paragraph.as_deref(), Some("Texte."));
}

#[test]
fn h1_after_content_stays_in_the_body() {
    let f = render("Intro.\n\n# Plus loin\n");
    assert_eq!(f.first_h1.as_deref(), Some("Plus loin"));
    assert!(f.html.contains("<h1 id=\"plus-loin\""));
}

#[test]
fn heading_ids_follow_gitbook_and_deduplicate() {
    let f = render("## Les services partagés\n\n## Les services partagés\n\n## 2024\n");
    let ids: Vec<_> = f.headings.iter().map(|h| h.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "les-services-partages",
            "les-services-partages-1",
            "id-2024"
        ]
    );
    assert!(f.html.contains("href=\"#les-services-partages-1\""));
}

#[test]
fn explicit_ids_win() {
    let f =
        render("## Ancien titre <a href=\"#old\" id=\"old\"></a>\n\n## Autre {#autre .special}\n");
    assert_eq!(f.headings[0].id, "old");
    assert_eq!(f.headings[0].text, "Ancien titre");
    assert!(
        !f.html.contains("<a href=\"#old\" id=\"old\">"),
        "{}",
        f.html
    );
    assert_eq!(f.headings[1].id, "autre");
    assert!(f.html.contains("class=\"special\""));
}

#[test]
fn links_and_images_become_markers_with_spans() {
    let text = "Voir [la page](../a\\_b.md#x \"T\") et ![logo](<img/mon logo.png>).\n";
    let f = render(text);
    let dests: Vec<_> = f
        .refs
        .iter()
        .map(|r| match &r.kind {
            RefKind::Url { dest, kind } => (dest.as_str(), Some(*kind)),
            RefKind::Link { dest, .. } => (dest.as_str(), None),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(
        dests,
        [
            ("../a_b.md#x", None),
            ("img/mon logo.png", Some(UrlKind::Image))
        ]
    );
    assert_eq!(
        &text[f.refs[0].span.clone()],
        "[la page](../a\\_b.md#x \"T\")"
    );
    let html = filled(&f);
    assert!(
        html.contains("<a href=\"../a_b.md#x\" title=\"T\">la page</a>"),
        "{html}"
    );
    assert!(html.contains("alt=\"logo\""));
}

#[test]
fn raw_html_urls_and_ids_are_collected() {
    let f = render(
        "<figure><img src=\".gitbook/assets/a.png\" alt=\"\"><figcaption>c</figcaption></figure>\n\nText <a id=\"here\"></a> <a href=\"#top\">top</a>\n\n<picture><source srcset=\"dark.png 1x, dark@2x.png 2x\"></picture>\n",
    );
    let html = filled(&f);
    assert!(html.contains("src=\".gitbook/assets/a.png\""), "{html}");
    assert!(
        html.contains("srcset=\"dark.png 1x, dark@2x.png 2x\""),
        "{html}"
    );
    assert_eq!(f.refs.len(), 3);
    assert!(f.ids.contains(&"here".to_string()));
}

#[test]
fn email_autolinks_get_mailto() {
    let f = render("<ops@example.org>\n");
    assert!(
        matches!(&f.refs[0].kind, RefKind::Link { dest, .. } if dest == "mailto:ops@example.org")
    );
}

#[test]
fn gfm_alerts_have_a_title_in_the_site_language() {
    let f = render("> [!WARNING]\n> Attention\n");
    assert!(f.html.contains("markdown-alert-warning"));
    assert!(filled(&f).contains("<p class=\"markdown-alert-title\">Avertissement</p>"));
}

#[test]
fn footnotes_are_anchors() {
    let f = render("Texte[^n].\n\n[^n]: Note.\n");
    assert!(f.ids.contains(&"user-content-fn-n".to_string()));
}

#[test]
fn hints_render_with_a_role_and_their_first_heading_as_title() {
    let f = render(
        "{% hint style=\"warning\" %}\n## À savoir\n\nMarkdown **dedans**.\n{% endhint %}\n",
    );
    assert!(
        filled(&f).contains(
            "<div class=\"hint hint-warning\" role=\"note\" aria-label=\"Avertissement\">"
        ),
        "{}",
        f.html
    );
    assert!(
        f.html.contains("<p class=\"hint-title\">À savoir</p>"),
        "{}",
        f.html
    );
    assert!(f.html.contains("<strong>dedans</strong>"));
    assert!(
        f.headings.is_empty(),
        "a hint title is not an outline heading"
    );
}

#[test]
fn tags_in_code_stay_literal_and_liquid_is_left_alone() {
    let f = render(
        "```liquid\n{% hint %}\n```\n\nProse {% if customer.total > 100 %} liquide.\n\nEn ligne `{% tabs %}`.\n",
    );
    assert!(f.html.contains("{% hint %}"));
    assert!(
        f.html.contains("{% if customer.total &gt; 100 %}"),
        "{}",
        f.html
    );
    assert!(f.html.contains("<code>{% tabs %}</code>"));
    assert!(f.problems.is_empty(), "{:?}", f.problems);
}

#[test]
fn gitbook_escape_renders_the_literal_tag() {
    let f = render("Écrire \\{% hint style=\"info\" %\\} pour un encadré.\n");
    assert!(
        f.html.contains("Écrire {% hint style=\"info\" %} pour"),
        "{}",
        f.html
    );
}

#[test]
fn tabs_are_titled_sections() {
    let f = render(
        "{% tabs %}\n{% tab title=\"Linux\" %}\nA\n{% endtab %}\n{% tab title=\"macOS\" %}\nB\n{% endtab %}\n{% endtabs %}\n",
    );
    assert!(f.html.contains("<div class=\"tabs\">"));
    assert!(f.html.contains("data-title=\"Linux\""));
    assert!(f.html.contains("<p class=\"tab-title\">macOS</p>"));
    assert_eq!(f.html.matches("</section>").count(), 2);
}

#[test]
fn content_refs_mentions_and_files_are_references() {
    let f = render(
        "{% content-ref url=\"a.md\" %}\n[A](a.md)\n{% endcontent-ref %}\n\nVoir [Vieux titre](b.md \"mention\").\n\n{% file src=\"doc.pdf\" %}\nLe guide\n{% endfile %}\n",
    );
    let html = filled(&f);
    assert!(html.contains("[card a.md A]"), "{html}");
    assert!(html.contains("[mention b.md Vieux titre]"), "{html}");
    assert!(
        html.contains("<figure class=\"file\">[file doc.pdf]<figcaption>"),
        "{html}"
    );
    assert!(!html.contains("Vieux titre</a>"));
}

#[test]
fn lost_gitbook_links_render_as_text() {
    let f = render("Voir [cette page](/broken/pages/abc123).\n");
    assert!(f.html.contains("Voir cette page."), "{}", f.html);
    assert_eq!(f.problems.len(), 1);
}

#[test]
fn display_math_alone_in_a_paragraph_is_a_block_and_single_dollars_are_text() {
    let f = render("$$\nx^2\n$$\n\nInline $$y$$ here, and 5$ or $HOME.\n");
    assert!(
        f.html
            .contains("<div class=\"math-display\"><math display=\"block\""),
        "{}",
        f.html
    );
    assert!(f.html.contains("Inline <math display=\"inline\""));
    assert!(f.html.contains("and 5$ or $HOME."), "{}", f.html);
    assert!(f.has_math);
}

#[test]
fn mermaid_fences_stay_readable_and_flag_the_page() {
    let f = render("```mermaid\ngraph TD; A-->B\n```\n");
    assert!(
        f.html
            .contains("<pre class=\"mermaid\">graph TD; A--&gt;B\n</pre>"),
        "{}",
        f.html
    );
    assert!(f.has_mermaid);
}

#[test]
fn code_block_options() {
    let f = render(
        "{% code title=\"main.rs\" lineNumbers=\"true\" overflow=\"wrap\" %}\n```rust\nfn main() {}\nlet x = 1;\n```\n{% endcode %}\n",
    );
    assert!(f.html.contains("<div class=\"code-block code-wrap code-line-numbers\"><div class=\"code-title\">main.rs</div>"), "{}", f.html);
    assert_eq!(
        f.html.matches("<span class=\"line\">").count(),
        2,
        "{}",
        f.html
    );
    assert!(
        f.html.contains(
            "<span class=\"line\"><span class=\"hl-t\">let</span> x = <span class=\"hl-n\">1</span>;</span>"
        ),
        "{}",
        f.html
    );
}

#[test]
fn spans_inside_blocks_map_back_to_the_page() {
    let text = "---\ntitle: x\n---\n{% hint %}\nVoir [absent](absent.md).\n{% endhint %}\n";
    let body_start = text.find("{%").unwrap();
    let f = render_fragment(&PageInput {
        text,
        body_start,
        path: "p.md",
        includes: &NoIncludes,
        vars: &Default::default(),
        markdown: true,
        raw_html: crate::config::RawHtml::Keep,
    });
    let link = f
        .refs
        .iter()
        .find(|r| matches!(r.kind, RefKind::Link { .. }))
        .expect("the link");
    assert_eq!(&text[link.span.clone()], "[absent](absent.md)");
}

#[test]
fn legacy_api_parameters_take_their_location_from_their_group() {
    let f = render(
        "{% api-method method=\"get\" path=\"/x\" %}\n{% api-method-spec %}\n{% api-method-request %}\n{% api-method-path-parameters %}\n{% api-method-parameter name=\"id\" type=\"string\" required=true %}\nId\n{% endapi-method-parameter %}\n{% endapi-method-path-parameters %}\n{% endapi-method-request %}\n{% endapi-method-spec %}\n{% endapi-method %}\n",
    );
    assert!(
        filled(&f).contains(
            "<td><code>id</code> <span class=\"api-required\">obligatoire</span></td><td>path</td>"
        ),
        "{}",
        f.html
    );
}

#[test]
fn gitbook_variables_show_their_value() {
    let vars =
        std::collections::BTreeMap::from([("PRODUCT_NAME".to_string(), "Nébula".to_string())]);
    let text = "Bienvenue dans <code class=\"expression\">space.vars.PRODUCT_NAME</code>, pas <code class=\"expression\">space.vars.ABSENT</code>.\n";
    let f = render_fragment(&PageInput {
        text,
        body_start: 0,
        path: "p.md",
        includes: &NoIncludes,
        vars: &vars,
        markdown: true,
        raw_html: crate::config::RawHtml::Keep,
    });
    assert!(
        f.html
            .contains("Bienvenue dans Nébula, pas <code>space.vars.ABSENT</code>."),
        "{}",
        f.html
    );
}

#[test]
fn a_block_closed_in_another_container_is_written_as_its_markers_say() {
    // The hint opens in the list item and closes after the list: the tree keeps the block in
    // the item and its closing marker where it is, so the markup is what the markers say.
    let f = render("* Étape\n\n  {% hint %}\n  Dans la liste\n\n{% endhint %}\n\nAprès\n");
    let html = &f.html;
    let open = html.find("<div class=\"hint").expect("hint opened");
    let close_list = html.find("</ul>").expect("list closed");
    let close_hint = html.rfind("</div>").expect("hint closed");
    assert!(open < close_list && close_list < close_hint, "{html}");
    assert!(html.find("Après").unwrap() > close_hint, "{html}");
}

#[test]
fn an_unclosed_expression_does_not_swallow_the_page() {
    let f = render("Voir <code class=\"expression\">space.vars.X\n\nLa suite reste.\n");
    assert!(f.html.contains("La suite reste."), "{}", f.html);
}

#[test]
fn an_html_mention_without_its_end_tag_stops_at_its_paragraph() {
    let f = render("Voir <a href=\"b.md\" data-mention>B\n\nLa suite reste.\n");
    assert!(f.html.contains("La suite reste."), "{}", f.html);
    assert!(
        matches!(&f.refs[0].kind, RefKind::Mention { dest, fallback } if dest == "b.md" && fallback == "B"),
        "{:?}",
        f.refs
    );
}

#[test]
fn a_headings_words_are_its_link_unless_it_holds_a_link() {
    let f = render(
        "## Prérequis\n\n## Voir [la page](a.md)\n\n## Note[^1]\n\n## Un <button>x</button>\n\n[^1]: n\n",
    );
    let html = filled(&f);
    assert!(
        html.contains("<h2 id=\"prerequis\"><a href=\"#prerequis\">Prérequis</a></h2>"),
        "{html}"
    );
    // Links do not nest: a heading holding one (or a control) keeps a hidden `#` link.
    for id in ["voir-la-page", "note", "un-x"] {
        let hidden = format!(
            "<h2 id=\"{id}\"><a class=\"anchor\" href=\"#{id}\" aria-hidden=\"true\" tabindex=\"-1\"></a>"
        );
        assert!(html.contains(&hidden), "{id}: {html}");
    }
}
