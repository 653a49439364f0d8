//! The Markdown output of single pages, with every reference shown as `{kind: destination}`
//! (a real build fills them in with the published URLs).

use std::collections::BTreeMap;

use crate::gitbook::blocks::NoIncludes;
use crate::markdown::markers::fill_markers;
use crate::markdown::{PageInput, RefKind, render_fragment};

fn markdown_with(text: &str, vars: &BTreeMap<String, String>) -> String {
    let fragment = render_fragment(&PageInput {
        text,
        body_start: 0,
        path: "page.md",
        includes: &NoIncludes,
        vars,
        markdown: true,
        raw_html: crate::config::RawHtml::Keep,
    });
    let markdown = fragment.markdown.expect("asked for");
    fill_markers(&markdown.text, |i, out| {
        let shown = match &markdown.refs[i] {
            RefKind::Url { dest, .. } => format!("{{url: {dest}}}"),
            RefKind::ContentRef { dest, label } => format!("{{card: {dest} | {label}}}"),
            RefKind::Mention { dest, fallback } => format!("{{mention: {dest} | {fallback}}}"),
            RefKind::FileCard { dest } => format!("{{file: {dest}}}"),
            RefKind::Link { dest, .. } => format!("{{link: {dest}}}"),
            RefKind::Word { key } => crate::i18n::word("en", key).to_string(),
        };
        out.push_str(&shown);
    })
}

fn markdown(text: &str) -> String {
    markdown_with(text, &BTreeMap::new())
}

#[test]
fn the_title_heading_is_left_to_render_and_links_become_markers() {
    let md = markdown("# Titre\n\nVoir [la suite](suite.md#fin \"Suite\").\n\n# Autre\n");
    assert_eq!(
        md,
        "Voir [la suite]({url: suite.md#fin} \"Suite\").\n\n# Autre\n"
    );
}

#[test]
fn hints_are_alerts_of_their_style() {
    let md = markdown(
        "{% hint style=\"warning\" %}\nAttention **fort**.\n{% endhint %}\n\n{% hint style=\"success\" %}\nBravo\n{% endhint %}\n",
    );
    assert_eq!(
        md,
        " > [!WARNING]\n > Attention **fort**.\n\n > [!TIP]\n > Bravo\n"
    );
}

#[test]
fn tabs_are_headed_sections_below_the_current_heading() {
    let md = markdown(
        "## Installer\n\n{% tabs %}\n{% tab title=\"Linux\" %}\napt install x\n{% endtab %}\n{% tab title=\"macOS\" %}\nbrew install x\n{% endtab %}\n{% endtabs %}\n",
    );
    assert_eq!(
        md,
        "## Installer\n\n### Linux\n\napt install x\n\n### macOS\n\nbrew install x\n"
    );
}

#[test]
fn code_blocks_keep_their_title_in_the_info_string() {
    let md = markdown(
        "{% code title=\"app.js\" lineNumbers=\"true\" %}\n```js\nlet a = 1;\n```\n{% endcode %}\n\n{% code title=\"notes\" %}\n```\nplain\n```\n{% endcode %}\n",
    );
    assert_eq!(
        md,
        "```js title=\"app.js\"\nlet a = 1;\n```\n\n```text title=\"notes\"\nplain\n```\n"
    );
}

#[test]
fn content_refs_embeds_and_files_are_links() {
    let md = markdown(
        "{% content-ref url=\"guide/\" %}\n[guide](guide/)\n{% endcontent-ref %}\n\n{% embed url=\"https://www.youtube.com/watch?v=x\" %}\nLa vidéo\n{% endembed %}\n\n{% file src=\".gitbook/assets/a.pdf\" %}\nLe PDF\n{% endfile %}\n",
    );
    assert_eq!(
        md,
        "{card: guide/ | guide}\n\n[https://www.youtube.com/watch?v=x]({url: https://www.youtube.com/watch?v=x})\n\nLa vidéo\n\n{file: .gitbook/assets/a.pdf}\n\nLe PDF\n"
    );
}

#[test]
fn math_stays_dollar_math() {
    let md = markdown("Soit $$x^2$$ ici.\n\n$$\n\\frac{a}{b}\n$$\n");
    assert!(md.contains("Soit $$x^2$$ ici."), "{md}");
    assert!(md.contains("$$\n\\frac{a}{b}\n$$"), "{md}");
}

#[test]
fn gitbook_figures_are_images_with_their_caption() {
    let md = markdown(
        "<figure><img src=\".gitbook/assets/a b.png\" alt=\"Schéma\"><figcaption><p>Le schéma</p></figcaption></figure>\n\nSuite\n",
    );
    assert_eq!(
        md,
        "![Schéma]({url: .gitbook/assets/a b.png})\n\n*Le schéma*\n\nSuite\n"
    );
}

#[test]
fn other_raw_html_keeps_its_markup_with_its_urls_marked() {
    let md = markdown(
        "<div><video src=\"v.mp4\" poster=\"p.png\"></video></div>\n\nUn <a href=\"x.md\">lien</a>.\n",
    );
    assert!(
        md.contains("<video src=\"{url: v.mp4}\" poster=\"{url: p.png}\"></video>"),
        "{md}"
    );
    assert!(md.contains("Un <a href=\"{url: x.md}\">lien</a>."), "{md}");
}

