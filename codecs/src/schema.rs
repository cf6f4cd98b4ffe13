//! Connect schemas: [`Schema`] with its [`Type`], attributes and logical types.

use std::fmt;
use std::sync::Arc;

use indexmap::IndexMap;

use crate::value::Value;

/// A shared, immutable schema. Records of one topic share one schema allocation.
pub type SchemaRef = Arc<Schema>;

/// The type tag of a schema, Connect's `Schema.Type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SchemaType {
    /// `INT8`
    Int8,
    /// `INT16`
    Int16,
    /// `INT32`
    Int32,
    /// `INT64`
    Int64,
    /// `FLOAT32`
    Float32,
    /// `FLOAT64`
    Float64,
    /// `BOOLEAN`
    Boolean,
    /// `STRING`
    String,
    /// `BYTES`
    Bytes,
    /// `ARRAY`
    Array,
    /// `MAP`
    Map,
    /// `STRUCT`
    Struct,
}

impl SchemaType {
    /// Connect's upper-case name (`INT32`, `STRUCT`, …).
    pub fn name(self) -> &'static str {
        match self {
            Self::Int8 => "INT8",
            Self::Int16 => "INT16",
            Self::Int32 => "INT32",
            Self::Int64 => "INT64",
            Self::Float32 => "FLOAT32",
            Self::Float64 => "FLOAT64",
            Self::Boolean => "BOOLEAN",
            Self::String => "STRING",
            Self::Bytes => "BYTES",
            Self::Array => "ARRAY",
            Self::Map => "MAP",
            Self::Struct => "STRUCT",
        }
    }

    /// True for every type but ARRAY, MAP and STRUCT.
    pub fn is_primitive(self) -> bool {
        !matches!(self, Self::Array | Self::Map | Self::Struct)
    }
}

impl fmt::Display for SchemaType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A schema's type with what the container types hold.
#[derive(Debug, Clone, PartialEq)]
pub enum Type {
    /// `INT8`
    Int8,
    /// `INT16`
    Int16,
    /// `INT32`
    Int32,
    /// `INT64`
    Int64,
    /// `FLOAT32`
    Float32,
    /// `FLOAT64`
    Float64,
    /// `BOOLEAN`
    Boolean,
    /// `STRING`
    String,
    /// `BYTES`
    Bytes,
    /// `ARRAY` of elements of one schema.
    Array(SchemaRef),
    /// `MAP` with a key schema (any type) and a value schema.
    Map {
        /// Schema of the keys.
        key: SchemaRef,
        /// Schema of the values.
        value: SchemaRef,
    },
    /// `STRUCT` with ordered fields.
    Struct(Vec<Field>),
}

impl Type {
    /// The type tag.
    pub fn tag(&self) -> SchemaType {
        match self {
            Self::Int8 => SchemaType::Int8,
            Self::Int16 => SchemaType::Int16,
            Self::Int32 => SchemaType::Int32,
            Self::Int64 => SchemaType::Int64,
            Self::Float32 => SchemaType::Float32,
            Self::Float64 => SchemaType::Float64,
            Self::Boolean => SchemaType::Boolean,
            Self::String => SchemaType::String,
            Self::Bytes => SchemaType::Bytes,
            Self::Array(_) => SchemaType::Array,
            Self::Map { .. } => SchemaType::Map,
            Self::Struct(_) => SchemaType::Struct,
        }
    }
}

/// One field of a struct schema: Connect's `Field`.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// The field name.
    pub name: String,
    /// Position of the field in its struct.
    pub index: usize,
    /// The field's schema.
    pub schema: SchemaRef,
}

/// The logical types Connect defines on top of primitive schemas.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogicalType {
    /// `org.apache.kafka.connect.data.Decimal` on BYTES, with the `scale` parameter.
    Decimal {
        /// Digits after the decimal point.
        scale: i32,
    },
    /// `org.apache.kafka.connect.data.Date` on INT32: days since the epoch.
    Date,
    /// `org.apache.kafka.connect.data.Time` on INT32: milliseconds since midnight.
    Time,
    /// `org.apache.kafka.connect.data.Timestamp` on INT64: milliseconds since the epoch.
    Timestamp,
}

