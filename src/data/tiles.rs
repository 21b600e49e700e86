//! `gansketch tiles`: an OSM extract in, A|B training pairs out.
//!
//! Read (streaming, [`super::osm`]) → cut into tiles on disk ([`super::buckets`]) → draw,
//! filter, split and write each tile. Everything is written into a staging directory
//! beside `DIR` and renamed into place at the end: an error leaves nothing half-written.

use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use super::buckets::{BucketWriter, TileContent, read_bucket};
use super::mercator::{TILE_SIZE, ZOOMS, lon_lat};
use super::osm::{ReadStats, read_features};
use super::preview::contact_sheet;
use super::render::{draw_buildings, draw_streets, pair};
use super::split::{Split, SplitMode, Splitter};
use super::{DataError, OSM_ATTRIBUTION};

/// Which tiles are worth training on. The defaults follow GANmapper's cleaning: a tile
/// needs some buildings to learn from and some streets to condition on.
#[derive(Clone, Debug, Serialize)]
pub struct Filters {
    /// Skip tiles whose building side has fewer dark pixels than this share (0 keeps all).
    pub min_building_fraction: f64,
    /// Skip tiles whose street side has fewer non-white pixels than this share.
    pub min_street_fraction: f64,
    /// A pixel is white when every channel is at least this.
    pub white_threshold: u8,
}

impl Default for Filters {
    fn default() -> Self {
        Filters { min_building_fraction: 0.01, min_street_fraction: 0.02, white_threshold: 250 }
    }
}

#[derive(Clone, Debug)]
pub struct TilesOptions {
    pub pbf: PathBuf,
    pub zoom: u8,
    pub out: PathBuf,
    pub split: SplitMode,
    /// Side of a split block, in tiles.
    pub block_size: u32,
    pub seed: u64,
    pub filters: Filters,
    pub preview: bool,
    /// Replace `out` if it already holds files.
    pub force: bool,
    pub show_progress: bool,
}

impl TilesOptions {
    pub fn new(pbf: impl Into<PathBuf>, zoom: u8, out: impl Into<PathBuf>) -> Self {
        TilesOptions {
            pbf: pbf.into(),
            zoom,
            out: out.into(),
            split: SplitMode::None,
            block_size: 8,
            seed: 1,
            filters: Filters::default(),
            preview: false,
            force: false,
            show_progress: false,
        }
    }
}

/// What `gansketch tiles` did, written as `summary.json` beside the tiles.
#[derive(Clone, Debug, Serialize)]
pub struct TilesReport {
    pub source: String,
    pub zoom: u8,
    pub read: ReadStats,
    /// Tiles that any street or building touches.
    pub tiles_with_content: u64,
    pub skipped_few_buildings: u64,
    pub skipped_few_streets: u64,
    /// Tiles bordering a block of another split (`--split blocks`).
    pub skipped_split_border: u64,
    pub written: u64,
    pub written_per_split: BTreeMap<String, u64>,
    pub filters: Filters,
    pub seconds_reading: f64,
    pub seconds_drawing: f64,
    pub attribution: String,
}

/// One written tile, a row of `manifest.csv`.
struct TileRow {
    split: Split,
    x: u32,
    y: u32,
    building_fraction: f64,
    street_fraction: f64,
    buildings: usize,
    roads: usize,
}

enum TileOutcome {
    Written(TileRow),
    FewBuildings,
    FewStreets,
    SplitBorder,
}

