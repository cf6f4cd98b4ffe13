//! Protobuf names as Confluent's `ProtobufData` makes them: identifiers, scrubbing and map
//! entry names.

/// Confluent's `ProtobufSchema.toMapEntry`: `lower_underscore` names become `UpperCamel`, then
/// `Entry` is appended.
pub(super) fn map_entry_name(name: &str) -> String {
    let mut entry = String::with_capacity(name.len() + 5);
    if name.contains('_') {
        for word in name.split('_') {
            let mut chars = word.chars();
            if let Some(first) = chars.next() {
                entry.push(first.to_ascii_uppercase());
                entry.extend(chars.map(|c| c.to_ascii_lowercase()));
            }
        }
    } else {
        entry.push_str(name);
    }
    entry.push_str("Entry");
    entry
}

/// True for a protobuf identifier: a letter or `_`, then letters, digits and `_`.
pub(super) fn is_identifier(name: &str) -> bool {
    let mut bytes = name.bytes();
    bytes
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// Confluent's `doScrubName`: a name that is not made of letters, digits and `_` (or starts
/// with a digit or `_`) is URL-encoded, prefixed with `x` if it then starts with a digit or `_`,
/// and every remaining character that is not a letter, digit or `_` becomes `_`.
pub(super) fn scrub(name: &str) -> String {
    let valid = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let starts_badly = |s: &str| {
        s.bytes()
            .next()
            .is_some_and(|b| b.is_ascii_digit() || b == b'_')
    };
    if name.is_empty() || (name.bytes().all(valid) && !starts_badly(name)) {
        return name.to_owned();
    }
    // java.net.URLEncoder with UTF-8: letters, digits and `.-*_` stay, space becomes `+`.
    let mut encoded = String::with_capacity(name.len() * 3);
    for b in name.bytes() {
        match b {
            b'.' | b'-' | b'*' | b'_' => encoded.push(char::from(b)),
            b' ' => encoded.push('+'),
            b if b.is_ascii_alphanumeric() => encoded.push(char::from(b)),
            b => encoded.push_str(&format!("%{b:02X}")),
        }
    }
    if starts_badly(&encoded) {
        encoded.insert(0, 'x');
    }
    encoded
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}
