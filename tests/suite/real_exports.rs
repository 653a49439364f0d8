//! What real GitBook exports do that carnet's own fixtures did not (issue 15): each test is a
//! case found in public spaces of the corpus (`benches/gitbook-corpus/`), cut down to the files
//! that show it.

use crate::common::*;

#[test]
fn an_unlisted_file_at_a_listed_pages_url_is_simply_not_a_page() {
    for (listed, unlisted) in [("faq/README.md", "faq.md"), ("faq.md", "faq/README.md")] {
        let summary = format!("# Table of contents\n\n* [Home](README.md)\n* [FAQ]({listed})\n");
        let built = build_tmp(site_with(&[
            ("SUMMARY.md", &summary),
            ("README.md", "# Home\n"),
            (listed, "# FAQ\n\nThe listed page.\n"),
            (unlisted, "# Old FAQ\n\nAn old copy.\n"),
        ]));
        built.assert_no_errors();
        assert!(built.with_code("duplicate-url").is_empty());
        let faq = built.page("faq/");
        assert!(
            text(select_one(&faq, "main")).contains("The listed page."),
            "{listed}"
        );
        let not_listed = built.with_code("not-in-summary");
        assert_eq!(not_listed.len(), 1);
        assert!(not_listed[0].message.contains(unlisted));
    }
}

#[test]
fn two_listed_files_at_one_url_are_still_an_error() {
    let built = build_tmp(site_with(&[
        (
            "SUMMARY.md",
            "* [Home](README.md)\n* [A](a.md)\n* [A too](a/README.md)\n",
        ),
        ("README.md", "# Home\n"),
        ("a.md", "# A\n"),
        ("a/README.md", "# A index\n"),
    ]));
    assert_eq!(built.with_code("duplicate-url").len(), 1);
    assert!(!built.report.written);
}

#[test]
fn a_gitbook_yaml_root_that_is_not_a_folder_is_a_warning_and_its_folder_is_the_root() {
    // LANraragi keeps `.gitbook.yaml` in tools/Documentation/ with `root: ./tools/Documentation`.
    let built = build_tmp(site_with(&[
        (
            ".gitbook.yaml",
            "root: ./tools/Documentation\n\nstructure:\n  readme: README.md\n",
        ),
        ("SUMMARY.md", "* [Home](README.md)\n* [Guide](guide.md)\n"),
        ("README.md", "# Home\n"),
        ("guide.md", "# Guide\n"),
    ]));
    built.assert_no_errors();
    let warnings = built.with_code("invalid-gitbook-config");
    assert_eq!(warnings.len(), 1, "{}", list(&warnings));
    assert_eq!(warnings[0].location.as_ref().map(|l| l.line), Some(1));
    assert!(built.exists("guide/index.html"));
}

#[test]
fn a_nested_space_whose_root_is_not_a_folder_keeps_its_folder() {
    let built = build_tmp(site_with(&[
        ("README.md", "# Home\n"),
        ("api/.gitbook.yaml", "root: ./api/docs\n"),
        ("api/SUMMARY.md", "* [API](README.md)\n* [Ops](ops.md)\n"),
        ("api/README.md", "# API\n"),
        ("api/ops.md", "# Ops\n"),
    ]));
    built.assert_no_errors();
    assert_eq!(built.with_code("invalid-gitbook-config").len(), 1);
    assert!(built.exists("api/ops/index.html"));
}

#[test]
fn heading_ids_follow_gitbooks_rule_where_real_links_need_it() {
    let page = "# Variables\n\n\
        ## max_size\n\n\
        ## debug/debug_dbug\n\n\
        ## Terminal User & MariaDB User\n\n\
        ## :rocket: Launch\n\n\
        ## 错误包装\n\n\
        ## Note <a href=\"#note\" id=\"note\"></a>\n\n\
        ## Note again <a href=\"#note\" id=\"note\"></a>\n\n\
        [a](#max_size) [b](#debug-debug_dbug) [c](#terminal-user-and-mariadb-user) \
        [d](#launch) [e](#错误包装) [f](#note-1)\n";
    let built = build_tmp(site_with(&[("README.md", "# Home\n"), ("vars.md", page)]));
    built.assert_no_errors();
    let html = built.page("vars/");
    let ids: Vec<&str> = select(&html, "main h2")
        .into_iter()
        .map(|h| attr(h, "id"))
        .collect();
    assert_eq!(
        ids,
        [
            "max_size",
            "debug-debug_dbug",
            "terminal-user-and-mariadb-user",
            "launch",
            "错误包装",
            "note",
            "note-1"
        ]
    );
    let missing = built.with_code("missing-anchor");
    assert!(missing.is_empty(), "{}", list(&missing));
}

