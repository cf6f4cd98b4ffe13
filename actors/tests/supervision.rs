//! The actor tree's supervision, through a standalone worker running test connectors: failed
//! tasks restart with backoff then stay FAILED with their trace, a failing connector leaves the
//! others alone, config changes restart only the tasks they affect, pause and resume. Nothing
//! here produces records, so no broker is needed (clients connect lazily).

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use sluice_actors::herder::{Herder, State};
use sluice_actors::logging::LogLevels;
use sluice_actors::standalone::{StandaloneWorker, WorkerOptions};
use sluice_engine::config::{ConfigDef, RawConfig};
use sluice_engine::connector::{
    ConnectError, Connector, ConnectorPlugin, ConnectorRegistry, SourceConnector, SourceTask,
    SourceTaskContext,
};
use sluice_engine::record::RecordBatch;
use sluice_engine::worker::WorkerConfig;

const CLASS: &str = "test.ProbeSourceConnector";
const TIMEOUT: Duration = Duration::from_secs(20);

/// Task starts per (connector, task).
fn starts() -> &'static Mutex<HashMap<(String, u32), u32>> {
    static STARTS: OnceLock<Mutex<HashMap<(String, u32), u32>>> = OnceLock::new();
    STARTS.get_or_init(Mutex::default)
}

fn start_count(connector: &str, task: u32) -> u32 {
    starts()
        .lock()
        .expect("lock")
        .get(&(connector.to_owned(), task))
        .copied()
        .unwrap_or_default()
}

/// A source connector steered by its config: `mode` = `ok`, `panic` (tasks panic in `poll`) or
/// `refuse` (the connector fails to start); `tasks` task configs, task `i` carrying `tag.<i>`.
#[derive(Default)]
struct ProbeConnector {
    config: RawConfig,
}

impl Connector for ProbeConnector {
    fn version(&self) -> String {
        "1.0".to_owned()
    }

    fn config_def(&self) -> ConfigDef {
        ConfigDef::new()
    }

    fn start(&mut self, config: &RawConfig) -> Result<(), ConnectError> {
        if config.get("mode").map(String::as_str) == Some("refuse") {
            return Err(ConnectError::fatal("the probe refused to start"));
        }
        self.config = config.clone();
        Ok(())
    }

    fn task_configs(&self, _max_tasks: usize) -> Result<Vec<RawConfig>, ConnectError> {
        let tasks: u32 = self
            .config
            .get("tasks")
            .and_then(|n| n.parse().ok())
            .unwrap_or(1);
        Ok((0..tasks)
            .map(|task| {
                let tag = self
                    .config
                    .get(&format!("tag.{task}"))
                    .cloned()
                    .unwrap_or_default();
                [
                    (
                        "connector",
                        self.config.get("name").cloned().unwrap_or_default(),
                    ),
                    ("task", task.to_string()),
                    ("mode", self.config.get("mode").cloned().unwrap_or_default()),
                    ("tag", tag),
                ]
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v))
                .collect()
            })
            .collect())
    }

    fn stop(&mut self) -> Result<(), ConnectError> {
        Ok(())
    }
}

impl SourceConnector for ProbeConnector {
    fn create_task(&self) -> Box<dyn SourceTask> {
        Box::new(ProbeTask { panic: false })
    }
}

struct ProbeTask {
    panic: bool,
}

impl SourceTask for ProbeTask {
    fn start(&mut self, context: SourceTaskContext) -> Result<(), ConnectError> {
        let config = &context.config;
        let connector = config.get("connector").cloned().unwrap_or_default();
        let task = config.get("task").and_then(|t| t.parse().ok()).unwrap_or(0);
        *starts()
            .lock()
            .expect("lock")
            .entry((connector, task))
            .or_default() += 1;
        self.panic = config.get("mode").map(String::as_str) == Some("panic");
        Ok(())
    }

