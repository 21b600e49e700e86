//! Node locations on disk: a file of (id, lat, lon) records sorted by id, read through a
//! memory map. A country's nodes then cost disk space and page cache, not memory.

use memmap2::Mmap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

/// id (i64), latitude and longitude (i32, 1e-7 degrees), little-endian.
const RECORD: usize = 16;

/// A node location in 1e-7 degrees, as the PBF stores it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Location {
    pub lat: i32,
    pub lon: i32,
}

impl Location {
    pub fn degrees(self) -> (f64, f64) {
        (f64::from(self.lon) * 1e-7, f64::from(self.lat) * 1e-7)
    }
}

/// Appends nodes in increasing id order (the order of a PBF sorted by type then id).
pub struct NodeStoreWriter {
    out: BufWriter<File>,
    file: File,
    last_id: Option<i64>,
    count: u64,
}

/// A node id that is not greater than the one before it: the PBF is not sorted.
#[derive(Debug)]
pub struct UnsortedNodes {
    pub previous: i64,
    pub id: i64,
}

impl NodeStoreWriter {
    pub fn create(path: &Path) -> std::io::Result<Self> {
        let file = File::options().read(true).write(true).create_new(true).open(path)?;
        Ok(NodeStoreWriter { out: BufWriter::with_capacity(1 << 20, file.try_clone()?), file, last_id: None, count: 0 })
    }

    pub fn push(&mut self, id: i64, location: Location) -> Result<(), UnsortedNodes> {
        if let Some(previous) = self.last_id.filter(|&previous| id <= previous) {
            return Err(UnsortedNodes { previous, id });
        }
        self.last_id = Some(id);
        self.count += 1;
        let mut record = [0u8; RECORD];
        record[..8].copy_from_slice(&id.to_le_bytes());
        record[8..12].copy_from_slice(&location.lat.to_le_bytes());
        record[12..].copy_from_slice(&location.lon.to_le_bytes());
        // A write error surfaces again, with its cause, in `finish`.
        let _ = self.out.write_all(&record);
        Ok(())
    }

    pub fn count(&self) -> u64 {
        self.count
    }

    pub fn finish(mut self) -> std::io::Result<NodeStore> {
        self.out.flush()?;
        drop(self.out);
        let map = match self.count {
            0 => None,
            // SAFETY: the file is ours (created above, in a private temporary directory)
            // and nothing writes to it while it is mapped.
            _ => Some(unsafe { Mmap::map(&self.file)? }),
        };
        Ok(NodeStore { map, count: self.count as usize })
    }
}

pub struct NodeStore {
    map: Option<Mmap>,
    count: usize,
}

impl NodeStore {
    pub fn len(&self) -> usize {
        self.count
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    fn record(&self, index: usize) -> &[u8] {
        let map = self.map.as_ref().expect("records exist only in a non-empty store");
        &map[index * RECORD..(index + 1) * RECORD]
    }

    fn id_at(&self, index: usize) -> i64 {
        i64::from_le_bytes(self.record(index)[..8].try_into().expect("8 bytes"))
    }

    fn location_at(&self, index: usize) -> Location {
        let record = self.record(index);
        Location {
            lat: i32::from_le_bytes(record[8..12].try_into().expect("4 bytes")),
            lon: i32::from_le_bytes(record[12..].try_into().expect("4 bytes")),
        }
    }

    /// Locations of `ids`, which must be sorted ascending: one forward sweep over the file.
    pub fn lookup_sorted(&self, ids: &[i64]) -> Vec<Option<Location>> {
        let mut found = Vec::with_capacity(ids.len());
        let mut low = 0;
        for &id in ids {
            // Binary search in what is left; sorted queries keep the sweep moving forward.
            let (mut lo, mut hi) = (low, self.count);
            while lo < hi {
                let mid = lo + (hi - lo) / 2;
                if self.id_at(mid) < id { lo = mid + 1 } else { hi = mid }
            }
            low = lo;
            found.push((lo < self.count && self.id_at(lo) == id).then(|| self.location_at(lo)));
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorted_lookups_find_present_ids_only() {
        let dir = tempfile::tempdir().unwrap();
        let mut writer = NodeStoreWriter::create(&dir.path().join("nodes")).unwrap();
        for id in [3, 5, 9, 1_000_000_000_000] {
            writer.push(id, Location { lat: id as i32, lon: -(id as i32) }).unwrap();
        }
        assert!(writer.push(9, Location { lat: 0, lon: 0 }).is_err(), "ids must increase");
        let store = writer.finish().unwrap();
        let found = store.lookup_sorted(&[1, 3, 4, 9, 1_000_000_000_000, 2_000_000_000_000]);
        let lats: Vec<Option<i32>> = found.iter().map(|l| l.map(|l| l.lat)).collect();
        assert_eq!(lats, [None, Some(3), None, Some(9), Some(1_000_000_000_000i64 as i32), None]);
    }
}
