//! Oniguruma's pattern syntax read into a relaxed tree (see the module above for the rules).

use super::AtomSets;
use super::atoms::{Flags, ascii_set, literal_bits};

/// A relaxed regular expression, as a tree.
#[derive(Debug, Clone)]
pub(super) enum Node {
    /// Matches the empty string anywhere.
    Empty,
    /// One ASCII character from the set; `multi` widens it with the two- and three-letter
    /// strings case folding can make one character match. `ascii_only`: the atom matches no
    /// character outside ASCII either (a literal that case folding leaves alone, a plain
    /// class of such), so on any text a match holds one of `bits` there.
    Set {
        bits: u128,
        multi: bool,
        ascii_only: bool,
    },
    Concat(Vec<Node>),
    Alt(Vec<Node>),
    Repeat {
        node: Box<Node>,
        min: u32,
        max: Option<u32>,
        greedy: bool,
    },
    /// Any string (back references).
    AnyString,
    /// `\b` or `\B` (ASCII word boundaries: the text is ASCII).
    WordBoundary(bool),
    /// `^`: start of a line.
    LineStart,
    /// `$`: end of a line.
    LineEnd,
    /// `\A`
    TextStart,
    /// `\z`
    TextEnd,
    /// A positive lookahead: kept when nothing follows it in the pattern.
    Ahead(Box<Node>),
}

pub(super) struct Parser<'p> {
    pattern: &'p str,
    pos: usize,
    pub(super) sets: &'p AtomSets,
    /// The pattern uses `\G` (the search's start), so searches must still begin there.
    anchored_at_start: bool,
    /// Nothing was widened: on ASCII text the tree matches exactly what the pattern matches.
    pub(super) exact: bool,
}

type Parse<T> = Option<T>;

impl<'p> Parser<'p> {
    pub fn new(pattern: &'p str, sets: &'p AtomSets) -> Self {
        Parser {
            pattern,
            pos: 0,
            sets,
            anchored_at_start: false,
            exact: true,
        }
    }

    /// Whether the tree matches exactly what the pattern matches, on ASCII text.
    pub fn exact(&self) -> bool {
        self.exact
    }

    /// Whether the pattern uses `\\G`.
    pub fn anchored_at_start(&self) -> bool {
        self.anchored_at_start
    }

    /// Whether the whole pattern was read.
    pub fn at_end(&self) -> bool {
        self.pos == self.pattern.len()
    }

    fn peek(&self) -> Option<char> {
        self.pattern[self.pos..].chars().next()
    }

