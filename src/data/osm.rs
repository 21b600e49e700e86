//! Streets and buildings out of an OSM PBF, in two streaming passes whose memory does not
//! grow with the extract:
//! 1. nodes go to the on-disk [`NodeStore`]; building multipolygon relations (few) are kept;
//! 2. ways are resolved against the store in bounded chunks and handed on as [`Feature`]s
//!    in world pixel coordinates; multipolygons are assembled from their member ways last.
//!
//! Blocks are decoded in parallel batches and consumed in file order.

use indicatif::ProgressBar;
use osmpbf::{BlobDecode, BlobReader, PrimitiveBlock, RelMemberType, TagIter};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use std::path::Path;

use super::DataError;
use super::mercator::world_pixel;
use super::nodes::{Location, NodeStore, NodeStoreWriter};
use super::palette::{RoadClass, is_drawn_highway};

/// A point in world pixel coordinates at the zoom being read.
pub type Point = (f64, f64);

#[derive(Clone, Debug, PartialEq)]
pub enum Feature {
    /// A `highway=*` way (or the part of it inside the extract); `class` is `None` for
    /// ways drawn only as the underlay (footways, paths, tracks…).
    Road { class: Option<RoadClass>, points: Vec<Point> },
    /// A building footprint: rings filled even-odd, so inner rings are holes.
    Building { rings: Vec<Vec<Point>> },
}

/// What was read, for the report.
#[derive(Clone, Debug, Default, Serialize)]
pub struct ReadStats {
    pub nodes: u64,
    pub ways: u64,
    pub road_ways: u64,
    pub building_ways: u64,
    pub building_relations: u64,
    /// Roads cut by the extract's edge: drawn where their nodes are present.
    pub roads_missing_nodes: u64,
    /// Buildings with nodes outside the extract, or rings that do not close: skipped.
    pub buildings_skipped: u64,
}

/// Ways resolved per chunk: bounds the memory of pass 2 (~40 bytes per reference).
const CHUNK_REFERENCES: usize = 4 << 20;
/// Blobs decoded in parallel at a time.
const BATCH_BLOBS: usize = 32;

struct BuildingRelation {
    /// Member ways (roles do not matter: rings are filled even-odd).
    ways: Vec<i64>,
}

#[derive(Clone, Copy, PartialEq)]
enum WayRole {
    Road(Option<RoadClass>),
    Building,
}

struct WayItem {
    id: i64,
    roles: Vec<WayRole>,
    member: bool,
    refs: Vec<i64>,
}

fn tag<'a>(tags: TagIter<'a>, key: &str) -> Option<&'a str> {
    tags.into_iter().find(|(k, _)| *k == key).map(|(_, v)| v)
}

fn is_building(value: Option<&str>) -> bool {
    value.is_some_and(|v| v != "no")
}

/// Reads `pbf` and hands every street and building to `emit`, projected at `zoom`.
/// `work` is a private directory for the node store.
pub fn read_features(
    pbf: &Path,
    zoom: u8,
    work: &Path,
    progress: &ProgressBar,
    mut emit: impl FnMut(Feature) -> Result<(), DataError>,
) -> Result<ReadStats, DataError> {
    let mut stats = ReadStats::default();
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| DataError::Io { path, source }
    };

    // Pass 1: nodes to disk, building multipolygons to memory.
    progress.set_message("reading nodes");
    let store_path = work.join("nodes.bin");
    let mut writer = NodeStoreWriter::create(&store_path).map_err(io(&store_path))?;
    let mut relations = Vec::new();
    scan_blocks(pbf, progress, nodes_and_relations, |(nodes, block_relations)| {
        for (id, location) in nodes {
            writer.push(id, location).map_err(|e| DataError::Unsorted { path: pbf.to_path_buf(), previous: e.previous, id: e.id })?;
        }
        relations.extend(block_relations);
        Ok(())
    })?;
    stats.nodes = writer.count();
    let store = writer.finish().map_err(io(&store_path))?;
    let members: HashSet<i64> = relations.iter().flat_map(|r: &BuildingRelation| r.ways.iter().copied()).collect();

    // Pass 2: ways, in chunks resolved against the node store.
    progress.set_message("reading ways");
    let mut chunk = Vec::new();
    let mut chunk_refs = 0;
    let mut member_ways: HashMap<i64, MemberWay> = HashMap::new();
    let mut resolve = |chunk: &mut Vec<WayItem>, stats: &mut ReadStats| -> Result<(), DataError> {
        for (item, locations) in resolve_chunk(std::mem::take(chunk), &store) {
            emit_way(item, locations, zoom, stats, &mut member_ways, &mut emit)?;
        }
        Ok(())
    };
    scan_blocks(pbf, progress, |block| ways_of_interest(block, &members), |ways| {
        for way in ways {
            stats.ways += 1;
            chunk_refs += way.refs.len();
            chunk.push(way);
        }
        if chunk_refs >= CHUNK_REFERENCES {
            resolve(&mut chunk, &mut stats)?;
            chunk_refs = 0;
        }
        Ok(())
    })?;
    resolve(&mut chunk, &mut stats)?;

    // Multipolygons, from their member ways.
    for relation in relations {
        stats.building_relations += 1;
        match assemble_rings(&relation, &member_ways) {
            Some(rings) => emit(Feature::Building { rings })?,
            None => stats.buildings_skipped += 1,
        }
    }
    Ok(stats)
}