#[test]
fn folder_links_inside_a_docs_yaml_space_lead_to_the_folders_page() {
    let built = build_tmp(site_with(&[
        (
            "docs.yaml",
            "site:\n  structure:\n    - type: section\n      path: documentation\n      default: true\n      children:\n        - type: space\n          path: guide\n          default: true\n          content:\n            directory: ./developers\n",
        ),
        (
            "developers/SUMMARY.md",
            "* [Home](README.md)\n* [Setup](setup/README.md)\n  * [Linux](setup/linux.md)\n",
        ),
        (
            "developers/README.md",
            "# Home\n\n## Start here\n\n[Setup](setup/) and [setup](setup)\n",
        ),
        (
            "developers/setup/README.md",
            "# Setup\n\n[Home](../) [start](../#start-here) [here](./) [Linux](./linux.md)\n",
        ),
        ("developers/setup/linux.md", "# Linux\n\n[Back](./)\n"),
    ]));
    built.assert_no_errors();
    let broken = built.with_code("broken-link");
    assert!(broken.is_empty(), "{}", list(&broken));
    let anchors = built.with_code("missing-anchor");
    assert!(anchors.is_empty(), "{}", list(&anchors));
    let home = built.page("");
    assert_eq!(link_href(&home, "Setup"), "setup/");
    assert_eq!(link_href(&home, "setup"), "setup/");
    let setup = built.page("setup/");
    assert_eq!(link_href(&setup, "Home"), "../");
    assert_eq!(link_href(&setup, "start"), "../#start-here");
    assert_eq!(link_href(&setup, "here"), "./");
    assert_eq!(link_href(&built.page("setup/linux/"), "Back"), "../");
}

#[test]
fn gitbooks_lost_link_markers_are_text_with_one_warning_each() {
    let page = "# Lost\n\n\
        [old page](broken-reference) and [other](../x/broken-reference/) and \
        [space](/broken/spaces/NkEGS7hzeqa35sMXQZ4X/pages/KHHFlE1MtpVIaZboN8b2) and \
        <a href=\"/broken/pages/b29aoPwtKZKkAO7zajgr\">raw</a>.\n\n\
        <div><a href=\"/broken/pages/EAZLjjyX6jX76NFnj71P\">in a block</a></div>\n\n\
        ![lost image](/broken/files/LYc9VEC4k1NRXaB3zinZ)\n";
    let built = build_tmp(site_with(&[("README.md", "# Home\n"), ("x/lost.md", page)]));
    built.assert_no_errors();
    let html = built.page("x/lost/");
    let content = select_one(&html, ".content");
    for label in ["old page", "other", "space", "raw", "in a block"] {
        assert!(text(content).contains(label), "{label}");
    }
    let hrefs: Vec<&str> = select(&html, ".content a[href]")
        .into_iter()
        .map(|a| attr(a, "href"))
        .filter(|h| !h.starts_with('#'))
        .collect();
    assert!(hrefs.is_empty(), "{hrefs:?}");
    assert!(select(&html, ".content img").is_empty());
    assert_eq!(built.with_code("broken-link").len(), 5);
    assert_eq!(built.with_code("missing-image").len(), 1);
}

