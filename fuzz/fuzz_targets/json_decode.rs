//! Feeds arbitrary bytes to the Connect JSON decoder: as a full envelope, as schemaless JSON,
//! and as the payload of an envelope with a fixed schema covering every type. Decoding must
//! return `Ok` or `Err`, never panic; what decodes must encode again.
#![no_main]

use bytes::Bytes;
use libfuzzer_sys::fuzz_target;
use sluice_codecs::json::{JsonCodec, JsonOptions};

const SCHEMA: &str = concat!(
    r#"{"type":"struct","fields":["#,
    r#"{"type":"int8","field":"a"},{"type":"int64","optional":true,"field":"b"},"#,
    r#"{"type":"float","optional":true,"field":"c"},{"type":"double","optional":true,"field":"d"},"#,
    r#"{"type":"string","optional":true,"default":"x","field":"e"},{"type":"bytes","optional":true,"field":"f"},"#,
    r#"{"type":"bytes","optional":true,"name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"2"},"field":"g"},"#,
    r#"{"type":"array","optional":true,"items":{"type":"boolean"},"field":"h"},"#,
    r#"{"type":"map","optional":true,"keys":{"type":"int32"},"values":{"type":"string"},"field":"i"},"#,
    r#"{"type":"map","optional":true,"keys":{"type":"string"},"values":{"type":"int64","name":"org.apache.kafka.connect.data.Timestamp"},"field":"j"}"#,
    r#"],"optional":true}"#
);

fuzz_target!(|data: &[u8]| {
    let input = Bytes::copy_from_slice(data);
    let mut envelope = JsonCodec::new(JsonOptions::default());
    let mut out = Vec::new();
    if let Ok((schema, value)) = envelope.decode(Some(&input)) {
        let _ = envelope.encode(schema.as_ref(), &value, &mut out);
    }
    let schemaless = JsonOptions {
        schemas_enable: false,
        ..JsonOptions::default()
    };
    let _ = JsonCodec::new(schemaless).decode(Some(&input));

    let mut wrapped = Vec::with_capacity(data.len() + SCHEMA.len() + 32);
    wrapped.extend_from_slice(br#"{"schema":"#);
    wrapped.extend_from_slice(SCHEMA.as_bytes());
    wrapped.extend_from_slice(br#","payload":"#);
    wrapped.extend_from_slice(data);
    wrapped.push(b'}');
    if let Ok((schema, value)) = envelope.decode(Some(&Bytes::from(wrapped))) {
        out.clear();
        let _ = envelope.encode(schema.as_ref(), &value, &mut out);
    }
});