/// Decodes the blocks of `pbf` in parallel batches; hands `map`'s results to `consume` in
/// file order.
fn scan_blocks<T: Send>(
    pbf: &Path,
    progress: &ProgressBar,
    map: impl Fn(&PrimitiveBlock) -> T + Sync,
    mut consume: impl FnMut(T) -> Result<(), DataError>,
) -> Result<(), DataError> {
    let not_pbf = |reason: String| DataError::NotPbf { path: pbf.to_path_buf(), reason };
    let damaged = |reason: String| DataError::DamagedPbf { path: pbf.to_path_buf(), reason };
    let mut reader = BlobReader::seekable_from_path(pbf).map_err(|e| not_pbf(e.to_string()))?;
    let mut blobs_read = 0usize;
    progress.set_position(0);
    loop {
        let mut batch = Vec::with_capacity(BATCH_BLOBS);
        for blob in reader.by_ref().take(BATCH_BLOBS) {
            match blob {
                Ok(blob) => batch.push(blob),
                Err(e) if blobs_read == 0 && batch.is_empty() => return Err(not_pbf(e.to_string())),
                Err(e) => return Err(damaged(e.to_string())),
            }
        }
        if batch.is_empty() {
            if blobs_read == 0 {
                return Err(not_pbf("the file holds no blocks".into()));
            }
            return Ok(());
        }
        if blobs_read == 0 && !matches!(batch[0].get_type(), osmpbf::BlobType::OsmHeader) {
            return Err(not_pbf(format!("expected an OSMHeader block first, found a {} block", batch[0].get_type().as_str())));
        }
        let first_blob = blobs_read == 0;
        blobs_read += batch.len();
        let end = batch.last().and_then(|b| b.offset()).map(|o| o.0);
        let results: Vec<Result<Option<T>, DataError>> = batch
            .par_iter()
            .map(|blob| match blob.decode() {
                Ok(BlobDecode::OsmData(block)) => Ok(Some(map(&block))),
                Ok(BlobDecode::OsmHeader(header)) => check_header(&header).map(|()| None).map_err(not_pbf),
                Ok(BlobDecode::Unknown(_)) => Ok(None),
                Err(e) if first_blob => Err(not_pbf(e.to_string())),
                Err(e) => Err(damaged(e.to_string())),
            })
            .collect();
        for result in results {
            if let Some(value) = result? {
                consume(value)?;
            }
        }
        if let Some(end) = end {
            progress.set_position(end);
        }
    }
}

fn check_header(header: &osmpbf::HeaderBlock) -> Result<(), String> {
    let known = ["OsmSchema-V0.6", "DenseNodes"];
    match header.required_features().iter().find(|f| !known.contains(&f.as_str())) {
        Some(feature) => Err(format!("it requires the feature {feature:?}; expected a plain extract (OsmSchema-V0.6, DenseNodes)")),
        None => Ok(()),
    }
}

fn nodes_and_relations(block: &PrimitiveBlock) -> (Vec<(i64, Location)>, Vec<BuildingRelation>) {
    let mut nodes = Vec::new();
    let mut relations = Vec::new();
    for group in block.groups() {
        nodes.extend(group.dense_nodes().map(|n| (n.id(), Location { lat: n.decimicro_lat(), lon: n.decimicro_lon() })));
        nodes.extend(group.nodes().map(|n| (n.id(), Location { lat: n.decimicro_lat(), lon: n.decimicro_lon() })));
        for relation in group.relations() {
            if tag(relation.tags(), "type") == Some("multipolygon") && is_building(tag(relation.tags(), "building")) {
                let ways = relation.members().filter(|m| m.member_type == RelMemberType::Way).map(|m| m.member_id).collect();
                relations.push(BuildingRelation { ways });
            }
        }
    }
    (nodes, relations)
}

