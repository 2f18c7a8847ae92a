//! A training run as the page follows it: the steps done of how many, the loss
//! curve so far, whether it is paused, and the clock that gives the time per
//! step and the time left (paused time not counted).

use studio_core::boundary::Boundary;

use crate::protocol::{HeldOutPoint, JobId, NamedCurve};

#[derive(Debug, Clone, PartialEq)]
pub struct Live {
    pub id: JobId,
    /// Steps done, and how many there will be at most (0: not known).
    pub done: u32,
    pub total: u32,
    /// What a step is: `epoch`, `tree`, `iteration`.
    pub unit: String,
    pub curve: Vec<f64>,
    /// The loss on held-out rows, and a held-out score, after each step that
    /// measured them.
    pub held_out_curve: Vec<f64>,
    pub score_curve: Option<NamedCurve>,
    /// Why the run left the GPU for the CPU, once it has.
    pub fallback: Option<String>,
    pub paused: bool,
    /// Paused, but the step under way when the pause came has not yet ended.
    pausing: bool,
    /// The decision boundary of the model as it stood at the latest redraw,
    /// and the step it was drawn after.
    pub boundary: Option<(Box<Boundary>, u32)>,
    clock: Clock,
}

/// Milliseconds on the page's clock.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Clock {
    started: f64,
    /// When the latest step was heard of.
    last: f64,
    paused_since: Option<f64>,
    /// Time spent paused so far.
    paused: f64,
}

impl Live {
    pub fn new(id: JobId, now: f64) -> Self {
        Self {
            id,
            done: 0,
            total: 0,
            unit: String::new(),
            curve: Vec::new(),
            held_out_curve: Vec::new(),
            score_curve: None,
            fallback: None,
            paused: false,
            pausing: false,
            boundary: None,
            clock: Clock {
                started: now,
                last: now,
                paused_since: None,
                paused: 0.0,
            },
        }
    }

    /// Step `done` (of `total`) was taken, with its objective if it has one.
    pub fn stepped(&mut self, done: u32, total: u32, unit: String, loss: Option<f64>, now: f64) {
        self.done = done;
        self.total = total;
        if !unit.is_empty() {
            self.unit = unit;
        }
        self.curve.extend(loss);
        self.clock.last = now;
    }

    /// What the step just taken measured on held-out rows, if anything.
    pub fn held_out(&mut self, point: Option<Box<HeldOutPoint>>) {
        let Some(point) = point.map(|p| *p) else {
            return;
        };
        self.held_out_curve.extend(point.loss);
        if let Some(score) = point.score {
            self.score_curve
                .get_or_insert_with(|| NamedCurve {
                    name: score.name,
                    values: Vec::new(),
                })
                .values
                .push(score.value);
        }
    }

    pub fn pause(&mut self, now: f64) {
        self.paused = true;
        self.pausing = true;
        self.clock.paused_since.get_or_insert(now);
    }

    /// The worker has stopped between two steps for the pause.
    pub fn settle_pause(&mut self) {
        self.pausing = false;
    }

    pub fn resume(&mut self, now: f64) {
        self.paused = false;
        self.pausing = false;
        if let Some(since) = self.clock.paused_since.take() {
            self.clock.paused += (now - since).max(0.0);
        }
    }

    /// The mean time of a step so far, once one has been taken.
    pub fn per_step(&self) -> Option<f64> {
        // A pause that began before the latest step was heard of ends it: count
        // only the running time up to that step.
        let paused = self.clock.paused
            + self
                .clock
                .paused_since
                .map_or(0.0, |since| (self.clock.last - since).max(0.0));
        let running = self.clock.last - self.clock.started - paused;
        (self.done > 0 && running > 0.0).then(|| running / f64::from(self.done))
    }

    /// The time the steps still allowed would take at that pace: an upper bound
    /// for a fit that may stop sooner.
    pub fn left(&self) -> Option<f64> {
        let per_step = self.per_step()?;
        (self.total > self.done).then(|| per_step * f64::from(self.total - self.done))
    }

    /// What a step is called: `epoch`, `tree`, or `iteration` until told.
    pub fn unit_name(&self) -> &str {
        step_name(&self.unit)
    }

