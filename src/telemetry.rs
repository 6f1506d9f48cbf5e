//! Logs, to stderr: human-readable text (colored only on a terminal) or JSON, one object a line,
//! for log collectors. `LMSBRIDGE_LOG` (or `RUST_LOG`) sets the filter, default `info`.

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;

/// How log lines are written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// One line of text an event; ANSI colors only when stderr is a terminal.
    #[default]
    Text,
    /// One JSON object a line: `timestamp`, `level`, `message` and the event's fields
    /// (`request_id`, `face`, `operation`, `status`, `duration_us`, …) at the top level.
    Json,
}

pub fn init(format: LogFormat) {
    let filter = std::env::var("LMSBRIDGE_LOG").or_else(|_| std::env::var("RUST_LOG")).unwrap_or_else(|_| "info".into());
    let builder = tracing_subscriber::fmt().with_env_filter(EnvFilter::new(filter)).with_writer(std::io::stderr).with_target(false);
    let _ = match format {
        LogFormat::Text => builder.with_ansi(std::io::stderr().is_terminal()).try_init(),
        LogFormat::Json => builder.json().flatten_event(true).with_current_span(false).with_span_list(false).try_init(),
    };
}