fn ways_of_interest(block: &PrimitiveBlock, members: &HashSet<i64>) -> Vec<WayItem> {
    let mut items = Vec::new();
    for group in block.groups() {
        for way in group.ways() {
            let refs: Vec<i64> = way.refs().collect();
            let mut roles = Vec::new();
            if let Some(highway) = tag(way.tags(), "highway").filter(|h| is_drawn_highway(h)) {
                roles.push(WayRole::Road(RoadClass::of(highway)));
            }
            let closed = refs.len() >= 4 && refs.first() == refs.last();
            if closed && is_building(tag(way.tags(), "building")) {
                roles.push(WayRole::Building);
            }
            let member = members.contains(&way.id());
            if !roles.is_empty() || member {
                items.push(WayItem { id: way.id(), roles, member, refs });
            }
        }
    }
    items
}

/// Every way of the chunk with the location of each of its nodes (`None` where the node
/// is not in the extract).
fn resolve_chunk(chunk: Vec<WayItem>, store: &NodeStore) -> Vec<(WayItem, Vec<Option<Location>>)> {
    let mut ids: Vec<i64> = chunk.iter().flat_map(|w| w.refs.iter().copied()).collect();
    ids.par_sort_unstable();
    ids.dedup();
    let locations = store.lookup_sorted(&ids);
    chunk
        .into_iter()
        .map(|way| {
            let found = way.refs.iter().map(|id| ids.binary_search(id).ok().and_then(|i| locations[i])).collect();
            (way, found)
        })
        .collect()
}

struct MemberWay {
    first: i64,
    last: i64,
    points: Vec<Point>,
}

fn emit_way(
    way: WayItem,
    locations: Vec<Option<Location>>,
    zoom: u8,
    stats: &mut ReadStats,
    member_ways: &mut HashMap<i64, MemberWay>,
    emit: &mut impl FnMut(Feature) -> Result<(), DataError>,
) -> Result<(), DataError> {
    let project = |l: Location| {
        let (lon, lat) = l.degrees();
        world_pixel(lon, lat, zoom)
    };
    let complete: Option<Vec<Point>> = locations.iter().map(|l| l.map(project)).collect();
    for role in &way.roles {
        match role {
            WayRole::Road(class) => {
                stats.road_ways += 1;
                if complete.is_none() {
                    stats.roads_missing_nodes += 1;
                }
                // Draw every run of consecutive nodes that the extract holds.
                for run in locations.split(Option::is_none) {
                    let points: Vec<Point> = run.iter().flatten().map(|&l| project(l)).collect();
                    if points.len() >= 2 {
                        emit(Feature::Road { class: *class, points })?;
                    }
                }
            }
            WayRole::Building => {
                stats.building_ways += 1;
                match &complete {
                    Some(ring) => emit(Feature::Building { rings: vec![ring.clone()] })?,
                    None => stats.buildings_skipped += 1,
                }
            }
        }
    }
    if way.member
        && let (Some(points), Some(&first), Some(&last)) = (complete, way.refs.first(), way.refs.last())
    {
        member_ways.insert(way.id, MemberWay { first, last, points });
    }
    Ok(())
}

/// Joins a relation's member ways end to end into closed rings; `None` if a member is
/// missing or a ring does not close.
fn assemble_rings(relation: &BuildingRelation, member_ways: &HashMap<i64, MemberWay>) -> Option<Vec<Vec<Point>>> {
    let mut pool: Vec<(i64, i64, Vec<Point>)> = Vec::with_capacity(relation.ways.len());
    for id in &relation.ways {
        let way = member_ways.get(id)?;
        pool.push((way.first, way.last, way.points.clone()));
    }
    let mut rings = Vec::new();
    while let Some((first, mut last, mut points)) = pool.pop() {
        while first != last {
            let next = pool.iter().position(|(a, b, _)| *a == last || *b == last)?;
            let (a, b, mut more) = pool.swap_remove(next);
            if a != last {
                more.reverse();
            }
            last = if a == last { b } else { a };
            points.extend(more.into_iter().skip(1));
        }
        if points.len() >= 4 {
            rings.push(points);
        }
    }
    (!rings.is_empty()).then_some(rings)
}

