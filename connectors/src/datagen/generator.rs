//! Random Connect values for an Avro schema, steered by the `arg.properties` hints of Confluent's
//! Avro Random Generator: `options` (pick one of a list), `range` (`min` inclusive, `max`
//! exclusive, for numbers), `iteration` (`start`, `step`, optional `restart`: a value that grows
//! with each record), `regex` (strings, see [`super::regex`]) and `length` (strings, bytes,
//! arrays, maps: a number or `{min, max}`). Without hints, values are random for their type.
//!
//! The Avro schema is compiled once, by `sluice_codecs::avro`, into its Connect schema;
//! [`super::compile`] walks the schema JSON beside it to pick up the hints into a tree of
//! [`Node`]s, which generate values sharing the compiled schema's `Arc`s.

use fastrand::Rng;
use serde_json::Value as Json;
use sluice_codecs::{Decimal, SchemaRef, Str, Struct, Type, Value};

use super::compile::Compiler;
use super::regex::Pattern;

/// Length of strings, bytes, arrays and maps without a `length` hint: `[8, 16)`, as in Avro
/// Random Generator.
pub(super) const DEFAULT_LENGTH: Length = Length { min: 8, max: 16 };
/// Bounds of unhinted Date, Time and Timestamp values: 1970 to 2100.
const MAX_RANDOM_DAYS: i64 = 47_482;
const MILLIS_PER_DAY: i64 = 86_400_000;

/// Generates the records of one Avro record schema.
#[derive(Debug)]
pub(crate) struct RecordGenerator {
    schema: SchemaRef,
    root: Node,
}

impl RecordGenerator {
    /// Compiles the hints of `json` (the Avro schema text's JSON) against `schema`, the Connect
    /// schema `sluice_codecs::avro` derived from it. The schema must be a record.
    pub(crate) fn compile(json: &Json, schema: &SchemaRef) -> Result<Self, String> {
        if !matches!(schema.ty, Type::Struct(_)) {
            return Err("the schema must be an Avro record".to_owned());
        }
        let root = Compiler::default().node(json, schema, "", "", 0)?;
        Ok(Self {
            schema: schema.clone(),
            root,
        })
    }

    /// The Connect schema of the generated values.
    pub(crate) fn schema(&self) -> &SchemaRef {
        &self.schema
    }

    /// A new record; `iteration` is the record's number, which `iteration` hints follow.
    pub(crate) fn generate(&self, rng: &mut Rng, iteration: i64) -> Value {
        self.root.generate(rng, iteration)
    }
}

/// `[min, max)` elements or characters.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Length {
    pub(super) min: usize,
    pub(super) max: usize,
}

impl Length {
    pub(super) fn pick(self, rng: &mut Rng) -> usize {
        if self.max <= self.min + 1 {
            self.min
        } else {
            rng.usize(self.min..self.max)
        }
    }
}

/// The Connect type an integer node generates.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum IntKind {
    Int8,
    Int16,
    Int32,
    Int64,
    Date,
    Time,
    Timestamp,
}

impl IntKind {
    fn value(self, n: i64) -> Value {
        match self {
            Self::Int8 => Value::Int8(n as i8),
            Self::Int16 => Value::Int16(n as i16),
            Self::Int32 => Value::Int32(n as i32),
            Self::Int64 => Value::Int64(n),
            Self::Date => Value::Date(n as i32),
            Self::Time => Value::Time(n as i32),
            Self::Timestamp => Value::Timestamp(n),
        }
    }

    /// The range of unhinted values: the type's whole range, or a plausible one for dates.
    fn random(self, rng: &mut Rng) -> i64 {
        match self {
            Self::Int8 => i64::from(rng.i8(..)),
            Self::Int16 => i64::from(rng.i16(..)),
            Self::Int32 => i64::from(rng.i32(..)),
            Self::Int64 => rng.i64(..),
            Self::Date => rng.i64(0..MAX_RANDOM_DAYS),
            Self::Time => rng.i64(0..MILLIS_PER_DAY),
            Self::Timestamp => rng.i64(0..MAX_RANDOM_DAYS * MILLIS_PER_DAY),
        }
    }
}

/// How a number node picks its numbers.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Numbers<T> {
    Random,
    Range {
        min: T,
        max: T,
    },
    Iteration {
        start: T,
        step: T,
        restart: Option<T>,
    },
}

/// What generates one value: a schema position with its hints.
#[derive(Debug)]
pub(super) enum Node {
    /// True with the given odds.
    Boolean(f64),
    /// `start` for even iterations, its negation for odd ones.
    Alternate(bool),
    Int(IntKind, Numbers<i64>),
    Float {
        double: bool,
        numbers: Numbers<f64>,
    },
    String {
        regex: Option<Pattern>,
        length: Length,
    },
    Bytes(Length),
    Decimal {
        scale: i32,
        digits: u32,
    },
    Choice(Vec<Value>),
    Array(Box<Node>, Length),
    Map {
        keys: Box<Node>,
        values: Box<Node>,
        length: Length,
    },
    Record(SchemaRef, Vec<Node>),
    Optional(Box<Node>),
    Union {
        schema: SchemaRef,
        branches: Vec<Node>,
        nullable: bool,
    },
}

