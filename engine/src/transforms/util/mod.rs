//! Helpers shared by the transforms (and the predicates that match by regex): Kafka's
//! `Requirements` checks with their messages, schema and schemaless-map access, the config
//! declarations several transforms repeat, a lock-free cache of what is derived from input
//! schemas, and value checks decided once per schema.

mod config;
mod requirements;
mod schema;
mod schema_cache;
mod schema_memo;
mod value_check;

pub(crate) use config::{
    REPLACE_NULL_WITH_DEFAULT, java_split_colon, non_empty_list, operating_part,
    replace_null_with_default_key, valid_regex, whole_match_regex,
};
pub(crate) use requirements::{
    java_class, java_class_name, require_map, require_map_or_null, require_struct,
    require_struct_or_null,
};
pub(crate) use schema::{
    build_struct, copy_schema_basics, default_if_null, effective_value, field_value, map_get,
    map_put, part_value_mut, positional, set_checked_struct, struct_type, take_field_value,
    take_struct, take_struct_values, uses_defaults,
};
pub(crate) use schema_cache::SchemaCache;
pub(crate) use value_check::ValueCheck;
