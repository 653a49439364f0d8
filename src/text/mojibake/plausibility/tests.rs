//! The costs of readings, on the patterns mojibake and real text make.

use super::info::info_uncached;
use super::pairs::{PAIRS, pair_class, pair_costs};
use super::*;

fn score(original: &str, repaired: &str, before: &str, after: &str) -> i32 {
    let text = format!("{before}{original}{after}");
    let file = FileTraits::of(&text, &super::super::candidates::candidates(&text));
    let around = Around::of(&text, before.len(), before.len() + original.len());
    let all = file.scripts();
    cost(original.chars(), Reading::AsItStands, &around, &file).with_scripts(all)
        - cost(repaired.chars(), Reading::Repaired, &around, &file).with_scripts(all)
}

#[test]
fn the_table_agrees_with_the_function() {
    for c in (0..=0x10FFFF).filter_map(char::from_u32) {
        assert_eq!(info(c), info_uncached(c), "{c:?}");
    }
}

#[test]
fn the_pair_table_agrees_with_the_function() {
    let samples: Vec<Info> = (0..0x3000).filter_map(char::from_u32).map(info).collect();
    for a in samples.iter().step_by(7) {
        for b in samples.iter().step_by(11) {
            let table = i32::from(PAIRS[usize::from(pair_class(*a))][usize::from(pair_class(*b))]);
            assert_eq!(table, pair_costs(*a, *b), "{a:?} {b:?}");
        }
    }
}

#[test]
fn the_lower_bound_is_never_above_the_cost() {
    let samples = [
        "Ã©",
        "â€™",
        "Ã\u{a0}",
        "Â°",
        "├┤",
        "ÐŸÑ€Ð¸",
        "Ì¶",
        "¬´",
        "í\u{a0}½í¸\u{8d}",
        "Ã’",
        "\u{a0}»",
        "«\u{a0}",
        "ĆØ",
        "Рѕї",
        "РґРѕСЂРѕРіРµ",
        "Г",
        "ë…”",
    ];
    let contexts = ["", "a", "ab", " ", "\u{a0}", "«", "’s ", "É", "é", "1", "»"];
    for file in [
        FileTraits::default(),
        FileTraits {
            scripts: 1,
            box_drawing: true,
            languages: 1,
            damaged: true,
        },
    ] {
        for run in samples {
            for before in contexts {
                for after in contexts {
                    let text = format!("{before}{run}{after}");
                    let around = Around::of(&text, before.len(), before.len() + run.len());
                    let full = cost(run.chars(), Reading::AsItStands, &around, &file);
                    let least = cost_at_least(run, &file);
                    assert!(
                        least.with_scripts(file.scripts) <= full.with_scripts(file.scripts),
                        "{before:?} {run:?} {after:?}"
                    );
                }
            }
        }
    }
}

#[test]
fn mojibake_costs_more_than_its_repair() {
    assert!(score("Ã©", "é", "h", "bergement") > 40);
    assert!(score("â€™", "’", "l", "équipe") > 40);
}
