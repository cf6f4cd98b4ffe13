//! [`ValueCheck`]: `Value::is_valid` against one field schema, decided once per schema so that
//! checking a record's values is a comparison of variants.

use std::mem::{Discriminant, discriminant};

use sluice_codecs::schema::LogicalType;
use sluice_codecs::{Schema, Type, Value};

/// How a value is checked against a field schema; answers exactly as [`Value::is_valid`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ValueCheck {
    /// A schema whose valid values are one variant, or null when `nullable`.
    Variant {
        /// The variant valid values have.
        variant: Discriminant<Value>,
        /// Whether null is valid (the schema is optional or has a default).
        nullable: bool,
    },
    /// Containers and Decimal: [`Value::is_valid`] itself.
    Full,
}

impl ValueCheck {
    /// The checks of the fields of struct schema `schema`, in field order.
    pub(crate) fn of_fields(schema: &Schema) -> Box<[Self]> {
        schema
            .fields()
            .iter()
            .map(|field| Self::of(&field.schema))
            .collect()
    }

    /// The check for values of `schema`.
    pub(crate) fn of(schema: &Schema) -> Self {
        let variant = match schema.logical_type() {
            Some(LogicalType::Decimal { .. }) => return Self::Full,
            Some(LogicalType::Date) => Value::Date(0),
            Some(LogicalType::Time) => Value::Time(0),
            Some(LogicalType::Timestamp) => Value::Timestamp(0),
            None => match &schema.ty {
                Type::Int8 => Value::Int8(0),
                Type::Int16 => Value::Int16(0),
                Type::Int32 => Value::Int32(0),
                Type::Int64 => Value::Int64(0),
                Type::Float32 => Value::Float32(0.0),
                Type::Float64 => Value::Float64(0.0),
                Type::Boolean => Value::Boolean(false),
                Type::String => Value::String(sluice_codecs::Str::from_static("")),
                Type::Bytes => Value::Bytes(bytes::Bytes::new()),
                Type::Array(_) | Type::Map { .. } | Type::Struct(_) => return Self::Full,
            },
        };
        Self::Variant {
            variant: discriminant(&variant),
            nullable: schema.optional || schema.default.is_some(),
        }
    }

    /// Whether `value` is valid for `schema`, the schema this check was made from.
    #[inline]
    pub(crate) fn passes(self, value: &Value, schema: &Schema) -> bool {
        match self {
            Self::Variant { variant, nullable } => match value {
                Value::Null => nullable,
                other => discriminant(other) == variant,
            },
            Self::Full => value.is_valid(schema),
        }
    }
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;
    use sluice_codecs::{Decimal, Str, Struct};

    use super::*;

    /// Every pairing of these schemas and values answers as `Value::is_valid`.
    #[test]
    fn answers_exactly_as_is_valid() {
        let inner = Schema::structure([("a", Schema::int8().into_ref())]).into_ref();
        let schemas = [
            Schema::int8(),
            Schema::int16().optional(),
            Schema::int32().with_default(Value::Int32(1)),
            Schema::int64(),
            Schema::float32(),
            Schema::float64().optional(),
            Schema::boolean(),
            Schema::string(),
            Schema::string().with_name("com.example.Named"),
            Schema::bytes(),
            Schema::date(),
            Schema::time().optional(),
            Schema::timestamp(),
            Schema::int64().with_name(sluice_codecs::schema::DATE_NAME),
            Schema::decimal(2),
            Schema::array(Schema::int8().into_ref()),
            Schema::map(Schema::string().into_ref(), Schema::int8().into_ref()),
            Schema::clone(&inner),
        ];
        let values = [
            Value::Null,
            Value::Boolean(true),
            Value::Int8(1),
            Value::Int16(1),
            Value::Int32(1),
            Value::Int64(1),
            Value::Float32(1.0),
            Value::Float64(1.0),
            Value::String(Str::from_static("x")),
            Value::Bytes(Bytes::from_static(b"x")),
            Value::Array(vec![Value::Int8(1)]),
            Value::Array(vec![Value::from("x")]),
            Value::Map(vec![(Value::from("k"), Value::Int8(1))]),
            Value::Struct(Struct::from_values(inner, vec![Value::Int8(1)]).expect("one field")),
            Value::Decimal(Decimal::from_i128(1, 2)),
            Value::Decimal(Decimal::from_i128(1, 3)),
            Value::Date(1),
            Value::Time(1),
            Value::Timestamp(1),
        ];
        for schema in &schemas {
            let check = ValueCheck::of(schema);
            for value in &values {
                assert_eq!(
                    check.passes(value, schema),
                    value.is_valid(schema),
                    "{value:?} against {schema:?}"
                );
            }
        }
    }
}
