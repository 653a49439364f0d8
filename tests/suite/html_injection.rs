//! What carnet writes into HTML from text carries no script: each hostile string in a place where
//! carnet (not an author's raw HTML) writes it — math sources, titles, labels, block attributes,
//! the base URL, redirect fragments — and every kind of link carnet builds with a script URL.

use scraper::Html;

use crate::common::*;

/// Every element of `html` that would run script: a `<script>` that is not the theme's, an
/// event-handler attribute, a script URL in `href`/`src`/`action`/`formaction`.
fn script_in(html: &Html) -> Vec<String> {
    let mut found = Vec::new();
    for element in html
        .root_element()
        .descendants()
        .filter_map(scraper::ElementRef::wrap)
    {
        let value = element.value();
        if value.name() == "script" {
            let src = value.attr("src").unwrap_or("");
            let text: String = element.text().collect();
            let theme = src.contains("assets/")
                || text.contains("localStorage")
                || text.contains("mermaid")
                || text.contains("location.hash");
            if !theme {
                found.push(format!("<script src={src:?}>{text}"));
            }
        }
        for (name, attr) in value.attrs() {
            let lower = attr.trim_start().to_ascii_lowercase();
            let lower = lower.replace(['\t', '\n'], "");
            let url_attr = matches!(name, "href" | "src" | "action" | "formaction");
            let picture = value.name() == "img" && lower.starts_with("data:image/");
            if name.starts_with("on")
                || (url_attr
                    && !picture
                    && ["javascript:", "vbscript:", "data:"]
                        .iter()
                        .any(|s| lower.starts_with(s)))
            {
                found.push(format!("<{} {name}={attr:?}>", value.name()));
            }
        }
    }
    found
}

/// Every HTML file the build wrote, parsed, with what in it runs script.
pub(crate) fn scripts_in_output(built: &Built) -> Vec<(String, Vec<String>)> {
    tree_files(&built.out)
        .into_iter()
        .filter(|(rel, _)| rel.ends_with(".html"))
        .map(|(rel, bytes)| {
            let found = script_in(&Html::parse_document(&String::from_utf8_lossy(&bytes)));
            (rel, found)
        })
        .filter(|(_, found)| !found.is_empty())
        .collect()
}

fn assert_no_script(built: &Built) {
    let found = scripts_in_output(built);
    assert!(found.is_empty(), "script in the output: {found:#?}");
}

#[test]
fn the_tex_source_kept_in_mathml_is_escaped() {
    let built = build_tmp(site_with(&[(
        "README.md",
        "# Home\n\n$$\\text{</annotation><img src=x onerror=alert(1)>}$$\n\nInline $$a<b$$ and after.\n",
    )]));
    built.assert_no_errors();
    assert_no_script(&built);
    let page = built.page("");
    let annotations: Vec<String> = select(&page, "annotation")
        .into_iter()
        .map(|a| a.text().collect())
        .collect();
    assert_eq!(
        annotations,
        ["\\text{</annotation><img src=x onerror=alert(1)>}", "a<b"]
    );
    assert!(text(select_one(&page, ".content")).contains("and after."));
    assert!(select(&page, ".content b").is_empty(), "`a<b` opened a tag");
}

#[test]
fn a_hostile_base_url_is_encoded_in_the_404_page_and_everywhere() {
    let tmp = site_with(&[
        (
            "carnet.yaml",
            "base_url: \"https://x.org/\\\"><script>alert(1)</script>/\"\n",
        ),
        ("README.md", "# Home\n"),
        (".gitbook.yaml", "redirects:\n  old: README.md\n"),
    ]);
    let built = build_tmp(tmp);
    built.assert_no_errors();
    assert_no_script(&built);
    let redirects = built.file("_redirects");
    assert!(!redirects.contains(['"', '<', '>']), "{redirects}");
}

