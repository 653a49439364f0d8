//! carnet's own words, in the site's language: the theme's (templates read them as `t.<key>`)
//! and those of rendered blocks (hint labels, "page not available"…).
//!
//! A French guide should not say "Skip to content". A site theme can override any template to word
//! things differently.

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
    ("hint_info", "Information"),
    ("hint_success", "Succès"),
    ("hint_warning", "Avertissement"),
    ("hint_danger", "Danger"),
    ("alert_note", "Remarque"),
    ("alert_tip", "Astuce"),
    ("alert_important", "Important"),
    ("alert_warning", "Avertissement"),
    ("alert_caution", "Attention"),
    ("page_not_available", "page non disponible"),
    (
        "interactive_unavailable",
        "Contenu interactif non disponible dans cette version du site",
    ),
    (
        "remote_include",
        "Contenu partagé hébergé par GitBook, non disponible ici",
    ),
    ("api_name", "Nom"),
    ("api_in", "Emplacement"),
    ("api_type", "Type"),
    ("api_description", "Description"),
    ("api_required", "obligatoire"),
    ("api_spec", "Spécification"),
    ("adaptive_else", "Sinon :"),
    ("copy", "Copier"),
    ("play_video", "Lire la vidéo"),
    ("copied", "Copié"),
    ("copy_markdown", "Copier en Markdown"),
    ("copied_markdown", "Markdown de la page copié"),
    (
        "copy_markdown_failed",
        "Copie impossible : ouvrez la version Markdown",
    ),
    ("view_markdown", "Version Markdown"),
    ("theme_auto", "Thème : automatique"),
    ("theme_light", "Thème : clair"),
    ("theme_dark", "Thème : sombre"),
    ("search", "Rechercher"),
    ("search_placeholder", "Rechercher (/)"),
    ("search_count", "{n} résultat(s)"),
    ("search_none", "Aucun résultat"),
    ("search_error", "La recherche n’a pas pu être chargée"),
    ("nav_more", "… {n} de plus"),
    ("section_pages", "Dans cette section"),
    ("listing_pages", "Pages de la liste"),
    ("search_close", "Fermer la recherche"),
    ("last_updated", "Dernière mise à jour :"),
    ("edit_page", "Modifier cette page"),
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
    ("hint_info", "Info"),
    ("hint_success", "Success"),
    ("hint_warning", "Warning"),
    ("hint_danger", "Danger"),
    ("alert_note", "Note"),
    ("alert_tip", "Tip"),
    ("alert_important", "Important"),
    ("alert_warning", "Warning"),
    ("alert_caution", "Caution"),
    ("page_not_available", "page not available"),
    (
        "interactive_unavailable",
        "Interactive content, not available in this version of the site",
    ),
    (
        "remote_include",
        "Shared content hosted by GitBook, not available here",
    ),
    ("api_name", "Name"),
    ("api_in", "In"),
    ("api_type", "Type"),
    ("api_description", "Description"),
    ("api_required", "required"),
    ("api_spec", "Specification"),
    ("adaptive_else", "Otherwise:"),
    ("copy", "Copy"),
    ("play_video", "Play the video"),
    ("copied", "Copied"),
    ("copy_markdown", "Copy as Markdown"),
    ("copied_markdown", "The page's Markdown is copied"),
    (
        "copy_markdown_failed",
        "Could not copy: open the Markdown version",
    ),
    ("view_markdown", "View as Markdown"),
    ("theme_auto", "Theme: automatic"),
    ("theme_light", "Theme: light"),
    ("theme_dark", "Theme: dark"),
    ("search", "Search"),
    ("search_placeholder", "Search (/)"),
    ("search_count", "{n} result(s)"),
    ("search_none", "No results"),
    ("search_error", "Search could not be loaded"),
    ("nav_more", "… {n} more"),
    ("section_pages", "In this section"),
    ("listing_pages", "Pages of the list"),
    ("search_close", "Close search"),
    ("last_updated", "Last updated:"),
    ("edit_page", "Edit this page"),
];

/// The strings for `language` (a BCP 47 tag such as `fr` or `fr-CA`); English for languages
/// carnet does not know yet.
pub fn theme_strings(language: &str) -> BTreeMap<&'static str, &'static str> {
    table(language).iter().copied().collect()
}

/// A calendar date as the site's language writes it: `1 mai 2024`, `May 1, 2024`.
pub fn date(language: &str, year: i64, month: u32, day: u32) -> String {
    const FR: [&str; 12] = [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ];
    const EN: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let index = (month.clamp(1, 12) - 1) as usize;
    if std::ptr::eq(table(language), FRENCH) {
        let day = if day == 1 {
            "1er".to_string()
        } else {
            day.to_string()
        };
        format!("{day} {} {year}", FR[index])
    } else {
        format!("{} {day}, {year}", EN[index])
    }
}

/// One string for `language`; the key itself if it is missing (a bug, visible in the page).
pub fn word(language: &str, key: &'static str) -> &'static str {
    table(language)
        .iter()
        .find(|(k, _)| *k == key)
        .map_or(key, |(_, v)| *v)
}

fn table(language: &str) -> &'static [(&'static str, &'static str)] {
    let primary = language.split(['-', '_']).next().unwrap_or("");
    if primary.eq_ignore_ascii_case("fr") {
        FRENCH
    } else {
        ENGLISH
    }
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