pub fn make_tiles(options: &TilesOptions) -> Result<TilesReport, DataError> {
    if !ZOOMS.contains(&options.zoom) {
        return Err(DataError::Zoom { zoom: i64::from(options.zoom) });
    }
    let pbf = &options.pbf;
    let pbf_size = std::fs::metadata(pbf).map_err(|source| DataError::Io { path: pbf.clone(), source })?.len();
    let staging = Staging::prepare(&options.out, options.force)?;
    let work = tempfile::Builder::new()
        .prefix("gansketch-tiles-")
        .tempdir()
        .map_err(|source| DataError::Io { path: std::env::temp_dir(), source })?;

    // Read and cut into tiles on disk.
    let started = Instant::now();
    let progress = progress_bar(options.show_progress, pbf_size, "{msg:14} [{bar:40}] {bytes}/{total_bytes} ({eta})");
    // Half the widest stroke (primary, 8 px) and a pixel of antialiasing.
    let margin = f64::from(super::palette::RoadClass::Primary.style().width_px()) / 2.0 + 2.0;
    let buckets = (pbf_size / (4 << 20)).clamp(16, 512) as usize;
    let mut writer = BucketWriter::new(work.path(), options.zoom, margin, buckets);
    let io = |source| DataError::Io { path: work.path().to_path_buf(), source };
    let read = read_features(pbf, options.zoom, work.path(), &progress, |feature| writer.add(&feature).map_err(io))?;
    progress.finish_and_clear();
    if read.building_ways == 0 && read.building_relations == 0 {
        return Err(DataError::NoBuildings { path: pbf.clone() });
    }
    let bucket_paths = writer.finish().map_err(io)?;
    let seconds_reading = started.elapsed().as_secs_f64();

    // Draw, filter, split, write.
    let started = Instant::now();
    let splitter = Splitter::new(options.split, options.block_size, options.seed);
    let progress = progress_bar(options.show_progress, bucket_paths.len() as u64, "{msg:14} [{bar:40}] {pos}/{len} buckets ({eta})");
    progress.set_message("drawing tiles");
    let mut rows = Vec::new();
    let mut report = TilesReport {
        source: pbf.file_name().map_or_else(String::new, |n| n.to_string_lossy().into_owned()),
        zoom: options.zoom,
        read,
        tiles_with_content: 0,
        skipped_few_buildings: 0,
        skipped_few_streets: 0,
        skipped_split_border: 0,
        written: 0,
        written_per_split: BTreeMap::new(),
        filters: options.filters.clone(),
        seconds_reading,
        seconds_drawing: 0.0,
        attribution: OSM_ATTRIBUTION.into(),
    };
    for path in &bucket_paths {
        let tiles = read_bucket(path).map_err(|source| DataError::Io { path: path.clone(), source })?;
        report.tiles_with_content += tiles.len() as u64;
        let outcomes: Vec<Result<TileOutcome, DataError>> = tiles
            .into_par_iter()
            .map(|((x, y), content)| write_tile(staging.path(), options, &splitter, x, y, &content))
            .collect();
        for outcome in outcomes {
            match outcome? {
                TileOutcome::Written(row) => rows.push(row),
                TileOutcome::FewBuildings => report.skipped_few_buildings += 1,
                TileOutcome::FewStreets => report.skipped_few_streets += 1,
                TileOutcome::SplitBorder => report.skipped_split_border += 1,
            }
        }
        progress.inc(1);
    }
    progress.finish_and_clear();
    rows.sort_by_key(|row| (row.split, row.x, row.y));
    report.written = rows.len() as u64;
    for row in &rows {
        *report.written_per_split.entry(row.split.to_string()).or_default() += 1;
    }
    report.seconds_drawing = started.elapsed().as_secs_f64();

    write_manifest(staging.path(), options.zoom, &rows)?;
    let summary = serde_json::to_vec_pretty(&report).expect("the report serialises");
    staging.write("summary.json", &summary)?;
    let attribution = format!(
        "Tiles drawn from {} (OpenStreetMap data).\n\n{OSM_ATTRIBUTION}\nhttps://www.openstreetmap.org/copyright\n",
        report.source
    );
    staging.write("ATTRIBUTION.md", attribution.as_bytes())?;
    if options.preview && !rows.is_empty() {
        let files: Vec<PathBuf> = rows.iter().map(|row| staging.path().join(tile_path(row.split, options.zoom, row.x, row.y))).collect();
        let sheet = contact_sheet(&files, options.seed).map_err(|e| DataError::Image(format!("preview.png: {e}")))?;
        staging.write("preview.png", &png_bytes(&sheet)?)?;
    }
    staging.commit()?;
    Ok(report)
}