#[test]
fn a_base_url_whose_path_starts_with_two_slashes_loads_nothing_from_another_host() {
    let built = build_tmp(site_with(&[
        ("carnet.yaml", "base_url: https://x.org//evil.example/\n"),
        ("README.md", "# Home\n"),
    ]));
    built.assert_no_errors();
    let page = Html::parse_document(&built.file("404.html"));
    for element in select(&page, "script[src], link[href]") {
        let url = element
            .value()
            .attr("src")
            .or_else(|| element.value().attr("href"))
            .unwrap_or("");
        assert!(!url.starts_with("//"), "{url}");
    }
}

#[test]
fn a_base_url_that_is_not_an_http_address_is_a_configuration_error() {
    let built = build_tmp(site_with(&[
        ("carnet.yaml", "base_url: \"javascript:alert(1)//\"\n"),
        ("README.md", "# Home\n"),
    ]));
    assert_eq!(built.with_code("invalid-config").len(), 1);
    assert!(!built.report.written);
}

#[test]
fn an_edit_url_that_is_not_an_http_address_is_a_configuration_error() {
    for bad in [
        "javascript:alert(1)//",
        "\"><script>alert(1)</script>",
        "//evil.example/",
    ] {
        let yaml = format!("edit_url: '{}'\n", bad.replace('\'', "''"));
        let built = build_tmp(site_with(&[
            ("carnet.yaml", &yaml),
            ("README.md", "# Home\n"),
        ]));
        assert_eq!(built.with_code("invalid-config").len(), 1, "{bad}");
        assert!(!built.report.written, "{bad}");
    }
    let built = build_tmp(site_with(&[
        ("carnet.yaml", "edit_url: 'https://x.org/edit/\"><b>/'\n"),
        ("README.md", "# Home\n"),
    ]));
    assert!(built.report.written);
    assert_no_script(&built);
    let home = built.file("index.html");
    assert!(!home.contains("\"><b>"), "the path is encoded");
    assert!(
        home.contains("https://x.org/edit/%22%3E%3Cb%3E/"),
        "the edit link is kept"
    );
}

#[test]
fn titles_labels_and_descriptions_are_text() {
    let built = build_tmp(site_with(&[
        (
            "carnet.yaml",
            "title: \"T</title><script>alert(1)</script>\"\n",
        ),
        (
            "SUMMARY.md",
            "# Table of contents\n\n* [Home](README.md)\n* [L<img src=x onerror=alert(2)>](page.md \"lab<script>alert(3)</script>\")\n\n## G<img src=x onerror=alert(4)>\n\n* [Other](other.md)\n",
        ),
        (
            "README.md",
            "---\ndescription: \"d</p><script>alert(5)</script>\"\n---\n# Home\n\n{% content-ref url=\"page.md\" %}\n[x](page.md)\n{% endcontent-ref %}\n",
        ),
        (
            "page.md",
            "---\ntitle: \"F</title><script>alert(6)</script>\"\ndescription: \"<img src=x onerror=alert(7)>\"\n---\nBody.\n",
        ),
        ("other.md", "# Other\n"),
    ]));
    built.assert_no_errors();
    assert_no_script(&built);
    let page = built.page("page/");
    let sidebar = text(select_one(&page, "#sidebar"));
    assert!(
        sidebar.contains("lab<script>alert(3)</script>"),
        "the label is shown as text: {sidebar}"
    );
}

