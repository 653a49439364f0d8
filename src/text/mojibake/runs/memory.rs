//! Judgements remembered across the files one thread decodes.
//!
//! A build decodes its pages one by one, and the damaged pages of one site were damaged the
//! same way: the same runs between the same neighbours, in files with the same traits. A
//! judgement depends on the run, its neighbours and the file's traits alone, so what one file
//! judged holds in the next one with the same traits; weighing both readings of a run is the
//! costliest part of the scan, and a page of 13 KB judged afresh paid for it again.
//!
//! Each thread keeps its own memory (pages are decoded in parallel; no lock on the hot path):
//! a [`Judge`](super::Judge) takes the judgements for its file's traits when it is made and
//! gives them back, with what it added, when it is dropped. The memory is bounded: a few
//! traits, a limited number of judgements each. The keys a judgement is remembered by are
//! here too: what it depends on.

use std::cell::RefCell;

use super::*;

/// The judgements of one file's runs: runs of one window by their 53-bit key, others by
/// their whole key.
#[derive(Default)]
pub(super) struct Judgements {
    pub(super) windows: rustc_hash::FxHashMap<u64, Option<Judged>>,
    pub(super) runs: rustc_hash::FxHashMap<JudgeKey, Option<Judged>>,
}

impl Judgements {
    fn len(&self) -> usize {
        self.windows.len() + self.runs.len()
    }
}

/// How many sets of file traits a thread remembers judgements for (a site has few: its
/// languages, damaged or not).
const TRAITS_KEPT: usize = 8;

/// How many judgements are kept for one set of traits: a few MB at most per thread. A set
/// that grows past it (a corpus of ever new runs) is started again.
const JUDGEMENTS_KEPT: usize = 1 << 16;

thread_local! {
    /// The judgements by file traits, the most recently used last.
    static MEMORY: RefCell<Vec<(FileTraits, Judgements)>> = const { RefCell::new(Vec::new()) };
}

/// The judgements this thread remembers for files with `traits` (none yet: empty).
pub(super) fn take(traits: &FileTraits) -> Judgements {
    MEMORY
        .try_with(|memory| {
            let mut memory = memory.borrow_mut();
            memory
                .iter()
                .position(|(kept, _)| kept == traits)
                .map(|at| memory.swap_remove(at).1)
        })
        .ok()
        .flatten()
        .unwrap_or_default()
}

/// Gives `judgements` back to this thread's memory for files with `traits`. When a judge of
/// the same traits gave some back meanwhile (two judges at once), the larger set is kept.
pub(super) fn give_back(traits: FileTraits, mut judgements: Judgements) {
    if judgements.len() > JUDGEMENTS_KEPT {
        judgements = Judgements::default();
    }
    // During thread teardown the memory may be gone: the judgements are then dropped.
    let _ = MEMORY.try_with(|memory| {
        let Ok(mut memory) = memory.try_borrow_mut() else {
            return;
        };
        if let Some(at) = memory.iter().position(|(kept, _)| *kept == traits) {
            let (_, kept) = memory.remove(at);
            if kept.len() > judgements.len() {
                judgements = kept;
            }
        } else if memory.len() >= TRAITS_KEPT {
            memory.remove(0);
        }
        memory.push((traits, judgements));
    });
}

/// A run of one window without a lost byte, between ASCII neighbours (or none), in 53 bits:
/// the page, the character it decodes to (which, with the page, gives its characters), and its
/// four neighbours, ASCII letters by case but for the few an apostrophe's contraction reads.
pub(super) fn one_window_key(
    text: &str,
    page: &CodePage,
    windows: &[Resolved],
    range: &Range<usize>,
) -> Option<u64> {
    let [window] = windows else {
        return None;
    };
    if !window.exact || window.lost_nbsp {
        return None;
    }
    let bytes = text.as_bytes();
    let ascii_at = |at: Option<usize>| -> Option<u64> {
        let Some(at) = at else {
            return Some(0);
        };
        let b = *bytes.get(at)?;
        if !b.is_ascii() {
            return None;
        }
        Some(u64::from(match b {
            b's' | b't' | b'd' | b'm' => b,
            b'a'..=b'z' => b'a',
            b'A'..=b'Z' => b'A',
            // A byte of 0x80 or more is no neighbour: the end of the text reads as 0.
            _ => b,
        }))
    };
    let before = |n: usize| range.start.checked_sub(n).filter(|_| range.start >= n);
    let after = |n: usize| Some(range.end + n - 1).filter(|at| *at < bytes.len());
    let neighbours = [
        ascii_at(before(2).filter(|_| before(1).is_some()))?,
        ascii_at(before(1))?,
        ascii_at(after(1))?,
        ascii_at(after(2).filter(|_| after(1).is_some()))?,
    ];
    let mut key = u64::try_from(page.index).ok()? | (u64::from(window.chosen) << 4);
    for (i, n) in neighbours.into_iter().enumerate() {
        key |= n << (25 + 7 * i);
    }
    Some(key)
}

