//! Connect values: [`Value`] and [`Struct`], and their validation against a [`Schema`].

use bytes::Bytes;

use crate::decimal::Decimal;
use crate::schema::{LogicalType, Schema, SchemaRef, SchemaType, Type};
use crate::str::Str;

/// A value does not fit its schema.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DataError {
    /// The value's kind does not match the schema type.
    #[error("invalid value for {expected} schema{}: found {found}", path_suffix(.path))]
    TypeMismatch {
        /// What the schema expects (`INT32`, `Decimal`, …).
        expected: String,
        /// What the value is.
        found: &'static str,
        /// Where in the value, e.g. `address.zip`; empty at the top.
        path: String,
    },
    /// A null value where the schema is required and has no default.
    #[error("null value for required schema{}", path_suffix(.path))]
    NullForRequired {
        /// Where in the value.
        path: String,
    },
    /// A struct field name the schema does not have.
    #[error("{field} is not a valid field name")]
    UnknownField {
        /// The name asked for.
        field: String,
    },
    /// A struct value whose schema differs from the one declared for it.
    #[error("struct schemas do not match{}", path_suffix(.path))]
    MismatchingSchema {
        /// Where in the value.
        path: String,
    },
    /// A Decimal whose scale differs from its schema's.
    #[error("decimal scale {found} does not match schema scale {expected}{}", path_suffix(.path))]
    DecimalScale {
        /// The schema's scale.
        expected: i32,
        /// The value's scale.
        found: i32,
        /// Where in the value.
        path: String,
    },
}

fn path_suffix(path: &str) -> String {
    if path.is_empty() {
        String::new()
    } else {
        format!(" at `{path}`")
    }
}

/// A Connect value. Strings and bytes share the buffer they were decoded from.
///
/// The logical types have their own variants (`Decimal`, `Date`, `Time`, `Timestamp`); a value
/// for a logical schema uses them, as Connect uses `BigDecimal` and `java.util.Date`.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// The absence of a value.
    Null,
    /// `BOOLEAN`
    Boolean(bool),
    /// `INT8`
    Int8(i8),
    /// `INT16`
    Int16(i16),
    /// `INT32`
    Int32(i32),
    /// `INT64`
    Int64(i64),
    /// `FLOAT32`
    Float32(f32),
    /// `FLOAT64`
    Float64(f64),
    /// `STRING`
    String(Str),
    /// `BYTES`
    Bytes(Bytes),
    /// `ARRAY`
    Array(Vec<Value>),
    /// `MAP`, in entry order; keys may be of any type.
    Map(Vec<(Value, Value)>),
    /// `STRUCT`
    Struct(Struct),
    /// Decimal logical type.
    Decimal(Decimal),
    /// Date logical type: days since the Unix epoch.
    Date(i32),
    /// Time logical type: milliseconds since midnight.
    Time(i32),
    /// Timestamp logical type: milliseconds since the Unix epoch.
    Timestamp(i64),
}

impl Value {
    /// A `STRING` value.
    pub fn string(text: impl Into<Str>) -> Self {
        Self::String(text.into())
    }

    /// True for [`Value::Null`].
    pub fn is_null(&self) -> bool {
        matches!(self, Self::Null)
    }