    fn peek_at(&self, offset: usize) -> Option<char> {
        self.pattern[self.pos..].chars().nth(offset)
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    fn eat(&mut self, s: &str) -> bool {
        if self.pattern[self.pos..].starts_with(s) {
            self.pos += s.len();
            true
        } else {
            false
        }
    }

    /// Skips what extended mode ignores: white space and `#` comments.
    fn skip_extended(&mut self, flags: Flags) {
        if !flags.has(b'x') {
            return;
        }
        loop {
            match self.peek() {
                Some(c) if c.is_ascii_whitespace() || c == '\u{b}' => {
                    self.bump();
                }
                Some('#') => {
                    while let Some(c) = self.bump() {
                        if c == '\n' {
                            break;
                        }
                    }
                }
                _ => return,
            }
        }
    }

    /// alternatives until `)` or the end; `flags` may be changed by `(?i)` inside.
    pub fn alternation(&mut self, mut flags: Flags, depth: u32) -> Parse<Node> {
        if depth > 200 {
            return None;
        }
        let mut branches = Vec::new();
        let mut items = Vec::new();
        loop {
            self.skip_extended(flags);
            match self.peek() {
                None | Some(')') => break,
                Some('|') => {
                    self.bump();
                    branches.push(Node::Concat(std::mem::take(&mut items)));
                }
                Some(_) => {
                    // `(?i)` alone: the rest of the enclosing group (all its alternatives)
                    // is one group with the new options, as Oniguruma reads it.
                    if let Some(new_flags) = self.isolated_options(flags)? {
                        flags = new_flags;
                        let rest = self.alternation(flags, depth + 1)?;
                        items.push(rest);
                        break;
                    }
                    let atom = self.atom(flags, depth)?;
                    let piece = self.quantifiers(atom, flags)?;
                    items.push(piece);
                }
            }
        }
        branches.push(Node::Concat(items));
        Some(if branches.len() == 1 {
            branches.pop().unwrap_or(Node::Empty)
        } else {
            Node::Alt(branches)
        })
    }

    /// `(?imx-imx)`: the new options, or `None` (inner) when the text is not that.
    fn isolated_options(&mut self, flags: Flags) -> Parse<Option<Flags>> {
        let rest = &self.pattern[self.pos..];
        if !rest.starts_with("(?") {
            return Some(None);
        }
        let body: String = rest[2..]
            .chars()
            .take_while(|c| c.is_ascii_alphabetic() || *c == '-')
            .collect();
        if body.is_empty() || !rest[2 + body.len()..].starts_with(')') {
            return Some(None);
        }
        let mut new_flags = flags;
        let mut on = true;
        for b in body.bytes() {
            if b == b'-' {
                on = false;
            } else {
                new_flags.set(b, on)?;
            }
        }
        self.pos += 2 + body.len() + 1;
        Some(Some(new_flags))
    }

    fn quantifiers(&mut self, mut node: Node, flags: Flags) -> Parse<Node> {
        loop {
            self.skip_extended(flags);
            let (min, max) = match self.peek() {
                Some('*') => {
                    self.bump();
                    (0, None)
                }
                Some('+') => {
                    self.bump();
                    (1, None)
                }
                Some('?') => {
                    self.bump();
                    (0, Some(1))
                }
                Some('{') => match self.interval() {
                    Some(bounds) => bounds,
                    None => return Some(node),
                },
                _ => return Some(node),
            };
            // Lazy forms are kept; possessive ones accept fewer matches than the greedy one.
            // After an interval, `?` and `+` are read as quantifiers of their own (a
            // superset, whichever way Oniguruma reads them).
            let mut greedy = true;
            if self.pattern[..self.pos].ends_with(['*', '+', '?']) {
                match self.peek() {
                    Some('?') => {
                        self.bump();
                        greedy = false;
                    }
                    Some('+') => {
                        self.bump();
                        self.exact = false;
                    }
                    _ => {}
                }
            } else if matches!(self.peek(), Some('?' | '+')) {
                self.exact = false;
            }
            node = Node::Repeat {
                node: Box::new(node),
                min,
                max,
                greedy,
            };
        }
    }

    /// `{n}`, `{n,}`, `{n,m}`, `{,m}`; anything else leaves `{` a literal.
    fn interval(&mut self) -> Option<(u32, Option<u32>)> {
        let rest = &self.pattern[self.pos..];
        let end = rest.find('}')?;
        let body = &rest[1..end];
        if body.is_empty() || !body.chars().all(|c| c.is_ascii_digit() || c == ',') {
            return None;
        }
        let (min, max) = match body.split_once(',') {
            None => {
                let n: u32 = body.parse().ok()?;
                (n, Some(n))
            }
            Some((lo, hi)) => {
                if hi.contains(',') {
                    return None;
                }
                let lo: u32 = if lo.is_empty() { 0 } else { lo.parse().ok()? };
                let hi: Option<u32> = if hi.is_empty() {
                    None
                } else {
                    Some(hi.parse().ok()?)
                };
                if lo == 0 && hi.is_none() && body == "," {
                    return None;
                }
                (lo, hi)
            }
        };
        if max.is_some_and(|m| m < min) {
            return None;
        }
        self.pos += end + 1;
        Some((min, max))
    }

    fn atom(&mut self, flags: Flags, depth: u32) -> Parse<Node> {
        let start = self.pos;
        match self.bump()? {
            '(' => self.group(flags, depth),
            '[' => {
                self.class_end()?;
                let text = &self.pattern[start..self.pos];
                let set = self.set_of(text, flags, true)?;
                Some(if plain_ascii_class(text) {
                    ascii_only(set, flags)
                } else {
                    set
                })
            }
            '\\' => self.escape(start, flags),
            '.' => self.set_of(".", flags, false),
            '^' => Some(Node::LineStart),
            '$' => Some(Node::LineEnd),
            c => {
                let text = &self.pattern[start..self.pos];
                if c.is_ascii() {
                    Some(literal(c as u8, flags))
                } else {
                    self.set_of(text, flags, true)
                }
            }
        }
    }

    fn group(&mut self, flags: Flags, depth: u32) -> Parse<Node> {
        enum Kind {
            Plain,
            Ahead,
            Skip,
        }
        let mut inner_flags = flags;
        let kind = if self.eat("?") {
            match self.peek()? {
                ':' => {
                    self.bump();
                    Kind::Plain
                }
                '=' => {
                    self.bump();
                    Kind::Ahead
                }
                '!' => {
                    self.bump();
                    Kind::Skip
                }
                '>' => {
                    // Atomic: fewer matches than the plain group.
                    self.bump();
                    self.exact = false;
                    Kind::Plain
                }
                '#' => {
                    // A comment: up to the next `)`.
                    let end = self.pattern[self.pos..].find(')')?;
                    self.pos += end + 1;
                    return Some(Node::Empty);
                }
                '<' => {
                    self.bump();
                    match self.peek()? {
                        '=' | '!' => {
                            self.bump();
                            Kind::Skip
                        }
                        _ => {
                            self.name_until('>')?;
                            Kind::Plain
                        }
                    }
                }
                '\'' => {
                    self.bump();
                    self.name_until('\'')?;
                    Kind::Plain
                }
                'P' if self.peek_at(1) == Some('<') => {
                    self.pos += 2;
                    self.name_until('>')?;
                    Kind::Plain
                }
                c if c.is_ascii_alphabetic() || c == '-' => {
                    let mut on = true;
                    loop {
                        match self.bump()? {
                            ':' => break,
                            '-' => on = false,
                            l if l.is_ascii_alphabetic() => inner_flags.set(l as u8, on)?,
                            _ => return None,
                        }
                    }
                    Kind::Plain
                }
                _ => return None,
            }
        } else if self.peek() == Some('*') {
            return None;
        } else {
            Kind::Plain
        };
        let inner = self.alternation(inner_flags, depth + 1)?;
        if self.bump()? != ')' {
            return None;
        }
        if !matches!(kind, Kind::Plain) {
            self.exact = false;
        }
        Some(match kind {
            Kind::Plain => inner,
            Kind::Ahead => Node::Ahead(Box::new(inner)),
            Kind::Skip => Node::Empty,
        })
    }

    fn name_until(&mut self, close: char) -> Parse<()> {
        loop {
            let c = self.bump()?;
            if c == close {
                return Some(());
            }
            if !(c.is_alphanumeric() || c == '_') {
                return None;
            }
        }
    }

    /// Moves past the end of a character class whose `[` was just read.
    fn class_end(&mut self) -> Parse<()> {
        let mut depth = 1;
        let mut first = true;
        if self.peek() == Some('^') {
            self.bump();
        }
        loop {
            let c = self.bump()?;
            match c {
                '\\' => {
                    self.bump()?;
                }
                '[' => {
                    if self.peek() == Some(':') {
                        // A POSIX bracket `[:alpha:]` (or `[:^alpha:]`).
                        let end = self.pattern[self.pos..].find(":]");
                        if let Some(end) = end {
                            let name = &self.pattern[self.pos + 1..self.pos + end];
                            if name
                                .trim_start_matches('^')
                                .chars()
                                .all(|c| c.is_ascii_alphabetic())
                            {
                                self.pos += end + 2;
                                first = false;
                                continue;
                            }
                        }
                    }
                    depth += 1;
                    if self.peek() == Some('^') {
                        self.bump();
                    }
                    first = true;
                    continue;
                }
                ']' if !first => {
                    depth -= 1;
                    if depth == 0 {
                        return Some(());
                    }
                }
                _ => {}
            }
            first = false;
        }
    }

    fn escape(&mut self, start: usize, flags: Flags) -> Parse<Node> {
        let c = self.bump()?;
        let node = match c {
            'b' => Node::WordBoundary(true),
            'B' => Node::WordBoundary(false),
            'A' => Node::TextStart,
            'z' => Node::TextEnd,
            'Z' | 'K' => {
                self.exact = false;
                Node::Empty
            }
            'G' => {
                self.anchored_at_start = true;
                self.exact = false;
                Node::Empty
            }
            '1'..='9' => {
                while matches!(self.peek(), Some('0'..='9')) {
                    self.bump();
                }
                self.exact = false;
                Node::AnyString
            }
            'k' => {
                let close = match self.bump()? {
                    '<' => '>',
                    '\'' => '\'',
                    _ => return None,
                };
                let end = self.pattern[self.pos..].find(close)?;
                self.pos += end + 1;
                self.exact = false;
                Node::AnyString
            }
            'R' => {
                self.exact = false;
                Node::Repeat {
                    node: Box::new(Node::Set {
                        bits: u128::MAX,
                        multi: false,
                        ascii_only: false,
                    }),
                    min: 1,
                    max: Some(2),
                    greedy: true,
                }
            }
            // Subexpression calls, text segments, control and meta forms: not relaxed.
            'g' | 'X' | 'y' | 'Y' | 'C' | 'M' | 'c' => return None,
            'x' => {
                if self.peek() == Some('{') {
                    let end = self.pattern[self.pos..].find('}')?;
                    self.pos += end + 1;
                } else {
                    for _ in 0..2 {
                        if self.peek().is_some_and(|c| c.is_ascii_hexdigit()) {
                            self.bump();
                        }
                    }
                }
                return self.set_of(&self.pattern[start..self.pos], flags, true);
            }
            'o' if self.peek() == Some('{') => {
                let end = self.pattern[self.pos..].find('}')?;
                self.pos += end + 1;
                return self.set_of(&self.pattern[start..self.pos], flags, true);
            }
            'u' => {
                for _ in 0..4 {
                    self.bump()?;
                }
                return self.set_of(&self.pattern[start..self.pos], flags, true);
            }
            '0' => {
                for _ in 0..2 {
                    if matches!(self.peek(), Some('0'..='7')) {
                        self.bump();
                    }
                }
                return self.set_of(&self.pattern[start..self.pos], flags, true);
            }
            'p' | 'P' => {
                if self.bump()? != '{' {
                    return None;
                }
                let end = self.pattern[self.pos..].find('}')?;
                self.pos += end + 1;
                return self.set_of(&self.pattern[start..self.pos], flags, true);
            }
            _ => {
                let set = self.set_of(
                    &self.pattern[start..self.pos],
                    flags,
                    !c.is_ascii_punctuation(),
                )?;
                // An escaped punctuation character stands for itself alone.
                return Some(if c.is_ascii_punctuation() {
                    ascii_only(set, flags)
                } else {
                    set
                });
            }
        };
        Some(node)
    }
}

impl Parser<'_> {
    /// The ASCII characters a one-character atom matches, asked of Oniguruma itself.
    /// `widen`: the atom may stand for non-ASCII characters, which case folding can turn into
    /// several ASCII letters (`ß` and `ss`).
    pub(super) fn set_of(&mut self, atom: &str, flags: Flags, widen: bool) -> Option<Node> {
        if widen && flags.has(b'i') {
            self.exact = false;
        }
        let key = (atom.to_string(), flags);
        let known = self.sets.sets.lock().ok()?.get(&key).copied();
        let bits = match known {
            Some(bits) => bits,
            None => {
                let bits = ascii_set(atom, flags);
                self.sets.sets.lock().ok()?.insert(key, bits);
                bits
            }
        };
        bits.map(|bits| Node::Set {
            bits,
            multi: widen && flags.has(b'i'),
            ascii_only: false,
        })
    }
}

