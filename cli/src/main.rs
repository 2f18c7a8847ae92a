//! `studio`: the native command over `studio-core`.

mod bench;
mod data;
mod devices;
#[cfg(unix)]
mod drivers;
mod inspect;
mod models;
mod output;
mod peak;
mod predict;
mod run;
mod stream;
mod train;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(name = "studio", version = studio_core::VERSION, about = "Studio's machine-learning notebook, natively.")]
struct Cli {
    /// Let the GPU drivers' own warnings through to the terminal.
    #[arg(long, global = true)]
    verbose: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// List the GPU adapters wgpu sees and the device Studio would use.
    Devices {
        /// Print one JSON object instead of text.
        #[arg(long)]
        json: bool,
    },
    /// List the model families with their tasks and hyperparameters.
    Models {
        /// Print one JSON array instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Fit a model on a CSV file and report its test metrics.
    Train(Box<train::TrainArgs>),
    /// Load a CSV file and print its columns, dialect and load report.
    Inspect(inspect::InspectArgs),
    /// Predict a CSV of any size with a fitted pipeline (model.json), streaming it.
    Predict(predict::PredictArgs),
    /// Run a notebook saved from the browser and print its test metrics.
    Run(run::RunArgs),
    /// Time a compute operation (or `all` of them) on the CPU and the GPU.
    Bench(bench::BenchArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Drivers read their environment at the first GPU call and std::env::set_var is
    // unsafe (forbidden here), so the command runs itself again with it set.
    #[cfg(unix)]
    drivers::prepare(cli.verbose);
    match try_main(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("studio: {error}");
            ExitCode::FAILURE
        }
    }
}

fn try_main(cli: Cli) -> Result<(), String> {
    match cli.command {
        Command::Devices { json } => devices::run(json),
        Command::Models { json } => models::run(json),
        Command::Train(args) => train::run(*args),
        Command::Run(args) => run::run(args),
        Command::Inspect(args) => inspect::run(args),
        Command::Predict(args) => predict::run(args),
        Command::Bench(args) => bench::run(args),
    }
}