    fn poll(&mut self) -> Result<Option<RecordBatch>, ConnectError> {
        assert!(!self.panic, "the probe task panics as configured");
        std::thread::sleep(Duration::from_millis(10));
        Ok(None)
    }

    fn stop(&mut self) {}
}

fn raw(pairs: &[(&str, &str)]) -> RawConfig {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

async fn worker(max_attempts: &str) -> (StandaloneWorker, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let offsets = dir.path().join("offsets").display().to_string();
    let config = WorkerConfig::standalone(raw(&[
        ("bootstrap.servers", "127.0.0.1:1"),
        (
            "key.converter",
            "org.apache.kafka.connect.storage.StringConverter",
        ),
        (
            "value.converter",
            "org.apache.kafka.connect.storage.StringConverter",
        ),
        ("offset.storage.file.filename", &offsets),
        ("listeners", "http://127.0.0.1:0"),
        ("task.restart.max.attempts", max_attempts),
        ("task.restart.backoff.initial.ms", "50"),
        ("task.restart.backoff.max.ms", "100"),
        ("task.shutdown.graceful.timeout.ms", "2000"),
    ]))
    .expect("valid worker config");
    let mut connectors = ConnectorRegistry::new();
    connectors.register(ConnectorPlugin::source(CLASS, || {
        Box::new(ProbeConnector::default())
    }));
    let worker = StandaloneWorker::start(WorkerOptions {
        config,
        connectors,
        log_levels: LogLevels::new_detached(),
        metrics: None,
    })
    .await
    .expect("worker starts");
    (worker, dir)
}

fn connector(name: &str, extra: &[(&str, &str)]) -> RawConfig {
    let mut config = raw(&[("name", name), ("connector.class", CLASS)]);
    config.extend(raw(extra));
    config
}

/// Waits until the status of `name` satisfies `ready`.
async fn wait_status(
    worker: &StandaloneWorker,
    name: &str,
    what: &str,
    ready: impl Fn(&sluice_actors::herder::ConnectorStateInfo) -> bool,
) -> sluice_actors::herder::ConnectorStateInfo {
    let deadline = Instant::now() + TIMEOUT;
    loop {
        if let Ok(status) = worker.herder().connector_status(name).await
            && ready(&status)
        {
            return status;
        }
        assert!(
            Instant::now() < deadline,
            "timed out waiting for {what}: {:?}",
            worker.herder().connector_status(name).await
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn task_state(status: &sluice_actors::herder::ConnectorStateInfo, task: u32) -> Option<State> {
    status.tasks.iter().find(|t| t.id == task).map(|t| t.state)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_task_is_restarted_with_backoff_then_stays_failed_with_its_trace() {
    let (worker, _dir) = worker("2").await;
    worker
        .create_connector(connector("panicky", &[("mode", "panic")]), None)
        .await
        .expect("created");
    let status = wait_status(&worker, "panicky", "the task FAILED", |s| {
        task_state(s, 0) == Some(State::Failed)
    })
    .await;
    let trace = status.tasks[0].trace.clone().unwrap_or_default();
    assert!(trace.contains("panicked"), "{trace}");
    assert_eq!(start_count("panicky", 0), 3, "one start and two restarts");
    assert_eq!(status.connector.state, State::Running);
    // A manual restart gives it a fresh set of attempts.
    worker
        .herder()
        .restart_task("panicky", 0)
        .await
        .expect("restarted");
    wait_status(&worker, "panicky", "FAILED again", |s| {
        task_state(s, 0) == Some(State::Failed) && start_count("panicky", 0) == 6
    })
    .await;
    worker.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn zero_attempts_is_kafkas_behaviour_no_restart() {
    let (worker, _dir) = worker("0").await;
    worker
        .create_connector(connector("once", &[("mode", "panic")]), None)
        .await
        .expect("created");
    wait_status(&worker, "once", "the task FAILED", |s| {
        task_state(s, 0) == Some(State::Failed)
    })
    .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(start_count("once", 0), 1);
    worker.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_connector_leaves_the_others_running() {
    let (worker, _dir) = worker("2").await;
    worker
        .create_connector(connector("refuser", &[("mode", "refuse")]), None)
        .await
        .expect("created");
    worker
        .create_connector(connector("healthy", &[("mode", "ok")]), None)
        .await
        .expect("created");
    let failed = wait_status(&worker, "refuser", "the connector FAILED", |s| {
        s.connector.state == State::Failed
    })
    .await;
    assert!(
        failed
            .connector
            .trace
            .as_deref()
            .is_some_and(|t| t.contains("refused")),
        "{failed:?}"
    );
    wait_status(&worker, "healthy", "the other RUNNING", |s| {
        s.connector.state == State::Running && task_state(s, 0) == Some(State::Running)
    })
    .await;
    worker.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_config_change_restarts_only_the_tasks_it_affects() {
    let (worker, _dir) = worker("2").await;
    let base = [
        ("mode", "ok"),
        ("tasks", "2"),
        ("tag.0", "a"),
        ("tag.1", "b"),
    ];
    worker
        .create_connector(connector("pair", &base), None)
        .await
        .expect("created");
    wait_status(&worker, "pair", "both tasks RUNNING", |s| {
        task_state(s, 0) == Some(State::Running) && task_state(s, 1) == Some(State::Running)
    })
    .await;
    assert_eq!((start_count("pair", 0), start_count("pair", 1)), (1, 1));

    let mut changed = connector("pair", &base);
    changed.insert("tag.1".to_owned(), "c".to_owned());
    worker
        .herder()
        .put_connector_config("pair", changed.clone(), true, None)
        .await
        .expect("updated");
    wait_status(&worker, "pair", "task 1 restarted", |_| {
        start_count("pair", 1) == 2
    })
    .await;
    assert_eq!(start_count("pair", 0), 1, "task 0's config did not change");

    // A connector-level key (its tasks' converters and transforms come from it) affects all.
    changed.insert("errors.log.enable".to_owned(), "true".to_owned());
    worker
        .herder()
        .put_connector_config("pair", changed, true, None)
        .await
        .expect("updated");
    wait_status(&worker, "pair", "both restarted", |_| {
        start_count("pair", 0) == 2 && start_count("pair", 1) == 3
    })
    .await;
    worker.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pause_resume_and_stop_report_their_states() {
    let (worker, _dir) = worker("2").await;
    worker
        .create_connector(connector("toggle", &[("mode", "ok")]), None)
        .await
        .expect("created");
    wait_status(&worker, "toggle", "RUNNING", |s| {
        task_state(s, 0) == Some(State::Running)
    })
    .await;
    worker
        .herder()
        .pause_connector("toggle")
        .await
        .expect("paused");
    wait_status(&worker, "toggle", "PAUSED", |s| {
        s.connector.state == State::Paused && task_state(s, 0) == Some(State::Paused)
    })
    .await;
    worker
        .herder()
        .resume_connector("toggle")
        .await
        .expect("resumed");
    wait_status(&worker, "toggle", "RUNNING again", |s| {
        s.connector.state == State::Running && task_state(s, 0) == Some(State::Running)
    })
    .await;
    worker
        .herder()
        .stop_connector("toggle")
        .await
        .expect("stopped");
    let stopped = wait_status(&worker, "toggle", "STOPPED", |s| {
        s.connector.state == State::Stopped
    })
    .await;
    assert!(stopped.tasks.is_empty());
    assert!(
        worker
            .herder()
            .task_configs("toggle")
            .await
            .expect("known")
            .is_empty()
    );
    worker
        .herder()
        .resume_connector("toggle")
        .await
        .expect("resumed");
    wait_status(&worker, "toggle", "RUNNING after STOPPED", |s| {
        task_state(s, 0) == Some(State::Running)
    })
    .await;
    worker.stop().await;
}