fn progress_bar(show: bool, length: u64, template: &str) -> ProgressBar {
    if !show {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(length);
    bar.set_style(ProgressStyle::with_template(template).expect("a valid template").progress_chars("=> "));
    bar
}

/// `{split}/{z}/{x}/{y}.png` under the output.
pub fn tile_path(split: Split, zoom: u8, x: u32, y: u32) -> PathBuf {
    Path::new(split.dir()).join(zoom.to_string()).join(x.to_string()).join(format!("{y}.png"))
}

fn write_tile(root: &Path, options: &TilesOptions, splitter: &Splitter, x: u32, y: u32, content: &TileContent) -> Result<TileOutcome, DataError> {
    let Some(split) = splitter.split_of(x, y) else { return Ok(TileOutcome::SplitBorder) };
    let filters = &options.filters;
    let buildings = draw_buildings(content);
    let building_fraction = share(&buildings, |p| p[0] < 128);
    if building_fraction < filters.min_building_fraction || content.buildings.is_empty() {
        return Ok(TileOutcome::FewBuildings);
    }
    let streets = draw_streets(content);
    let street_fraction = share(&streets, |p| p.iter().any(|&c| c < filters.white_threshold));
    if street_fraction < filters.min_street_fraction {
        return Ok(TileOutcome::FewStreets);
    }
    let path = root.join(tile_path(split, options.zoom, x, y));
    let parent = path.parent().expect("a tile path has a parent");
    std::fs::create_dir_all(parent).map_err(|source| DataError::Io { path: parent.to_path_buf(), source })?;
    std::fs::write(&path, png_bytes(&pair(&streets, &buildings))?).map_err(|source| DataError::Io { path, source })?;
    Ok(TileOutcome::Written(TileRow {
        split,
        x,
        y,
        building_fraction,
        street_fraction,
        buildings: content.buildings.len(),
        roads: content.roads.len(),
    }))
}

fn share(image: &image::RgbImage, counts: impl Fn(&[u8]) -> bool) -> f64 {
    let hits = image.pixels().filter(|p| counts(&p.0)).count();
    hits as f64 / f64::from(image.width() * image.height())
}

fn png_bytes(image: &image::RgbImage) -> Result<Vec<u8>, DataError> {
    let mut bytes = Vec::new();
    image
        .write_to(&mut std::io::Cursor::new(&mut bytes), image::ImageFormat::Png)
        .map_err(|e| DataError::Image(format!("a PNG could not be encoded: {e}")))?;
    Ok(bytes)
}

fn write_manifest(root: &Path, zoom: u8, rows: &[TileRow]) -> Result<(), DataError> {
    let mut csv = String::from("split,z,x,y,file,lon,lat,building_fraction,street_fraction,buildings,road_pieces\n");
    for row in rows {
        let centre = f64::from(TILE_SIZE) / 2.0;
        let (lon, lat) = lon_lat(f64::from(row.x * TILE_SIZE) + centre, f64::from(row.y * TILE_SIZE) + centre, zoom);
        let file = tile_path(row.split, zoom, row.x, row.y);
        csv.push_str(&format!(
            "{},{zoom},{},{},{},{lon:.6},{lat:.6},{:.4},{:.4},{},{}\n",
            row.split,
            row.x,
            row.y,
            file.display(),
            row.building_fraction,
            row.street_fraction,
            row.buildings,
            row.roads
        ));
    }
    let path = root.join("manifest.csv");
    std::fs::write(&path, csv).map_err(|source| DataError::Io { path, source })
}

/// The output directory being built: a hidden sibling of `DIR`, renamed onto it at the end.
struct Staging {
    dir: tempfile::TempDir,
    out: PathBuf,
    replace: bool,
}

impl Staging {
    fn prepare(out: &Path, force: bool) -> Result<Self, DataError> {
        let holds_files = out.read_dir().map(|mut entries| entries.next().is_some()).unwrap_or(false);
        if out.exists() && !out.is_dir() {
            return Err(DataError::Output { path: out.to_path_buf(), reason: "it exists and is not a directory".into() });
        }
        if holds_files && !force {
            return Err(DataError::Output { path: out.to_path_buf(), reason: "it already holds files; choose a new directory or pass --force to replace it".into() });
        }
        let parent = match out.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&parent).map_err(|e| DataError::Output { path: out.to_path_buf(), reason: format!("its parent cannot be created: {e}") })?;
        let name = out.file_name().map_or_else(|| "tiles".into(), |n| n.to_string_lossy().into_owned());
        let dir = tempfile::Builder::new()
            .prefix(&format!(".{name}.partial-"))
            .tempdir_in(&parent)
            .map_err(|e| DataError::Output { path: out.to_path_buf(), reason: format!("cannot write beside it: {e}") })?;
        Ok(Staging { dir, out: out.to_path_buf(), replace: out.exists() })
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn write(&self, name: &str, bytes: &[u8]) -> Result<(), DataError> {
        let path = self.path().join(name);
        std::fs::write(&path, bytes).map_err(|source| DataError::Io { path, source })
    }

    fn commit(self) -> Result<(), DataError> {
        let failed = |e: std::io::Error| DataError::Output { path: self.out.clone(), reason: e.to_string() };
        if self.replace {
            std::fs::remove_dir_all(&self.out).map_err(failed)?;
        }
        let staged = self.dir.keep();
        std::fs::rename(&staged, &self.out).map_err(|e| {
            let _ = std::fs::remove_dir_all(&staged);
            failed(e)
        })
    }
}