/// Schema name of the Decimal logical type.
pub const DECIMAL_NAME: &str = "org.apache.kafka.connect.data.Decimal";
/// Parameter holding a Decimal's scale.
pub const DECIMAL_SCALE_PARAMETER: &str = "scale";
/// Schema name of the Date logical type.
pub const DATE_NAME: &str = "org.apache.kafka.connect.data.Date";
/// Schema name of the Time logical type.
pub const TIME_NAME: &str = "org.apache.kafka.connect.data.Time";
/// Schema name of the Timestamp logical type.
pub const TIMESTAMP_NAME: &str = "org.apache.kafka.connect.data.Timestamp";

/// A Connect schema: a type plus `optional`, `default`, `name`, `version`, `doc` and
/// `parameters`. Equality compares every attribute, as Connect's `ConnectSchema.equals` does.
///
/// Built by chaining:
/// ```
/// use sluice_codecs::Schema;
/// let item = Schema::structure([
///     ("id", Schema::int32().into_ref()),
///     ("name", Schema::string().optional().into_ref()),
///     ("price", Schema::decimal(2).into_ref()),
/// ])
/// .with_name("com.example.Item");
/// assert_eq!(item.field("name").map(|f| f.index), Some(1));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Schema {
    /// The type and, for containers, what they hold.
    pub ty: Type,
    /// Whether null is a valid value.
    pub optional: bool,
    /// The value used when a field is null.
    pub default: Option<Value>,
    /// Fully-qualified name; also selects logical types.
    pub name: Option<String>,
    /// Schema version.
    pub version: Option<i32>,
    /// Documentation.
    pub doc: Option<String>,
    /// String parameters, in insertion order.
    pub parameters: Option<IndexMap<String, String>>,
}

impl Schema {
    /// A required schema of type `ty` with no other attributes.
    pub fn new(ty: Type) -> Self {
        Self {
            ty,
            optional: false,
            default: None,
            name: None,
            version: None,
            doc: None,
            parameters: None,
        }
    }

    /// `INT8`.
    pub fn int8() -> Self {
        Self::new(Type::Int8)
    }
    /// `INT16`.
    pub fn int16() -> Self {
        Self::new(Type::Int16)
    }
    /// `INT32`.
    pub fn int32() -> Self {
        Self::new(Type::Int32)
    }
    /// `INT64`.
    pub fn int64() -> Self {
        Self::new(Type::Int64)
    }
    /// `FLOAT32`.
    pub fn float32() -> Self {
        Self::new(Type::Float32)
    }
    /// `FLOAT64`.
    pub fn float64() -> Self {
        Self::new(Type::Float64)
    }
    /// `BOOLEAN`.
    pub fn boolean() -> Self {
        Self::new(Type::Boolean)
    }
    /// `STRING`.
    pub fn string() -> Self {
        Self::new(Type::String)
    }
    /// `BYTES`.
    pub fn bytes() -> Self {
        Self::new(Type::Bytes)
    }
    /// `ARRAY` of `items`.
    pub fn array(items: SchemaRef) -> Self {
        Self::new(Type::Array(items))
    }
    /// `MAP` from `key` to `value`.
    pub fn map(key: SchemaRef, value: SchemaRef) -> Self {
        Self::new(Type::Map { key, value })
    }
    /// `STRUCT` with the given `(name, schema)` fields, in order.
    pub fn structure<N: Into<String>>(fields: impl IntoIterator<Item = (N, SchemaRef)>) -> Self {
        let fields = fields
            .into_iter()
            .enumerate()
            .map(|(index, (name, schema))| Field {
                name: name.into(),
                index,
                schema,
            })
            .collect();
        Self::new(Type::Struct(fields))
    }
    /// The Decimal logical type with `scale`.
    pub fn decimal(scale: i32) -> Self {
        Self::bytes()
            .with_name(DECIMAL_NAME)
            .with_version(1)
            .with_parameter(DECIMAL_SCALE_PARAMETER, scale.to_string())
    }
    /// The Date logical type.
    pub fn date() -> Self {
        Self::int32().with_name(DATE_NAME).with_version(1)
    }
    /// The Time logical type.
    pub fn time() -> Self {
        Self::int32().with_name(TIME_NAME).with_version(1)
    }
    /// The Timestamp logical type.
    pub fn timestamp() -> Self {
        Self::int64().with_name(TIMESTAMP_NAME).with_version(1)
    }