#[test]
fn links_climbing_above_the_root_resolve_from_the_root_or_become_text() {
    let built = build_tmp(site_with(&[
        ("README.md", "# Home\n"),
        ("x.md", "# X\n"),
        (
            "guide.md",
            "# Guide\n\n[found](../../x.md) and [community](../../community/page/)\n",
        ),
    ]));
    built.assert_no_errors();
    let html = built.page("guide/");
    assert_eq!(link_href(&html, "found"), "../x/");
    let community: Vec<_> = select(&html, ".content a")
        .into_iter()
        .filter(|a| text(*a) == "community")
        .collect();
    assert_eq!(community.len(), 1);
    assert_eq!(community[0].value().attr("href"), None);
    assert_eq!(built.with_code("link-above-root").len(), 1);
    let broken = built.with_code("broken-link");
    assert_eq!(broken.len(), 1);
    assert!(
        broken[0].message.contains("above the site root"),
        "{}",
        broken[0].message
    );
}

#[test]
fn a_redirect_to_an_unpublished_page_says_so() {
    let built = build_tmp(site_with(&[
        (
            ".gitbook.yaml",
            "redirects:\n  old: draft.md\n  gone: nowhere.md\n",
        ),
        ("SUMMARY.md", "* [Home](README.md)\n"),
        ("README.md", "# Home\n"),
        ("draft.md", "# Draft\n"),
    ]));
    built.assert_no_errors();
    let broken = built.with_code("broken-redirect");
    assert_eq!(broken.len(), 2, "{}", list(&broken));
    let message = |key: &str| {
        broken
            .iter()
            .find(|d| d.message.contains(&format!("`{key}`")))
            .map(|d| d.message.clone())
            .unwrap_or_default()
    };
    assert!(
        message("old").contains("not published"),
        "{}",
        message("old")
    );
    assert!(!message("old").contains("does not exist"));
    assert!(
        message("gone").contains("does not exist"),
        "{}",
        message("gone")
    );
}

#[test]
fn empty_adaptive_conditions_show_their_content() {
    let built = build_tmp(site_with(&[
        ("README.md", "# Home\n"),
        (
            "binlog.md",
            "# Binlog\n\n{% if  %}\n{% hint style=\"info\" %}\nFrom 12.3, InnoDB-based binary logs.\n{% endhint %}\n{% endif %}\n",
        ),
    ]));
    built.assert_no_errors();
    let html = built.page("binlog/");
    let content = text(select_one(&html, ".content"));
    assert!(content.contains("InnoDB-based binary logs"), "{content}");
    assert!(!content.contains("{%"), "{content}");
    assert_eq!(select(&html, ".content .hint").len(), 1);
}

#[test]
fn an_openapi_spec_name_is_not_a_link() {
    let built = build_tmp(site_with(&[
        ("README.md", "# Home\n"),
        (
            "pets.md",
            "# Pets\n\n{% openapi-operation spec=\"petstore\" path=\"/pet\" method=\"put\" %}\n[OpenAPI petstore](https://petstore3.swagger.io/api/v3/openapi.json)\n{% endopenapi-operation %}\n\n{% openapi src=\"<https://example.org/spec.yaml>\" path=\"/x\" method=\"get\" %}\n{% endopenapi %}\n",
        ),
    ]));
    built.assert_no_errors();
    assert!(built.with_code("broken-link").is_empty());
    let html = built.page("pets/");
    let hrefs: Vec<&str> = select(&html, ".api-spec a")
        .into_iter()
        .map(|a| attr(a, "href"))
        .collect();
    assert_eq!(hrefs, ["https://example.org/spec.yaml"]);
    let names: Vec<String> = select(&html, ".api-spec code")
        .into_iter()
        .map(text)
        .collect();
    assert_eq!(names, ["petstore"]);
}

#[test]
fn files_in_dot_folders_of_gitbook_assets_are_copied() {
    let built = build_tmp(site_with(&[
        (
            "README.md",
            "# Home\n\n![d](.gitbook/assets/.old/diagram.png)\n",
        ),
        (".gitbook/assets/.old/diagram.png", "png"),
        (".hidden/secret.png", "no"),
    ]));
    built.assert_no_errors();
    assert!(built.with_code("missing-image").is_empty());
    assert!(built.exists(".gitbook/assets/.old/diagram.png"));
    assert!(!built.exists(".hidden/secret.png"));
}

