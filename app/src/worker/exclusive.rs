//! One device job at a time. Jobs are async and the worker runs several side by
//! side, but two runs on one GPU would interleave their WebGPU error scopes, which
//! must be popped in the order they were pushed (wgpu panics otherwise); and the
//! worker has one thread, so running them together gains nothing.

use std::cell::Cell;

use super::jobs::Stop;

thread_local! {
    static TAKEN: Cell<bool> = const { Cell::new(false) };
}

/// Held while a job computes on the device; let go when dropped.
pub struct Turn(());

impl Drop for Turn {
    fn drop(&mut self) {
        TAKEN.set(false);
    }
}

/// Waits for the device, seeing a `Cancel` while it waits.
pub async fn turn(cancelled: &Cell<bool>) -> Result<Turn, Stop> {
    while TAKEN.get() {
        gloo_timers::future::TimeoutFuture::new(5).await;
        if cancelled.get() {
            return Err(Stop::Cancelled);
        }
    }
    TAKEN.set(true);
    Ok(Turn(()))
}
