//! The theme's own words, in the site's language.
//!
//! A French guide should not say "Skip to content". Templates read these as `t.<key>`; a site
//! theme can override any template to word things differently.

use std::collections::BTreeMap;

const FRENCH: &[(&str, &str)] = &[
    ("skip_to_content", "Aller au contenu"),
    ("menu", "Menu"),
    ("site_navigation", "Navigation du site"),
    ("breadcrumbs", "Fil d’Ariane"),
    ("pagination", "Page précédente et page suivante"),
    ("previous", "Précédent"),
    ("next", "Suivant"),
    ("on_this_page", "Sur cette page"),
    ("built_with", "construit avec carnet"),
    ("home", "Accueil"),
    ("not_found_title", "Page introuvable"),
    (
        "not_found_text",
        "Cette page n’existe pas, ou elle a été déplacée.",
    ),
    ("back_home", "Retour à l’accueil"),
];

const ENGLISH: &[(&str, &str)] = &[
    ("skip_to_content", "Skip to content"),
    ("menu", "Menu"),
    ("site_navigation", "Site navigation"),
    ("breadcrumbs", "Breadcrumbs"),
    ("pagination", "Previous and next page"),
    ("previous", "Previous"),
    ("next", "Next"),
    ("on_this_page", "On this page"),
    ("built_with", "built with carnet"),
    ("home", "Home"),
    ("not_found_title", "Page not found"),
    (
        "not_found_text",
        "This page does not exist, or it has moved.",
    ),
    ("back_home", "Back to the home page"),
];

/// The strings for `language` (a BCP 47 tag such as `fr` or `fr-CA`); English for languages
/// the theme does not know yet.
pub fn theme_strings(language: &str) -> BTreeMap<&'static str, &'static str> {
    let primary = language
        .split(['-', '_'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    let table = if primary == "fr" { FRENCH } else { ENGLISH };
    table.iter().copied().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_languages_have_the_same_keys() {
        let fr: Vec<_> = theme_strings("fr").into_keys().collect();
        let en: Vec<_> = theme_strings("en").into_keys().collect();
        assert_eq!(fr, en);
        assert_eq!(theme_strings("fr-CA")["next"], "Suivant");
        assert_eq!(theme_strings("de")["next"], "Next");
    }
}
