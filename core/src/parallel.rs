//! Independent pieces of work spread over threads natively; one after another in
//! the browser, where wasm32-unknown-unknown has none (the worker is already off
//! the page's thread).

/// How many pieces [`map`] runs at once.
pub fn threads() -> usize {
    #[cfg(not(target_arch = "wasm32"))]
    {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    }
    #[cfg(target_arch = "wasm32")]
    {
        1
    }
}

/// `work(i)` for every `i` in `0..count`, in order; pieces run on up to
/// [`threads`] threads.
pub fn map<T: Send>(count: usize, work: impl Fn(usize) -> T + Sync) -> Vec<T> {
    #[cfg(not(target_arch = "wasm32"))]
    if count > 1 && threads() > 1 {
        let next = std::sync::atomic::AtomicUsize::new(0);
        let mut done: Vec<(usize, T)> = std::thread::scope(|scope| {
            let workers: Vec<_> = (0..threads().min(count))
                .map(|_| {
                    scope.spawn(|| {
                        let mut mine = Vec::new();
                        loop {
                            let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                            if i >= count {
                                break mine;
                            }
                            mine.push((i, work(i)));
                        }
                    })
                })
                .collect();
            workers
                .into_iter()
                .flat_map(|w| match w.join() {
                    Ok(mine) => mine,
                    // A piece that panicked panics its caller, as it would have
                    // on one thread.
                    Err(panic) => std::panic::resume_unwind(panic),
                })
                .collect()
        });
        done.sort_unstable_by_key(|(i, _)| *i);
        return done.into_iter().map(|(_, t)| t).collect();
    }
    (0..count).map(work).collect()
}

/// Rows below which splitting `0..n` over threads costs more than it saves.
const SPLIT_ROWS: usize = 16_384;

/// `work` over `0..n` cut into one contiguous range per thread (one range when
/// `n` is small), the answers in order.
pub fn ranges<T: Send>(n: usize, work: impl Fn(std::ops::Range<usize>) -> T + Sync) -> Vec<T> {
    let parts = if n < SPLIT_ROWS { 1 } else { threads() };
    let per = n.div_ceil(parts.max(1)).max(1);
    map(n.div_ceil(per).max(1), |i| {
        work(i * per..((i + 1) * per).min(n))
    })
}

/// `score(row)` for every `width`-wide row of `x` (row-major), rows shared out over
/// threads, the answers in row order.
pub fn rows<T: Send>(x: &[f64], width: usize, score: impl Fn(&[f64]) -> T + Sync) -> Vec<T> {
    let width = width.max(1);
    ranges(x.len() / width, |rows| {
        rows.map(|r| score(&x[r * width..(r + 1) * width]))
            .collect::<Vec<_>>()
    })
    .into_iter()
    .flatten()
    .collect()
}

/// Rows per block of [`sum_blocks`]. The blocks, not the threads, fix the order
/// in which partial sums are added, so a sum is the same bits natively on any
/// number of threads and in the browser.
const BLOCK_ROWS: usize = 8_192;

/// A value and a `width`-long vector summed over the rows `0..n`: `work` adds
/// one block of rows' share into a zeroed vector and returns its share of the
/// value; blocks run on threads and are added up in row order.
pub fn sum_blocks(
    n: usize,
    width: usize,
    work: impl Fn(std::ops::Range<usize>, &mut [f64]) -> f64 + Sync,
) -> (f64, Vec<f64>) {
    let parts = map(n.div_ceil(BLOCK_ROWS), |b| {
        let mut sum = vec![0.0; width];
        let value = work(b * BLOCK_ROWS..((b + 1) * BLOCK_ROWS).min(n), &mut sum);
        (value, sum)
    });
    let mut total = vec![0.0; width];
    let mut value = 0.0;
    for (v, part) in parts {
        value += v;
        for (t, p) in total.iter_mut().zip(part) {
            *t += p;
        }
    }
    (value, total)
}

#[cfg(test)]
mod tests {
    #[test]
    fn results_come_back_in_order() {
        let squares = super::map(100, |i| i * i);
        assert_eq!(squares, (0..100).map(|i| i * i).collect::<Vec<_>>());
        assert!(super::map(0, |i| i).is_empty());
    }

    #[test]
    fn block_sums_add_every_row_once() {
        for n in [0, 1, 8_191, 8_192, 50_001] {
            let (count, sums) = super::sum_blocks(n, 2, |rows, sum| {
                for r in rows.clone() {
                    sum[0] += r as f64;
                    sum[1] += 1.0;
                }
                rows.len() as f64
            });
            assert_eq!(count, n as f64);
            assert_eq!(sums, vec![(n * n.saturating_sub(1) / 2) as f64, n as f64]);
        }
    }

    #[test]
    fn ranges_cover_every_row_once_in_order() {
        for n in [0, 1, 5, 16_384, 100_001] {
            let covered: Vec<usize> = super::ranges(n, |r| r.collect::<Vec<_>>())
                .into_iter()
                .flatten()
                .collect();
            assert_eq!(covered, (0..n).collect::<Vec<_>>());
        }
    }
}
