//! Training from a stream (`studio train --online`): a CSV read a chunk of rows
//! at a time, the preprocessing fitted on a first pass, minibatch updates after.
//! Its models are held to the full-batch fits on the same rows (themselves held
//! to scikit-learn): the same test scores within 0.01.

use studio_core::frame::Frame;
use studio_core::ingest::{LoadOptions, Loader, read_csv};
use studio_core::learner::{ModelSpec, ParamValue, registry};
use studio_core::online::{
    BATCH_SIZE, Chunks, EPOCHS, LEARNING_RATE, OnlineError, OnlineSpec, train_online,
};
use studio_core::rng::SplitMix64;
use studio_core::train::{Metrics, Task, TrainSpec, train};

/// Seeded rows: four numbers on different scales (one with gaps), a category,
/// and three targets made from them with noise: two classes, three, a number.
fn csv(rows: usize, seed: u64) -> String {
    let mut rng = SplitMix64::new(seed);
    let mut normal = move || {
        // Box–Muller from two uniforms in (0, 1].
        let mut uniform = || (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
        let (u, v) = (1.0 - uniform(), uniform());
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    };
    let mut out = String::from("a,b,c,d,colour,binary,three,value\n");
    for i in 0..rows {
        let (a, b, c, d) = (
            normal(),
            5.0 + 2.0 * normal(),
            100.0 + 10.0 * normal(),
            normal(),
        );
        let colour = ["red", "green", "blue"][i % 3];
        let shift = [0.5, -0.5, 0.0][i % 3];
        let z = 1.2 * a - 0.8 * (b - 5.0) / 2.0 + 0.6 * (c - 100.0) / 10.0 + shift;
        let binary = u8::from(z + normal() > 0.0);
        let w = d - 0.5 * a;
        let three = if z + 0.5 * normal() > 0.8 {
            "high"
        } else if w + 0.5 * normal() > 0.0 {
            "wide"
        } else {
            "low"
        };
        let value = 30.0 * z + 4.0 * d + 3.0 * normal() + 1000.0;
        let b = if i % 17 == 0 {
            String::new()
        } else {
            format!("{b}")
        };
        out.push_str(&format!(
            "{a},{b},{c},{d},{colour},{binary},{three},{value}\n"
        ));
    }
    out
}

/// CSV text read a few kilobytes at a time, so that it arrives as many chunks.
struct Text(String);

impl Chunks for Text {
    fn pass(
        &mut self,
        visit: &mut dyn FnMut(&Frame) -> Result<(), OnlineError>,
    ) -> Result<(), OnlineError> {
        let read = |e: studio_core::ingest::LoadError| OnlineError::Read(e.to_string());
        let mut loader = Loader::new("stream.csv", LoadOptions::default(), None)
            .without_fingerprint()
            .with_sample_bytes(4096);
        for piece in self.0.as_bytes().chunks(64 << 10) {
            loader.push(piece).map_err(read)?;
            if let Some(frame) = loader.take_rows().map_err(read)? {
                visit(&frame)?;
            }
        }
        let rest = loader.finish().map_err(read)?;
        if rest.frame.rows() > 0 {
            visit(&rest.frame)?;
        }
        Ok(())
    }
}

fn spec(model: &str, target: &str, task: Task, params: &[(&str, ParamValue)]) -> TrainSpec {
    let mut model = ModelSpec::new(registry::family(model).expect("a family"));
    for (name, value) in params {
        model.params.insert((*name).to_owned(), value.clone());
    }
    TrainSpec {
        target: Some(target.to_owned()),
        task,
        model,
        test_size: 0.2,
        seed: 7,
    }
}

fn score(metrics: &Metrics) -> f64 {
    match metrics {
        Metrics::Classification(m) => m.accuracy,
        Metrics::Regression(m) => m.r2,
        _ => f64::NAN,
    }
}

#[test]
fn streamed_fits_score_as_the_full_batch_fits_do() {
    let (train_text, test_text) = (csv(20_000, 1), csv(4_000, 2));
    let whole = read_csv(train_text.as_bytes(), "train.csv").expect("reads");
    let test = read_csv(test_text.as_bytes(), "test.csv").expect("reads");
    let cases = [
        spec("logistic", "binary", Task::Classification, &[]),
        spec("logistic", "three", Task::Classification, &[]),
        spec("linear_svm", "binary", Task::Classification, &[]),
        spec("linear_svm", "three", Task::Classification, &[]),
        spec("linear", "value", Task::Regression, &[]),
        spec(
            "logistic",
            "binary",
            Task::Classification,
            &[("class_weight", ParamValue::Text("balanced".into()))],
        ),
    ];
    for train_spec in cases {
        let name = format!(
            "{} on {}",
            train_spec.model.kind,
            train_spec.target.as_deref().unwrap_or_default()
        );
        let full = pollster::block_on(train(&whole, Some(&test), train_spec.clone()))
            .expect("the full-batch fit");
        let online = OnlineSpec {
            train: train_spec,
            epochs: EPOCHS,
            batch_size: BATCH_SIZE,
            learning_rate: LEARNING_RATE,
        };
        let mut passes = 0;
        let streamed = train_online(
            &mut Text(train_text.clone()),
            Some(&mut Text(test_text.clone())),
            &online,
            &mut |_| passes += 1,
        )
        .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(streamed.n_train, 20_000, "{name}");
        assert_eq!(streamed.n_test, 4_000, "{name}");
        assert_eq!(passes, streamed.loss_curve.len(), "{name}");
        let (got, expected) = (score(&streamed.metrics), score(&full.metrics));
        assert!(
            (got - expected).abs() <= 0.01,
            "{name}: {got} streamed against {expected} on every row at once"
        );
        // The pipeline is the family's own: it exports as the full fit's does.
        studio_core::export::to_onnx(&streamed.pipeline).expect("exports to ONNX");
        assert_eq!(
            streamed.pipeline.preprocessing.inputs, full.pipeline.preprocessing.inputs,
            "{name}"
        );
    }
}

#[test]
fn the_split_holds_out_about_test_size_and_is_the_same_every_pass() {
    let text = csv(10_000, 3);
    let online = OnlineSpec {
        train: spec("logistic", "binary", Task::Classification, &[]),
        epochs: 2,
        batch_size: 64,
        learning_rate: LEARNING_RATE,
    };
    let first = train_online(&mut Text(text.clone()), None, &online, &mut |_| {}).expect("fits");
    let again = train_online(&mut Text(text), None, &online, &mut |_| {}).expect("fits");
    assert_eq!(first.n_train + first.n_test, 10_000);
    assert!(
        (1_850..=2_150).contains(&first.n_test),
        "{} held out of 10 000 at 0.2",
        first.n_test
    );
    // Seeded: the same rows, the same model.
    assert_eq!(first.predictions.rows, again.predictions.rows);
    assert_eq!(first.pipeline, again.pipeline);
}

#[test]
fn families_without_an_incremental_fit_and_penalties_it_cannot_take_are_refused() {
    let text = csv(500, 4);
    let run = |train: TrainSpec| {
        let online = OnlineSpec {
            train,
            epochs: 1,
            batch_size: 32,
            learning_rate: LEARNING_RATE,
        };
        train_online(&mut Text(text.clone()), None, &online, &mut |_| {})
            .expect_err("refused")
            .to_string()
    };
    let forest = run(spec("random_forest", "binary", Task::Classification, &[]));
    assert!(
        forest.contains("random_forest") && forest.contains("logistic"),
        "{forest}"
    );
    let l1 = run(spec(
        "logistic",
        "binary",
        Task::Classification,
        &[("penalty", ParamValue::Text("l1".into()))],
    ));
    assert!(l1.contains("l2"), "{l1}");
    let target = run(spec("logistic", "nowhere", Task::Classification, &[]));
    assert!(target.contains("nowhere"), "{target}");
}

/// `solver=adam` on rows in memory: an epoch per step, scoring as the
/// full-batch solver does, its loss curve in the same units ending near the
/// full-batch minimum.
#[test]
fn minibatches_in_memory_reach_the_full_batch_fit() {
    let train_text = csv(20_000, 5);
    let test_text = csv(4_000, 6);
    let whole = read_csv(train_text.as_bytes(), "train.csv").expect("reads");
    let test = read_csv(test_text.as_bytes(), "test.csv").expect("reads");
    let adam = ("solver", ParamValue::Text("adam".into()));
    let epochs = ("max_iter", ParamValue::Number(30.0));
    for (model, target, task) in [
        ("logistic", "binary", Task::Classification),
        ("logistic", "three", Task::Classification),
        ("linear_svm", "binary", Task::Classification),
        ("linear", "value", Task::Regression),
    ] {
        let full = pollster::block_on(train(&whole, Some(&test), spec(model, target, task, &[])))
            .expect("the full-batch fit");
        let minibatch = spec(model, target, task, &[adam.clone(), epochs.clone()]);
        let fitted =
            pollster::block_on(train(&whole, Some(&test), minibatch)).expect("the minibatch fit");
        let name = format!("{model} on {target}");
        let (got, expected) = (score(&fitted.metrics), score(&full.metrics));
        assert!(
            (got - expected).abs() <= 0.01,
            "{name}: {got} with adam against {expected}"
        );
        let curve = &fitted.loss_curve;
        assert!(
            curve.len() >= 3 && curve.len() <= 31,
            "{name}: {} points",
            curve.len()
        );
        assert!(curve[0] > curve[curve.len() - 1], "{name}: {curve:?}");
        let (end, minimum) = (
            curve[curve.len() - 1],
            full.loss_curve[full.loss_curve.len() - 1],
        );
        assert!(
            (end - minimum) / minimum < 0.02 && (end - minimum) / minimum > -0.02,
            "{name}: adam ends at {end}, the full-batch minimum is {minimum}"
        );
    }
}
