//! A `sluice` process under measurement ([`SluiceProcess`]): spawn, memory (`VmRSS`, `VmHWM`
//! from `/proc/<pid>/status`), CPU time (utime + stime from `/proc/<pid>/stat`), stop.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

/// How long a SIGTERM'd worker gets to stop before it is killed.
const STOP_TIMEOUT: Duration = Duration::from_secs(15);

/// Resident memory of a process, from `/proc/<pid>/status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Memory {
    /// `VmRSS`: resident set size now, in bytes.
    pub rss_bytes: u64,
    /// `VmHWM`: peak resident set size so far, in bytes.
    pub hwm_bytes: u64,
}

/// A process's resources at one moment.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Usage {
    /// Resident and peak resident memory.
    pub memory: Memory,
    /// User + system CPU time so far, in seconds.
    pub cpu_seconds: f64,
}

/// Parses `VmRSS` and `VmHWM` (kB in the file) out of a `/proc/<pid>/status` text.
pub fn parse_status(text: &str) -> anyhow::Result<Memory> {
    let field = |name: &str| -> anyhow::Result<u64> {
        let line = text
            .lines()
            .find_map(|line| line.strip_prefix(name)?.strip_prefix(':'))
            .with_context(|| format!("no {name} line in the process status"))?;
        let mut words = line.split_whitespace();
        let value: u64 = words
            .next()
            .with_context(|| format!("{name} has no value"))?
            .parse()
            .with_context(|| format!("{name} is not a number: {line:?}"))?;
        match words.next() {
            Some("kB") => Ok(value * 1024),
            other => bail!("{name} has unit {other:?}, expected kB"),
        }
    };
    Ok(Memory {
        rss_bytes: field("VmRSS")?,
        hwm_bytes: field("VmHWM")?,
    })
}

/// Parses utime + stime, in clock ticks, out of a `/proc/<pid>/stat` line.
pub fn parse_stat_ticks(text: &str) -> anyhow::Result<u64> {
    // The command name (field 2) is in parentheses and may contain spaces and parentheses;
    // the fields after its last `)` start at field 3 (state).
    let after_name = text
        .rfind(')')
        .map(|end| &text[end + 1..])
        .context("no `)` closing the command name in the process stat")?;
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    // utime is field 14 and stime field 15, i.e. indexes 11 and 12 counted from field 3.
    let tick = |index: usize, name: &str| -> anyhow::Result<u64> {
        fields
            .get(index)
            .with_context(|| format!("the process stat has no {name} field"))?
            .parse()
            .with_context(|| format!("{name} in the process stat is not a number"))
    };
    Ok(tick(11, "utime")? + tick(12, "stime")?)
}

/// Clock ticks per second (`getconf CLK_TCK`), 100 when it cannot be asked, as on every
/// common Linux.
fn ticks_per_second() -> f64 {
    static TICKS: OnceLock<f64> = OnceLock::new();
    *TICKS.get_or_init(|| {
        Command::new("getconf")
            .arg("CLK_TCK")
            .output()
            .ok()
            .and_then(|output| String::from_utf8(output.stdout).ok())
            .and_then(|text| text.trim().parse::<f64>().ok())
            .filter(|ticks| *ticks > 0.0)
            .unwrap_or(100.0)
    })
}

/// The memory of process `pid` now.
pub fn memory(pid: u32) -> anyhow::Result<Memory> {
    let path = format!("/proc/{pid}/status");
    let text = fs::read_to_string(&path).with_context(|| format!("reading {path}"))?;
    parse_status(&text).with_context(|| format!("parsing {path}"))
}

/// The CPU time (user + system) of process `pid` so far, in seconds.
pub fn cpu_seconds(pid: u32) -> anyhow::Result<f64> {
    let path = format!("/proc/{pid}/stat");
    let text = fs::read_to_string(&path).with_context(|| format!("reading {path}"))?;
    let ticks = parse_stat_ticks(&text).with_context(|| format!("parsing {path}"))?;
    Ok(ticks as f64 / ticks_per_second())
}

/// The memory and CPU time of process `pid` now.
pub fn usage(pid: u32) -> anyhow::Result<Usage> {
    Ok(Usage {
        memory: memory(pid)?,
        cpu_seconds: cpu_seconds(pid)?,
    })
}

/// A running `sluice` process, killed when dropped. Its stderr (the log) goes to a file.
#[derive(Debug)]
pub struct SluiceProcess {
    child: Child,
    started: Instant,
    log: PathBuf,
}

