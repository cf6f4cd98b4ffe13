//! Protobuf names and numbers as Confluent's `ProtobufData` makes them: identifiers,
//! scrubbing, map entry names, field numbers, enum symbols, and the checks on them the compiler
//! would make.

use sluice_codecs::Schema;
use sluice_codecs::protobuf::{ENUM_PARAMETER, TAG_PARAMETER};

use super::protobuf_derive::{DeriveError, field_error, join};
use super::protobuf_render::{EnumDef, Message};

/// Largest protobuf field number.
const MAX_TAG: i32 = (1 << 29) - 1;

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

/// Rejects two fields of one message with the same number.
pub(super) fn check_tags(message: &Message<'_>, path: &str) -> Result<(), DeriveError> {
    let mut tags: Vec<(i32, &str)> = message
        .fields
        .iter()
        .chain(message.oneofs.iter().flat_map(|o| &o.fields))
        .map(|f| (f.tag, f.name.as_str()))
        .collect();
    tags.sort_unstable();
    match tags.windows(2).find(|pair| pair[0].0 == pair[1].0) {
        Some(pair) => Err(field_error(
            &join(path, pair[1].1),
            format!("field number {} is also used by `{}`", pair[1].0, pair[0].1),
        )),
        None => Ok(()),
    }
}

/// Rejects two fields whose names are equal once lower-cased without underscores (`time` and
/// `_time`): their proto3 JSON names clash, and the protobuf compiler the codec uses refuses
/// such a file (protobuf-java, and so Confluent, accepts it).
pub(super) fn check_json_names(message: &Message<'_>, path: &str) -> Result<(), DeriveError> {
    let fields: Vec<&str> = message
        .fields
        .iter()
        .chain(message.oneofs.iter().flat_map(|o| &o.fields))
        .map(|f| f.name.as_str())
        .collect();
    let folded = |name: &str| -> String {
        name.chars()
            .filter(|c| *c != '_')
            .map(|c| c.to_ascii_lowercase())
            .collect()
    };
    for (i, second) in fields.iter().enumerate() {
        if let Some(first) = fields[..i]
            .iter()
            .find(|first| folded(first) == folded(second))
        {
            return Err(field_error(
                &join(path, second),
                format!(
                    "its name and `{first}` differ only in case and underscores, which the protobuf compiler rejects in proto3 (scrub.invalid.names=true renames names that start with `_`)"
                ),
            ));
        }
    }
    Ok(())
}

pub(super) fn parse_tag(tag: &str, path: &str) -> Result<i32, DeriveError> {
    match tag.parse::<i32>() {
        Ok(number) if (1..=MAX_TAG).contains(&number) && !(19000..=19999).contains(&number) => {
            Ok(number)
        }
        _ => Err(field_error(
            path,
            format!("{TAG_PARAMETER}={tag} is not a usable protobuf field number"),
        )),
    }
}

/// Confluent's `enumDefinitionFromConnectSchema`: symbols from the `…Enum.<SYMBOL>` parameters,
/// in parameter order.
pub(super) fn enumeration(
    name: String,
    schema: &Schema,
    path: &str,
) -> Result<EnumDef, DeriveError> {
    let prefix = format!("{ENUM_PARAMETER}.");
    let mut values = Vec::new();
    for (key, number) in schema.parameters.iter().flatten() {
        if let Some(symbol) = key.strip_prefix(&prefix) {
            let number = number.parse().map_err(|_| {
                field_error(
                    path,
                    format!("enum symbol {symbol} has number `{number}`, not an integer"),
                )
            })?;
            values.push((symbol.to_owned(), number));
        }
    }
    if values.first().map(|(_, number)| *number) != Some(0) {
        return Err(field_error(
            path,
            format!("enum {name} must start with a symbol numbered 0 in proto3"),
        ));
    }
    Ok(EnumDef { name, values })
}
