//! Features cut into tiles and parked on disk until every way has been read: the ways of
//! a PBF come in id order, not place order, and a country's tiles do not fit in memory.
//!
//! Each feature is cut into the pieces that touch each tile (plus a margin for stroke
//! widths), in tile-local pixels, and appended to one of a fixed number of bucket files
//! chosen by the tile's 16×16 block. Reading a bucket gathers its tiles whole.

use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use super::mercator::{TILE_SIZE, tile_of};
use super::osm::{Feature, Point};
use super::palette::RoadClass;

/// Everything to draw on one tile, in tile-local pixels.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TileContent {
    pub roads: Vec<(Option<RoadClass>, Vec<(f32, f32)>)>,
    /// Each building's rings.
    pub buildings: Vec<Vec<Vec<(f32, f32)>>>,
}

pub type TileKey = (u32, u32);

/// Writes tile pieces into bucket files under `dir`.
pub struct BucketWriter {
    dir: PathBuf,
    zoom: u8,
    margin: f64,
    buckets: usize,
    files: HashMap<usize, BufWriter<File>>,
    records: u64,
}

const ROAD: u8 = 0;
const BUILDING: u8 = 1;
const NO_CLASS: u8 = u8::MAX;

impl BucketWriter {
    /// `margin`: how far outside a tile a stroke can still reach into it (half the widest
    /// stroke, and a pixel for antialiasing). `buckets` bounds the open files and sets
    /// how much of the extract one bucket holds.
    pub fn new(dir: &Path, zoom: u8, margin: f64, buckets: usize) -> Self {
        BucketWriter { dir: dir.to_path_buf(), zoom, margin, buckets: buckets.max(1), files: HashMap::new(), records: 0 }
    }

    fn bucket_of(&self, (x, y): TileKey) -> usize {
        let block = (u64::from(x >> 4) << 32) | u64::from(y >> 4);
        (block.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 32) as usize % self.buckets
    }

    fn write(&mut self, tile: TileKey, kind: u8, class: u8, rings: &[Vec<Point>]) -> std::io::Result<()> {
        let bucket = self.bucket_of(tile);
        let out = match self.files.entry(bucket) {
            std::collections::hash_map::Entry::Occupied(entry) => entry.into_mut(),
            std::collections::hash_map::Entry::Vacant(entry) => {
                let file = File::create(self.dir.join(format!("bucket-{bucket:04}.bin")))?;
                entry.insert(BufWriter::with_capacity(64 << 10, file))
            }
        };
        let (origin_x, origin_y) = (f64::from(tile.0 * TILE_SIZE), f64::from(tile.1 * TILE_SIZE));
        let mut record = Vec::with_capacity(16 + rings.iter().map(|r| 4 + 8 * r.len()).sum::<usize>());
        record.extend_from_slice(&tile.0.to_le_bytes());
        record.extend_from_slice(&tile.1.to_le_bytes());
        record.extend_from_slice(&[kind, class]);
        record.extend_from_slice(&(rings.len() as u32).to_le_bytes());
        for ring in rings {
            record.extend_from_slice(&(ring.len() as u32).to_le_bytes());
            for &(x, y) in ring {
                record.extend_from_slice(&((x - origin_x) as f32).to_le_bytes());
                record.extend_from_slice(&((y - origin_y) as f32).to_le_bytes());
            }
        }
        self.records += 1;
        out.write_all(&record)
    }

    /// Tiles whose area (grown by the margin) meets the box `min`–`max`.
    fn tiles_touching(&self, min: Point, max: Point) -> impl Iterator<Item = TileKey> + use<> {
        let (x0, y0) = tile_of(min.0 - self.margin, min.1 - self.margin, self.zoom);
        let (x1, y1) = tile_of(max.0 + self.margin, max.1 + self.margin, self.zoom);
        (y0..=y1).flat_map(move |y| (x0..=x1).map(move |x| (x, y)))
    }

    pub fn add(&mut self, feature: &Feature) -> std::io::Result<()> {
        match feature {
            Feature::Road { class, points } => {
                let class = class.map_or(NO_CLASS, RoadClass::index);
                // Consecutive segments that touch a tile become one run in that tile.
                let mut runs: HashMap<TileKey, Vec<Vec<Point>>> = HashMap::new();
                for segment in points.windows(2) {
                    let (p, q) = (segment[0], segment[1]);
                    let min = (p.0.min(q.0), p.1.min(q.1));
                    let max = (p.0.max(q.0), p.1.max(q.1));
                    for tile in self.tiles_touching(min, max) {
                        let tile_runs = runs.entry(tile).or_default();
                        match tile_runs.last_mut() {
                            Some(run) if run.last() == Some(&p) => run.push(q),
                            _ => tile_runs.push(vec![p, q]),
                        }
                    }
                }
                for (tile, tile_runs) in runs {
                    for run in tile_runs {
                        self.write(tile, ROAD, class, std::slice::from_ref(&run))?;
                    }
                }
            }
            Feature::Building { rings } => {
                let all = rings.iter().flatten();
                let min = all.clone().fold((f64::MAX, f64::MAX), |m, p| (m.0.min(p.0), m.1.min(p.1)));
                let max = all.fold((f64::MIN, f64::MIN), |m, p| (m.0.max(p.0), m.1.max(p.1)));
                for tile in self.tiles_touching(min, max) {
                    self.write(tile, BUILDING, NO_CLASS, rings)?;
                }
            }
        }
        Ok(())
    }

    /// Records written so far (one per feature piece per tile).
    pub fn records(&self) -> u64 {
        self.records
    }

    pub fn finish(self) -> std::io::Result<Vec<PathBuf>> {
        let mut paths = Vec::with_capacity(self.files.len());
        for (bucket, mut file) in self.files {
            file.flush()?;
            paths.push(self.dir.join(format!("bucket-{bucket:04}.bin")));
        }
        paths.sort();
        Ok(paths)
    }
}

/// Reads one bucket file back: its tiles, each whole, in (x, y) order.
pub fn read_bucket(path: &Path) -> std::io::Result<BTreeMap<TileKey, TileContent>> {
    let mut bytes = Vec::new();
    BufReader::new(File::open(path)?).read_to_end(&mut bytes)?;
    let mut tiles: BTreeMap<TileKey, TileContent> = BTreeMap::new();
    let mut cursor = Cursor { bytes: &bytes, at: 0 };
    while cursor.at < bytes.len() {
        let tile = (cursor.u32(), cursor.u32());
        let (kind, class) = (cursor.u8(), cursor.u8());
        let ring_count = cursor.u32() as usize;
        let rings: Vec<Vec<(f32, f32)>> = (0..ring_count)
            .map(|_| {
                let n = cursor.u32() as usize;
                (0..n).map(|_| (cursor.f32(), cursor.f32())).collect()
            })
            .collect();
        let content = tiles.entry(tile).or_default();
        match kind {
            ROAD => content.roads.extend(rings.into_iter().map(|ring| (RoadClass::from_index(class), ring))),
            _ => content.buildings.push(rings),
        }
    }
    Ok(tiles)
}

/// Reads the little-endian fields of records this module wrote.
struct Cursor<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Cursor<'_> {
    fn take<const N: usize>(&mut self) -> [u8; N] {
        let field = self.bytes[self.at..self.at + N].try_into().expect("records are written whole");
        self.at += N;
        field
    }

    fn u8(&mut self) -> u8 {
        self.take::<1>()[0]
    }

    fn u32(&mut self) -> u32 {
        u32::from_le_bytes(self.take())
    }

    fn f32(&mut self) -> f32 {
        f32::from_le_bytes(self.take())
    }
}
