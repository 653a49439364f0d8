//! The HTML and the Markdown of each GitBook block, pinned by snapshots
//! (`tests/suite/snapshots/suite__block_snapshots__*.snap`, `*_markdown.snap` for the page's
//! `.md`). A change to a block's markup shows up here first, whole.

use carnet::gitbook::blocks::NoIncludes;
use carnet::markdown::markers::fill_markers;
use carnet::markdown::{PageInput, RefKind, render_fragment};

/// How a reference (resolved against the site in a real build) is shown here.
fn shown(kind: &RefKind) -> String {
    match kind {
        RefKind::Url { dest, .. } => format!("{{url: {dest}}}"),
        RefKind::ContentRef { dest, label } => format!("{{content-ref: {dest} | {label}}}"),
        RefKind::Mention { dest, fallback } => format!("{{mention: {dest} | {fallback}}}"),
        RefKind::FileCard { dest } => format!("{{file card: {dest}}}"),
        RefKind::Link { dest, .. } => format!("<a href=\"{{url: {dest}}}\">"),
        RefKind::Word { key } => carnet::i18n::word("fr", key).to_string(),
    }
}

fn fragment(markdown: &str) -> carnet::markdown::Fragment {
    render_fragment(&PageInput {
        text: markdown,
        body_start: 0,
        path: "page.md",
        includes: &NoIncludes,
        vars: &Default::default(),
        markdown: true,
        raw_html: carnet::config::RawHtml::Keep,
    })
}

/// The block's HTML, with each reference shown as `{kind: destination}`.
fn html(markdown: &str) -> String {
    let fragment = fragment(markdown);
    fill_markers(&fragment.html, |i, out| {
        out.push_str(&shown(&fragment.refs[i].kind))
    })
}

/// The block as the page's `.md` writes it, references shown the same way.
fn as_markdown(markdown: &str) -> String {
    let page = fragment(markdown).markdown.expect("asked for");
    fill_markers(&page.text, |i, out| out.push_str(&shown(&page.refs[i])))
}

macro_rules! block_snapshot {
    ($name:ident, $markdown:expr) => {
        #[test]
        fn $name() {
            insta::assert_snapshot!(stringify!($name), html($markdown));
            insta::assert_snapshot!(
                concat!(stringify!($name), "_markdown"),
                as_markdown($markdown)
            );
        }
    };
}

block_snapshot!(
    hint,
    "{% hint style=\"danger\" %}\n## Titre\n\nCorps **gras**.\n{% endhint %}\n"
);
block_snapshot!(
    tabs,
    "{% tabs %}\n{% tab title=\"Linux\" %}\nA\n{% endtab %}\n{% tab title=\"Windows\" %}\nB\n{% endtab %}\n{% endtabs %}\n"
);
block_snapshot!(
    content_ref,
    "{% content-ref url=\"page.md\" %}\n[page](page.md)\n{% endcontent-ref %}\n"
);
block_snapshot!(
    embed,
    "{% embed url=\"https://www.youtube.com/watch?v=x\" %}\nLégende\n{% endembed %}\n"
);
block_snapshot!(
    code,
    "{% code title=\"a.sh\" lineNumbers=\"true\" %}\n```bash\necho a\necho b\n```\n{% endcode %}\n"
);
block_snapshot!(
    file,
    "{% file src=\"doc.pdf\" %}\nLe document\n{% endfile %}\n"
);
block_snapshot!(
    stepper,
    "{% stepper %}\n{% step %}\n### Un\nA\n{% endstep %}\n{% step %}\n### Deux\nB\n{% endstep %}\n{% endstepper %}\n"
);
block_snapshot!(
    columns,
    "{% columns %}\n{% column width=\"40%\" %}\nA\n{% endcolumn %}\n{% column %}\nB\n{% endcolumn %}\n{% endcolumns %}\n"
);
block_snapshot!(
    updates,
    "{% updates %}\n{% update date=\"2024-01-01\" %}\nVieux\n{% endupdate %}\n{% update date=\"2025-01-01\" tags=\"a\" %}\nNeuf\n{% endupdate %}\n{% endupdates %}\n"
);
block_snapshot!(
    prompt,
    "{% prompt description=\"Résumer\" %}\nRésume ceci.\n{% endprompt %}\n"
);
block_snapshot!(
    swagger,
    "{% swagger method=\"post\" path=\"/x\" baseUrl=\"https://api\" summary=\"Créer\" %}\n{% swagger-parameter in=\"body\" name=\"n\" type=\"int\" required=\"true\" %}\nN\n{% endswagger-parameter %}\n{% swagger-response status=\"201\" description=\"Créé\" %}\nOK\n{% endswagger-response %}\n{% endswagger %}\n"
);
block_snapshot!(integration, "{% @marketo/form formId=\"1\" %}\n");
block_snapshot!(
    adaptive,
    "{% if visitor.claims.unsigned.beta %}\nA\n{% else %}\nB\n{% endif %}\n"
);
block_snapshot!(
    card_table,
    "<table data-view=\"cards\"><thead><tr><th></th><th data-hidden data-card-target></th></tr></thead><tbody><tr><td><strong>T</strong></td><td><a href=\"t.md\">t.md</a></td></tr></tbody></table>\n"
);
block_snapshot!(math, "$$\n\\frac{a}{b}\n$$\n");