#[test]
fn summary_entries_gitbook_generates_are_left_out_with_one_warning() {
    let summary = "# Table of contents\n\n* [Home](README.md)\n\n## GitBook API\n\n* [API reference](api/README.md)\n  * ```yaml\n    props:\n      models: false\n    type: builtin:openapi\n    dependencies:\n      spec:\n        ref:\n          kind: openapi\n          spec: gitbook\n    ```\n* [Authentication](api/auth.md)\n";
    let built = build_tmp(site_with(&[
        ("SUMMARY.md", summary),
        ("README.md", "# Home\n"),
        ("api/README.md", "# API reference\n"),
        ("api/auth.md", "# Authentication\n"),
    ]));
    built.assert_no_errors();
    let generated = built.with_code("summary-generated");
    assert_eq!(generated.len(), 1, "{}", list(&generated));
    assert_eq!(generated[0].location.as_ref().map(|l| l.line), Some(8));
    let nav = built.file("nav.json");
    assert!(!nav.contains("builtin"), "{nav}");
    let home = built.page("");
    let sidebar = text(select_one(&home, "nav.sidebar"));
    assert!(!sidebar.contains("type:"), "{sidebar}");
    assert!(sidebar.contains("Authentication"), "{sidebar}");
}

#[test]
fn srcset_urls_with_spaces_resolve_like_any_url() {
    let page = "# Icons\n\n<picture><source srcset=\"../.gitbook/assets/icon dark.png\" media=\"(prefers-color-scheme: dark)\"><img src=\"../.gitbook/assets/icon light.png\" alt=\"\"></picture>\n";
    let built = build_tmp(site_with(&[
        ("README.md", "# Home\n"),
        ("guide/icons.md", page),
        (".gitbook/assets/icon dark.png", "png"),
        (".gitbook/assets/icon light.png", "png"),
    ]));
    built.assert_no_errors();
    let broken = built.with_code("broken-link");
    assert!(broken.is_empty(), "{}", list(&broken));
    let html = built.page("guide/icons/");
    assert_eq!(
        attr(select_one(&html, "source"), "srcset"),
        "../../.gitbook/assets/icon%20dark.png"
    );
}

#[test]
fn details_tabs_and_footnotes_have_the_anchors_gitbook_gives_them() {
    let page = "# Options\n\n## Linux\n\nSee [advanced](#advanced-options), [the tab](#linux-1) and the note[^1].\n\n<details>\n\n<summary>Advanced options</summary>\n\nHidden.\n\n</details>\n\n{% tabs %}\n{% tab title=\"Linux\" %}\nA\n{% endtab %}\n{% tab title=\"Windows\" %}\nB\n{% endtab %}\n{% endtabs %}\n\n## 1\n\n[^1]: The note.\n\n[back](#user-content-fn-1) [win](#windows)\n";
    let built = build_tmp(site_with(&[
        ("README.md", "# Home\n"),
        ("options.md", page),
    ]));
    built.assert_no_errors();
    let missing = built.with_code("missing-anchor");
    assert!(missing.is_empty(), "{}", list(&missing));
    let html = built.page("options/");
    assert_eq!(attr(select_one(&html, "summary"), "id"), "advanced-options");
    let tabs: Vec<&str> = select(&html, ".tab-panel")
        .into_iter()
        .map(|t| attr(t, "id"))
        .collect();
    assert_eq!(tabs, ["linux-1", "windows"]);
    assert_eq!(
        attr(select_one(&html, ".footnote-definition"), "id"),
        "user-content-fn-1"
    );
    assert_eq!(
        attr(select_one(&html, ".footnote-reference a"), "href"),
        "#user-content-fn-1"
    );
    // The heading `1` is not shadowed by the footnote labelled 1.
    assert_eq!(select(&html, "[id='1']").len(), 0);
    assert_eq!(select(&html, "#id-1").len(), 1);
}

