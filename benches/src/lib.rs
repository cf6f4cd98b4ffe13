//! Records shared by the benchmarks, so every format measures the same data.
//!
//! - the **flat** record: 20 fields (ints, longs, doubles, strings, a timestamp, an optional
//!   field), about 300 bytes in Avro;
//! - the **nested** record: a struct holding a nested struct, an array of structs and a map.

use sluice_codecs::{Schema, SchemaRef, Struct, Value};

/// Name of the flat record's schema.
pub const FLAT_NAME: &str = "sluice.bench.Flat";
/// Name of the nested record's schema.
pub const NESTED_NAME: &str = "sluice.bench.Nested";

/// The flat record's schema: 20 fields.
pub fn flat_schema() -> SchemaRef {
    let int32 = || Schema::int32().into_ref();
    let int64 = || Schema::int64().into_ref();
    let float64 = || Schema::float64().into_ref();
    let string = || Schema::string().into_ref();
    Schema::structure([
        ("id", int64()),
        ("user_id", int32()),
        ("session_id", int64()),
        ("event_type", string()),
        ("page", string()),
        ("referrer", string()),
        ("country", string()),
        ("city", string()),
        ("device", string()),
        ("browser", string()),
        ("duration_ms", int32()),
        ("bytes_sent", int64()),
        ("bytes_received", int64()),
        ("latitude", float64()),
        ("longitude", float64()),
        ("score", float64()),
        ("retries", int32()),
        ("active", Schema::boolean().into_ref()),
        ("created_at", Schema::timestamp().into_ref()),
        ("note", Schema::string().optional().into_ref()),
    ])
    .with_name(FLAT_NAME)
    .into_ref()
}

/// One flat record, the same on every call.
pub fn flat_value() -> Value {
    let values = vec![
        Value::Int64(9_000_000_123),
        Value::Int32(48_213),
        Value::Int64(7_771_234_567_890),
        Value::from("page_view"),
        Value::from("/products/espresso-machines/model-x200?ref=home"),
        Value::from("https://www.example.com/search?q=espresso+machine"),
        Value::from("Netherlands"),
        Value::from("Amsterdam"),
        Value::from("desktop-linux-x86_64"),
        Value::from("Firefox/128.0"),
        Value::Int32(15_230),
        Value::Int64(48_213_334),
        Value::Int64(1_234_567),
        Value::Float64(52.370_216),
        Value::Float64(4.895_168),
        Value::Float64(0.875_5),
        Value::Int32(2),
        Value::Boolean(true),
        Value::Timestamp(1_732_550_400_123),
        Value::from("first visit from a campaign link, consent given"),
    ];
    let record = Struct::from_values(flat_schema(), values).expect("20 values for 20 fields");
    Value::Struct(record)
}

fn line_item_schema() -> SchemaRef {
    Schema::structure([
        ("sku", Schema::string().into_ref()),
        ("quantity", Schema::int32().into_ref()),
        ("unit_price", Schema::float64().into_ref()),
    ])
    .with_name("sluice.bench.LineItem")
    .into_ref()
}

fn address_schema() -> SchemaRef {
    Schema::structure([
        ("street", Schema::string().into_ref()),
        ("city", Schema::string().into_ref()),
        ("zip", Schema::string().into_ref()),
    ])
    .with_name("sluice.bench.Address")
    .into_ref()
}

/// The nested record's schema: a struct with a nested struct, an array of structs and a map.
pub fn nested_schema() -> SchemaRef {
    Schema::structure([
        ("order_id", Schema::int64().into_ref()),
        ("customer", Schema::string().into_ref()),
        ("shipping", address_schema()),
        ("items", Schema::array(line_item_schema()).into_ref()),
        (
            "attributes",
            Schema::map(Schema::string().into_ref(), Schema::string().into_ref()).into_ref(),
        ),
        ("placed_at", Schema::timestamp().into_ref()),
    ])
    .with_name(NESTED_NAME)
    .into_ref()
}

/// One nested record, the same on every call.
pub fn nested_value() -> Value {
    let address = Struct::from_values(
        address_schema(),
        vec![
            Value::from("Keizersgracht 123"),
            Value::from("Amsterdam"),
            Value::from("1015 CJ"),
        ],
    )
    .expect("3 values for 3 fields");
    let items = (0..4)
        .map(|i| {
            let item = Struct::from_values(
                line_item_schema(),
                vec![
                    Value::from(format!("SKU-{:06}", 1000 + i).as_str()),
                    Value::Int32(i + 1),
                    Value::Float64(19.99 + f64::from(i)),
                ],
            )
            .expect("3 values for 3 fields");
            Value::Struct(item)
        })
        .collect();
    let attributes = [
        "channel", "web", "coupon", "WINTER24", "gift", "no", "priority", "standard",
    ]
    .chunks(2)
    .map(|pair| (Value::from(pair[0]), Value::from(pair[1])))
    .collect();
    let values = vec![
        Value::Int64(555_123_987),
        Value::from("customer-000042@example.com"),
        Value::Struct(address),
        Value::Array(items),
        Value::Map(attributes),
        Value::Timestamp(1_732_550_400_999),
    ];
    let record = Struct::from_values(nested_schema(), values).expect("6 values for 6 fields");
    Value::Struct(record)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixtures_are_valid_for_their_schemas() {
        assert_eq!(flat_value().validate(&flat_schema()), Ok(()));
        assert_eq!(nested_value().validate(&nested_schema()), Ok(()));
    }
}
