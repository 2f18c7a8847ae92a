//! The one list of model families. It is the only code that names them: adding a
//! family is a folder under `model/` and one line here.

use super::Family;
use crate::model::{
    boosting::Gbdt,
    forest::RandomForest,
    kmeans::KMeans,
    knn::Knn,
    linear::Linear,
    linear_svm::LinearSvm,
    logistic::Logistic,
    mlp::Mlp,
    naive_bayes::{CategoricalNb, GaussianNb},
    pca::Pca,
    sparse::{ElasticNet, Lasso},
    tree::DecisionTree,
};
use crate::train::Task;

/// Every family, in the order the page and `studio models` list them. The first
/// family serving a task is that task's default.
pub static FAMILIES: &[&dyn Family] = &[
    &Logistic,
    &Linear,
    &Lasso,
    &ElasticNet,
    &DecisionTree,
    &RandomForest,
    &Gbdt,
    &GaussianNb,
    &CategoricalNb,
    &Knn,
    &LinearSvm,
    &Mlp,
    &KMeans,
    &Pca,
];

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown model \"{name}\": choose one of {known}")]
pub struct UnknownFamily {
    pub name: String,
    pub known: String,
}

/// The family called `name`.
pub fn family(name: &str) -> Result<&'static dyn Family, UnknownFamily> {
    FAMILIES
        .iter()
        .copied()
        .find(|f| f.name() == name)
        .ok_or_else(|| UnknownFamily {
            name: name.to_owned(),
            known: names(FAMILIES.iter().copied()),
        })
}

/// The families that serve `task`, in registry order.
pub fn for_task(task: Task) -> impl Iterator<Item = &'static dyn Family> {
    FAMILIES
        .iter()
        .copied()
        .filter(move |f| f.tasks().contains(&task))
}

/// The family a task uses unless the person picks another.
pub fn default_for(task: Task) -> &'static dyn Family {
    // Every task has a family: the registry's own test says so.
    for_task(task).next().unwrap_or(FAMILIES[0])
}

/// Family names joined for messages: `logistic, linear, tree`.
pub fn names(families: impl Iterator<Item = &'static dyn Family>) -> String {
    families.map(|f| f.name()).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_every_task_has_a_family() {
        let mut seen = std::collections::BTreeSet::new();
        for f in FAMILIES {
            assert!(seen.insert(f.name()), "{} twice", f.name());
            assert!(!f.tasks().is_empty(), "{} serves no task", f.name());
        }
        for task in Task::ALL {
            assert!(for_task(*task).next().is_some(), "no family for {task:?}");
        }
        assert_eq!(default_for(Task::Classification).name(), "logistic");
        assert_eq!(default_for(Task::Regression).name(), "linear");
        assert_eq!(default_for(Task::Clustering).name(), "kmeans");
        assert_eq!(default_for(Task::Decomposition).name(), "pca");
        assert_eq!(
            family("svm").map(|f| f.name()).map_err(|e| e.to_string()),
            Err(
                "unknown model \"svm\": choose one of logistic, linear, lasso, elastic_net, tree, \
                 random_forest, gbdt, gaussian_nb, categorical_nb, knn, linear_svm, mlp, kmeans, pca"
                    .into()
            )
        );
    }
}