    /// A short name of the value's kind, for error messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Null => "null",
            Self::Boolean(_) => "BOOLEAN",
            Self::Int8(_) => "INT8",
            Self::Int16(_) => "INT16",
            Self::Int32(_) => "INT32",
            Self::Int64(_) => "INT64",
            Self::Float32(_) => "FLOAT32",
            Self::Float64(_) => "FLOAT64",
            Self::String(_) => "STRING",
            Self::Bytes(_) => "BYTES",
            Self::Array(_) => "ARRAY",
            Self::Map(_) => "MAP",
            Self::Struct(_) => "STRUCT",
            Self::Decimal(_) => "Decimal",
            Self::Date(_) => "Date",
            Self::Time(_) => "Time",
            Self::Timestamp(_) => "Timestamp",
        }
    }

    /// The text of a `STRING` value.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Self::String(text) => Some(text),
            _ => None,
        }
    }

    /// The struct of a `STRUCT` value.
    pub fn as_struct(&self) -> Option<&Struct> {
        match self {
            Self::Struct(value) => Some(value),
            _ => None,
        }
    }

    /// Checks that this value is valid for `schema`, as Connect's `ConnectSchema.validateValue`:
    /// null only where the schema is optional or has a default, the logical-type variant for a
    /// logical schema, and struct values carrying exactly the declared schema.
    pub fn validate(&self, schema: &Schema) -> Result<(), DataError> {
        if self.is_valid(schema) {
            return Ok(());
        }
        self.validate_at(schema, &mut String::new())
    }

    /// Whether [`Value::validate`] would pass. Builds no error path, so transforms can check
    /// every rebuilt value cheaply and fall back to `validate` only to say what is wrong.
    pub fn is_valid(&self, schema: &Schema) -> bool {
        if self.is_null() {
            return accepts_null(schema);
        }
        if schema.name.is_some()
            && let Some(logical) = schema.logical_type()
        {
            return self.validate_logical(logical, "").is_ok();
        }
        match (&schema.ty, self) {
            (Type::Array(items), Self::Array(elements)) => {
                elements.iter().all(|element| element.is_valid(items))
            }
            (Type::Map { key, value }, Self::Map(entries)) => entries
                .iter()
                .all(|(k, v)| k.is_valid(key) && v.is_valid(value)),
            (Type::Struct(_), Self::Struct(inner)) => {
                (std::ptr::eq(inner.schema.as_ref(), schema) || inner.schema.as_ref() == schema)
                    && inner.is_valid()
            }
            (ty, value) => primitive_fits(ty, value),
        }
    }

    fn validate_at(&self, schema: &Schema, path: &mut String) -> Result<(), DataError> {
        if self.is_null() {
            return if accepts_null(schema) {
                Ok(())
            } else {
                Err(DataError::NullForRequired { path: path.clone() })
            };
        }
        if let Some(logical) = schema.logical_type() {
            return self.validate_logical(logical, path);
        }
        let fits = match (&schema.ty, self) {
            (Type::Array(items), Self::Array(elements)) => {
                for (index, element) in elements.iter().enumerate() {
                    with_segment(path, &index.to_string(), |path| {
                        element.validate_at(items, path)
                    })?;
                }
                true
            }
            (Type::Map { key, value }, Self::Map(entries)) => {
                for (k, v) in entries {
                    with_segment(path, "key", |path| k.validate_at(key, path))?;
                    with_segment(path, "value", |path| v.validate_at(value, path))?;
                }
                true
            }
            (Type::Struct(_), Self::Struct(inner)) => {
                if !std::ptr::eq(inner.schema.as_ref(), schema) && inner.schema.as_ref() != schema {
                    return Err(DataError::MismatchingSchema { path: path.clone() });
                }
                inner.validate_fields(path)?;
                true
            }
            (ty, value) => primitive_fits(ty, value),
        };
        if fits {
            Ok(())
        } else {
            Err(mismatch(schema.schema_type().name().to_owned(), self, path))
        }
    }

    fn validate_logical(&self, logical: LogicalType, path: &str) -> Result<(), DataError> {
        match (logical, self) {
            (LogicalType::Decimal { scale }, Self::Decimal(decimal))
                if decimal.scale() != scale =>
            {
                Err(DataError::DecimalScale {
                    expected: scale,
                    found: decimal.scale(),
                    path: path.to_owned(),
                })
            }
            (LogicalType::Decimal { .. }, Self::Decimal(_))
            | (LogicalType::Date, Self::Date(_))
            | (LogicalType::Time, Self::Time(_))
            | (LogicalType::Timestamp, Self::Timestamp(_)) => Ok(()),
            _ => Err(mismatch(format!("{logical:?}"), self, path)),
        }
    }
}

/// Null is valid where the schema is optional or has a default.
fn accepts_null(schema: &Schema) -> bool {
    schema.optional || schema.default.is_some()
}

