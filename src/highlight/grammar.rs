//! syntect's grammars, opened up for carnet's parser (`parse.rs`).
//!
//! syntect keeps a syntax's contexts private: its own parser is their only reader. carnet's
//! parser needs them, so this module reads them from the serialized form syntect's lazy loading
//! reads: a `SyntaxReference` is written with bincode and its contexts field decoded with
//! `syntect::dumps::from_reader`; the two indices inside a `ContextId` are read the same way.
//! If a syntect upgrade changes that layout, loading a syntax fails and the highlighter falls
//! back to syntect's own parser (slower, never wrong), and a unit test fails so that someone
//! looks.
//!
//! Everything is prepared lazily, once per process, and shared by the threads: a syntax's
//! contexts when a block of it is first highlighted, a context's flattened pattern list when it
//! is first entered, a pattern's regex (and its prefilter) when it is first searched.

use std::collections::HashMap;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};

use serde::Deserialize;
use syntect::parsing::SyntaxSet;
use syntect::parsing::syntax_definition::{
    Context, ContextId, ContextReference, MatchOperation, MatchPattern, Pattern,
};

use super::prefilter::{AtomSets, Prefilter};

/// A context: its syntax's index in the set and its own index among that syntax's contexts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(super) struct Ctx {
    syntax: u32,
    context: u32,
}

/// Why a grammar could not be followed: the block is then shown plain from that line on, as
/// syntect's own parser does on its errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum GrammarError {
    /// The grammar refers to something that is not there.
    Broken,
    /// The line would never end (see `parse::MAX_STALLED_MATCHES`).
    Looping,
}

/// One pattern of a context's flattened list (includes followed), as the parser tries them.
#[derive(Clone, Copy, Debug)]
pub(super) struct FlatPattern {
    /// The context that holds the pattern (an included one, or the context itself).
    pub owner: Ctx,
    pub index: u32,
    /// Dense over the process: the parser's per-line search cache is indexed by it.
    pub id: u32,
}

/// What the parser needs of a context besides the context itself.
pub(super) struct ContextInfo {
    pub prototype: Option<Ctx>,
    pub patterns: Vec<FlatPattern>,
}

/// A pattern ready to search: its regex, its prefilter, and where its operation leads.
pub(super) struct Compiled {
    /// `None` when Oniguruma rejects the pattern (syntect checked it when it was built).
    pub regex: Option<onig::Regex>,
    pub prefilter: Option<Prefilter>,
    /// The parser needs the capture groups of a match, not only its span: for the scopes of
    /// its captures, or to keep them for a context that refers back to them. Without it, an
    /// exact prefilter's span is all a match needs, and Oniguruma is not run.
    pub needs_groups: bool,
    /// The contexts a `push` or `set` goes to (an unresolved reference is an error when the
    /// pattern is used, as in syntect).
    pub targets: Result<Vec<Ctx>, GrammarError>,
    pub with_prototype: Result<Option<Ctx>, GrammarError>,
}

/// The grammars of one syntax set, read as carnet's parser needs them.
pub(super) struct Grammars {
    set: &'static SyntaxSet,
    syntaxes: Vec<OnceLock<Option<SyntaxTables>>>,
    next_id: AtomicU32,
    atom_sets: AtomSets,
}

struct SyntaxTables {
    contexts: Vec<Context>,
    start: Option<u32>,
    /// Per context: the id of its first pattern.
    first_id: Vec<u32>,
    first_id_of_syntax: u32,
    info: Vec<OnceLock<Result<ContextInfo, GrammarError>>>,
    /// Per pattern (by id minus `first_id_of_syntax`).
    compiled: Vec<OnceLock<Result<Compiled, GrammarError>>>,
}

impl Grammars {
    pub fn new(set: &'static SyntaxSet) -> Grammars {
        Grammars {
            set,
            syntaxes: (0..set.syntaxes().len()).map(|_| OnceLock::new()).collect(),
            next_id: AtomicU32::new(0),
            atom_sets: AtomSets::default(),
        }
    }

