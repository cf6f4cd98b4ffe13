//! A hand-written, zero-copy JSON reader over [`Bytes`].
//!
//! Strings without escapes come back as [`Str`] slices of the input; only strings with escapes
//! allocate. Every malformed input is a [`JsonError`] carrying the byte position, and nesting is
//! capped at [`MAX_DEPTH`].

use bytes::Bytes;

use super::error::JsonError;
use crate::str::Str;

/// Deepest nesting of objects and arrays the reader accepts.
pub const MAX_DEPTH: usize = 128;

type Result<T> = std::result::Result<T, JsonError>;

/// Bytes that end the fast scan of a string: `"`, `\` and control characters.
static STOP: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 0x20 {
        table[byte] = true;
        byte += 1;
    }
    table[b'"' as usize] = true;
    table[b'\\' as usize] = true;
    table
};

/// A JSON number token: its text span and how it reads as an integer.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Number {
    /// Offset of the first byte.
    pub start: usize,
    /// Offset after the last byte.
    pub end: usize,
    /// The integer value, for an integral token that fits `i64`.
    pub int: Option<i64>,
    /// True when the token has no fraction and no exponent.
    pub integral: bool,
}

/// An object key: borrowed when it has no escapes.
pub(crate) enum Key<'a> {
    /// The raw bytes between the quotes.
    Borrowed(&'a [u8]),
    /// The unescaped text.
    Owned(String),
}

impl Key<'_> {
    /// The key's text as bytes.
    pub fn as_bytes(&self) -> &[u8] {
        match self {
            Key::Borrowed(bytes) => bytes,
            Key::Owned(text) => text.as_bytes(),
        }
    }
}

/// A position in JSON input, with the current nesting depth.
pub(crate) struct Reader<'a> {
    input: &'a Bytes,
    buf: &'a [u8],
    pos: usize,
    depth: usize,
}

impl<'a> Reader<'a> {
    /// Reads `input` from its start.
    pub fn new(input: &'a Bytes) -> Self {
        Self::at(input, 0, 0)
    }

    /// Reads `input` from `pos`, already `depth` levels deep.
    pub fn at(input: &'a Bytes, pos: usize, depth: usize) -> Self {
        Self {
            input,
            buf: input.as_ref(),
            pos,
            depth,
        }
    }

    /// The current offset.
    pub fn position(&self) -> usize {
        self.pos
    }