/// Whether `value` is the kind a primitive schema type holds; false for containers, which the
/// callers check themselves.
fn primitive_fits(ty: &Type, value: &Value) -> bool {
    matches!(
        (ty, value),
        (Type::Int8, Value::Int8(_))
            | (Type::Int16, Value::Int16(_))
            | (Type::Int32, Value::Int32(_))
            | (Type::Int64, Value::Int64(_))
            | (Type::Float32, Value::Float32(_))
            | (Type::Float64, Value::Float64(_))
            | (Type::Boolean, Value::Boolean(_))
            | (Type::String, Value::String(_))
            | (Type::Bytes, Value::Bytes(_))
    )
}

fn mismatch(expected: String, found: &Value, path: &str) -> DataError {
    DataError::TypeMismatch {
        expected,
        found: found.kind(),
        path: path.to_owned(),
    }
}

fn with_segment<T>(path: &mut String, segment: &str, f: impl FnOnce(&mut String) -> T) -> T {
    let len = path.len();
    if !path.is_empty() {
        path.push('.');
    }
    path.push_str(segment);
    let result = f(path);
    path.truncate(len);
    result
}

impl From<bool> for Value {
    fn from(value: bool) -> Self {
        Self::Boolean(value)
    }
}
impl From<i8> for Value {
    fn from(value: i8) -> Self {
        Self::Int8(value)
    }
}
impl From<i16> for Value {
    fn from(value: i16) -> Self {
        Self::Int16(value)
    }
}
impl From<i32> for Value {
    fn from(value: i32) -> Self {
        Self::Int32(value)
    }
}
impl From<i64> for Value {
    fn from(value: i64) -> Self {
        Self::Int64(value)
    }
}
impl From<f32> for Value {
    fn from(value: f32) -> Self {
        Self::Float32(value)
    }
}
impl From<f64> for Value {
    fn from(value: f64) -> Self {
        Self::Float64(value)
    }
}
impl From<&str> for Value {
    fn from(value: &str) -> Self {
        Self::String(value.into())
    }
}
impl From<Str> for Value {
    fn from(value: Str) -> Self {
        Self::String(value)
    }
}
impl From<Bytes> for Value {
    fn from(value: Bytes) -> Self {
        Self::Bytes(value)
    }
}
impl From<Struct> for Value {
    fn from(value: Struct) -> Self {
        Self::Struct(value)
    }
}
impl From<Decimal> for Value {
    fn from(value: Decimal) -> Self {
        Self::Decimal(value)
    }
}

/// A struct value: Connect's `Struct`. Holds one value per field of its schema, in field order.
#[derive(Debug, Clone, PartialEq)]
pub struct Struct {
    schema: SchemaRef,
    values: Vec<Value>,
}

impl Struct {
    /// A struct of `schema` with every field null.
    ///
    /// # Panics
    /// If `schema` is not a STRUCT schema: building a struct of another type is a programming
    /// error, not an input error.
    pub fn new(schema: SchemaRef) -> Self {
        assert_eq!(
            schema.schema_type(),
            SchemaType::Struct,
            "Struct::new needs a STRUCT schema"
        );
        let values = vec![Value::Null; schema.fields().len()];
        Self { schema, values }
    }

    /// A struct from values already in field order, as decoders build them. Fails when the count
    /// differs from the schema's field count; values are not validated.
    pub fn from_values(schema: SchemaRef, values: Vec<Value>) -> Result<Self, DataError> {
        if schema.schema_type() != SchemaType::Struct || values.len() != schema.fields().len() {
            return Err(DataError::MismatchingSchema {
                path: String::new(),
            });
        }
        Ok(Self { schema, values })
    }

    /// The struct's schema.
    pub fn schema(&self) -> &SchemaRef {
        &self.schema
    }

    /// The field values in field order.
    pub fn values(&self) -> &[Value] {
        &self.values
    }

    /// Gives up the struct, returning its schema and values.
    pub fn into_parts(self) -> (SchemaRef, Vec<Value>) {
        (self.schema, self.values)
    }

    /// The value of field `name`, or the field's default when the value is null.
    pub fn get(&self, name: &str) -> Result<&Value, DataError> {
        let field = self.lookup(name)?;
        let value = &self.values[field.index];
        Ok(match (&field.schema.default, value) {
            (Some(default), Value::Null) => default,
            _ => value,
        })
    }

    /// The value of field `name` as stored, without applying the default.
    pub fn get_without_default(&self, name: &str) -> Result<&Value, DataError> {
        let index = self.lookup(name)?.index;
        Ok(&self.values[index])
    }

