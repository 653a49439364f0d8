//! How much `{% include %}` may add to one page.
//!
//! Includes nest and repeat: a file that includes the next one twice, thirty levels down,
//! expands to a billion copies. Each page gets a budget (see [`crate::limits`]): bytes, count
//! and depth. The first include past it is an error at its line; the rest are left out quietly.

use crate::limits::{
    INCLUDE_FACTOR, MAX_EXPANDED_BYTES, MAX_INCLUDE_DEPTH, MAX_INCLUDES, MIN_INCLUDE_BUDGET,
};

/// What a page may still include.
#[derive(Debug, Default)]
pub struct IncludeBudget {
    bytes_left: usize,
    includes_left: usize,
    /// Reported already: later includes are left out without another error.
    spent: bool,
}

impl IncludeBudget {
    /// The budget of a page of `len` bytes.
    pub fn for_page(len: usize) -> Self {
        IncludeBudget {
            bytes_left: len
                .saturating_mul(INCLUDE_FACTOR)
                .max(MIN_INCLUDE_BUDGET)
                .min(MAX_EXPANDED_BYTES.saturating_sub(len)),
            includes_left: MAX_INCLUDES,
            spent: false,
        }
    }

    /// Whether the budget ran out before (nothing more is included, nothing more said).
    pub fn is_spent(&self) -> bool {
        self.spent
    }

    /// Takes one include of `len` bytes at nesting `depth` (1: included by the page) from the
    /// budget; `Err` says which limit it would pass (and the budget is spent from then on).
    pub fn take(&mut self, len: usize, depth: usize) -> Result<(), String> {
        let refusal = if depth > MAX_INCLUDE_DEPTH {
            Some(format!("includes nest more than {MAX_INCLUDE_DEPTH} deep"))
        } else if self.includes_left == 0 {
            Some(format!("the page already includes {MAX_INCLUDES} files"))
        } else if len > self.bytes_left {
            Some(format!(
                "the page's includes would add more than {INCLUDE_FACTOR} times its size (at least {} MiB, and {} MiB in all)",
                MIN_INCLUDE_BUDGET / (1024 * 1024),
                MAX_EXPANDED_BYTES / (1024 * 1024)
            ))
        } else {
            None
        };
        if let Some(why) = refusal {
            self.spent = true;
            return Err(why);
        }
        self.includes_left -= 1;
        self.bytes_left -= len;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_budget_runs_out_once() {
        let mut budget = IncludeBudget::for_page(10);
        assert!(budget.take(MIN_INCLUDE_BUDGET, 1).is_ok());
        assert!(budget.take(1, 1).is_err());
        assert!(budget.is_spent());
        let mut deep = IncludeBudget::for_page(10);
        assert!(deep.take(1, MAX_INCLUDE_DEPTH + 1).is_err());
    }
}
