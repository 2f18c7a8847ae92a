//! One bit per row: which values are present (validity) or which booleans are true.

/// A growable, packed sequence of bits.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Bitmap {
    words: Vec<u64>,
    len: usize,
}

impl Bitmap {
    /// `len` bits, all set to `value`.
    pub fn filled(len: usize, value: bool) -> Self {
        let word = if value { u64::MAX } else { 0 };
        let mut bitmap = Self {
            words: vec![word; len.div_ceil(64)],
            len,
        };
        bitmap.clear_tail();
        bitmap
    }

    /// Rebuilds a bitmap from its words, as [`words`](Self::words) gave them.
    pub fn from_words(words: Vec<u64>, len: usize) -> Option<Self> {
        (words.len() == len.div_ceil(64)).then(|| {
            let mut bitmap = Self { words, len };
            bitmap.clear_tail();
            bitmap
        })
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn words(&self) -> &[u64] {
        &self.words
    }

    /// The bit at `i`; `false` past the end.
    #[inline]
    pub fn get(&self, i: usize) -> bool {
        i < self.len && self.words[i / 64] >> (i % 64) & 1 == 1
    }

    #[inline]
    pub fn set(&mut self, i: usize, value: bool) {
        if i < self.len {
            let mask = 1 << (i % 64);
            if value {
                self.words[i / 64] |= mask;
            } else {
                self.words[i / 64] &= !mask;
            }
        }
    }

    /// Appends a bit. Growth is fallible so that a huge load reports running out of
    /// memory rather than aborting the page.
    #[inline]
    pub fn push(&mut self, value: bool) -> Result<(), std::collections::TryReserveError> {
        if self.len.is_multiple_of(64) {
            if self.words.len() == self.words.capacity() {
                self.words.try_reserve(self.words.len() / 4 + 16)?;
            }
            self.words.push(0);
        }
        if value {
            self.words[self.len / 64] |= 1 << (self.len % 64);
        }
        self.len += 1;
        Ok(())
    }

    /// Reserves room for `extra` more bits.
    pub fn try_reserve(&mut self, extra: usize) -> Result<(), std::collections::TryReserveError> {
        self.words
            .try_reserve_exact((self.len + extra).div_ceil(64) - self.words.len())
    }

    /// How many bits are set.
    pub fn count_ones(&self) -> usize {
        self.words.iter().map(|w| w.count_ones() as usize).sum()
    }

    /// The bytes this bitmap holds.
    pub fn memory(&self) -> usize {
        self.words.capacity() * 8
    }

    fn clear_tail(&mut self) {
        if !self.len.is_multiple_of(64)
            && let Some(last) = self.words.last_mut()
        {
            *last &= (1 << (self.len % 64)) - 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pushes_reads_and_counts_across_word_boundaries() {
        let mut bits = Bitmap::default();
        for i in 0..130 {
            bits.push(i % 3 == 0).expect("memory");
        }
        assert_eq!(bits.len(), 130);
        assert!(bits.get(129) && !bits.get(128) && !bits.get(130));
        assert_eq!(bits.count_ones(), 44);
        bits.set(128, true);
        assert_eq!(bits.count_ones(), 45);
        let again = Bitmap::from_words(bits.words().to_vec(), 130).expect("sizes agree");
        assert_eq!(again, bits);
        assert_eq!(Bitmap::filled(70, true).count_ones(), 70);
    }
}