impl SluiceProcess {
    /// Starts `binary args…` with `RUST_LOG=warn`, logging to `log`.
    pub fn spawn(binary: &Path, args: &[&str], log: &Path) -> anyhow::Result<Self> {
        let stderr =
            fs::File::create(log).with_context(|| format!("creating log {}", log.display()))?;
        let started = Instant::now();
        let child = Command::new(binary)
            .args(args)
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(stderr)
            .spawn()
            .with_context(|| format!("starting {}", binary.display()))?;
        Ok(Self {
            child,
            started,
            log: log.to_owned(),
        })
    }

    /// `sluice standalone worker connectors…`.
    pub fn standalone(
        binary: &Path,
        worker: &Path,
        connectors: &[PathBuf],
        log: &Path,
    ) -> anyhow::Result<Self> {
        let mut args = vec!["standalone".to_owned(), worker.display().to_string()];
        args.extend(connectors.iter().map(|path| path.display().to_string()));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        Self::spawn(binary, &args, log)
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// When [`SluiceProcess::spawn`] was about to start the process.
    pub fn started(&self) -> Instant {
        self.started
    }

    /// The process's memory and CPU time now.
    pub fn usage(&self) -> anyhow::Result<Usage> {
        usage(self.pid())
    }

    /// Fails, with the end of the log, when the process has exited.
    pub fn ensure_running(&mut self) -> anyhow::Result<()> {
        match self.child.try_wait() {
            Ok(None) => Ok(()),
            Ok(Some(status)) => bail!("sluice exited ({status}); log:\n{}", self.log_tail()),
            Err(error) => Err(error).context("checking whether sluice still runs"),
        }
    }

    /// The last lines of the process's log, for error messages.
    pub fn log_tail(&self) -> String {
        let text = fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(20)..].join("\n")
    }

    /// Kills the process with SIGKILL (`kill -9`: no chance to flush or commit anything) and
    /// waits for it.
    pub fn kill_9(mut self) -> anyhow::Result<()> {
        self.child.kill().context("killing sluice")?;
        self.child.wait().context("waiting for the killed sluice")?;
        Ok(())
    }

    /// The whole log so far (empty when it cannot be read).
    pub fn log_text(&self) -> String {
        fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Sends SIGTERM and waits for the exit (killing it after a timeout); returns the exit
    /// code, `None` when it had to be killed or died of a signal.
    pub fn stop(mut self) -> anyhow::Result<Option<i32>> {
        let pid = self.pid().to_string();
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .context("sending SIGTERM to sluice")?;
        let deadline = Instant::now() + STOP_TIMEOUT;
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait().context("waiting for sluice")? {
                return Ok(status.code());
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        self.child.kill().context("killing sluice")?;
        self.child.wait().context("waiting for sluice")?;
        Ok(None)
    }
}

impl Drop for SluiceProcess {
    fn drop(&mut self) {
        // Already exited after `stop`; otherwise an error path: make sure nothing is left.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const STATUS: &str = "Name:\tsluice\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t4242\n\
        Pid:\t4242\nVmPeak:\t  612340 kB\nVmSize:\t  548012 kB\nVmLck:\t       0 kB\n\
        VmHWM:\t   18432 kB\nVmRSS:\t   12288 kB\nRssAnon:\t    6144 kB\nThreads:\t12\n";

    #[test]
    fn rss_and_peak_rss_are_read_in_bytes() {
        assert_eq!(
            parse_status(STATUS).unwrap(),
            Memory {
                rss_bytes: 12_582_912,
                hwm_bytes: 18_874_368,
            }
        );
    }

    #[test]
    fn a_status_without_vmrss_is_an_error() {
        let text = "Name:\tkworker\nVmHWM:\t 10 kB\n";
        let error = parse_status(text).unwrap_err().to_string();
        assert!(error.contains("VmRSS"), "{error}");
    }

    #[test]
    fn rss_anon_is_not_taken_for_vmrss() {
        let text = "RssAnon:\t 1 kB\nVmHWM:\t 3 kB\nVmRSS:\t 2 kB\n";
        assert_eq!(parse_status(text).unwrap().rss_bytes, 2048);
    }

    #[test]
    fn cpu_ticks_are_utime_plus_stime_even_with_spaces_in_the_name() {
        let stat = "4242 (sluice (w) x) S 1 4242 4242 0 -1 4194560 2300 0 0 0 150 37 0 0 \
                    20 0 12 0 5000 548012000 3072 18446744073709551615";
        assert_eq!(parse_stat_ticks(stat).unwrap(), 187);
    }

    #[test]
    fn this_process_has_readable_usage() {
        let usage = usage(std::process::id()).unwrap();
        assert!(usage.memory.rss_bytes > 0);
        assert!(usage.memory.hwm_bytes >= usage.memory.rss_bytes);
    }
}