    /// One line for the status: `Training · epoch 12 of 200 · objective 0.1234 ·
    /// 35 ms per epoch · at most 7 s left`, or `Paused at epoch 12 of 200 · …`.
    pub fn status(&self) -> String {
        let unit = self.unit_name();
        let of = if self.total > 0 {
            format!(" of {}", self.total)
        } else {
            String::new()
        };
        let mut line = if self.pausing {
            format!(
                "Pausing after the {unit} under way · {unit} {}{of}",
                self.done
            )
        } else if self.paused {
            format!("Paused at {unit} {}{of}", self.done)
        } else {
            format!("Training · {unit} {}{of}", self.done)
        };
        if let Some(loss) = self.curve.last() {
            line.push_str(&format!(" · objective {loss:.4}"));
        }
        if let Some(per_step) = self.per_step() {
            line.push_str(&format!(" · {} per {unit}", duration(per_step)));
        }
        if let (false, Some(left)) = (self.paused, self.left()) {
            line.push_str(&format!(" · at most {} left", duration(left)));
        }
        line
    }
}

/// A step's unit as the worker said it, `iteration` where it said none.
pub fn step_name(unit: &str) -> &str {
    if unit.is_empty() { "iteration" } else { unit }
}

/// `35 ms`, `4.2 s`, `3 min 20 s`.
pub fn duration(ms: f64) -> String {
    if ms < 1000.0 {
        format!("{} ms", ms.round().max(1.0))
    } else if ms < 60_000.0 {
        format!("{:.1} s", ms / 1000.0)
    } else {
        let seconds = (ms / 1000.0).round() as u64;
        format!("{} min {} s", seconds / 60, seconds % 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pace_leaves_out_paused_time_and_the_line_says_what_a_step_is() {
        let mut live = Live::new(1, 1000.0);
        assert_eq!(live.status(), "Training · iteration 0");
        live.stepped(1, 10, "epoch".into(), Some(0.5), 1100.0);
        live.stepped(2, 10, String::new(), Some(0.25), 1200.0);
        assert_eq!(live.per_step(), Some(100.0));
        assert_eq!(
            live.status(),
            "Training · epoch 2 of 10 · objective 0.2500 · 100 ms per epoch · at most 800 ms left"
        );
        live.pause(1250.0);
        assert_eq!(
            live.status(),
            "Pausing after the epoch under way · epoch 2 of 10 · objective 0.2500 · 100 ms per epoch"
        );
        // The step under way when the pause came is heard of within the pause,
        // then the worker says it has stopped.
        live.stepped(3, 10, String::new(), None, 1300.0);
        live.settle_pause();
        assert_eq!(
            live.status(),
            "Paused at epoch 3 of 10 · objective 0.2500 · 83 ms per epoch"
        );
        assert_eq!(live.per_step(), Some(250.0 / 3.0));
        live.resume(6300.0);
        live.stepped(4, 10, String::new(), None, 6400.0);
        assert_eq!(live.per_step(), Some(87.5));
        assert_eq!(live.left(), Some(525.0));
    }

    #[test]
    fn held_out_measures_make_their_own_curves() {
        let mut live = Live::new(1, 0.0);
        live.held_out(None);
        let point = |loss, value| {
            Some(Box::new(HeldOutPoint {
                loss,
                score: Some(crate::protocol::NamedValue {
                    name: "validation accuracy".into(),
                    value,
                }),
            }))
        };
        live.held_out(point(Some(0.5), 0.8));
        live.held_out(point(None, 0.9));
        assert_eq!(live.held_out_curve, [0.5]);
        let scores = live.score_curve.expect("a score curve");
        assert_eq!(
            (scores.name.as_str(), scores.values),
            ("validation accuracy", vec![0.8, 0.9])
        );
    }

    #[test]
    fn durations_read_as_people_write_them() {
        assert_eq!(duration(0.2), "1 ms");
        assert_eq!(duration(35.4), "35 ms");
        assert_eq!(duration(4_210.0), "4.2 s");
        assert_eq!(duration(200_000.0), "3 min 20 s");
    }
}