    /// The whole input.
    pub fn input(&self) -> &'a Bytes {
        self.input
    }

    /// The input from the current offset on.
    pub fn rest(&self) -> &'a [u8] {
        self.buf.get(self.pos..).unwrap_or_default()
    }

    /// Moves forward by `len` bytes the caller has already matched.
    pub fn advance(&mut self, len: usize) {
        self.pos += len;
    }

    /// Skips whitespace and returns the next byte without consuming it.
    #[inline]
    pub fn peek(&mut self) -> Option<u8> {
        while let Some(&byte) = self.buf.get(self.pos) {
            if !matches!(byte, b' ' | b'\n' | b'\r' | b'\t') {
                return Some(byte);
            }
            self.pos += 1;
        }
        None
    }

    /// Like [`Reader::peek`], but the end of input is an error.
    #[inline]
    pub fn peek_some(&mut self) -> Result<u8> {
        match self.peek() {
            Some(byte) => Ok(byte),
            None => Err(JsonError::Eof { position: self.pos }),
        }
    }

    /// Fails unless only whitespace is left.
    pub fn finish(&mut self) -> Result<()> {
        match self.peek() {
            None => Ok(()),
            Some(_) => Err(JsonError::TrailingCharacters { position: self.pos }),
        }
    }

    /// An error for the byte at the current offset.
    pub fn unexpected(&self, expected: &'static str) -> JsonError {
        match self.buf.get(self.pos) {
            None => JsonError::Eof { position: self.pos },
            Some(&byte) => JsonError::Unexpected {
                position: self.pos,
                found: describe(byte),
                expected,
            },
        }
    }

    /// Consumes `byte` (after whitespace) or fails.
    #[inline]
    pub fn expect(&mut self, byte: u8, expected: &'static str) -> Result<()> {
        if self.peek() == Some(byte) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.unexpected(expected))
        }
    }

    /// Consumes the literal `word` (`true`, `false`, `null`) whose first byte was peeked.
    pub fn literal(&mut self, word: &'static [u8]) -> Result<()> {
        if self.rest().starts_with(word) {
            self.pos += word.len();
            Ok(())
        } else {
            Err(self.unexpected("a JSON value"))
        }
    }

    /// Consumes an opening `{` or `[` (already peeked), counting nesting depth.
    pub fn enter(&mut self) -> Result<()> {
        if self.depth >= MAX_DEPTH {
            return Err(JsonError::TooDeep {
                position: self.pos,
                limit: MAX_DEPTH,
            });
        }
        self.depth += 1;
        self.pos += 1;
        Ok(())
    }

    /// Closes a level opened by [`Reader::enter`] whose closing bracket the caller consumed.
    pub fn leave(&mut self) {
        self.depth -= 1;
    }

    /// The current nesting depth.
    pub fn depth(&self) -> usize {
        self.depth
    }

    /// After `{`: true when a member follows, false after consuming an immediate `}`.
    pub fn object_first(&mut self) -> Result<bool> {
        match self.peek_some()? {
            b'}' => {
                self.pos += 1;
                self.depth -= 1;
                Ok(false)
            }
            b'"' => Ok(true),
            _ => Err(self.unexpected("a string key or '}'")),
        }
    }

    /// After a member: true after consuming `,`, false after consuming `}`.
    #[inline]
    pub fn object_next(&mut self) -> Result<bool> {
        match self.peek_some()? {
            b',' => {
                self.pos += 1;
                if self.peek() == Some(b'"') {
                    Ok(true)
                } else {
                    Err(self.unexpected("a string key"))
                }
            }
            b'}' => {
                self.pos += 1;
                self.depth -= 1;
                Ok(false)
            }
            _ => Err(self.unexpected("',' or '}'")),
        }
    }

    /// After `[`: true when an element follows, false after consuming an immediate `]`.
    pub fn array_first(&mut self) -> Result<bool> {
        if self.peek_some()? == b']' {
            self.pos += 1;
            self.depth -= 1;
            Ok(false)
        } else {
            Ok(true)
        }
    }

    /// After an element: true after consuming `,`, false after consuming `]`.
    #[inline]
    pub fn array_next(&mut self) -> Result<bool> {
        match self.peek_some()? {
            b',' => {
                self.pos += 1;
                Ok(true)
            }
            b']' => {
                self.pos += 1;
                self.depth -= 1;
                Ok(false)
            }
            _ => Err(self.unexpected("',' or ']'")),
        }
    }

    /// Reads an object key and the `:` after it.
    #[inline]
    pub fn key(&mut self) -> Result<Key<'a>> {
        let open = self.pos;
        let key = match self.string_raw()? {
            Raw::Span(start, end) => {
                let bytes = &self.buf[start..end];
                check_utf8(bytes, open)?;
                Key::Borrowed(bytes)
            }
            Raw::Owned(text) => Key::Owned(text),
        };
        self.expect(b':', "':'")?;
        Ok(key)
    }

    /// Reads a string (its `"` already peeked), sharing the input when it has no escapes.
    #[inline]
    pub fn string(&mut self) -> Result<Str> {
        let open = self.pos;
        match self.string_raw()? {
            Raw::Span(start, end) => Str::from_utf8(self.input.slice(start..end))
                .map_err(|_| JsonError::InvalidUtf8 { position: open }),
            Raw::Owned(text) => Ok(Str::from(text)),
        }
    }

    /// Reads a string (its `"` already peeked) and returns its span or unescaped text. The
    /// caller checks that a span is UTF-8; unescaped text is checked here.
    fn string_raw(&mut self) -> Result<Raw> {
        let open = self.pos;
        self.pos += 1;
        let start = self.pos;
        loop {
            let Some(&byte) = self.buf.get(self.pos) else {
                return Err(JsonError::Eof { position: self.pos });
            };
            if !STOP[usize::from(byte)] {
                self.pos += 1;
                continue;
            }
            match byte {
                b'"' => {
                    let end = self.pos;
                    self.pos += 1;
                    return Ok(Raw::Span(start, end));
                }
                b'\\' => return self.escaped_string(open, start).map(Raw::Owned),
                _ => {
                    return Err(
                        self.unexpected("a string character (control characters must be escaped)")
                    );
                }
            }
        }
    }

    /// Continues a string at its first `\`, copying it into an owned buffer.
    fn escaped_string(&mut self, open: usize, start: usize) -> Result<String> {
        let mut text = Vec::with_capacity(self.pos - start + 16);
        text.extend_from_slice(&self.buf[start..self.pos]);
        loop {
            let Some(&byte) = self.buf.get(self.pos) else {
                return Err(JsonError::Eof { position: self.pos });
            };
            match byte {
                b'"' => {
                    self.pos += 1;
                    return String::from_utf8(text)
                        .map_err(|_| JsonError::InvalidUtf8 { position: open });
                }
                b'\\' => self.escape(&mut text)?,
                _ if byte < 0x20 => {
                    return Err(
                        self.unexpected("a string character (control characters must be escaped)")
                    );
                }
                _ => {
                    text.push(byte);
                    self.pos += 1;
                }
            }
        }
    }

    /// Decodes one escape sequence starting at `\` into `text`.
    fn escape(&mut self, text: &mut Vec<u8>) -> Result<()> {
        let at = self.pos;
        let invalid = JsonError::InvalidEscape { position: at };
        let Some(&kind) = self.buf.get(at + 1) else {
            return Err(JsonError::Eof { position: at + 1 });
        };
        self.pos += 2;
        let byte = match kind {
            b'"' => b'"',
            b'\\' => b'\\',
            b'/' => b'/',
            b'b' => 0x08,
            b'f' => 0x0c,
            b'n' => b'\n',
            b'r' => b'\r',
            b't' => b'\t',
            b'u' => {
                let c = self.unicode_escape(at)?;
                let mut utf8 = [0; 4];
                text.extend_from_slice(c.encode_utf8(&mut utf8).as_bytes());
                return Ok(());
            }
            _ => return Err(invalid),
        };
        text.push(byte);
        Ok(())
    }

    /// Reads the hex digits of a `\u` escape (and a trailing low surrogate when needed).
    fn unicode_escape(&mut self, at: usize) -> Result<char> {
        let invalid = JsonError::InvalidEscape { position: at };
        let high = self.hex4()?;
        let code = match high {
            0xD800..=0xDBFF => {
                if self.buf.get(self.pos..self.pos + 2) != Some(b"\\u") {
                    return Err(invalid);
                }
                self.pos += 2;
                let low = self.hex4()?;
                if !(0xDC00..=0xDFFF).contains(&low) {
                    return Err(invalid);
                }
                0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
            }
            0xDC00..=0xDFFF => return Err(invalid),
            _ => high,
        };
        char::from_u32(code).ok_or(invalid)
    }

    fn hex4(&mut self) -> Result<u32> {
        let Some(digits) = self.buf.get(self.pos..self.pos + 4) else {
            return Err(JsonError::Eof {
                position: self.buf.len(),
            });
        };
        let mut code = 0;
        for &digit in digits {
            let value = (digit as char)
                .to_digit(16)
                .ok_or(JsonError::InvalidEscape { position: self.pos })?;
            code = code * 16 + value;
        }
        self.pos += 4;
        Ok(code)
    }

    /// Reads a number token (its first byte already peeked).
    pub fn number(&mut self) -> Result<Number> {
        let start = self.pos;
        let invalid = || JsonError::InvalidNumber { position: start };
        let negative = self.buf.get(self.pos) == Some(&b'-');
        if negative {
            self.pos += 1;
        }
        let digits_start = self.pos;
        let mut magnitude: u64 = 0;
        let mut fits = true;
        while let Some(&digit @ b'0'..=b'9') = self.buf.get(self.pos) {
            let next = magnitude
                .checked_mul(10)
                .and_then(|m| m.checked_add(u64::from(digit - b'0')));
            match next {
                Some(m) => magnitude = m,
                None => fits = false,
            }
            self.pos += 1;
        }
        let digits = self.pos - digits_start;
        if digits == 0 || (digits > 1 && self.buf[digits_start] == b'0') {
            return Err(invalid());
        }
        let integral = !matches!(self.buf.get(self.pos), Some(b'.' | b'e' | b'E'));
        if !integral {
            self.fraction_and_exponent().ok_or_else(invalid)?;
        }
        let int = if integral && fits {
            signed(magnitude, negative)
        } else {
            None
        };
        Ok(Number {
            start,
            end: self.pos,
            int,
            integral,
        })
    }

    /// Skips a number's fraction and exponent; `None` when either has no digits.
    fn fraction_and_exponent(&mut self) -> Option<()> {
        if self.buf.get(self.pos) == Some(&b'.') {
            self.pos += 1;
            if self.skip_digits() == 0 {
                return None;
            }
        }
        if matches!(self.buf.get(self.pos), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.buf.get(self.pos), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if self.skip_digits() == 0 {
                return None;
            }
        }
        Some(())
    }

    fn skip_digits(&mut self) -> usize {
        let start = self.pos;
        while matches!(self.buf.get(self.pos), Some(b'0'..=b'9')) {
            self.pos += 1;
        }
        self.pos - start
    }

    /// The text of a number token.
    pub fn number_text(&self, number: &Number) -> &'a str {
        // A number token is ASCII by construction.
        std::str::from_utf8(&self.buf[number.start..number.end]).unwrap_or_default()
    }

    /// The value of a number token as a double (correctly rounded).
    pub fn number_f64(&self, number: &Number) -> f64 {
        match number.int {
            Some(int) if int.unsigned_abs() < (1 << 53) => int as f64,
            _ => self.number_text(number).parse().unwrap_or(f64::NAN),
        }
    }

    /// Skips one complete JSON value, checking it as thoroughly as reading it would.
    pub fn skip_value(&mut self) -> Result<()> {
        match self.peek_some()? {
            b'{' => {
                self.enter()?;
                let mut more = self.object_first()?;
                while more {
                    self.key()?;
                    self.skip_value()?;
                    more = self.object_next()?;
                }
                Ok(())
            }
            b'[' => {
                self.enter()?;
                let mut more = self.array_first()?;
                while more {
                    self.skip_value()?;
                    more = self.array_next()?;
                }
                Ok(())
            }
            b'"' => {
                let open = self.pos;
                match self.string_raw()? {
                    Raw::Span(start, end) => check_utf8(&self.buf[start..end], open),
                    Raw::Owned(_) => Ok(()),
                }
            }
            b't' => self.literal(b"true"),
            b'f' => self.literal(b"false"),
            b'n' => self.literal(b"null"),
            b'-' | b'0'..=b'9' => self.number().map(drop),
            _ => Err(self.unexpected("a JSON value")),
        }
    }
}

/// A string's content: a span of the input, or unescaped text.
enum Raw {
    Span(usize, usize),
    Owned(String),
}

fn signed(magnitude: u64, negative: bool) -> Option<i64> {
    if negative {
        0i64.checked_sub_unsigned(magnitude)
    } else {
        i64::try_from(magnitude).ok()
    }
}

fn check_utf8(bytes: &[u8], position: usize) -> Result<()> {
    if bytes.is_ascii() || std::str::from_utf8(bytes).is_ok() {
        Ok(())
    } else {
        Err(JsonError::InvalidUtf8 { position })
    }
}

fn describe(byte: u8) -> String {
    if byte.is_ascii_graphic() {
        format!("'{}'", byte as char)
    } else {
        format!("byte 0x{byte:02x}")
    }
}
