//! Datasets bundled with Studio, by the name a notebook refers to them by.
//! Sources and licences: `data/samples/README.md`.

/// A bundled dataset, as the list shows it.
#[derive(Debug, Clone, Copy)]
pub struct Sample {
    /// The file name a notebook records.
    pub name: &'static str,
    /// What people see in the list.
    pub title: &'static str,
}

pub const SAMPLES: [Sample; 5] = [
    Sample {
        name: "iris.csv",
        title: "Iris flowers (classification, 150 rows)",
    },
    Sample {
        name: "diabetes.csv",
        title: "Diabetes progression (regression, 442 rows)",
    },
    Sample {
        name: "penguins.csv",
        title: "Palmer penguins (classification, 344 rows)",
    },
    Sample {
        name: "wine.csv",
        title: "Wine (classification, 178 rows)",
    },
    Sample {
        name: "breast_cancer.csv",
        title: "Breast cancer Wisconsin (classification, 569 rows)",
    },
];

/// The bytes of the sample called `name`. Kept apart from [`SAMPLES`] so that code
/// that only lists the samples (the UI thread) does not carry their data.
pub fn csv(name: &str) -> Result<&'static [u8], String> {
    match name {
        "iris.csv" => Ok(include_bytes!("../../data/samples/iris.csv")),
        "diabetes.csv" => Ok(include_bytes!("../../data/samples/diabetes.csv")),
        "penguins.csv" => Ok(include_bytes!("../../data/samples/penguins.csv")),
        "wine.csv" => Ok(include_bytes!("../../data/samples/wine.csv")),
        "breast_cancer.csv" => Ok(include_bytes!("../../data/samples/breast_cancer.csv")),
        _ => {
            let names: Vec<&str> = SAMPLES.iter().map(|s| s.name).collect();
            Err(format!(
                "there is no sample \"{name}\"; the samples are {}",
                names.join(", ")
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_listed_sample_has_data_and_unknown_names_are_explained() {
        for sample in SAMPLES {
            assert!(
                csv(sample.name).is_ok_and(|bytes| bytes.len() > 1000),
                "{}",
                sample.name
            );
        }
        assert_eq!(
            csv("nope.csv"),
            Err(
                "there is no sample \"nope.csv\"; the samples are iris.csv, diabetes.csv, \
                 penguins.csv, wine.csv, breast_cancer.csv"
                    .into()
            )
        );
    }
}