    pub fn set(&self) -> &'static SyntaxSet {
        self.set
    }

    /// The context a syntax starts in, or `None` when the syntax cannot be read (the caller
    /// then uses syntect's own parser).
    pub fn start(&self, syntax: usize) -> Option<Ctx> {
        let tables = self.tables(syntax).ok()?;
        Some(Ctx {
            syntax: syntax as u32,
            context: tables.start?,
        })
    }

    /// The number of pattern ids handed out so far (the size a search cache needs).
    pub fn pattern_ids(&self) -> usize {
        self.next_id.load(Ordering::Acquire) as usize
    }

    fn tables(&self, syntax: usize) -> Result<&SyntaxTables, GrammarError> {
        let slot = self.syntaxes.get(syntax).ok_or(GrammarError::Broken)?;
        slot.get_or_init(|| self.load(syntax))
            .as_ref()
            .ok_or(GrammarError::Broken)
    }

    fn load(&self, syntax: usize) -> Option<SyntaxTables> {
        let reference = self.set.syntaxes().get(syntax)?;
        let (contexts, ids) = read_contexts(reference)?;
        let start = ids.get("__start").and_then(ctx_of).map(|c| c.context);
        let total: usize = contexts.iter().map(|c| c.patterns.len()).sum();
        let first_id_of_syntax = self
            .next_id
            .fetch_add(u32::try_from(total).ok()?, Ordering::AcqRel);
        let mut first_id = Vec::with_capacity(contexts.len());
        let mut next = first_id_of_syntax;
        for context in &contexts {
            first_id.push(next);
            next += context.patterns.len() as u32;
        }
        Some(SyntaxTables {
            info: (0..contexts.len()).map(|_| OnceLock::new()).collect(),
            compiled: (0..total).map(|_| OnceLock::new()).collect(),
            contexts,
            start,
            first_id,
            first_id_of_syntax,
        })
    }

    pub fn context(&self, ctx: Ctx) -> Result<&Context, GrammarError> {
        self.tables(ctx.syntax as usize)?
            .contexts
            .get(ctx.context as usize)
            .ok_or(GrammarError::Broken)
    }

    /// The context a reference points to (references are resolved when syntect links a set).
    pub fn resolve(&self, reference: &ContextReference) -> Result<Ctx, GrammarError> {
        let id = reference.id().map_err(|_| GrammarError::Broken)?;
        let ctx = ctx_of(&id).ok_or(GrammarError::Broken)?;
        self.context(ctx)?;
        Ok(ctx)
    }

    pub fn info(&self, ctx: Ctx) -> Result<&ContextInfo, GrammarError> {
        let tables = self.tables(ctx.syntax as usize)?;
        let slot = tables
            .info
            .get(ctx.context as usize)
            .ok_or(GrammarError::Broken)?;
        slot.get_or_init(|| self.flatten(ctx))
            .as_ref()
            .map_err(|e| *e)
    }

    /// The patterns of `ctx` in the order syntect's `MatchIter` yields them: includes are
    /// followed depth-first, references that are not resolved are skipped.
    fn flatten(&self, ctx: Ctx) -> Result<ContextInfo, GrammarError> {
        let context = self.context(ctx)?;
        let prototype = match &context.prototype {
            Some(id) => Some(ctx_of(id).ok_or(GrammarError::Broken)?),
            None => None,
        };
        let mut patterns = Vec::new();
        let mut stack = vec![(ctx, 0usize)];
        while let Some((owner, index)) = stack.pop() {
            let owner_context = self.context(owner)?;
            let Some(pattern) = owner_context.patterns.get(index) else {
                continue;
            };
            stack.push((owner, index + 1));
            match pattern {
                Pattern::Match(_) => patterns.push(FlatPattern {
                    owner,
                    index: index as u32,
                    id: self.tables(owner.syntax as usize)?.first_id[owner.context as usize]
                        + index as u32,
                }),
                Pattern::Include(reference) => {
                    if let Ok(id) = reference.id() {
                        let included = ctx_of(&id).ok_or(GrammarError::Broken)?;
                        stack.push((included, 0));
                    }
                }
            }
            if stack.len() > 10_000 {
                return Err(GrammarError::Broken);
            }
        }
        Ok(ContextInfo {
            prototype,
            patterns,
        })
    }

    pub fn pattern(&self, flat: FlatPattern) -> Result<&MatchPattern, GrammarError> {
        match self.context(flat.owner)?.patterns.get(flat.index as usize) {
            Some(Pattern::Match(pattern)) => Ok(pattern),
            _ => Err(GrammarError::Broken),
        }
    }

    pub fn compiled(&self, flat: FlatPattern) -> Result<&Compiled, GrammarError> {
        let tables = self.tables(flat.owner.syntax as usize)?;
        let slot = tables
            .compiled
            .get((flat.id - tables.first_id_of_syntax) as usize)
            .ok_or(GrammarError::Broken)?;
        slot.get_or_init(|| self.compile(self.pattern(flat)?))
            .as_ref()
            .map_err(|e| *e)
    }

    fn compile(&self, pattern: &MatchPattern) -> Result<Compiled, GrammarError> {
        let source = pattern.regex.regex_str();
        let regex = compile_regex(source);
        let prefilter = regex
            .as_ref()
            .and_then(|_| Prefilter::new(source, &self.atom_sets));
        let targets = match &pattern.operation {
            MatchOperation::Push(refs) | MatchOperation::Set(refs) => {
                refs.iter().map(|r| self.resolve(r)).collect()
            }
            MatchOperation::Pop | MatchOperation::None => Ok(Vec::new()),
        };
        let with_prototype = pattern
            .with_prototype
            .as_ref()
            .map(|reference| self.resolve(reference))
            .transpose();
        // A context pushed or set keeps the match's groups only when it refers back to them
        // (`\1`); a `set` may also carry on `with_prototype`s of the level it replaces, which
        // are only known while parsing: `parse.rs` completes the groups then (`full_groups`).
        let refers_back = |ctx: &Ctx| self.context(*ctx).is_ok_and(|c| c.uses_backrefs);
        let needs_groups = pattern.captures.is_some()
            || targets
                .as_ref()
                .map_or(true, |targets| targets.iter().any(refers_back))
            || with_prototype
                .as_ref()
                .map_or(true, |with| with.as_ref().is_some_and(refers_back));
        Ok(Compiled {
            regex,
            prefilter,
            needs_groups,
            targets,
            with_prototype,
        })
    }
}

