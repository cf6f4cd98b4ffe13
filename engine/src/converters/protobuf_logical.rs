//! The Connect types Confluent's `ProtobufData` writes with more than a protobuf type name: the
//! logical types (messages of files Confluent knows without schema references) and the
//! `(confluent.field_meta)` parameters of Decimal, `INT8` and `INT16` fields.

use sluice_codecs::protobuf::{
    DATE_FILE, DECIMAL_FILE, DECIMAL_PRECISION_PARAMETER, TIME_OF_DAY_FILE,
};
use sluice_codecs::schema::{
    DATE_NAME, DECIMAL_NAME, DECIMAL_SCALE_PARAMETER, TIME_NAME, TIMESTAMP_NAME,
};
use sluice_codecs::{Schema, Type};

use super::protobuf_derive::{DeriveError, field_error};

/// The message type of a Connect Decimal.
pub(super) const DECIMAL_TYPE: &str = "confluent.type.Decimal";
/// The `(confluent.field_meta)` parameter that keeps a Connect `INT8` or `INT16` type.
const CONNECT_TYPE_META: &str = "connect.type";

/// The Connect logical types written as messages of files Confluent knows without references:
/// (Connect name, message type, file imported).
const LOGICAL_TYPES: [(&str, &str, &str); 4] = [
    (DECIMAL_NAME, DECIMAL_TYPE, DECIMAL_FILE),
    (DATE_NAME, "google.type.Date", DATE_FILE),
    (TIME_NAME, "google.type.TimeOfDay", TIME_OF_DAY_FILE),
    (
        TIMESTAMP_NAME,
        "google.protobuf.Timestamp",
        "google/protobuf/timestamp.proto",
    ),
];

/// Where the `google.protobuf.*Value` wrapper messages are declared.
pub(super) const WRAPPERS_FILE: &str = "google/protobuf/wrappers.proto";

/// The wrapper message Confluent's `ProtobufData` writes, with `wrapper.for.nullables=true`, for
/// an optional primitive `schema` whose plain protobuf type is `ty`; `None` for an enum.
pub(super) fn wrapper_type(schema: &Schema, ty: &str) -> Option<&'static str> {
    Some(match schema.ty {
        Type::Int8 | Type::Int16 | Type::Int32 => "google.protobuf.Int32Value",
        Type::Int64 => match ty {
            "uint32" | "fixed32" => "google.protobuf.UInt32Value",
            "uint64" | "fixed64" => "google.protobuf.UInt64Value",
            _ => "google.protobuf.Int64Value",
        },
        Type::Float32 => "google.protobuf.FloatValue",
        Type::Float64 => "google.protobuf.DoubleValue",
        Type::Boolean => "google.protobuf.BoolValue",
        Type::String if ty == "string" => "google.protobuf.StringValue",
        Type::Bytes => "google.protobuf.BytesValue",
        _ => return None,
    })
}

/// The message type and file of a logical type's schema name.
pub(super) fn logical_type(name: Option<&str>) -> Option<(&'static str, &'static str)> {
    let name = name?;
    LOGICAL_TYPES
        .iter()
        .find(|(connect, _, _)| *connect == name)
        .map(|&(_, ty, file)| (ty, file))
}

/// The `(confluent.field_meta)` parameters Confluent writes for a field of `schema` typed `ty`,
/// in its order: `precision` and `scale` for a Decimal, `connect.type` for `INT8` and `INT16`
/// (which Confluent's reader narrows the `int32` back with).
pub(super) fn field_meta(
    schema: &Schema,
    ty: &str,
    path: &str,
) -> Result<Vec<(&'static str, String)>, DeriveError> {
    Ok(match schema.ty {
        _ if ty == DECIMAL_TYPE => decimal_params(schema, path)?,
        Type::Int8 => vec![(CONNECT_TYPE_META, "int8".to_owned())],
        Type::Int16 => vec![(CONNECT_TYPE_META, "int16".to_owned())],
        _ => Vec::new(),
    })
}

/// Confluent's `(confluent.field_meta)` parameters of a Decimal field: `precision` (from
/// `connect.decimal.precision`) then `scale`, the order Java's `HashMap` gives them. Both must be
/// ints written as Java writes them, or the schema would not read back the same.
fn decimal_params(schema: &Schema, path: &str) -> Result<Vec<(&'static str, String)>, DeriveError> {
    let canonical_int = |value: &str| value.parse::<i32>().is_ok_and(|v| v.to_string() == value);
    let mut params = Vec::new();
    if let Some(precision) = schema.parameter(DECIMAL_PRECISION_PARAMETER) {
        if !canonical_int(precision) {
            return Err(field_error(
                path,
                format!("its {DECIMAL_PRECISION_PARAMETER} parameter `{precision}` is not an int"),
            ));
        }
        params.push(("precision", precision.to_owned()));
    }
    match schema.parameter(DECIMAL_SCALE_PARAMETER) {
        Some(scale) if canonical_int(scale) => params.push(("scale", scale.to_owned())),
        _ => {
            return Err(field_error(
                path,
                "a Decimal needs an int scale parameter to read back",
            ));
        }
    }
    Ok(params)
}
