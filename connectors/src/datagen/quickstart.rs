//! The bundled quickstart schemas of Confluent's datagen (`quickstart=<name>`), each with the
//! field Confluent uses as the record key.

/// A bundled schema: its `quickstart` name, Avro schema with `arg.properties` hints, and key
/// field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quickstart {
    /// The `quickstart` value, lower case (matched case-insensitively, as Confluent's
    /// `Quickstart.valueOf(name.toUpperCase())` does).
    pub name: &'static str,
    /// The Avro schema text.
    pub schema: &'static str,
    /// The field whose value becomes the record key.
    pub key_field: &'static str,
}

/// The quickstart called `name`, ignoring case.
pub fn find(name: &str) -> Option<&'static Quickstart> {
    QUICKSTARTS
        .iter()
        .find(|quickstart| quickstart.name.eq_ignore_ascii_case(name))
}

/// The names `quickstart` accepts.
pub fn names() -> Vec<&'static str> {
    QUICKSTARTS
        .iter()
        .map(|quickstart| quickstart.name)
        .collect()
}

/// Every bundled quickstart.
pub const QUICKSTARTS: &[Quickstart] = &[
    Quickstart {
        name: "users",
        schema: USERS,
        key_field: "userid",
    },
    Quickstart {
        name: "pageviews",
        schema: PAGEVIEWS,
        key_field: "viewtime",
    },
    Quickstart {
        name: "orders",
        schema: ORDERS,
        key_field: "orderid",
    },
    Quickstart {
        name: "stock_trades",
        schema: STOCK_TRADES,
        key_field: "symbol",
    },
    Quickstart {
        name: "ratings",
        schema: RATINGS,
        key_field: "rating_id",
    },
    Quickstart {
        name: "clickstream",
        schema: CLICKSTREAM,
        key_field: "ip",
    },
    Quickstart {
        name: "clickstream_codes",
        schema: CLICKSTREAM_CODES,
        key_field: "code",
    },
];

const USERS: &str = r#"{
  "namespace": "ksql", "name": "users", "type": "record",
  "fields": [
    {"name": "registertime", "type": {"type": "long",
      "arg.properties": {"range": {"min": 1487715775521, "max": 1519273364600}}}},
    {"name": "userid", "type": {"type": "string", "arg.properties": {"regex": "User_[1-9]{0,1}"}}},
    {"name": "regionid", "type": {"type": "string", "arg.properties": {"regex": "Region_[1-9]?"}}},
    {"name": "gender", "type": {"type": "string",
      "arg.properties": {"options": ["MALE", "FEMALE", "OTHER"]}}}
  ]
}"#;

const PAGEVIEWS: &str = r#"{
  "namespace": "ksql", "name": "pageviews", "type": "record",
  "fields": [
    {"name": "viewtime", "type": {"type": "long",
      "arg.properties": {"iteration": {"start": 1, "step": 10}}}},
    {"name": "userid", "type": {"type": "string", "arg.properties": {"regex": "User_[1-9]{0,1}"}}},
    {"name": "pageid", "type": {"type": "string", "arg.properties": {"regex": "Page_[1-9][0-9]?"}}}
  ]
}"#;

const ORDERS: &str = r#"{
  "namespace": "ksql", "name": "orders", "type": "record",
  "fields": [
    {"name": "ordertime", "type": {"type": "long",
      "arg.properties": {"range": {"min": 1487715775521, "max": 1519273364600}}}},
    {"name": "orderid", "type": {"type": "int", "arg.properties": {"iteration": {"start": 0}}}},
    {"name": "itemid", "type": {"type": "string",
      "arg.properties": {"regex": "Item_[1-9][0-9]{0,2}"}}},
    {"name": "orderunits", "type": {"type": "double",
      "arg.properties": {"range": {"min": 0.1, "max": 10.0}}}},
    {"name": "address", "type": {"name": "address", "type": "record", "fields": [
      {"name": "city", "type": {"type": "string", "arg.properties": {"regex": "City_[1-9]{0,2}"}}},
      {"name": "state", "type": {"type": "string",
        "arg.properties": {"regex": "State_[1-9]{0,2}"}}},
      {"name": "zipcode", "type": {"type": "long",
        "arg.properties": {"range": {"min": 10000, "max": 99999}}}}
    ]}}
  ]
}"#;

const STOCK_TRADES: &str = r#"{
  "namespace": "ksql", "name": "StockTrade", "type": "record",
  "doc": "Defines a hypothetical stock trade using some known test stock symbols.",
  "fields": [
    {"name": "side", "doc": "A simulated trade side (buy or sell or short)",
      "type": {"type": "string", "arg.properties": {"options": ["BUY", "SELL", "SHORT"]}}},
    {"name": "quantity", "doc": "A simulated random quantity of the trade",
      "type": {"type": "int", "arg.properties": {"range": {"min": 1, "max": 5000}}}},
    {"name": "symbol", "doc": "Simulated stock symbols",
      "type": {"type": "string", "arg.properties": {
        "options": ["ZBZX", "ZJZZT", "ZTEST", "ZVV", "ZVZZT", "ZWZZT", "ZXZZT"]}}},
    {"name": "price", "doc": "A simulated random trade price in pennies",
      "type": {"type": "int", "arg.properties": {"range": {"min": 5, "max": 1000}}}},
    {"name": "account", "doc": "Simulated accounts assigned to the trade",
      "type": {"type": "string", "arg.properties": {"options": ["ABC123", "LMN456", "XYZ789"]}}},
    {"name": "userid", "doc": "The simulated user who executed the trade",
      "type": {"type": "string", "arg.properties": {"regex": "User_[1-9]{0,1}"}}}
  ]
}"#;

