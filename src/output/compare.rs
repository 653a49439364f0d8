//! Whether a file of the previous output holds the bytes a build is about to write, read in
//! pieces: an unchanged file is then linked rather than written again.

use std::io;
use std::path::Path;

/// Bytes compared per read. The two buffers of a size are kept by each thread: fresh ones per
/// file would cost a page fault per 4 KB on every output file of a rebuild.
const PIECE: usize = 64 * 1024;

fn with_pieces<T>(compare: impl FnOnce(&mut [u8], &mut [u8]) -> T) -> T {
    use std::cell::RefCell;
    thread_local! {
        static PIECES: RefCell<(Vec<u8>, Vec<u8>)> =
            RefCell::new((vec![0; PIECE], vec![0; PIECE]));
    }
    PIECES.with(|pieces| {
        let (left, right) = &mut *pieces.borrow_mut();
        compare(left, right)
    })
}

/// A writer that compares what it is given with a file instead of writing it: an error (kind
/// `Other`, `differs` set) at the first difference or when the file cannot be read, so the
/// writing stops there.
pub(super) struct Compare {
    file: io::BufReader<std::fs::File>,
    pub(super) differs: bool,
}

impl Compare {
    pub(super) fn new(file: std::fs::File) -> Compare {
        Compare {
            file: io::BufReader::with_capacity(PIECE, file),
            differs: false,
        }
    }

    /// Whether the file has no more bytes than were compared (all of them the same).
    pub(super) fn at_end(&mut self) -> bool {
        !self.differs && io::BufRead::fill_buf(&mut self.file).is_ok_and(|rest| rest.is_empty())
    }
}

impl io::Write for Compare {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.write_all(bytes).map(|()| bytes.len())
    }

    fn write_all(&mut self, mut bytes: &[u8]) -> io::Result<()> {
        while !bytes.is_empty() {
            let held = io::BufRead::fill_buf(&mut self.file).unwrap_or_default();
            let n = held.len().min(bytes.len());
            if n == 0 || held[..n] != bytes[..n] {
                self.differs = true;
                return Err(io::Error::other("differs from the previous output"));
            }
            io::BufRead::consume(&mut self.file, n);
            bytes = &bytes[n..];
        }
        Ok(())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Opens `path` for reading, failing on a symbolic link (the output's files are plain files)
/// and without waiting on a FIFO.
pub(super) fn open_plain(path: &Path) -> io::Result<std::fs::File> {
    let mut options = std::fs::File::options();
    options.read(true);
    #[cfg(unix)]
    {
        use rustix::fs::OFlags;
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags((OFlags::NOFOLLOW | OFlags::NONBLOCK).bits() as i32);
    }
    options.open(path)
}

/// Whether `file` holds `bytes` (its length is known to be theirs).
pub(super) fn holds(mut file: std::fs::File, bytes: &[u8]) -> io::Result<bool> {
    use std::io::Read;
    with_pieces(|piece, _| {
        for expected in bytes.chunks(PIECE) {
            let got = &mut piece[..expected.len()];
            file.read_exact(got)?;
            if *got != *expected {
                return Ok(false);
            }
        }
        // One more byte would mean the file grew since its length was read.
        Ok(file.read(&mut [0])? == 0)
    })
}

/// Whether the file at `a` and the file `b` hold the same bytes, read in pieces (an asset may
/// be large).
pub(super) fn same_bytes(a: &Path, mut b: std::fs::File) -> io::Result<bool> {
    use std::io::Read;
    let mut a = std::fs::File::open(a)?;
    with_pieces(|left, right| {
        loop {
            let n = a.read(left)?;
            if n == 0 {
                return Ok(b.read(&mut right[..1])? == 0);
            }
            b.read_exact(&mut right[..n])?;
            if left[..n] != right[..n] {
                return Ok(false);
            }
        }
    })
}
