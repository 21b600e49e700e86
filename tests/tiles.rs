//! `gansketch tiles`: the projection, the palette and footprints pixel by pixel on an
//! extract the test writes itself, agreement with an independent rasterisation on real
//! cities, and clear errors that leave nothing behind.
#![cfg(not(target_family = "wasm"))]

mod common;

use common::pbf::{Member, PbfBuilder};
use common::*;
use gansketch::data::mercator::{lon_lat, tile_of, world_pixel};
use gansketch::data::{Filters, TilesOptions, make_tiles};
use std::path::{Path, PathBuf};
use std::process::Command;

const ZOOM: u8 = 16;

/// The XYZ formula of the OSM wiki ("Slippy map tilenames"), in fractional tiles.
fn xyz_formula(lon: f64, lat: f64, zoom: u8) -> (f64, f64) {
    let n = f64::from(1u32 << zoom);
    let lat = lat.to_radians();
    let x = (lon + 180.0) / 360.0 * n;
    let y = (1.0 - (lat.tan() + 1.0 / lat.cos()).ln() / std::f64::consts::PI) / 2.0 * n;
    (x, y)
}

#[test]
fn projection_follows_the_xyz_scheme() {
    // Known tiles: London is 16/32744/21792; (0°, 0°) is the corner of the centre tiles.
    let (x, y) = world_pixel(-0.1278, 51.5074, 16);
    assert_eq!(tile_of(x, y, 16), (32744, 21792));
    assert_eq!(world_pixel(0.0, 0.0, 16), (256.0 * 32768.0, 256.0 * 32768.0));
    assert_eq!(world_pixel(-180.0, 85.051_128_779_806_59, 10).0, 0.0);
    for (lon, lat) in [(13.2615, 53.5571), (9.52, 47.14), (26.9458, 60.4667), (-122.42, 37.77), (151.2, -33.87)] {
        for zoom in [10, 16, 19] {
            let (tx, ty) = xyz_formula(lon, lat, zoom);
            let (px, py) = world_pixel(lon, lat, zoom);
            assert!((px - tx * 256.0).abs() < 1e-6 && (py - ty * 256.0).abs() < 1e-6, "({lon}, {lat}) at {zoom}");
            let (back_lon, back_lat) = lon_lat(px, py, zoom);
            assert!((back_lon - lon).abs() < 1e-9 && (back_lat - lat).abs() < 1e-9);
        }
    }
}

/// Where the synthetic extract lies: one z16 tile in Kotka.
struct Canvas {
    tile: (u32, u32),
}

impl Canvas {
    fn new() -> Self {
        let (x, y) = xyz_formula(26.9458, 60.4667, ZOOM);
        Canvas { tile: (x as u32, y as u32) }
    }

    /// (lat, lon) of tile pixel (px, py), by the inverse of the wiki formula.
    fn lat_lon(&self, px: f64, py: f64) -> (f64, f64) {
        let n = f64::from(1u32 << ZOOM);
        let (tx, ty) = (f64::from(self.tile.0) + px / 256.0, f64::from(self.tile.1) + py / 256.0);
        let lon = tx / n * 360.0 - 180.0;
        let lat = (std::f64::consts::PI * (1.0 - 2.0 * ty / n)).sinh().atan().to_degrees();
        (lat, lon)
    }
}

/// Roads: (highway, centre row, width in px, colour). Centres put every stroke edge on
/// a pixel boundary, so its rows are fully covered.
const ROADS: [(&str, f64, u32, [u8; 3]); 8] = [
    ("motorway", 20.5, 5, [0x8b, 0x00, 0x00]),
    ("primary", 40.0, 8, [0x00, 0x00, 0x00]),
    ("secondary", 60.0, 6, [0x00, 0x00, 0x8b]),
    ("tertiary", 80.0, 4, [0x64, 0x95, 0xed]),
    ("motorway_link", 100.0, 4, [0x8b, 0x00, 0x00]),
    ("residential", 120.0, 2, [0x87, 0xce, 0xeb]),
    ("trunk", 132.0, 8, [0x00, 0x00, 0x00]),
    ("footway", 146.5, 1, [0x90, 0xee, 0x90]),
];

/// Building rectangles (x0, y0, x1, y1) in tile pixels.
const HOUSE: [f64; 4] = [20.0, 160.0, 60.0, 200.0];
const COURTYARD_OUTER: [f64; 4] = [80.0, 160.0, 140.0, 220.0];
const COURTYARD_HOLE: [f64; 4] = [100.0, 180.0, 120.0, 200.0];
const SPLIT_RING: [f64; 4] = [160.0, 160.0, 230.0, 236.0];

