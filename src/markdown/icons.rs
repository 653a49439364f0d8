//! GitBook's icons (`<i class="fa-rocket">:rocket:</i>`): Font Awesome names, whose text is only
//! the name again. A static site without an icon font shows the emoji of that name when GitHub's
//! table (the `emojis` crate) has one, and nothing otherwise, rather than the name as text.

/// Font Awesome names whose emoji GitHub's table knows under another name.
const ALIASES: &[(&str, &str)] = &[
    ("check", "heavy_check_mark"),
    ("circle-check", "white_check_mark"),
    ("square-check", "white_check_mark"),
    ("xmark", "x"),
    ("circle-xmark", "x"),
    ("triangle-exclamation", "warning"),
    ("circle-exclamation", "exclamation"),
    ("circle-info", "information_source"),
    ("info-circle", "information_source"),
    ("circle-question", "question"),
    ("thumbs-up", "+1"),
    ("thumbs-down", "-1"),
    ("lightbulb", "bulb"),
    ("book-open", "open_book"),
];

/// The icon name of a `class` attribute (`fa-rocket`, `fa-solid fa-rocket`), if it is one.
pub fn font_awesome_name(class: &str) -> Option<&str> {
    class
        .split_whitespace()
        .filter_map(|c| c.strip_prefix("fa-"))
        .find(|name| {
            !matches!(
                *name,
                "solid" | "regular" | "light" | "thin" | "duotone" | "brands"
            )
        })
}

/// The markup of the icon `name`: its emoji (hidden from screen readers, as decoration), or
/// nothing.
pub fn icon_html(name: &str) -> String {
    let alias = ALIASES
        .iter()
        .find(|(fa, _)| *fa == name)
        .map(|(_, gemoji)| *gemoji);
    let emoji = alias
        .or(Some(name))
        .and_then(emojis::get_by_shortcode)
        .or_else(|| emojis::get_by_shortcode(&name.replace('-', "_")));
    match emoji {
        Some(emoji) => format!(
            "<span class=\"icon\" aria-hidden=\"true\">{}</span>",
            emoji.as_str()
        ),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn icons_become_emoji_or_nothing() {
        assert_eq!(font_awesome_name("fa-rocket"), Some("rocket"));
        assert_eq!(font_awesome_name("fa-solid fa-check"), Some("check"));
        assert_eq!(font_awesome_name("note"), None);
        assert!(icon_html("rocket").contains('🚀'));
        assert!(icon_html("check").contains('✔'));
        assert!(icon_html("x").contains('❌'));
        assert_eq!(icon_html("puzzle-piece"), "");
        assert_eq!(icon_html("gitbook-assistant"), "");
    }
}
