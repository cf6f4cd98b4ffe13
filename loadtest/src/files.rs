//! Line files the scenarios write and watch: generated inputs, a counter of lines appended to
//! an output, and reading a file that may not exist yet.

use std::fs::{self, File};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::Context as _;

/// Bytes per line of [`write_input`], newline included.
pub const LINE_BYTES: usize = 101;

/// The bytes of `path`; empty when it does not exist (yet).
pub fn read(path: &Path) -> anyhow::Result<Vec<u8>> {
    match fs::read(path) {
        Ok(bytes) => Ok(bytes),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(error) => Err(error).with_context(|| format!("reading {}", path.display())),
    }
}

/// `records` distinct lines of [`LINE_BYTES`] bytes: a sequence number and pseudo-random
/// letters.
pub fn input_text(records: u64) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut text = Vec::with_capacity(records as usize * LINE_BYTES);
    for seq in 0..records {
        let start = text.len();
        text.extend_from_slice(format!("{seq:010} ").as_bytes());
        while text.len() - start < LINE_BYTES - 1 {
            // xorshift64: cheap, deterministic filler.
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            text.push(ALPHABET[(state % ALPHABET.len() as u64) as usize]);
        }
        text.push(b'\n');
    }
    text
}

/// Writes the [`input_text`] of `records` lines to `path`.
pub fn write_input(path: &Path, records: u64) -> anyhow::Result<()> {
    fs::write(path, input_text(records)).with_context(|| format!("writing {}", path.display()))
}

/// Where the whole lines of `text` due by `fraction` of the time to write it all end (at most
/// all of it), when `written` bytes are out already: a steady rate appends
/// `text[written..end]` next.
pub fn whole_lines_due(text: &[u8], written: usize, fraction: f64) -> usize {
    let due = (fraction.min(1.0) * text.len() as f64) as usize;
    text[..due]
        .iter()
        .rposition(|byte| *byte == b'\n')
        .map_or(written, |newline| newline + 1)
        .max(written)
}

/// Appends a text to a file at a steady rate on its own thread, whole lines at a time, as a
/// service writes the log a source tails.
pub struct SteadyFeed {
    thread: std::thread::JoinHandle<anyhow::Result<()>>,
}

impl SteadyFeed {
    /// How often a feed appends the lines that came due.
    const EVERY: Duration = Duration::from_millis(10);

    /// Starts appending the lines of `text` to `path` (created if missing) over `duration`.
    pub fn start(path: &Path, text: Vec<u8>, duration: Duration) -> anyhow::Result<Self> {
        let mut file = fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .with_context(|| format!("opening {} for appending", path.display()))?;
        let path = path.to_owned();
        let thread = std::thread::Builder::new()
            .name("steady-feed".to_owned())
            .spawn(move || {
                let started = Instant::now();
                let mut written = 0;
                while written < text.len() {
                    let fraction = started.elapsed().as_secs_f64() / duration.as_secs_f64();
                    let end = whole_lines_due(&text, written, fraction);
                    file.write_all(&text[written..end])
                        .with_context(|| format!("appending to {}", path.display()))?;
                    written = end;
                    std::thread::sleep(Self::EVERY);
                }
                Ok(())
            })
            .context("starting the input feed thread")?;
        Ok(Self { thread })
    }

    /// Waits until every line was appended.
    pub fn finish(self) -> anyhow::Result<()> {
        self.thread
            .join()
            .map_err(|_| anyhow::anyhow!("the input feed thread panicked"))?
    }
}

/// Counts the lines of a file that is being appended to, reading only what is new.
pub struct LineCounter {
    path: PathBuf,
    file: Option<File>,
    lines: u64,
    buffer: Vec<u8>,
}

impl LineCounter {
    /// A counter of the lines of `path`, which need not exist yet.
    pub fn new(path: &Path) -> Self {
        Self {
            path: path.to_owned(),
            file: None,
            lines: 0,
            buffer: vec![0; 1 << 20],
        }
    }

    /// Opens the file once it exists; false until then.
    fn open(&mut self) -> anyhow::Result<bool> {
        if self.file.is_none() {
            match File::open(&self.path) {
                Ok(file) => self.file = Some(file),
                Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(false),
                Err(error) => {
                    return Err(error).with_context(|| format!("opening {}", self.path.display()));
                }
            }
        }
        Ok(true)
    }

    /// The number of complete lines so far.
    pub fn poll(&mut self) -> anyhow::Result<u64> {
        self.open()?;
        let Some(file) = self.file.as_mut() else {
            return Ok(self.lines);
        };
        loop {
            let read = file
                .read(&mut self.buffer)
                .with_context(|| format!("reading {}", self.path.display()))?;
            if read == 0 {
                return Ok(self.lines);
            }
            self.lines += self.buffer[..read].iter().filter(|b| **b == b'\n').count() as u64;
        }
    }
}