    /// Sets field `name` after validating `value` against the field's schema.
    pub fn put(&mut self, name: &str, value: impl Into<Value>) -> Result<&mut Self, DataError> {
        let value = value.into();
        let field = self.lookup(name)?;
        let index = field.index;
        with_segment(&mut String::new(), name, |path| {
            value.validate_at(&field.schema, path)
        })?;
        self.values[index] = value;
        Ok(self)
    }

    /// Checks every field value against its schema.
    pub fn validate(&self) -> Result<(), DataError> {
        if self.is_valid() {
            return Ok(());
        }
        self.validate_fields(&mut String::new())
    }

    /// Whether [`Struct::validate`] would pass, without building an error path.
    pub fn is_valid(&self) -> bool {
        self.schema
            .fields()
            .iter()
            .zip(&self.values)
            .all(|(field, value)| value.is_valid(&field.schema))
    }

    fn validate_fields(&self, path: &mut String) -> Result<(), DataError> {
        for (field, value) in self.schema.fields().iter().zip(&self.values) {
            with_segment(path, &field.name, |path| {
                value.validate_at(&field.schema, path)
            })?;
        }
        Ok(())
    }

    fn lookup(&self, name: &str) -> Result<&crate::schema::Field, DataError> {
        self.schema
            .field(name)
            .ok_or_else(|| DataError::UnknownField {
                field: name.to_owned(),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item_schema() -> SchemaRef {
        Schema::structure([
            ("id", Schema::int32().into_ref()),
            ("name", Schema::string().optional().into_ref()),
            (
                "qty",
                Schema::int32().with_default(Value::Int32(1)).into_ref(),
            ),
            ("price", Schema::decimal(2).into_ref()),
        ])
        .into_ref()
    }

    #[test]
    fn get_applies_default_and_get_without_default_does_not() {
        let record = Struct::new(item_schema());
        assert_eq!(record.get("qty"), Ok(&Value::Int32(1)));
        assert_eq!(record.get_without_default("qty"), Ok(&Value::Null));
    }

    #[test]
    fn put_validates_against_the_field_schema() {
        let mut record = Struct::new(item_schema());
        assert!(record.put("id", 7).is_ok());
        let error = record
            .put("id", "seven")
            .expect_err("a string is not INT32");
        assert_eq!(
            error.to_string(),
            "invalid value for INT32 schema at `id`: found STRING"
        );
        let error = record
            .put("price", Decimal::from_i128(5, 3))
            .expect_err("scale 3 ≠ 2");
        assert!(matches!(
            error,
            DataError::DecimalScale {
                expected: 2,
                found: 3,
                ..
            }
        ));
        assert!(matches!(
            record.put("nope", 1),
            Err(DataError::UnknownField { .. })
        ));
    }

    #[test]
    fn required_null_without_default_is_invalid() {
        let mut record = Struct::new(item_schema());
        record
            .put("price", Decimal::from_i128(5, 2))
            .expect("valid decimal");
        assert_eq!(
            record.validate(),
            Err(DataError::NullForRequired { path: "id".into() })
        );
        record.put("id", 1).expect("valid id");
        assert_eq!(record.validate(), Ok(()));
    }

    #[test]
    fn nested_struct_with_other_schema_mismatches() {
        let outer = Schema::structure([("inner", item_schema())]).into_ref();
        let other = Schema::structure([("x", Schema::int8().into_ref())]).into_ref();
        let mut record = Struct::new(outer);
        let error = record
            .put("inner", Struct::new(other))
            .expect_err("different schema");
        assert_eq!(
            error,
            DataError::MismatchingSchema {
                path: "inner".into()
            }
        );
    }

    #[test]
    fn map_keys_of_any_type_validate() {
        let schema = Schema::map(Schema::int64().into_ref(), Schema::string().into_ref());
        let value = Value::Map(vec![(Value::Int64(1), Value::from("a"))]);
        assert_eq!(value.validate(&schema), Ok(()));
        let bad = Value::Map(vec![(Value::from("k"), Value::from("a"))]);
        assert!(bad.validate(&schema).is_err());
    }
}