#[test]
fn card_tables_are_lists_of_links() {
    let md = markdown(
        "<table data-view=\"cards\"><thead><tr><th></th><th></th><th data-hidden data-card-target data-type=\"content-ref\"></th></tr></thead><tbody><tr><td><strong>Démarrer</strong></td><td>Les bases</td><td><a href=\"start.md\">start.md</a></td></tr></tbody></table>\n",
    );
    assert_eq!(md, "- [Démarrer]({url: start.md}) — Les bases\n");
}

#[test]
fn variables_show_their_value_and_mentions_their_target() {
    let vars = BTreeMap::from([("PRODUCT".to_string(), "Nébula".to_string())]);
    let md = markdown_with(
        "Bienvenue dans <code class=\"expression\">space.vars.PRODUCT</code>, voir [Guide](guide.md \"mention\").\n",
        &vars,
    );
    assert_eq!(
        md,
        "Bienvenue dans Nébula, voir {mention: guide.md | Guide}.\n"
    );
}

#[test]
fn explicit_heading_anchors_are_left_out() {
    let md = markdown("# T\n\n## Étape un <a href=\"#un\" id=\"un\"></a>\n");
    assert_eq!(md, "## Étape un\n");
}

#[test]
fn api_blocks_are_their_static_text() {
    let md = markdown(
        "{% swagger method=\"get\" path=\"/users/{id}\" baseUrl=\"https://api.x.io\" summary=\"Un utilisateur\" %}\n{% swagger-parameter in=\"path\" name=\"id\" type=\"string\" required=\"true\" %}\nSon identifiant\n{% endswagger-parameter %}\n{% swagger-response status=\"200\" description=\"Trouvé\" %}\n```json\n{}\n```\n{% endswagger-response %}\n{% endswagger %}\n",
    );
    assert_eq!(
        md,
        "**GET** `https://api.x.io/users/{id}`\n\nUn utilisateur\n\n`id` (path, string, required)\n\nSon identifiant\n\n`200` Trouvé\n\n```json\n{}\n```\n"
    );
}

#[test]
fn steppers_are_numbered_lists_and_updates_dated_headings() {
    let md = markdown(
        "{% stepper %}\n{% step %}\nUn\n{% endstep %}\n{% step %}\nDeux\n{% endstep %}\n{% endstepper %}\n\n{% updates %}\n{% update date=\"2024-06-01\" %}\nNeuf\n{% endupdate %}\n{% endupdates %}\n",
    );
    assert!(md.starts_with("1. Un\n"), "{md}");
    assert!(md.contains("2. Deux\n"), "{md}");
    assert!(md.contains("## 2024-06-01\n\nNeuf"), "{md}");
}

#[test]
fn no_gitbook_tag_survives_and_literal_ones_are_escaped() {
    let md = markdown(
        "{% hint %}\n{% tabs %}\n{% tab title=\"A\" %}\n{% columns %}\n{% column %}\nx\n{% endcolumn %}\n{% endcolumns %}\n{% endtab %}\n{% endtabs %}\n{% endhint %}\n{% @marketo/form formId=\"1\" %}\n{% if visitor.claims.unsigned.beta %}\nBêta\n{% else %}\nStable\n{% endif %}\n",
    );
    assert!(!md.contains("{%"), "{md}");
    assert!(!md.contains("carnet:"), "{md}");
    assert!(md.contains("Bêta") && md.contains("Stable"), "{md}");
    let liquid =
        markdown("Liquid : {% if customer.total > 100 %}remise{% endif %}, `{% code %}`.\n");
    assert_eq!(
        liquid,
        "Liquid : \\{% if customer.total > 100 %}remise\\{% endif %}, `{% code %}`.\n"
    );
}

/// What real exports write and Markdown cannot keep as it is, in blocks written from events:
/// a space written `&#x20;` at the end of a paragraph or a list item, `\` lines (hard breaks)
/// for blank lines inside a hint, a space before a nested list. Written, they would read back
/// as something else (a hard break, the end of the hint's paragraph); they are dropped, the
/// text and its emphasis kept.
#[test]
fn spaces_and_breaks_markdown_cannot_keep_are_dropped_not_the_text() {
    let md = markdown(
        "{% hint style=\"info\" %}\nFin de phrase **forte**.&#x20;\n{% endhint %}\n\n{% hint style=\"info\" %}\n**Attention** ici.\\\n\\\nEnsuite `code` là.\n{% endhint %}\n\n* Un [lien](x.md)&#x20;\n  * **Note :** sous-point\n* Deux&#x20;\n",
    );
    assert!(md.contains("Fin de phrase **forte**.\n"), "{md}");
    assert!(md.contains("**Attention** ici."), "{md}");
    assert!(
        !md.contains("ici.  \n >   \n"),
        "a blank line inside the hint: {md}"
    );
    assert!(md.contains("Ensuite `code` là."), "{md}");
    assert!(md.contains("- Un [lien]({url: x.md})\n"), "{md}");
    assert!(md.contains("**Note :** sous-point"), "{md}");
    assert!(md.contains("- Deux\n"), "{md}");
}

/// A block with nothing to resolve or rewrite is copied as its author wrote it (list markers,
/// emphasis style, a fence's own length).
#[test]
fn plain_blocks_are_written_as_their_author_wrote_them() {
    let md = markdown(
        "# Titre\n\nUn _texte_ simple,\nsur deux lignes.\n\n* un\n* deux\n\n````sh\n```\n````\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\nAvec un [lien](x.md).\n",
    );
    assert_eq!(
        md,
        "Un _texte_ simple,\nsur deux lignes.\n\n* un\n* deux\n\n````sh\n```\n````\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\nAvec un [lien]({url: x.md}).\n"
    );
}
