//! Which languages write each letter: a word whose letters no single language writes together
//! (`ĆØ`, `ÃŸ`, `Рѕ…ї`) is mojibake far more often than a word.
//!
//! Each letter beyond ASCII maps to the set of languages whose alphabet has it, as a bit mask;
//! a word's letters together must leave at least one language. Letters without an entry
//! (ASCII, other scripts) belong to every language. The alphabets are those of the languages'
//! standard orthographies, with the letters that loanwords bring in often (`é` in Swedish
//! `idé`, `ç` in French).

use std::sync::LazyLock;

/// A set of languages, one bit each.
pub type Languages = u64;

/// Every language: letters without an entry.
pub const ANY: Languages = u64::MAX;

// Languages written in Latin script.
const FR: Languages = 1;
const DE: Languages = 1 << 1;
const ES: Languages = 1 << 2;
const PT: Languages = 1 << 3;
const IT: Languages = 1 << 4;
const CA: Languages = 1 << 5;
const NL: Languages = 1 << 6;
/// Danish and Norwegian.
const DA: Languages = 1 << 7;
const SV: Languages = 1 << 8;
const FI: Languages = 1 << 9;
const ET: Languages = 1 << 10;
/// Icelandic and Faroese.
const IS: Languages = 1 << 11;
const PL: Languages = 1 << 12;
const CS: Languages = 1 << 13;
const SK: Languages = 1 << 14;
const SL: Languages = 1 << 15;
/// Croatian, Bosnian, Serbian in Latin script.
const HR: Languages = 1 << 16;
const HU: Languages = 1 << 17;
const RO: Languages = 1 << 18;
/// Turkish and Azerbaijani.
const TR: Languages = 1 << 19;
const LV: Languages = 1 << 20;
const LT: Languages = 1 << 21;
const MT: Languages = 1 << 22;
const EO: Languages = 1 << 23;
const VI: Languages = 1 << 24;
/// Irish and Scottish Gaelic.
const GA: Languages = 1 << 25;
const CY: Languages = 1 << 26;
const SQ: Languages = 1 << 27;
// Languages written in Cyrillic script.
const RU: Languages = 1 << 32;
const UK: Languages = 1 << 33;
const BE: Languages = 1 << 34;
const BG: Languages = 1 << 35;
const SR: Languages = 1 << 36;
const MK: Languages = 1 << 37;
const KK: Languages = 1 << 38;

const CYRILLIC: Languages = RU | UK | BE | BG | SR | MK | KK;

/// The bits of the languages written in Latin script, and of those written in Cyrillic.
pub const LATIN_LANGUAGES: Languages = 0xFFFF_FFFF;
pub const CYRILLIC_LANGUAGES: Languages = !LATIN_LANGUAGES;

/// Characters below this have their languages in [`TABLE`].
const TABLE_END: u32 = 0x500;

/// The languages of every character below [`TABLE_END`], worked out once by
/// [`languages_uncached`]: scoring asks for them for every letter of every run.
static TABLE: LazyLock<Box<[Languages]>> = LazyLock::new(|| {
    (0..TABLE_END)
        .map(|code| char::from_u32(code).map_or(ANY, languages_uncached))
        .collect()
});

/// The languages that write `c` (lower or upper case alike); [`ANY`] for letters this table
/// does not know.
#[inline]
pub fn languages(c: char) -> Languages {
    TABLE
        .get(c as usize)
        .copied()
        .unwrap_or_else(|| languages_uncached(c))
}

