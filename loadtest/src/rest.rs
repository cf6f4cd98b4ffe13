//! A tiny client of a worker's Kafka Connect REST API: just what the scenarios poll.

use std::time::Duration;

use serde_json::Value;

/// A JSON client of one worker's REST API at `http://127.0.0.1:<port>`.
pub struct Rest {
    agent: ureq::Agent,
    base: String,
}

impl Rest {
    /// A client of `http://127.0.0.1:<port>`, with short timeouts: scenarios poll it.
    pub fn new(port: u16) -> Self {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(5)))
            .build()
            .into();
        Self {
            agent,
            base: format!("http://127.0.0.1:{port}"),
        }
    }

    /// `GET path`: the status and JSON body, or `None` when the worker does not answer (yet).
    pub fn get(&self, path: &str) -> Option<(u16, Value)> {
        let mut response = self.agent.get(format!("{}{path}", self.base)).call().ok()?;
        let status = response.status().as_u16();
        let text = response.body_mut().read_to_string().ok()?;
        Some((status, serde_json::from_str(&text).unwrap_or(Value::Null)))
    }

    /// `PUT path` with no body: the status, or `None` when the worker does not answer.
    pub fn put(&self, path: &str) -> Option<u16> {
        let response = self
            .agent
            .put(format!("{}{path}", self.base))
            .send_empty()
            .ok()?;
        Some(response.status().as_u16())
    }

    /// True when `GET /connectors/<name>/status` shows the connector and every one of its
    /// tasks (at least one) RUNNING.
    pub fn is_running(&self, connector: &str) -> bool {
        self.get(&format!("/connectors/{connector}/status"))
            .is_some_and(|(status, body)| status == 200 && all_running(&body))
    }
}

/// Whether a `GET /connectors/<name>/status` body shows the connector and at least one task,
/// all RUNNING.
pub fn all_running(status: &Value) -> bool {
    let running = |value: &Value| value["state"] == "RUNNING";
    let tasks = status["tasks"].as_array();
    running(&status["connector"])
        && tasks.is_some_and(|tasks| !tasks.is_empty() && tasks.iter().all(running))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn running_needs_the_connector_and_every_task_running() {
        let status = |connector: &str, tasks: &[&str]| {
            json!({
                "name": "source",
                "connector": {"state": connector, "worker_id": "127.0.0.1:8083"},
                "tasks": tasks.iter().enumerate().map(|(id, state)| {
                    json!({"id": id, "state": state, "worker_id": "127.0.0.1:8083"})
                }).collect::<Vec<_>>(),
                "type": "source"
            })
        };
        assert!(all_running(&status("RUNNING", &["RUNNING"])));
        assert!(!all_running(&status("RUNNING", &[])));
        assert!(!all_running(&status("RUNNING", &["RUNNING", "UNASSIGNED"])));
        assert!(!all_running(&status("UNASSIGNED", &["RUNNING"])));
    }
}
