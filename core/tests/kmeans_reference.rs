//! Studio's k-means against scikit-learn's `KMeans` (references written by
//! `scripts/reference/sklearn_kmeans.py`): inertia within 1 % with the same
//! `n_clusters` and `n_init`, and an adjusted Rand index of at least 0.99 against
//! its labels on well-separated blobs.

use std::path::Path;

use serde_json::Value;
use studio_core::frame::Role;
use studio_core::ingest::{LoadOptions, load};
use studio_core::learner::{ModelSpec, ParamValue, registry};
use studio_core::train::{Metrics, Task, TrainSpec, train};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn reference(name: &str) -> Value {
    let text = std::fs::read_to_string(root().join("tests/reference").join(name)).expect("exists");
    serde_json::from_str(&text).expect("json")
}

/// Clusters the reference's data as Studio would, leaving out its dropped columns.
fn cluster(r: &Value) -> (Vec<usize>, f64, Vec<usize>) {
    let path = root()
        .join("..")
        .join(r["dataset"].as_str().expect("dataset"));
    let mut options = LoadOptions::default();
    for dropped in r["dropped"].as_array().expect("dropped") {
        options.set_column(dropped.as_str().expect("name"), None, Some(Role::Ignore));
    }
    let bytes = std::fs::read(path).expect("data exists");
    let frame = load(&bytes[..], "data.csv", options).expect("reads").frame;
    let mut model = ModelSpec::new(registry::family("kmeans").expect("kmeans"));
    for (name, value) in r["params"].as_object().expect("params") {
        model.params.insert(
            name.clone(),
            ParamValue::Number(value.as_f64().expect("number")),
        );
    }
    let spec = TrainSpec {
        target: None,
        task: Task::Clustering,
        model,
        test_size: 0.2,
        seed: 0,
    };
    let trained = pollster::block_on(train(&frame, None, spec)).expect("clusters");
    let Metrics::Clustering(metrics) = trained.metrics else {
        panic!("clustering metrics");
    };
    let labels = trained
        .predictions
        .labels
        .iter()
        .map(|l| l.parse().expect("a cluster number"))
        .collect();
    let mut sizes = metrics.sizes;
    sizes.sort_unstable();
    (labels, metrics.inertia, sizes)
}

/// The adjusted Rand index of two labelings (Hubert and Arabie), as scikit-learn's.
fn adjusted_rand(a: &[usize], b: &[usize]) -> f64 {
    let k = a.iter().chain(b).max().map_or(0, |m| m + 1);
    let mut table = vec![vec![0f64; k]; k];
    for (&x, &y) in a.iter().zip(b) {
        table[x][y] += 1.0;
    }
    let pairs = |n: f64| n * (n - 1.0) / 2.0;
    let index: f64 = table.iter().flatten().map(|&n| pairs(n)).sum();
    let rows: f64 = table.iter().map(|r| pairs(r.iter().sum())).sum();
    let cols: f64 = (0..k)
        .map(|j| pairs(table.iter().map(|r| r[j]).sum()))
        .sum();
    let expected = rows * cols / pairs(a.len() as f64);
    (index - expected) / ((rows + cols) / 2.0 - expected)
}

#[test]
fn iris_inertia_is_within_one_percent_of_scikit_learn() {
    let r = reference("kmeans_iris.json");
    let (_, inertia, sizes) = cluster(&r);
    let want = r["inertia"].as_f64().expect("inertia");
    assert!(
        (inertia - want).abs() <= 0.01 * want,
        "inertia {inertia} against scikit-learn's {want}"
    );
    assert_eq!(sizes.len(), 3, "{sizes:?}");
}

#[test]
fn well_separated_blobs_get_scikit_learns_clusters() {
    let r = reference("kmeans_blobs.json");
    let (labels, inertia, _) = cluster(&r);
    let want: Vec<usize> = r["labels"]
        .as_array()
        .expect("labels")
        .iter()
        .map(|v| v.as_u64().expect("label") as usize)
        .collect();
    let ari = adjusted_rand(&labels, &want);
    assert!(ari >= 0.99, "adjusted Rand index {ari}");
    let reference = r["inertia"].as_f64().expect("inertia");
    assert!(
        (inertia - reference).abs() <= 0.01 * reference,
        "{inertia} vs {reference}"
    );
}