fn languages_uncached(c: char) -> Languages {
    // Beyond the table, only Vietnamese letters have an entry.
    if c.is_ascii() || (c as u32 >= TABLE_END && !('\u{1EA0}'..='\u{1EF9}').contains(&c)) {
        return ANY;
    }
    let lower = if c.is_uppercase() {
        c.to_lowercase().next().unwrap_or(c)
    } else {
        c
    };
    match lower {
        'à' => FR | PT | IT | CA | VI | GA,
        'á' => ES | PT | CA | IS | CS | SK | HU | VI | GA | IT,
        'â' => FR | PT | RO | TR | VI | CY,
        'ã' => PT | VI,
        'ä' => DE | SV | FI | ET | SK,
        'å' => DA | SV | FI,
        'æ' => DA | IS | FR,
        'ç' => FR | PT | CA | TR | SQ | ES,
        'è' => FR | IT | CA | VI | GA,
        'é' => FR | ES | PT | IT | CA | NL | HU | CS | SK | IS | VI | GA | DA | SV,
        'ê' => FR | PT | VI | CY | NL,
        'ë' => FR | NL | SQ | CY | DE,
        'ì' => IT | VI | GA,
        'í' => ES | PT | CA | IS | CS | SK | HU | VI | GA | IT,
        'î' => FR | RO | CY | IT,
        'ï' => FR | NL | CA | CY,
        'ð' => IS,
        'ñ' => ES,
        'ò' => IT | CA | VI | GA,
        'ó' => ES | PT | CA | PL | CS | SK | HU | IS | VI | GA | IT,
        'ô' => FR | PT | SK | VI | CY,
        'õ' => PT | ET | VI,
        'ö' => DE | SV | FI | ET | HU | TR | IS,
        'ø' => DA,
        'ù' => FR | IT | VI | GA,
        'ú' => ES | PT | CA | CS | SK | HU | IS | VI | GA | IT,
        'û' => FR | TR | CY,
        'ü' => DE | ES | HU | TR | ET | CA,
        'ý' => CS | SK | IS | VI,
        'þ' => IS,
        'ÿ' => FR,
        'ß' => DE,
        'ā' | 'ē' | 'ī' | 'ū' => LV | LT,
        'ă' => RO | VI,
        'ą' | 'ę' => PL | LT,
        'ć' => PL | HR,
        'č' | 'ž' | 'š' => CS | SK | SL | HR | LV | LT | ET | FI,
        'ď' | 'ť' | 'ň' => CS | SK,
        'đ' => HR | VI,
        'ė' | 'į' | 'ų' => LT,
        'ě' | 'ř' | 'ů' => CS,
        'ğ' | 'ı' | 'ş' => TR | RO,
        'ģ' | 'ķ' | 'ļ' | 'ņ' => LV,
        'ĩ' | 'ũ' | 'ơ' | 'ư' => VI,
        'ĺ' | 'ľ' | 'ŕ' => SK,
        'ł' | 'ń' | 'ś' | 'ź' => PL,
        'ż' => PL | MT,
        'ő' | 'ű' => HU,
        'œ' => FR,
        'ţ' | 'ș' | 'ț' => RO,
        'ċ' | 'ġ' | 'ħ' => MT,
        'ĉ' | 'ĝ' | 'ĥ' | 'ĵ' | 'ŝ' | 'ŭ' => EO,
        'ŵ' | 'ŷ' => CY,
        '\u{1EA0}'..='\u{1EF9}' => VI,
        // Cyrillic.
        'а' | 'б' | 'в' | 'г' | 'д' | 'е' | 'ж' | 'з' | 'к' | 'л' | 'м' | 'н' | 'о' | 'п' | 'р'
        | 'с' | 'т' | 'у' | 'ф' | 'х' | 'ц' | 'ч' | 'ш' => CYRILLIC,
        'и' => CYRILLIC & !BE,
        'й' | 'ь' | 'ю' | 'я' => RU | UK | BE | BG | KK,
        'щ' => RU | UK | BG | KK,
        'ъ' => RU | BG | KK,
        'ы' | 'э' | 'ё' => RU | BE | KK,
        'і' => UK | BE | KK,
        'ї' | 'є' | 'ґ' => UK,
        'ў' => BE,
        'ђ' | 'ћ' => SR,
        'џ' | 'љ' | 'њ' | 'ј' => SR | MK,
        'ѓ' | 'ќ' | 'ѕ' => MK,
        'ѝ' => BG,
        'ә' | 'ғ' | 'қ' | 'ң' | 'ө' | 'ұ' | 'ү' | 'һ' => KK,
        _ => ANY,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one_language(word: &str) -> bool {
        word.chars().fold(ANY, |mask, c| mask & languages(c)) != 0
    }

    #[test]
    fn words_of_one_language_pass() {
        for word in [
            "Möglichkeit",
            "Straße",
            "équipe",
            "Čeština",
            "Dråber",
            "şeker",
            "știință",
            "привет",
            "їжак",
            "Ђорђе",
            "Tiếng",
        ] {
            assert!(one_language(word), "{word}");
        }
    }

    #[test]
    fn the_table_agrees_with_the_function() {
        for c in (0..TABLE_END).filter_map(char::from_u32) {
            assert_eq!(languages(c), languages_uncached(c), "{c:?}");
        }
    }

    #[test]
    fn letters_no_language_writes_together_fail() {
        for word in ["ĆØ", "ÃŸ", "ZURÃœCK", "Ãš", "Рѕї", "ñø"] {
            assert!(!one_language(word), "{word}");
        }
    }
}