fn synthetic_extract(with_buildings: bool) -> Vec<u8> {
    let canvas = Canvas::new();
    let mut pbf = PbfBuilder::default();
    let mut next_node = 1;
    let mut node = |pbf: &mut PbfBuilder, px: f64, py: f64| {
        let (lat, lon) = canvas.lat_lon(px, py);
        pbf.node(next_node, lat, lon);
        next_node += 1;
        next_node - 1
    };
    // Nodes first (ids increase), then ways, then relations, as a sorted extract.
    let mut ways = Vec::new();
    for (i, (highway, row, _, _)) in ROADS.iter().enumerate() {
        let refs = vec![node(&mut pbf, 20.0, *row), node(&mut pbf, 128.0, *row), node(&mut pbf, 236.0, *row)];
        ways.push((100 + i as i64, refs, vec![("highway", *highway)]));
    }
    if with_buildings {
        let mut rectangle = |pbf: &mut PbfBuilder, [x0, y0, x1, y1]: [f64; 4]| {
            [node(pbf, x0, y0), node(pbf, x1, y0), node(pbf, x1, y1), node(pbf, x0, y1)]
        };
        let house = rectangle(&mut pbf, HOUSE);
        let outer = rectangle(&mut pbf, COURTYARD_OUTER);
        let hole = rectangle(&mut pbf, COURTYARD_HOLE);
        let split = rectangle(&mut pbf, SPLIT_RING);
        let closed = |r: [i64; 4]| vec![r[0], r[1], r[2], r[3], r[0]];
        ways.push((200, closed(house), vec![("building", "yes")]));
        ways.push((201, closed(outer), vec![]));
        ways.push((202, closed(hole), vec![]));
        // One ring in two open ways, the second drawn the other way round.
        ways.push((203, vec![split[0], split[1], split[2]], vec![]));
        ways.push((204, vec![split[0], split[3], split[2]], vec![]));
    }
    for (id, refs, tags) in &ways {
        pbf.way(*id, refs, tags);
    }
    if with_buildings {
        let multipolygon = [("type", "multipolygon"), ("building", "yes")];
        pbf.relation(300, &[Member::Way(201, "outer"), Member::Way(202, "inner")], &multipolygon);
        pbf.relation(301, &[Member::Way(203, "outer"), Member::Way(204, "outer")], &multipolygon);
    }
    pbf.encode()
}

fn keep_everything(pbf: &Path, out: &Path) -> TilesOptions {
    TilesOptions {
        filters: Filters { min_building_fraction: 0.0, min_street_fraction: 0.0, white_threshold: 250 },
        ..TilesOptions::new(pbf, ZOOM, out)
    }
}

fn inside([x0, y0, x1, y1]: [f64; 4], x: f64, y: f64) -> bool {
    x > x0 && x < x1 && y > y0 && y < y1
}

#[test]
fn a_synthetic_extract_is_drawn_pixel_by_pixel() {
    let dir = tempfile::tempdir().unwrap();
    let pbf = dir.path().join("synthetic.osm.pbf");
    std::fs::write(&pbf, synthetic_extract(true)).unwrap();
    let out = dir.path().join("tiles");
    let report = make_tiles(&keep_everything(&pbf, &out)).unwrap();
    assert_eq!(report.written, 1, "everything lies in one tile");
    assert_eq!((report.read.building_ways, report.read.building_relations), (1, 2));

    let (x, y) = Canvas::new().tile;
    let pair = image::open(out.join(format!("{ZOOM}/{x}/{y}.png"))).unwrap().to_rgb8();
    assert_eq!(pair.dimensions(), (512, 256), "A|B: streets left, buildings right");

    // Streets: at column 128 each class has its colour over exactly its width.
    for (highway, centre, width, colour) in ROADS {
        let top = (centre - f64::from(width) / 2.0) as u32;
        for row in top..top + width {
            let found = pair.get_pixel(128, row).0;
            let off = found.iter().zip(colour).map(|(a, b)| a.abs_diff(b)).max().unwrap();
            assert!(off <= 3, "{highway}: row {row} is {found:?}, expected {colour:?}");
        }
        for row in [top - 1, top + width] {
            let found = pair.get_pixel(128, row).0;
            assert!(found.iter().all(|&c| c >= 250), "{highway}: row {row} outside the stroke is {found:?}");
        }
    }
    // No building is drawn on the street side.
    assert!(pair.get_pixel(40, 180).0.iter().all(|&c| c >= 250));

    // Buildings: black inside each footprint, white in the courtyard and outside.
    for py in 0..256 {
        for px in 0..256 {
            let (cx, cy) = (px as f64 + 0.5, py as f64 + 0.5);
            let filled = inside(HOUSE, cx, cy)
                || (inside(COURTYARD_OUTER, cx, cy) && !inside(COURTYARD_HOLE, cx, cy))
                || inside(SPLIT_RING, cx, cy);
            let value = pair.get_pixel(256 + px, py).0[0];
            let expected = if filled { 0 } else { 255 };
            assert!(value.abs_diff(expected) <= 8, "building side ({px}, {py}) is {value}, expected {expected}");
        }
    }
    let manifest = std::fs::read_to_string(out.join("manifest.csv")).unwrap();
    assert_eq!(manifest.lines().count(), 2, "a header and one tile: {manifest}");
    let attribution = std::fs::read_to_string(out.join("ATTRIBUTION.md")).unwrap();
    assert!(attribution.contains("© OpenStreetMap contributors, ODbL"));
}

