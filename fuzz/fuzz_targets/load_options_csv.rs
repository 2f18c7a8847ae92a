//! The CSV loader with any `LoadOptions` (delimiter, quote, header, encoding,
//! decimal mark, thousands separator, missing markers, ragged rows, and per-column
//! types and roles), decoded from the first bytes, over the rest as the file:
//! it must not panic, whether it reads or refuses, and it must read the same in
//! two chunks split where the input says.

#![no_main]

mod common;

use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;
use studio_core::frame::{ColumnType, Role};
use studio_core::ingest::{ColumnOverride, Encoding, LoadOptions, RaggedPolicy};

/// Characters a person would choose, or any at all (to be refused).
fn character(u: &mut Unstructured, usual: &[char]) -> Result<Option<char>> {
    Ok(match u.int_in_range(0..=3)? {
        0 => None,
        1 => Some(u.arbitrary()?),
        _ => Some(*u.choose(usual)?),
    })
}

/// Column names that the file may have, or any string.
fn name(u: &mut Unstructured) -> Result<String> {
    Ok(match u.int_in_range(0..=2)? {
        0 => format!("column_{}", u.int_in_range(1..=4)?),
        1 => (*u.choose(&["a", "b", "x", "id", "n"])?).to_owned(),
        _ => u.arbitrary()?,
    })
}

fn column(u: &mut Unstructured) -> Result<ColumnOverride> {
    Ok(ColumnOverride {
        name: name(u)?,
        kind: u
            .arbitrary::<bool>()?
            .then(|| u.choose(&ColumnType::ALL))
            .transpose()?
            .copied(),
        role: u
            .arbitrary::<bool>()?
            .then(|| u.choose(&Role::ALL))
            .transpose()?
            .copied(),
    })
}

fn options(u: &mut Unstructured) -> Result<LoadOptions> {
    let thousands = match u.int_in_range(0..=3)? {
        0 => None,
        1 => Some(String::new()),
        2 => Some((*u.choose(&[",", ".", " ", "'"])?).to_owned()),
        _ => Some(u.arbitrary()?),
    };
    let missing = match u.int_in_range(0..=2)? {
        0 => None,
        1 => Some(vec![
            (*u.choose(&["", "-999", "NA", "0", "1.5", "-"])?).to_owned(),
        ]),
        _ => Some(u.arbitrary()?),
    };
    let columns = (0..u.int_in_range(0..=3)?)
        .map(|_| column(u))
        .collect::<Result<_>>()?;
    Ok(LoadOptions {
        delimiter: character(u, &[',', ';', '\t', '|', ' '])?,
        quote: character(u, &['"', '\''])?,
        header: u.arbitrary()?,
        encoding: u
            .arbitrary::<bool>()?
            .then(|| u.choose(&Encoding::ALL))
            .transpose()?
            .copied(),
        decimal: character(u, &['.', ','])?,
        thousands,
        missing,
        ragged: *u.choose(&[RaggedPolicy::Fill, RaggedPolicy::Skip, RaggedPolicy::Stop])?,
        columns,
    })
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let Ok(options) = options(&mut u) else {
        return;
    };
    let (Ok(sample), Ok(at)) = (u.int_in_range(1..=common::MAX_SAMPLE), u.arbitrary::<u16>())
    else {
        return;
    };
    let file = u.take_rest();
    let whole = common::load(file, &options, sample, 1, []);
    let at = usize::from(at) % (file.len() + 1);
    let split = common::load(file, &options, sample, 1, [at]);
    common::assert_same(&whole, &split, &format!("split at {at}, sample {sample}"));
});
