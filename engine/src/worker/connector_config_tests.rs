use super::*;
use crate::config::test_support::raw;
use crate::worker::plugins::tests::test_plugins;

fn names_in_group<'a>(def: &'a ConfigDef, group: &str) -> Vec<(&'a str, i32)> {
    def.keys()
        .filter(|key| key.group.as_deref() == Some(group))
        .map(|key| (key.name.as_str(), key.order_in_group))
        .collect()
}

#[test]
fn base_keys_have_kafkas_groups_in_order() {
    let plugins = test_plugins();
    assert_eq!(
        connector_config_def(&plugins).groups(),
        ["Common", "Transforms", "Predicates", "Error Handling"]
    );
    assert_eq!(
        source_config_def(&plugins).groups(),
        [
            "Common",
            "Transforms",
            "Predicates",
            "Error Handling",
            "Topic Creation",
            "Exactly Once Support",
            "offsets.topic"
        ]
    );
    let sink = sink_config_def(&plugins);
    let names: Vec<&str> = sink.keys().map(|key| key.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "name",
            "connector.class",
            "tasks.max",
            "tasks.max.enforce",
            "key.converter",
            "value.converter",
            "header.converter",
            "transforms",
            "predicates",
            "config.action.reload",
            "errors.retry.timeout",
            "errors.retry.delay.max.ms",
            "errors.tolerance",
            "errors.log.enable",
            "errors.log.include.messages",
            "topics",
            "topics.regex",
            "errors.deadletterqueue.topic.name",
            "errors.deadletterqueue.topic.replication.factor",
            "errors.deadletterqueue.context.headers.enable",
        ]
    );
    let tasks_max = sink.key("tasks.max").expect("defined").info();
    assert_eq!(
        (
            tasks_max.ty,
            tasks_max.default_value.as_deref(),
            tasks_max.importance
        ),
        ("INT", Some("1"), Importance::High)
    );
}

#[test]
fn transforms_and_predicates_get_their_keys_under_their_alias() {
    let plugins = test_plugins();
    let config = raw(&[
        ("transforms", "route,mask"),
        (
            "transforms.route.type",
            "org.apache.kafka.connect.transforms.RegexRouter",
        ),
        ("transforms.mask.type", "Nope"),
        ("predicates", "isOrders"),
        ("predicates.isOrders.type", "TopicNameMatches"),
    ]);
    let def = enrich(&plugins, sink_config_def(&plugins), &config);
    assert_eq!(
        names_in_group(&def, "Transforms: route"),
        [
            ("transforms.route.type", 0),
            ("transforms.route.regex", 1),
            ("transforms.route.replacement", 2),
            ("transforms.route.negate", 3),
            ("transforms.route.predicate", 4),
        ]
    );
    assert_eq!(
        names_in_group(&def, "Transforms: mask"),
        [("transforms.mask.type", 0)]
    );
    assert_eq!(
        names_in_group(&def, "Predicates: isOrders"),
        [
            ("predicates.isOrders.type", 0),
            ("predicates.isOrders.pattern", 1)
        ]
    );
    let groups = def.groups();
    assert_eq!(
        &groups[4..],
        [
            "Transforms: route",
            "Transforms: mask",
            "Predicates: isOrders"
        ]
    );
    let error = def
        .key("transforms.mask.type")
        .expect("defined")
        .parse(Some("Nope"))
        .expect_err("unknown class");
    assert_eq!(
        error.to_string(),
        "Invalid value Nope for configuration transforms.mask.type: Class Nope could not be found."
    );
}

#[test]
fn topic_creation_groups_are_added_when_used() {
    let plugins = test_plugins();
    let without = enriched_config_def(&plugins, ConnectorType::Source, &raw(&[]), true);
    assert!(without.key("topic.creation.default.partitions").is_none());
    let config = raw(&[
        ("topic.creation.groups", "compacted"),
        ("topic.creation.default.partitions", "3"),
        ("topic.creation.default.replication.factor", "1"),
    ]);
    let def = enriched_config_def(&plugins, ConnectorType::Source, &config, true);
    assert_eq!(
        names_in_group(&def, "Topic Creation: default"),
        [
            ("topic.creation.default.include", 0),
            ("topic.creation.default.exclude", 1),
            ("topic.creation.default.replication.factor", 2),
            ("topic.creation.default.partitions", 3),
        ]
    );
    let partitions = def
        .key("topic.creation.compacted.partitions")
        .expect("group key");
    assert_eq!(partitions.default, DefaultValue::Value("3".to_owned()));
    let off = enriched_config_def(&plugins, ConnectorType::Source, &config, false);
    assert!(off.key("topic.creation.default.partitions").is_none());
}
