//! The UI thread: Leptos components over plain state, and the worker client.
//!
//! Nothing here computes: jobs go to the worker through [`client`], and their
//! progress and results come back as signals.

mod after_run;
mod app;
mod bench;
mod boundary;
mod cells;
mod check;
pub mod client;
mod column_summary;
mod columns;
mod conformance;
mod crash;
mod data_cell;
mod data_quality;
mod data_table;
mod device;
mod download;
mod guard;
mod job_run;
mod live;
mod load_report;
mod loss_curve;
mod metrics;
mod notebook_store;
mod notebooks;
mod params;
mod projection;
mod reading;
mod saved;
mod score_curve;
mod session;
mod share;
mod split_cell;
mod synthetic;
mod train;
mod try_model;
mod variance_chart;

/// Installs the crash panel and mounts the app on `<body>`.
pub fn run() {
    crash::install();
    if let Some(boot) = web_sys::window()
        .and_then(|window| window.document())
        .and_then(|document| document.get_element_by_id("boot"))
    {
        boot.remove();
    }
    leptos::mount::mount_to_body(app::App);
    mark("studio:interactive");
}

/// A User Timing mark, for devtools and the first-load benchmark.
fn mark(name: &str) {
    if let Some(performance) = web_sys::window().and_then(|window| window.performance()) {
        // A failed mark only loses a measurement.
        let _ = performance.mark(name);
    }
}