#[cfg(test)]
impl Grammars {
    /// Every match pattern of a syntax, for tests.
    pub fn patterns_of(&self, syntax: usize) -> Vec<&MatchPattern> {
        let Ok(tables) = self.tables(syntax) else {
            return Vec::new();
        };
        tables
            .contexts
            .iter()
            .flat_map(|c| &c.patterns)
            .filter_map(|p| match p {
                Pattern::Match(m) => Some(m),
                Pattern::Include(_) => None,
            })
            .collect()
    }
}

/// A `ContextId`'s two indices, read through its serialized form (its fields are private).
fn ctx_of(id: &ContextId) -> Option<Ctx> {
    #[derive(Deserialize)]
    struct Fields {
        syntax_index: usize,
        context_index: usize,
    }
    let bytes = bincode::serialize(id).ok()?;
    let fields: Fields = bincode::deserialize(&bytes).ok()?;
    Some(Ctx {
        syntax: u32::try_from(fields.syntax_index).ok()?,
        context: u32::try_from(fields.context_index).ok()?,
    })
}

/// A syntax's contexts and their names, decoded as syntect decodes them on first use.
fn read_contexts(
    reference: &syntect::parsing::SyntaxReference,
) -> Option<(Vec<Context>, HashMap<String, ContextId>)> {
    /// `SyntaxReference` as serde writes it (its `lazy_contexts` cache is skipped).
    #[derive(Deserialize)]
    #[allow(dead_code, reason = "read only to reach the last field")]
    struct ReferenceFields {
        name: String,
        file_extensions: Vec<String>,
        scope: String,
        first_line_match: Option<String>,
        hidden: bool,
        variables: HashMap<String, String>,
        serialized_lazy_contexts: Vec<u8>,
    }
    /// syntect's `LazyContexts`.
    #[derive(Deserialize)]
    struct LazyFields {
        context_ids: HashMap<String, ContextId>,
        contexts: Vec<Context>,
    }
    let bytes = bincode::serialize(reference).ok()?;
    let fields: ReferenceFields = bincode::deserialize(&bytes).ok()?;
    let lazy: LazyFields =
        syntect::dumps::from_reader(&fields.serialized_lazy_contexts[..]).ok()?;
    Some((lazy.contexts, lazy.context_ids))
}

/// Compiles a pattern as syntect does.
pub(super) fn compile_regex(source: &str) -> Option<onig::Regex> {
    onig::Regex::with_options(
        source,
        onig::RegexOptions::REGEX_OPTION_CAPTURE_GROUP,
        onig::Syntax::default(),
    )
    .ok()
}