/// An ASCII literal: itself, and its other case under `(?i)`.
pub(super) fn literal(byte: u8, flags: Flags) -> Node {
    ascii_only(
        Node::Set {
            bits: literal_bits(byte, flags),
            multi: false,
            ascii_only: false,
        },
        flags,
    )
}

/// `set`, marked as matching no character outside ASCII, for an atom that can only match
/// the ASCII characters it names: unless `(?i)` is on and it names a letter, which case
/// folding relates to characters outside ASCII (`k` and the Kelvin sign, `ss` and `ß`).
fn ascii_only(set: Node, flags: Flags) -> Node {
    const LETTERS: u128 = (0x3ff_ffff << b'A') | (0x3ff_ffff << b'a');
    match set {
        Node::Set { bits, multi, .. } => Node::Set {
            bits,
            multi,
            ascii_only: !multi && (!flags.has(b'i') || bits & LETTERS == 0),
        },
        other => other,
    }
}

/// A class (`[...]`) that lists ASCII characters and nothing else: not negated, no nested
/// class or intersection, no escape but of punctuation (`\-`, `\]`), no POSIX bracket, no
/// character outside ASCII. Anything else (`\w`, `[^"]`, `\p{L}`) may match characters
/// outside ASCII.
fn plain_ascii_class(text: &str) -> bool {
    let Some(body) = text
        .strip_prefix('[')
        .and_then(|rest| rest.strip_suffix(']'))
    else {
        return false;
    };
    if body.starts_with('^') || body.contains("&&") {
        return false;
    }
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.next().is_some_and(|e| e.is_ascii_punctuation()) => {}
            '\\' | '[' => return false,
            c if !c.is_ascii() || c.is_ascii_control() => return false,
            _ => {}
        }
    }
    true
}
