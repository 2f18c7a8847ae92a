//! Studio's browser app.
//!
//! Two binaries share this library: `studio-app` runs on the UI thread and only
//! renders; `studio-worker` runs in a dedicated Web Worker and hosts `studio-core`.
//! They talk through the typed messages in [`protocol`].

pub mod bytes;
pub mod protocol;
pub mod text;
pub mod ui;
pub mod worker;