const RATINGS: &str = r#"{
  "namespace": "ksql", "name": "ratings", "type": "record",
  "fields": [
    {"name": "rating_id", "type": {"type": "long",
      "arg.properties": {"iteration": {"start": 1, "step": 1}}}},
    {"name": "user_id", "type": {"type": "int", "arg.properties": {"range": {"min": 1, "max": 20}}}},
    {"name": "stars", "type": {"type": "int", "arg.properties": {"range": {"min": 1, "max": 5}}}},
    {"name": "route_id", "type": {"type": "int",
      "arg.properties": {"range": {"min": 1, "max": 9999}}}},
    {"name": "rating_time", "type": {"type": "long",
      "arg.properties": {"iteration": {"start": 1, "step": 1}}}},
    {"name": "channel", "type": {"type": "string", "arg.properties": {
      "options": ["iOS", "android", "web", "ios-test", "android-test", "web-test"]}}},
    {"name": "message", "type": {"type": "string", "arg.properties": {"options": [
      "thank you for the most friendly, helpful experience today at your new lounge",
      "more peanuts please",
      "meh",
      "why is it so difficult to keep the bathrooms clean ?",
      "your team here rocks!",
      "worst. flight. ever. #neveragain",
      "(expletive deleted)",
      "airport refurb looks great, will fly outta here more!",
      "Surprisingly good, but the wifi could be better"
    ]}}}
  ]
}"#;

const CLICKSTREAM: &str = r#"{
  "namespace": "clickstream", "name": "events", "type": "record",
  "fields": [
    {"name": "ip", "type": {"type": "string", "arg.properties": {"options": [
      "111.152.45.45", "111.203.236.146", "111.168.57.122", "111.249.79.93", "111.90.225.227",
      "111.173.165.103", "111.145.8.144", "111.245.174.248", "111.245.174.111", "222.152.45.45",
      "222.203.236.146", "222.168.57.122", "222.249.79.93", "222.90.225.227", "222.173.165.103",
      "222.145.8.144", "222.245.174.248", "222.245.174.222", "122.152.45.245", "122.203.236.246",
      "122.168.57.222", "122.249.79.233", "122.90.225.227", "122.173.165.203", "122.145.8.244",
      "122.245.174.248", "122.245.174.122", "233.152.245.45", "233.203.236.146",
      "233.168.257.122", "233.249.279.93", "233.90.225.227", "233.173.215.103",
      "233.145.28.144", "233.245.174.248", "233.245.174.233"]}}},
    {"name": "userid", "type": {"type": "int", "arg.properties": {"range": {"min": -1, "max": 40}}}},
    {"name": "remote_user", "type": {"type": "string", "arg.properties": {"options": ["-"]}}},
    {"name": "time", "type": {"type": "string", "arg.properties": {"options": [
      "24/Feb/2023:10:12:00 +0000", "24/Feb/2023:10:12:30 +0000", "24/Feb/2023:10:13:00 +0000"
    ]}}},
    {"name": "_time", "type": {"type": "long",
      "arg.properties": {"iteration": {"start": 1, "step": 10}}}},
    {"name": "request", "type": {"type": "string", "arg.properties": {"options": [
      "GET /index.html HTTP/1.1", "GET /site/user_status.html HTTP/1.1",
      "GET /site/login.html HTTP/1.1", "GET /site/user_status.html HTTP/1.1",
      "GET /images/track.png HTTP/1.1", "GET /images/logo-small.png HTTP/1.1"]}}},
    {"name": "status", "type": {"type": "string", "arg.properties": {
      "options": ["200", "302", "404", "405", "406", "407"]}}},
    {"name": "bytes", "type": {"type": "string", "arg.properties": {
      "options": ["1289", "2048", "4096", "278", "4006", "4196", "14096"]}}},
    {"name": "referrer", "type": {"type": "string", "arg.properties": {"options": ["-"]}}},
    {"name": "agent", "type": {"type": "string", "arg.properties": {"options": [
      "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
      "Mozilla/5.0 (Windows NT 6.1; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/59.0.3071.115 Safari/537.36"
    ]}}}
  ]
}"#;

const CLICKSTREAM_CODES: &str = r#"{
  "namespace": "clickstream", "name": "codes", "type": "record",
  "fields": [
    {"name": "code", "type": {"type": "int", "arg.properties": {
      "options": [200, 302, 404, 405, 406, 407]}}},
    {"name": "definition", "type": {"type": "string", "arg.properties": {"options": [
      "Successful", "Redirect", "Page not found", "Method not allowed", "Not acceptable",
      "Proxy authentication required"]}}}
  ]
}"#;
