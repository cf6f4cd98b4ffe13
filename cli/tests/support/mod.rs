//! Helpers of the tests that run the real `sluice` binary: worker processes, the test broker's
//! address, and a small JSON-over-HTTP client for the REST API.

#![allow(dead_code)]

use std::fs;
use std::io::Write;
use std::net::{TcpListener, TcpStream, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// The test broker's address; fails (saying how to start it) when nothing answers there.
pub fn bootstrap() -> String {
    broker_address("SLUICE_TEST_BOOTSTRAP", "127.0.0.1:19092")
}

/// The SASL_SSL test broker (SCRAM-SHA-512, user `sluice`, password `sluice-secret`).
pub fn sasl_ssl_bootstrap() -> String {
    broker_address("SLUICE_TEST_SASL_SSL_BOOTSTRAP", "127.0.0.1:19094")
}

fn broker_address(variable: &str, default: &str) -> String {
    let address = std::env::var(variable).unwrap_or_else(|_| default.to_owned());
    let first = address
        .split(',')
        .next()
        .unwrap_or(&address)
        .trim()
        .to_owned();
    let reachable = first
        .to_socket_addrs()
        .ok()
        .and_then(|mut addrs| addrs.next())
        .is_some_and(|addr| TcpStream::connect_timeout(&addr, Duration::from_secs(2)).is_ok());
    assert!(
        reachable,
        "the Kafka test broker is not reachable at {address} ({variable}): \
         run scripts/test-broker.sh first"
    );
    address
}

/// A name no other test run uses.
pub fn unique(prefix: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    format!("{prefix}-{}-{nanos:x}", std::process::id())
}

/// A loopback port nothing listens on right now.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .expect("a free port")
}

/// Writes `.properties` text from pairs.
pub fn write_properties(path: &Path, pairs: &[(&str, &str)]) {
    let mut file = fs::File::create(path).expect("properties file");
    for (key, value) in pairs {
        writeln!(file, "{key}={value}").expect("write");
    }
}

/// A `sluice` process, killed when dropped; its stderr goes to a file.
pub struct Sluice {
    child: Child,
    pub log: PathBuf,
}

impl Sluice {
    /// Starts `sluice <args>`, logging to `log`.
    pub fn start(args: &[&str], log: &Path) -> Self {
        let stderr = fs::File::create(log).expect("log file");
        let child = Command::new(env!("CARGO_BIN_EXE_sluice"))
            .args(args)
            .env("RUST_LOG", "info")
            .stdout(Stdio::null())
            .stderr(stderr)
            .spawn()
            .expect("sluice starts");
        Self {
            child,
            log: log.to_owned(),
        }
    }

    /// The log so far.
    pub fn log_text(&self) -> String {
        fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Kills the process at once (SIGKILL), as a crash would.
    pub fn kill_9(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Sends SIGTERM and waits for the exit code.
    pub fn terminate(&mut self) -> Option<i32> {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status.code();
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!(
            "sluice did not stop within 30 s of SIGTERM:\n{}",
            self.log_text()
        );
    }

    /// True while the process runs.
    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }
}

impl Drop for Sluice {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Waits until `ready` holds, failing with `what` (and the worker log) after `timeout`.
pub fn wait_for(
    what: &str,
    timeout: Duration,
    worker: &mut Sluice,
    mut ready: impl FnMut() -> bool,
) {
    let deadline = Instant::now() + timeout;
    while !ready() {
        assert!(
            worker.is_running(),
            "sluice exited while waiting for {what}:\n{}",
            worker.log_text()
        );
        assert!(
            Instant::now() < deadline,
            "timed out waiting for {what}:\n{}",
            worker.log_text()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The lines of a file (empty when it does not exist yet).
pub fn lines(path: &Path) -> Vec<String> {
    fs::read_to_string(path)
        .map(|text| text.lines().map(str::to_owned).collect())
        .unwrap_or_default()
}

/// A JSON client of one worker's REST API.
pub struct Rest {
    agent: ureq::Agent,
    base: String,
}

/// A REST answer.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub body: Value,
    pub location: Option<String>,
    pub content_type: Option<String>,
    pub text: String,
}

impl Rest {
    /// A client of `http://127.0.0.1:<port>`.
    pub fn new(port: u16) -> Self {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(60)))
            .build()
            .into();
        Self {
            agent,
            base: format!("http://127.0.0.1:{port}"),
        }
    }

    /// True once the worker answers `GET /health` with 200.
    pub fn is_healthy(&self) -> bool {
        self.agent
            .get(format!("{}/health", self.base))
            .call()
            .is_ok_and(|response| response.status().as_u16() == 200)
    }

    /// Sends `method path` with an optional JSON body.
    pub fn call(&self, method: &str, path: &str, body: Option<Value>) -> Answer {
        let url = format!("{}{path}", self.base);
        let response = match (method, body) {
            ("GET", _) => self.agent.get(&url).call(),
            ("DELETE", _) => self.agent.delete(&url).call(),
            ("POST", Some(body)) => self
                .agent
                .post(&url)
                .header("Content-Type", "application/json")
                .send(body.to_string()),
            ("POST", None) => self.agent.post(&url).send_empty(),
            ("PUT", Some(body)) => self
                .agent
                .put(&url)
                .header("Content-Type", "application/json")
                .send(body.to_string()),
            ("PUT", None) => self.agent.put(&url).send_empty(),
            ("PATCH", Some(body)) => self
                .agent
                .patch(&url)
                .header("Content-Type", "application/json")
                .send(body.to_string()),
            ("PATCH", None) => self.agent.patch(&url).send_empty(),
            (other, _) => panic!("unsupported method {other}"),
        };
        let mut response = response.unwrap_or_else(|error| panic!("{method} {path}: {error}"));
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|value| value.to_str().ok())
                .map(str::to_owned)
        };
        let location = header("location");
        let content_type = header("content-type");
        let status = response.status().as_u16();
        let text = response.body_mut().read_to_string().unwrap_or_default();
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        Answer {
            status,
            body,
            location,
            content_type,
            text,
        }
    }

    /// `GET path`.
    pub fn get(&self, path: &str) -> Answer {
        self.call("GET", path, None)
    }
}
