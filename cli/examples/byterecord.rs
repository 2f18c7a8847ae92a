//! The floor for `scripts/bench/csv_native.py`: the `csv` crate's reader splitting a
//! file into byte records, and nothing else (no types, no columns).
//!
//!     cargo run --release -p studio-cli --example byterecord -- FILE

use std::process::ExitCode;

fn main() -> ExitCode {
    let Some(path) = std::env::args_os().nth(1) else {
        eprintln!("usage: byterecord FILE");
        return ExitCode::FAILURE;
    };
    let mut reader = match csv::ReaderBuilder::new().from_path(&path) {
        Ok(reader) => reader,
        Err(e) => {
            eprintln!("byterecord: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut record = csv::ByteRecord::new();
    let (mut records, mut fields) = (0u64, 0u64);
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(true) => {
                records += 1;
                fields += record.len() as u64;
            }
            Ok(false) => break,
            Err(e) => {
                eprintln!("byterecord: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    println!("{records} records, {fields} fields");
    ExitCode::SUCCESS
}