#[test]
fn block_attributes_are_escaped_or_refused() {
    let built = build_tmp(site_with(&[(
        "README.md",
        concat!(
            "# Home\n\n",
            "{% hint style='x\" onmouseover=\"alert(1)' %}\nh\n{% endhint %}\n\n",
            "{% tabs %}\n{% tab title=\"<img src=x onerror=alert(2)>\" %}\nt\n{% endtab %}\n{% endtabs %}\n\n",
            "{% code title=\"<script>alert(3)</script>\" %}\n```js\nx\n```\n{% endcode %}\n\n",
            "{% embed url=\"https://ok.example/\" caption=\"<img src=x onerror=alert(4)>\" %}\n\n",
            "{% file src=\"a.pdf\" caption=\"<script>alert(5)</script>\" %}\n\n",
            "{% updates %}\n{% update date=\"1\\\"><script>alert(6)</script>\" tags=\"<b onclick=alert(7)>\" %}\nu\n{% endupdate %}\n{% endupdates %}\n\n",
            "{% columns %}\n{% column width=\"50%; background:url(javascript:alert(8))\" %}\nc\n{% endcolumn %}\n{% endcolumns %}\n\n",
            "{% prompt description=\"<svg onload=alert(9)>\" %}\np\n{% endprompt %}\n",
        ),
    )]));
    assert_no_script(&built);
    let page = built.page("");
    assert!(select(&page, ".content [style*=javascript]").is_empty());
    for hint in select(&page, ".hint") {
        let class = attr(hint, "class");
        assert_eq!(class, "hint hint-info", "{class}");
    }
}

#[test]
fn a_redirect_fragment_cannot_close_the_redirect_script() {
    let built = build_tmp(site_with(&[
        (
            ".gitbook.yaml",
            "redirects:\n  \"old#x</script><script>alert(1)</script>\": README.md\n  \"old#y\": README.md\n",
        ),
        ("README.md", "# Home\n"),
    ]));
    built.assert_no_errors();
    assert_no_script(&built);
    let page = built.page("old/");
    let scripts = select(&page, "script");
    assert_eq!(scripts.len(), 1);
    let code: String = scripts[0].text().collect();
    assert!(code.contains("\"#y\""), "{code}");
}

#[test]
fn links_carnet_builds_never_carry_a_script_url() {
    let built = build_tmp(site_with(&[
        (
            "SUMMARY.md",
            "# Table of contents\n\n* [Home](README.md)\n* [JS](javascript:alert(1))\n* [Case](JaVaScRiPt&#58;alert(2))\n* [VB](vbscript:msgbox)\n* [Data](data:text/html,x)\n* [Fine](https://example.org/)\n",
        ),
        (
            "README.md",
            concat!(
                "# Home\n\n",
                "[link](javascript:alert(3)) and [mention](javascript:alert(4) \"mention\") and ![ok](data:image/png;base64,AAAA)\n\n",
                "{% content-ref url=\"javascript:alert(5)\" %}\n[card](javascript:alert(5))\n{% endcontent-ref %}\n\n",
                "{% embed url=\"java\tscript:alert(6)\" %}\n\n",
                "<a href=\"javascript:alert(7)\" class=\"button primary\">Button</a>\n\n",
                "<table data-view=\"cards\"><thead><tr><th></th><th data-hidden data-card-target data-type=\"content-ref\"></th></tr></thead><tbody><tr><td>Card</td><td><a href=\"javascript:alert(8)\">x</a></td></tr></tbody></table>\n\n",
                "{% swagger src=\"data:text/html,x\" path=\"/x\" method=\"get\" %}\n{% endswagger %}\n",
            ),
        ),
    ]));
    assert_no_script(&built);
    let unsafe_urls = built.with_code("unsafe-url");
    assert_eq!(unsafe_urls.len(), 11, "{}", list(&unsafe_urls));
    assert!(unsafe_urls.iter().all(|d| d.location.is_some()));
    let page = built.page("");
    let sidebar = text(select_one(&page, "#sidebar"));
    for label in ["JS", "Case", "VB", "Data"] {
        assert!(sidebar.contains(label), "{label} kept as text: {sidebar}");
    }
    let content = text(select_one(&page, ".content"));
    for shown in ["link", "mention", "card", "Button"] {
        assert!(content.contains(shown), "{shown} kept as text: {content}");
    }
    assert_eq!(
        select(&page, ".content img[src^='data:image/png']").len(),
        1
    );
}