impl Numbers<i64> {
    fn pick(self, kind: IntKind, rng: &mut Rng, iteration: i64) -> i64 {
        match self {
            Self::Random => kind.random(rng),
            Self::Range { min, max } => rng.i64(min..max),
            Self::Iteration {
                start,
                step,
                restart,
            } => {
                let offset = step.wrapping_mul(iteration);
                match restart {
                    Some(restart) if restart != start => {
                        start.wrapping_add(offset.rem_euclid(restart - start))
                    }
                    _ => start.wrapping_add(offset),
                }
            }
        }
    }
}

impl Numbers<f64> {
    fn pick(self, rng: &mut Rng, iteration: i64) -> f64 {
        match self {
            Self::Random => rng.f64(),
            Self::Range { min, max } => min + rng.f64() * (max - min),
            Self::Iteration {
                start,
                step,
                restart,
            } => {
                let offset = step * iteration as f64;
                match restart {
                    Some(restart) if restart != start => start + offset.rem_euclid(restart - start),
                    _ => start + offset,
                }
            }
        }
    }
}

fn random_text(rng: &mut Rng, length: Length) -> String {
    (0..length.pick(rng)).map(|_| rng.alphanumeric()).collect()
}

impl Node {
    fn generate(&self, rng: &mut Rng, iteration: i64) -> Value {
        match self {
            Self::Boolean(odds) => Value::Boolean(rng.f64() < *odds),
            Self::Alternate(start) => Value::Boolean(*start == (iteration % 2 == 0)),
            Self::Int(kind, numbers) => kind.value(numbers.pick(*kind, rng, iteration)),
            Self::Float {
                double: true,
                numbers,
            } => Value::Float64(numbers.pick(rng, iteration)),
            Self::Float { numbers, .. } => Value::Float32(numbers.pick(rng, iteration) as f32),
            Self::String { regex, length } => {
                let text = match regex {
                    Some(pattern) => {
                        let mut text = String::new();
                        pattern.generate(rng, &mut text);
                        text
                    }
                    None => random_text(rng, *length),
                };
                Value::String(Str::from(text))
            }
            Self::Bytes(length) => {
                let bytes: Vec<u8> = (0..length.pick(rng)).map(|_| rng.u8(..)).collect();
                Value::Bytes(bytes.into())
            }
            Self::Decimal { scale, digits } => {
                let bound = 10i128.pow(*digits);
                Value::Decimal(Decimal::from_i128(rng.i128(-bound + 1..bound), *scale))
            }
            Self::Choice(options) => options[rng.usize(..options.len())].clone(),
            Self::Array(item, length) => Value::Array(
                (0..length.pick(rng))
                    .map(|_| item.generate(rng, iteration))
                    .collect(),
            ),
            Self::Map {
                keys,
                values,
                length,
            } => Value::Map(
                (0..length.pick(rng))
                    .map(|_| {
                        (
                            keys.generate(rng, iteration),
                            values.generate(rng, iteration),
                        )
                    })
                    .collect(),
            ),
            Self::Record(schema, fields) => {
                let values = fields
                    .iter()
                    .map(|field| field.generate(rng, iteration))
                    .collect();
                struct_value(schema, values)
            }
            Self::Optional(inner) if rng.bool() => inner.generate(rng, iteration),
            Self::Optional(_) => Value::Null,
            Self::Union {
                schema,
                branches,
                nullable,
            } => union_value(schema, branches, *nullable, rng, iteration),
        }
    }
}

/// A general union's struct with one randomly chosen branch set, or null.
fn union_value(
    schema: &SchemaRef,
    branches: &[Node],
    nullable: bool,
    rng: &mut Rng,
    iteration: i64,
) -> Value {
    let choices = branches.len() + usize::from(nullable);
    if choices == 0 {
        return Value::Null;
    }
    let chosen = rng.usize(..choices);
    // The choice past the last branch is null.
    let Some(branch) = branches.get(chosen) else {
        return Value::Null;
    };
    let mut values = vec![Value::Null; branches.len()];
    values[chosen] = branch.generate(rng, iteration);
    struct_value(schema, values)
}

/// A struct of `schema` holding `values`.
fn struct_value(schema: &SchemaRef, values: Vec<Value>) -> Value {
    // One node per field is built from this very schema, so the counts always agree.
    Struct::from_values(schema.clone(), values).map_or(Value::Null, Value::Struct)
}