#[test]
fn shortcodes_become_emoji_and_icons_show_no_names() {
    let page = "# Launch\n\n## :rocket: Ready\n\nShip it :tada: but keep `:tada:` in code and 10:30:00 as is.\n\n| Feature | On |\n| --- | --- |\n| Sync | <i class=\"fa-check\">check</i> |\n| Plugins | <i class=\"fa-puzzle-piece\">:puzzle-piece:</i> |\n\n<table><tr><td><i class=\"fa-rocket\">:rocket:</i> Fast</td></tr></table>\n";
    let built = build_tmp(site_with(&[("README.md", "# Home\n"), ("launch.md", page)]));
    built.assert_no_errors();
    let html = built.page("launch/");
    let content = text(select_one(&html, ".content"));
    assert!(content.contains("🚀 Ready"), "{content}");
    assert!(content.contains("Ship it 🎉"), "{content}");
    assert!(content.contains(":tada: in code"), "{content}");
    assert!(content.contains("10:30:00"), "{content}");
    assert!(!content.contains("puzzle-piece"), "{content}");
    assert!(!content.contains(":rocket:"), "{content}");
    assert!(content.contains("✔"), "{content}");
    assert!(content.contains("🚀 Fast"), "{content}");
    assert_eq!(attr(select_one(&html, "main h2"), "id"), "ready");
}

#[test]
fn card_cells_holding_links_to_pages_show_the_pages_titles() {
    let cards = "# Start\n\n<table data-view=\"cards\"><thead><tr><th></th><th data-type=\"content-ref\"></th><th data-hidden data-card-target data-type=\"content-ref\"></th></tr></thead><tbody><tr><td><strong>Metadata</strong></td><td><a href=\"row-metadata.md\">row-metadata.md</a></td><td><a href=\"row-metadata.md\">row-metadata.md</a></td></tr><tr><td>Editor</td><td><a data-mention href=\"editor/\">editor</a></td><td></td></tr></tbody></table>\n";
    let built = build_tmp(site_with(&[
        ("README.md", cards),
        ("row-metadata.md", "# Row metadata explained\n"),
        ("editor/README.md", "# The editor\n"),
    ]));
    built.assert_no_errors();
    let html = built.page("");
    let cells: Vec<String> = select(&html, ".card-cell").into_iter().map(text).collect();
    assert_eq!(
        cells,
        ["Metadata", "Row metadata explained", "Editor", "The editor"]
    );
    let links: Vec<&str> = select(&html, ".card-cell a")
        .into_iter()
        .map(|a| attr(a, "href"))
        .collect();
    assert_eq!(links, ["row-metadata/", "editor/"]);
}

#[test]
fn video_embeds_are_players_loaded_only_on_a_click() {
    let built = build_tmp(site_with(&[
        ("README.md", "# Home\n"),
        (
            "videos.md",
            "# Videos\n\n{% embed url=\"https://www.youtube.com/watch?v=dQw4w9WgXcQ\" %}\nThe demo\n{% endembed %}\n\n{% embed url=\"https://github.com/o/r\" %}\n",
        ),
    ]));
    built.assert_no_errors();
    let html = built.page("videos/");
    let players = select(&html, ".embed-player");
    assert_eq!(players.len(), 1, "only the video is a player");
    assert_eq!(
        attr(players[0], "data-player"),
        "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1"
    );
    assert_eq!(attr(players[0], "data-play"), "Play the video");
    assert!(
        select(&html, "iframe").is_empty(),
        "nothing is loaded from the host before a click"
    );
    // Without the script, the link card still leads to the video.
    assert_eq!(
        attr(select_one(&html, ".embed-player .embed-card"), "href"),
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
    );
}

#[test]
fn layout_cover_visibility_is_honoured_and_docs_yaml_is_not_published() {
    let page = "---\ncover: .gitbook/assets/hero.png\nlayout:\n  cover:\n    visible: false\n  title:\n    visible: false\n---\n# Home\n";
    let built = build_tmp(site_with(&[
        (
            "docs.yaml",
            "site:\n  structure:\n    - type: space\n      path: guide\n      default: true\n      content:\n        directory: ./guide\n",
        ),
        ("guide/README.md", page),
        ("guide/.gitbook/assets/hero.png", "png"),
    ]));
    built.assert_no_errors();
    let home = built.page("");
    assert!(select(&home, ".page-cover").is_empty());
    assert_eq!(
        attr(select_one(&home, ".page-header"), "class"),
        "page-header visually-hidden"
    );
    assert!(!built.exists("docs.yaml"));
}

