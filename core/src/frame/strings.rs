//! Free text stored as one buffer and offsets, rather than one allocation per value.

/// A sequence of strings packed end to end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Strings {
    /// `offsets[i]..offsets[i + 1]` is value `i`; one more entry than values.
    offsets: Vec<usize>,
    bytes: String,
}

impl Default for Strings {
    fn default() -> Self {
        Self {
            offsets: vec![0],
            bytes: String::new(),
        }
    }
}

impl Strings {
    /// Rebuilds strings from their parts; `None` if the offsets do not fit the text.
    pub fn from_parts(offsets: Vec<usize>, bytes: String) -> Option<Self> {
        let fits = offsets.first() == Some(&0)
            && offsets.last() == Some(&bytes.len())
            && offsets.windows(2).all(|w| w[0] <= w[1])
            && offsets.iter().all(|&o| bytes.is_char_boundary(o));
        fits.then_some(Self { offsets, bytes })
    }

    pub fn len(&self) -> usize {
        self.offsets.len() - 1
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn get(&self, i: usize) -> Option<&str> {
        let start = *self.offsets.get(i)?;
        let end = *self.offsets.get(i + 1)?;
        self.bytes.get(start..end)
    }

    pub fn push(&mut self, value: &str) -> Result<(), std::collections::TryReserveError> {
        if self.bytes.capacity() - self.bytes.len() < value.len() {
            self.bytes
                .try_reserve(value.len().max(self.bytes.len() / 4 + 64))?;
        }
        if self.offsets.len() == self.offsets.capacity() {
            self.offsets.try_reserve(self.offsets.len() / 4 + 16)?;
        }
        self.bytes.push_str(value);
        self.offsets.push(self.bytes.len());
        Ok(())
    }

    pub fn try_reserve(
        &mut self,
        values: usize,
        bytes: usize,
    ) -> Result<(), std::collections::TryReserveError> {
        self.offsets.try_reserve_exact(values)?;
        self.bytes.try_reserve_exact(bytes)
    }

    pub fn offsets(&self) -> &[usize] {
        &self.offsets
    }

    pub fn bytes(&self) -> &str {
        &self.bytes
    }

    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.offsets.windows(2).map(|w| &self.bytes[w[0]..w[1]])
    }

    pub fn memory(&self) -> usize {
        self.offsets.capacity() * size_of::<usize>() + self.bytes.capacity()
    }
}

impl<'a> FromIterator<&'a str> for Strings {
    fn from_iter<I: IntoIterator<Item = &'a str>>(iter: I) -> Self {
        let mut strings = Strings::default();
        for value in iter {
            strings.offsets.push({
                strings.bytes.push_str(value);
                strings.bytes.len()
            });
        }
        strings
    }
}