// ---- Agreement with an independent rasterisation --------------------------------------

fn tag<'a>(mut tags: impl Iterator<Item = (&'a str, &'a str)>, key: &str) -> Option<String> {
    tags.find(|(k, _)| *k == key).map(|(_, v)| v.to_string())
}

/// Every building of an extract as its rings' segments in world pixels, read with
/// osmpbf's plain element reader (not the pipeline's streaming passes). Multipolygon
/// member ways are not joined into rings: even-odd filling of all their segments gives
/// the same footprint.
fn buildings_of(pbf: &Path, zoom: u8) -> Vec<Vec<((f64, f64), (f64, f64))>> {
    use osmpbf::{Element, ElementReader, RelMemberType};
    use std::collections::HashMap;
    let mut nodes: HashMap<i64, (f64, f64)> = HashMap::new();
    let mut ways: HashMap<i64, Vec<i64>> = HashMap::new();
    let mut building_ways = Vec::new();
    let mut relations: Vec<Vec<i64>> = Vec::new();
    ElementReader::from_path(pbf)
        .unwrap()
        .for_each(|element| match element {
            Element::DenseNode(n) => {
                nodes.insert(n.id(), (n.lon(), n.lat()));
            }
            Element::Node(n) => {
                nodes.insert(n.id(), (n.lon(), n.lat()));
            }
            Element::Way(w) => {
                let refs: Vec<i64> = w.refs().collect();
                let building = tag(w.tags(), "building").is_some_and(|v| v != "no");
                if building && refs.len() >= 4 && refs.first() == refs.last() {
                    building_ways.push(w.id());
                }
                ways.insert(w.id(), refs);
            }
            Element::Relation(r) => {
                let multipolygon = tag(r.tags(), "type").as_deref() == Some("multipolygon");
                if multipolygon && tag(r.tags(), "building").is_some_and(|v| v != "no") {
                    relations.push(r.members().filter(|m| m.member_type == RelMemberType::Way).map(|m| m.member_id).collect());
                }
            }
        })
        .unwrap();
    let project = |id: &i64| nodes.get(id).map(|&(lon, lat)| {
        let (x, y) = xyz_formula(lon, lat, zoom);
        (x * 256.0, y * 256.0)
    });
    let segments = |way_ids: &[i64]| -> Option<Vec<((f64, f64), (f64, f64))>> {
        let mut segments = Vec::new();
        for id in way_ids {
            let points: Option<Vec<(f64, f64)>> = ways.get(id)?.iter().map(project).collect();
            segments.extend(points?.windows(2).map(|w| (w[0], w[1])));
        }
        Some(segments)
    };
    building_ways
        .iter()
        .filter_map(|id| segments(std::slice::from_ref(id)))
        .chain(relations.iter().filter_map(|members| segments(members)))
        .collect()
}

/// Fills each building even-odd at pixel centres on tile (tx, ty); their union.
fn rasterise(buildings: &[&Vec<((f64, f64), (f64, f64))>], tx: u32, ty: u32) -> Vec<bool> {
    let mut mask = vec![false; 256 * 256];
    let (ox, oy) = (f64::from(tx) * 256.0, f64::from(ty) * 256.0);
    for segments in buildings {
        for row in 0..256 {
            let y = oy + row as f64 + 0.5;
            let mut crossings: Vec<f64> = segments
                .iter()
                .filter(|(a, b)| (a.1 <= y) != (b.1 <= y))
                .map(|(a, b)| a.0 + (y - a.1) / (b.1 - a.1) * (b.0 - a.0) - ox)
                .collect();
            crossings.sort_by(f64::total_cmp);
            for span in crossings.chunks_exact(2) {
                let first = (span[0] - 0.5).ceil().max(0.0) as usize;
                let last = ((span[1] - 0.5).ceil().min(256.0)) as usize;
                for column in first..last.max(first) {
                    mask[row * 256 + column] = true;
                }
            }
        }
    }
    mask
}

