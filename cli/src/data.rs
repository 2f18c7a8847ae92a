//! Reading a CSV file from disk through the same streaming loader the browser uses.

use std::fs::File;
use std::io::Read;
use std::path::Path;
use std::sync::mpsc::{Receiver, Sender, SyncSender, channel, sync_channel};

use studio_core::ingest::{LoadOptions, Loaded, Loader};

/// Bytes read per chunk.
const CHUNK: usize = 4 << 20;

/// Chunk buffers going round between the reading thread and the loader.
const BUFFERS: usize = 2;

/// A filled buffer and how much of it holds the file.
type Filled = std::io::Result<(Vec<u8>, usize)>;

/// Whether a read computes the file's SHA-256 (`Loaded::sha256`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hash {
    /// Fingerprint the file: a notebook names its local file by it.
    Fingerprint,
    /// Leave `Loaded::sha256` empty: nothing asks which file this was.
    Skip,
}

/// Streams the file at `path` into a frame, with `options`. The next chunk is
/// read from disk on a thread of its own while the loader takes in the last one.
pub fn read(path: &Path, options: LoadOptions, hash: Hash) -> Result<Loaded, String> {
    let name = path.display().to_string();
    let cannot = |e: std::io::Error| format!("cannot read {name}: {e}");
    let file = File::open(path).map_err(cannot)?;
    let size = file.metadata().map(|m| m.len()).ok();
    let mut loader = Loader::new(&name, options, size);
    if hash == Hash::Skip {
        loader = loader.without_fingerprint();
    }
    std::thread::scope(|scope| {
        let (filled, full) = sync_channel(BUFFERS);
        let (emptied, empty) = channel();
        for _ in 0..BUFFERS {
            let _ = emptied.send(vec![0; CHUNK]);
        }
        scope.spawn(move || fill(file, &filled, &empty));
        // Takes the channel ends, so that leaving early stops the reader too.
        take_in(&mut loader, full, emptied, &cannot)
    })?;
    loader.finish().map_err(|e| e.to_string())
}

/// Reads the file into each buffer that comes back, until the end or an error.
fn fill(mut file: File, filled: &SyncSender<Filled>, empty: &Receiver<Vec<u8>>) {
    while let Ok(mut buffer) = empty.recv() {
        let read = file.read(&mut buffer);
        let done = !matches!(read, Ok(n) if n > 0);
        if matches!(read, Ok(0)) || filled.send(read.map(|n| (buffer, n))).is_err() || done {
            return;
        }
    }
}

/// Hands each filled buffer to the loader and sends it back to be filled again.
fn take_in(
    loader: &mut Loader,
    full: Receiver<Filled>,
    emptied: Sender<Vec<u8>>,
    cannot: &dyn Fn(std::io::Error) -> String,
) -> Result<(), String> {
    for chunk in full {
        let (buffer, n) = chunk.map_err(cannot)?;
        loader.push(&buffer[..n]).map_err(|e| e.to_string())?;
        let _ = emptied.send(buffer);
    }
    Ok(())
}
