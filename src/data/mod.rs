//! OpenStreetMap → training pairs (native only): `gansketch tiles`.
//!
//! - [`mercator`]: Web Mercator and XYZ tiles;
//! - [`palette`]: the street palette (colours, widths, legend);
//! - [`osm`] and [`nodes`]: streaming PBF reading with node locations on disk;
//! - [`buckets`]: features cut into tiles, parked on disk;
//! - [`render`]: drawing a tile's streets and buildings;
//! - [`split`], [`preview`], [`tiles`]: the command itself.

pub mod buckets;
pub mod mercator;
pub mod nodes;
pub mod osm;
pub mod palette;
pub mod preview;
pub mod render;
pub mod split;
pub mod tiles;

use std::path::PathBuf;

pub use tiles::{Filters, TilesOptions, TilesReport, make_tiles};

/// What OSM data and everything derived from it carries.
pub const OSM_ATTRIBUTION: &str = "© OpenStreetMap contributors, ODbL";

#[derive(Debug, thiserror::Error)]
pub enum DataError {
    #[error("{}: not an OSM PBF file ({reason}); expected an .osm.pbf extract such as Geofabrik's", path.display())]
    NotPbf { path: PathBuf, reason: String },
    #[error("{}: the PBF is truncated or damaged ({reason}); expected whole blocks to the end of the file", path.display())]
    DamagedPbf { path: PathBuf, reason: String },
    #[error("{}: node {id} follows node {previous}; expected nodes sorted by id, as Geofabrik's extracts and `osmium sort` write them", path.display())]
    Unsorted { path: PathBuf, previous: i64, id: i64 },
    #[error("{}: the extract holds no buildings (no way or multipolygon tagged building=*), so there is nothing to learn footprints from", path.display())]
    NoBuildings { path: PathBuf },
    #[error("zoom {zoom} is out of range: expected {} to {} (16 is GANmapper's)", mercator::ZOOMS.start(), mercator::ZOOMS.end())]
    Zoom { zoom: i64 },
    #[error("cannot write the tiles to {}: {reason}", path.display())]
    Output { path: PathBuf, reason: String },
    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{0}")]
    Image(String),
}