#[test]
fn links_written_from_the_repositorys_top_and_lost_card_targets() {
    let built = build_tmp(site_with(&[
        (".gitbook.yaml", "root: ./docs/\n"),
        (
            "docs/SUMMARY.md",
            "* [Home](README.md)\n* [Utilities](troubleshooting/utilities.md)\n",
        ),
        (
            "docs/README.md",
            "# Home\n\n[utilities](/docs/troubleshooting/utilities.md#headers)\n\n<table data-view=\"cards\"><thead><tr><th></th><th data-hidden data-card-target data-type=\"content-ref\"></th></tr></thead><tbody><tr><td>Lost</td><td><a href=\"/broken/pages/b29aoPwtKZKkAO7zajgr\">x</a></td></tr></tbody></table>\n",
        ),
        (
            "docs/troubleshooting/utilities.md",
            "# Utilities\n\n## Headers\n",
        ),
    ]));
    built.assert_no_errors();
    let home = built.page("");
    assert_eq!(
        link_href(&home, "utilities"),
        "troubleshooting/utilities/#headers"
    );
    assert!(select(&home, ".card-link").is_empty());
    assert!(!home.html().contains("/broken/"));
    assert_eq!(built.with_code("broken-link").len(), 1);
}

#[test]
fn page_links_with_a_slash_after_md_or_a_readme_in_another_case_resolve() {
    let built = build_tmp(site_with(&[
        (
            "README.md",
            "# Home\n\n[a](ops/customers.md/#classification) [b](ops/readme.md#top-x)\n",
        ),
        ("ops/README.md", "# Ops\n\n## Top x\n"),
        ("ops/customers.md", "# Customers\n\n## Classification\n"),
    ]));
    built.assert_no_errors();
    let broken = built.with_code("broken-link");
    assert!(broken.is_empty(), "{}", list(&broken));
    let home = built.page("");
    assert_eq!(link_href(&home, "a"), "ops/customers/#classification");
    assert_eq!(link_href(&home, "b"), "ops/#top-x");
}

#[test]
fn links_from_the_root_of_a_nested_space_resolve_in_that_space() {
    let built = build_tmp(site_with(&[
        ("README.md", "# Home\n"),
        (
            "docs/SUMMARY.md",
            "* [Intro](README.md)\n* [SDK](developers/sdk.md)\n* [API](developers/api/README.md)\n",
        ),
        ("docs/README.md", "# Intro\n"),
        (
            "docs/developers/sdk.md",
            "# SDK\n\n[api](/developers/api#querying) [api file](/developers/api/README.md) [home](/)\n",
        ),
        ("docs/developers/api/README.md", "# API\n\n## Querying\n"),
    ]));
    built.assert_no_errors();
    let broken = built.with_code("broken-link");
    assert!(broken.is_empty(), "{}", list(&broken));
    let sdk = built.page("docs/developers/sdk/");
    assert_eq!(link_href(&sdk, "api"), "../api/#querying");
    assert_eq!(link_href(&sdk, "api file"), "../api/");
}

#[test]
fn links_to_unpublished_pages_are_text_not_dead_links() {
    let built = build_tmp(site_with(&[
        ("SUMMARY.md", "* [Home](README.md)\n"),
        (
            "README.md",
            "# Home\n\n[references](README-REFERENCES.md) and [draft](draft.md \"mention\")\n",
        ),
        ("README-REFERENCES.md", "# References\n"),
        ("draft.md", "# Draft\n"),
    ]));
    built.assert_no_errors();
    assert_eq!(built.with_code("link-to-unpublished").len(), 2);
    let home = built.page("");
    assert!(select(&home, ".content a[href]").is_empty());
    let content = text(select_one(&home, ".content"));
    assert!(content.contains("references and draft"), "{content}");
}
