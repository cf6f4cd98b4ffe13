//! Tests of the bundled quickstart schemas against Confluent's.

use sluice_codecs::{SchemaType, Value};

use super::tests::{check_schema, config, field, poll_records, start, suffix_number, text};
use crate::test_support::MemoryOffsets;

#[test]
fn users_quickstart_matches_confluent_schema() {
    let mut task = start(
        config(&[("quickstart", "users")]),
        &MemoryOffsets::default(),
    );
    let records = poll_records(&mut task, 200);
    check_schema(
        &records,
        "ksql.users",
        &[
            ("registertime", SchemaType::Int64),
            ("userid", SchemaType::String),
            ("regionid", SchemaType::String),
            ("gender", SchemaType::String),
        ],
    );
    for record in &records {
        let Value::Int64(time) = field(record, "registertime") else {
            panic!("registertime is a long")
        };
        assert!((1_487_715_775_521..1_519_273_364_600).contains(time));
        assert!(suffix_number(text(record, "userid"), "User_").is_some_and(|n| n <= 9));
        assert!(suffix_number(text(record, "regionid"), "Region_").is_some_and(|n| n <= 9));
        assert!(["MALE", "FEMALE", "OTHER"].contains(&text(record, "gender")));
        // The users quickstart keys by userid.
        assert_eq!(record.key.as_str(), Some(text(record, "userid")));
    }
}

#[test]
fn pageviews_quickstart_iterates_viewtime() {
    let mut task = start(
        config(&[("quickstart", "PAGEVIEWS")]),
        &MemoryOffsets::default(),
    );
    let records = poll_records(&mut task, 3);
    check_schema(
        &records,
        "ksql.pageviews",
        &[
            ("viewtime", SchemaType::Int64),
            ("userid", SchemaType::String),
            ("pageid", SchemaType::String),
        ],
    );
    let times: Vec<&Value> = records
        .iter()
        .take(3)
        .map(|r| field(r, "viewtime"))
        .collect();
    assert_eq!(
        times,
        [&Value::Int64(1), &Value::Int64(11), &Value::Int64(21)]
    );
    assert_eq!(records[1].key.as_str(), Some("11"));
    for record in &records {
        assert!(
            suffix_number(text(record, "pageid"), "Page_").is_some_and(|n| (1..100).contains(&n))
        );
    }
}

#[test]
fn orders_quickstart_has_an_address_struct() {
    let mut task = start(
        config(&[("quickstart", "orders")]),
        &MemoryOffsets::default(),
    );
    let records = poll_records(&mut task, 50);
    check_schema(
        &records,
        "ksql.orders",
        &[
            ("ordertime", SchemaType::Int64),
            ("orderid", SchemaType::Int32),
            ("itemid", SchemaType::String),
            ("orderunits", SchemaType::Float64),
            ("address", SchemaType::Struct),
        ],
    );
    for (n, record) in records.iter().enumerate() {
        assert_eq!(field(record, "orderid"), &Value::Int32(n as i32));
        let Value::Float64(units) = field(record, "orderunits") else {
            panic!("orderunits is a double")
        };
        assert!((0.1..10.0).contains(units));
        let address = field(record, "address")
            .as_struct()
            .expect("address struct");
        assert_eq!(address.schema().name.as_deref(), Some("ksql.address"));
        assert!(
            address
                .get("city")
                .expect("city")
                .as_str()
                .is_some_and(|c| c.starts_with("City_"))
        );
        let Value::Int64(zip) = address.get("zipcode").expect("zipcode") else {
            panic!("zipcode is a long")
        };
        assert!((10_000..99_999).contains(zip));
    }
}

#[test]
fn stock_trades_quickstart_picks_options_and_ranges() {
    let mut task = start(
        config(&[("quickstart", "stock_trades")]),
        &MemoryOffsets::default(),
    );
    let records = poll_records(&mut task, 200);
    check_schema(
        &records,
        "ksql.StockTrade",
        &[
            ("side", SchemaType::String),
            ("quantity", SchemaType::Int32),
            ("symbol", SchemaType::String),
            ("price", SchemaType::Int32),
            ("account", SchemaType::String),
            ("userid", SchemaType::String),
        ],
    );
    let sides: std::collections::BTreeSet<&str> = records.iter().map(|r| text(r, "side")).collect();
    assert_eq!(sides, ["BUY", "SELL", "SHORT"].into());
    for record in &records {
        let (Value::Int32(quantity), Value::Int32(price)) =
            (field(record, "quantity"), field(record, "price"))
        else {
            panic!("quantity and price are ints")
        };
        assert!((1..5000).contains(quantity) && (5..1000).contains(price));
        assert_eq!(record.key.as_str(), Some(text(record, "symbol")));
    }
}

#[test]
fn ratings_and_clickstream_quickstarts_generate_valid_records() {
    for name in ["ratings", "clickstream", "clickstream_codes"] {
        let mut task = start(config(&[("quickstart", name)]), &MemoryOffsets::default());
        let records = poll_records(&mut task, 20);
        assert!(records.len() >= 20, "{name}");
        for record in &records {
            let schema = record.value_schema.as_ref().expect("schema");
            record
                .value
                .validate(schema)
                .expect("value fits its schema");
        }
    }
}