/// What a run's judgement depends on: the page, its characters and what they decode to, and
/// its neighbours (any small ASCII letter but the few an apostrophe's contraction reads is as
/// good as another, and so is any ASCII capital).
#[derive(Clone, Copy)]
pub(super) struct JudgeKey {
    page: u8,
    len: u8,
    items: [u32; JUDGE_KEY_ITEMS],
}

impl JudgeKey {
    /// The items in use.
    pub(super) fn items(&self) -> &[u32] {
        &self.items[..usize::from(self.len)]
    }
}

impl PartialEq for JudgeKey {
    fn eq(&self, other: &Self) -> bool {
        self.page == other.page && self.items() == other.items()
    }
}

impl Eq for JudgeKey {}

impl std::hash::Hash for JudgeKey {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.page.hash(state);
        self.items().hash(state);
    }
}

/// The longest run (characters and repairs, with the four neighbours) whose judgement is kept.
pub(super) const JUDGE_KEY_ITEMS: usize = 40;

impl JudgeKey {
    pub(super) fn of(
        text: &str,
        page: &CodePage,
        windows: &[Resolved],
        range: &Range<usize>,
    ) -> Option<Self> {
        let around = Around::of(text, range.start, range.end);
        let neighbours = [
            around.before[1],
            around.before[0],
            around.after[0],
            around.after[1],
        ];
        let class = |c: Option<char>| match c {
            None => 0,
            Some('s' | 't' | 'd' | 'm') => u32::from(c.unwrap_or(' ')),
            Some(c) if c.is_ascii_lowercase() => u32::from('a'),
            Some(c) if c.is_ascii_uppercase() => u32::from('A'),
            Some(c) => u32::from(c),
        };
        let page = u8::try_from(page.index).ok()?;
        let mut key = JudgeKey {
            page,
            len: 0,
            items: [0; JUDGE_KEY_ITEMS],
        };
        let mut push = |item: u32| -> Option<()> {
            *key.items.get_mut(usize::from(key.len))? = item;
            key.len += 1;
            Some(())
        };
        push(class(neighbours[0]))?;
        push(class(neighbours[1]))?;
        for c in text[range.clone()].chars() {
            push(u32::from(c))?;
        }
        push(u32::MAX)?;
        for window in windows {
            push(
                u32::from(window.chosen)
                    | (u32::from(window.lost_nbsp) << 24)
                    | (u32::from(!window.exact) << 25),
            )?;
        }
        push(u32::MAX)?;
        push(class(neighbours[2]))?;
        push(class(neighbours[3]))?;
        Some(key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::fix_bytes;

    fn traits(languages: u64) -> FileTraits {
        FileTraits {
            languages,
            ..FileTraits::default()
        }
    }

    fn one_judgement() -> Judgements {
        let mut judgements = Judgements::default();
        judgements.windows.insert(7, None);
        judgements
    }

    #[test]
    fn judgements_pass_to_the_next_file_with_the_same_traits_only() {
        std::thread::spawn(|| {
            give_back(traits(1), one_judgement());
            assert_eq!(take(&traits(2)).len(), 0);
            let taken = take(&traits(1));
            assert!(taken.windows.contains_key(&7));
            // Taken: a second judge of the same traits at the same time starts empty.
            assert_eq!(take(&traits(1)).len(), 0);
        })
        .join()
        .expect("the test thread does not panic");
    }

    #[test]
    fn memory_is_bounded() {
        std::thread::spawn(|| {
            for languages in 0..=TRAITS_KEPT as u64 {
                give_back(traits(languages), one_judgement());
            }
            // The oldest traits were let go.
            assert_eq!(take(&traits(0)).len(), 0);
            assert_eq!(take(&traits(TRAITS_KEPT as u64)).len(), 1);
            let mut many = Judgements::default();
            many.windows
                .extend((0..=JUDGEMENTS_KEPT as u64).map(|k| (k, None)));
            give_back(traits(99), many);
            assert_eq!(take(&traits(99)).len(), 0);
        })
        .join()
        .expect("the test thread does not panic");
    }

    /// What one file judged changes nothing in the next: a page decoded after others comes
    /// out as it does on a thread that decoded nothing before.
    #[test]
    fn remembered_judgements_change_no_result() {
        let pages = [
            "Le dÃ©ploiement est terminÃ© Ã  lâ€™heure.\n",
            "Il gÃ¨re lâ€™Ã©tat « terminé » et la sÃ©curitÃ©.\n",
            "SELKÄ\u{a0}EDELLÄ\u{a0}MAAHAN, and Ã© quoted.\n",
            "Ð ÑƒÑ\u{fffd}Ñ\u{fffd}ÐºÐ¸Ð¹ and lâ€™Ã©tÃ©\n",
        ];
        let alone: Vec<_> = pages
            .iter()
            .map(|page| {
                let page = page.to_string();
                std::thread::spawn(move || fix_bytes(page.as_bytes()))
                    .join()
                    .expect("the test thread does not panic")
            })
            .collect();
        std::thread::spawn(move || {
            for _ in 0..2 {
                for (page, alone) in pages.iter().zip(&alone) {
                    assert_eq!(&fix_bytes(page.as_bytes()), alone, "{page}");
                }
            }
        })
        .join()
        .expect("the test thread does not panic");
    }
}
