//! Byte offsets of a rewritten text, mapped back to the page as written.
//!
//! Expanding blocks gives the Markdown parser a different text (tags become marker lines, included
//! files are inlined, updates are reordered newest first). Everything the parser reports (a
//! link's span, say) is an offset in that text; diagnostics must name the line the author wrote.
//! Copied stretches map one to one; inserted text maps to the tag it stands for.

/// Sorted segments of the rewritten text.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OffsetMap {
    segments: Vec<Segment>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Segment {
    out_start: usize,
    src_start: usize,
    /// Copied text maps offset by offset; inserted text maps to `src_start` as a whole.
    copied: bool,
}

impl OffsetMap {
    /// Records that the rewritten text from `out_start` on is `src_start..` of the page.
    pub fn copied(&mut self, out_start: usize, src_start: usize) {
        self.push(Segment {
            out_start,
            src_start,
            copied: true,
        });
    }

    /// Records that the rewritten text from `out_start` on was inserted for the page's `anchor`.
    pub fn inserted(&mut self, out_start: usize, anchor: usize) {
        self.push(Segment {
            out_start,
            src_start: anchor,
            copied: false,
        });
    }

    fn push(&mut self, segment: Segment) {
        if let Some(last) = self.segments.last_mut()
            && last.out_start == segment.out_start
        {
            *last = segment;
            return;
        }
        self.segments.push(segment);
    }

    /// The page offset of rewritten offset `out`. An empty map is the identity.
    pub fn to_source(&self, out: usize) -> usize {
        let index = self.segments.partition_point(|s| s.out_start <= out);
        match index.checked_sub(1).map(|i| self.segments[i]) {
            Some(s) if s.copied => s.src_start + (out - s.out_start),
            Some(s) => s.src_start,
            None => out,
        }
    }

    pub fn is_identity(&self) -> bool {
        self.segments.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copied_and_inserted_segments() {
        let mut map = OffsetMap::default();
        map.copied(0, 0);
        map.inserted(10, 10);
        map.copied(25, 30);
        assert_eq!(map.to_source(4), 4);
        assert_eq!(map.to_source(12), 10);
        assert_eq!(map.to_source(27), 32);
        assert_eq!(OffsetMap::default().to_source(7), 7);
    }
}