fn footprint_iou(city: &str) -> f64 {
    let pbf = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/osm").join(format!("{city}.osm.pbf"));
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join(city);
    make_tiles(&TilesOptions::new(&pbf, ZOOM, &out)).unwrap();
    let buildings = buildings_of(&pbf, ZOOM);
    let manifest = std::fs::read_to_string(out.join("manifest.csv")).unwrap();
    let (mut intersection, mut union) = (0u64, 0u64);
    for line in manifest.lines().skip(1) {
        let fields: Vec<&str> = line.split(',').collect();
        let (tx, ty): (u32, u32) = (fields[2].parse().unwrap(), fields[3].parse().unwrap());
        let near: Vec<&Vec<_>> = buildings
            .iter()
            .filter(|segments| {
                segments.iter().any(|(a, _)| {
                    let (x, y) = (a.0 / 256.0 - f64::from(tx), a.1 / 256.0 - f64::from(ty));
                    (-2.0..3.0).contains(&x) && (-2.0..3.0).contains(&y)
                })
            })
            .collect();
        let expected = rasterise(&near, tx, ty);
        let pair = image::open(out.join(fields[4])).unwrap().to_rgb8();
        for (i, &want) in expected.iter().enumerate() {
            let ours = pair.get_pixel(256 + (i % 256) as u32, (i / 256) as u32).0[0] < 128;
            intersection += u64::from(ours && want);
            union += u64::from(ours || want);
        }
    }
    assert!(union > 0, "{city}: no building pixels at all");
    intersection as f64 / union as f64
}

#[test]
fn footprints_agree_with_an_independent_rasterisation() {
    for city in ["kotka", "helsinki", "liechtenstein", "neubrandenburg"] {
        let iou = footprint_iou(city);
        println!("{city}: footprint IoU {iou:.4} against the independent rasterisation");
        assert!(iou >= 0.97, "{city}: IoU {iou:.4}");
    }
}

// ---- Bad input --------------------------------------------------------------------------

fn gansketch_tiles(args: &[&dyn AsRef<std::ffi::OsStr>]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_gansketch")).arg("tiles").args(args.iter().map(|a| a.as_ref())).output().unwrap()
}

/// Fails cleanly with `expected` in the message, leaving `dir` as it was.
fn assert_refused(args: &[&dyn AsRef<std::ffi::OsStr>], expected: &str, dir: &Path) {
    let before = files_in(dir);
    let output = gansketch_tiles(args);
    let message = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{message}");
    assert!(!message.contains("panicked"), "{message}");
    assert!(message.contains(expected), "expected {expected:?} in: {message}");
    assert_eq!(files_in(dir), before, "something was left behind");
}

#[test]
fn bad_input_is_refused_and_nothing_is_half_written() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let out: PathBuf = d.join("tiles");

    let text = d.join("notes.osm.pbf");
    std::fs::write(&text, "<osm version=\"0.6\"></osm>").unwrap();
    assert_refused(&[&"--pbf", &text, &"--out", &out], "not an OSM PBF file", d);

    let real = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("data/osm/kotka.osm.pbf")).unwrap();
    let truncated = d.join("truncated.osm.pbf");
    std::fs::write(&truncated, &real[..real.len() * 2 / 3]).unwrap();
    assert_refused(&[&"--pbf", &truncated, &"--out", &out], "truncated or damaged", d);

    let roads_only = d.join("roads.osm.pbf");
    std::fs::write(&roads_only, synthetic_extract(false)).unwrap();
    assert_refused(&[&"--pbf", &roads_only, &"--out", &out], "holds no buildings", d);

    let good = d.join("good.osm.pbf");
    std::fs::write(&good, synthetic_extract(true)).unwrap();
    assert_refused(&[&"--pbf", &good, &"--out", &out, &"--zoom", &"25"], "zoom 25 is out of range", d);
    assert_refused(&[&"--pbf", &d.join("missing.osm.pbf"), &"--out", &out], "missing.osm.pbf", d);

    // An output under a regular file cannot be created; a file in the way is not a directory.
    let blocker = d.join("blocker");
    std::fs::write(&blocker, "a file").unwrap();
    assert_refused(&[&"--pbf", &good, &"--out", &blocker.join("tiles"), &"--min-building-fraction", &"0"], "cannot write the tiles", d);
    assert_refused(&[&"--pbf", &good, &"--out", &blocker, &"--min-building-fraction", &"0"], "not a directory", d);

    // A directory that holds files is kept unless --force.
    let kept = d.join("kept");
    std::fs::create_dir(&kept).unwrap();
    std::fs::write(kept.join("mine.txt"), "precious").unwrap();
    assert_refused(&[&"--pbf", &good, &"--out", &kept], "already holds files", d);
    assert_eq!(std::fs::read_to_string(kept.join("mine.txt")).unwrap(), "precious");

    // And the good extract works through the CLI, with a contact sheet.
    let run = gansketch_tiles(&[&"--pbf", &good, &"--out", &out, &"--min-building-fraction", &"0", &"--min-street-fraction", &"0", &"--preview"]);
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    assert!(out.join("preview.png").is_file());
    assert!(String::from_utf8_lossy(&run.stderr).contains("wrote 1 pairs"));
}