/// Follows a file that is being appended to, handing each new complete line (without its
/// `\n`) to a callback. A partial last line is read again from its start at the next poll, so
/// a writer that replaces it (a file sink restarted after a kill cuts off the line the kill
/// cut short) is followed without a seam.
pub struct LineTail {
    counter: LineCounter,
    /// Where the first line not yet handed over starts.
    position: u64,
    partial: Vec<u8>,
}

impl LineTail {
    /// A tail of `path`, which need not exist yet.
    pub fn new(path: &Path) -> Self {
        Self {
            counter: LineCounter::new(path),
            position: 0,
            partial: Vec::new(),
        }
    }

    /// Calls `each` with every complete line appended since the last call.
    pub fn poll(&mut self, mut each: impl FnMut(&[u8])) -> anyhow::Result<()> {
        let counter = &mut self.counter;
        counter.open()?;
        let Some(file) = counter.file.as_mut() else {
            return Ok(());
        };
        file.seek(std::io::SeekFrom::Start(self.position))
            .with_context(|| format!("seeking in {}", counter.path.display()))?;
        self.partial.clear();
        loop {
            let read = file
                .read(&mut counter.buffer)
                .with_context(|| format!("reading {}", counter.path.display()))?;
            if read == 0 {
                return Ok(());
            }
            self.partial.extend_from_slice(&counter.buffer[..read]);
            let Some(last_newline) = self.partial.iter().rposition(|b| *b == b'\n') else {
                continue;
            };
            for line in self.partial[..last_newline].split(|b| *b == b'\n') {
                each(line);
            }
            self.position += last_newline as u64 + 1;
            self.partial.drain(..=last_newline);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn input_lines_are_distinct_and_of_the_stated_length() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("input.txt");
        write_input(&path, 1000).unwrap();
        let text = fs::read(&path).unwrap();
        assert_eq!(text.len(), 1000 * LINE_BYTES);
        let lines: std::collections::HashSet<&[u8]> = text.split(|b| *b == b'\n').collect();
        assert_eq!(lines.len(), 1001, "1000 distinct lines and the empty tail");
        assert!(text.starts_with(b"0000000000 "));
    }

    #[test]
    fn the_tail_hands_over_complete_lines_only_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.txt");
        let mut tail = LineTail::new(&path);
        let mut seen: Vec<Vec<u8>> = Vec::new();
        tail.poll(|line| seen.push(line.to_vec())).unwrap();
        assert!(seen.is_empty());
        let mut file = File::create(&path).unwrap();
        file.write_all(b"one\ntw").unwrap();
        tail.poll(|line| seen.push(line.to_vec())).unwrap();
        assert_eq!(seen, vec![b"one".to_vec()]);
        file.write_all(b"o\n\nthree\n").unwrap();
        tail.poll(|line| seen.push(line.to_vec())).unwrap();
        assert_eq!(
            seen,
            vec![
                b"one".to_vec(),
                b"two".to_vec(),
                b"".to_vec(),
                b"three".to_vec()
            ]
        );
    }

    #[test]
    fn a_partial_line_the_writer_replaces_is_read_as_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.txt");
        fs::write(&path, b"one\ntw").unwrap();
        let mut tail = LineTail::new(&path);
        let mut seen: Vec<Vec<u8>> = Vec::new();
        tail.poll(|line| seen.push(line.to_vec())).unwrap();
        tail.poll(|line| seen.push(line.to_vec())).unwrap();
        let file = fs::OpenOptions::new().append(true).open(&path).unwrap();
        file.set_len(4).unwrap();
        (&file).write_all(b"two\n").unwrap();
        tail.poll(|line| seen.push(line.to_vec())).unwrap();
        assert_eq!(seen, vec![b"one".to_vec(), b"two".to_vec()]);
    }

    #[test]
    fn only_whole_lines_come_due() {
        let text = b"ab\ncd\n";
        assert_eq!(whole_lines_due(text, 0, 0.3), 0);
        assert_eq!(whole_lines_due(text, 0, 0.5), 3);
        assert_eq!(whole_lines_due(text, 3, 0.6), 3);
        assert_eq!(whole_lines_due(text, 3, 2.0), 6);
    }

    #[test]
    fn a_steady_feed_appends_every_line_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("input.txt");
        let text = input_text(500);
        let feed = SteadyFeed::start(&path, text.clone(), Duration::from_millis(50)).unwrap();
        feed.finish().unwrap();
        assert_eq!(fs::read(&path).unwrap(), text);
    }

    #[test]
    fn the_line_counter_reads_only_what_was_appended() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.txt");
        let mut counter = LineCounter::new(&path);
        assert_eq!(counter.poll().unwrap(), 0);
        let mut file = File::create(&path).unwrap();
        file.write_all(b"a\nb\nc").unwrap();
        assert_eq!(counter.poll().unwrap(), 2);
        file.write_all(b"\nd\n").unwrap();
        assert_eq!(counter.poll().unwrap(), 4);
    }
}