    /// Makes the schema optional.
    pub fn optional(mut self) -> Self {
        self.optional = true;
        self
    }
    /// Sets the name.
    pub fn with_name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }
    /// Sets the version.
    pub fn with_version(mut self, version: i32) -> Self {
        self.version = Some(version);
        self
    }
    /// Sets the documentation.
    pub fn with_doc(mut self, doc: impl Into<String>) -> Self {
        self.doc = Some(doc.into());
        self
    }
    /// Adds one parameter.
    pub fn with_parameter(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.parameters
            .get_or_insert_with(IndexMap::new)
            .insert(key.into(), value.into());
        self
    }
    /// Sets the default value. It is not validated here; [`Value::validate`] checks it.
    pub fn with_default(mut self, default: Value) -> Self {
        self.default = Some(default);
        self
    }
    /// Wraps the schema for sharing.
    pub fn into_ref(self) -> SchemaRef {
        Arc::new(self)
    }

    /// The type tag.
    pub fn schema_type(&self) -> SchemaType {
        self.ty.tag()
    }

    /// The struct's fields; empty for other types.
    pub fn fields(&self) -> &[Field] {
        match &self.ty {
            Type::Struct(fields) => fields,
            _ => &[],
        }
    }

    /// The struct field called `name`.
    pub fn field(&self, name: &str) -> Option<&Field> {
        self.fields().iter().find(|field| field.name == name)
    }

    /// A parameter's value.
    pub fn parameter(&self, key: &str) -> Option<&str> {
        self.parameters.as_ref()?.get(key).map(String::as_str)
    }

    /// The logical type this schema denotes, if its name and underlying type match one.
    /// A Decimal without a parseable `scale` parameter is not treated as a Decimal.
    pub fn logical_type(&self) -> Option<LogicalType> {
        match (self.name.as_deref()?, &self.ty) {
            (DECIMAL_NAME, Type::Bytes) => {
                let scale = self.parameter(DECIMAL_SCALE_PARAMETER)?.parse().ok()?;
                Some(LogicalType::Decimal { scale })
            }
            (DATE_NAME, Type::Int32) => Some(LogicalType::Date),
            (TIME_NAME, Type::Int32) => Some(LogicalType::Time),
            (TIMESTAMP_NAME, Type::Int64) => Some(LogicalType::Timestamp),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equality_compares_every_attribute() {
        assert_eq!(Schema::int32(), Schema::int32());
        assert_ne!(Schema::int32(), Schema::int32().optional());
        assert_ne!(Schema::int32(), Schema::int32().with_doc("x"));
        assert_ne!(Schema::decimal(2), Schema::decimal(3));
    }

    #[test]
    fn logical_types_need_name_and_underlying_type() {
        assert_eq!(
            Schema::decimal(2).logical_type(),
            Some(LogicalType::Decimal { scale: 2 })
        );
        assert_eq!(Schema::date().logical_type(), Some(LogicalType::Date));
        assert_eq!(Schema::time().logical_type(), Some(LogicalType::Time));
        assert_eq!(
            Schema::timestamp().logical_type(),
            Some(LogicalType::Timestamp)
        );
        assert_eq!(Schema::int64().with_name(DATE_NAME).logical_type(), None);
        assert_eq!(Schema::bytes().with_name(DECIMAL_NAME).logical_type(), None);
    }

    #[test]
    fn struct_fields_keep_order_and_index() {
        let schema = Schema::structure([
            ("b", Schema::int8().into_ref()),
            ("a", Schema::int8().into_ref()),
        ]);
        let names: Vec<_> = schema
            .fields()
            .iter()
            .map(|f| (f.name.as_str(), f.index))
            .collect();
        assert_eq!(names, [("b", 0), ("a", 1)]);
    }
}
