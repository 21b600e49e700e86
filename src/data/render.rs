//! Drawing a tile: the street side (A) in the palette of DESIGN.md and the building side
//! (B) as black footprints, both antialiased on white, with tiny-skia.

use image::RgbImage;
use tiny_skia::{Color, FillRule, LineCap, LineJoin, Paint, PathBuilder, Pixmap, Stroke, Transform};

use super::buckets::TileContent;
use super::mercator::TILE_SIZE;
use super::palette::{RoadClass, RoadStyle, UNDERLAY};

fn white_tile() -> Pixmap {
    let mut pixmap = Pixmap::new(TILE_SIZE, TILE_SIZE).expect("a 256×256 pixmap");
    pixmap.fill(Color::WHITE);
    pixmap
}

fn paint([r, g, b]: [u8; 3]) -> Paint<'static> {
    let mut paint = Paint::default();
    paint.set_color_rgba8(r, g, b, 255);
    paint.anti_alias = true;
    paint
}

fn polyline(points: &[(f32, f32)]) -> Option<tiny_skia::Path> {
    let (first, rest) = points.split_first()?;
    let mut path = PathBuilder::new();
    path.move_to(first.0, first.1);
    for point in rest {
        path.line_to(point.0, point.1);
    }
    path.finish()
}

fn stroke(pixmap: &mut Pixmap, points: &[(f32, f32)], style: RoadStyle) {
    let Some(path) = polyline(points) else { return };
    let stroke = Stroke { width: style.width_px(), line_cap: LineCap::Round, line_join: LineJoin::Round, ..Stroke::default() };
    pixmap.stroke_path(&path, &paint(style.color), &stroke, Transform::identity(), None);
}

/// The street side: every way thin in lightgreen, then each class from narrow to wide.
pub fn draw_streets(content: &TileContent) -> RgbImage {
    let mut pixmap = white_tile();
    for (_, points) in &content.roads {
        stroke(&mut pixmap, points, UNDERLAY);
    }
    for class in RoadClass::ALL {
        for (_, points) in content.roads.iter().filter(|(c, _)| *c == Some(class)) {
            stroke(&mut pixmap, points, class.style());
        }
    }
    to_rgb(&pixmap)
}

/// The building side: each footprint filled black, its inner rings left as holes.
pub fn draw_buildings(content: &TileContent) -> RgbImage {
    let mut pixmap = white_tile();
    let black = paint([0, 0, 0]);
    for rings in &content.buildings {
        let mut path = PathBuilder::new();
        for ring in rings {
            let Some((first, rest)) = ring.split_first() else { continue };
            path.move_to(first.0, first.1);
            for point in rest {
                path.line_to(point.0, point.1);
            }
            path.close();
        }
        if let Some(path) = path.finish() {
            pixmap.fill_path(&path, &black, FillRule::EvenOdd, Transform::identity(), None);
        }
    }
    to_rgb(&pixmap)
}

/// Opaque premultiplied RGBA is plain RGBA: drop alpha.
fn to_rgb(pixmap: &Pixmap) -> RgbImage {
    let rgb = pixmap.data().chunks_exact(4).flat_map(|p| [p[0], p[1], p[2]]).collect();
    RgbImage::from_raw(pixmap.width(), pixmap.height(), rgb).expect("sized from the pixmap")
}

/// The reference pix2pix pair: A (streets) on the left, B (buildings) on the right.
pub fn pair(streets: &RgbImage, buildings: &RgbImage) -> RgbImage {
    let mut pair = RgbImage::new(streets.width() * 2, streets.height());
    image::imageops::replace(&mut pair, streets, 0, 0);
    image::imageops::replace(&mut pair, buildings, i64::from(streets.width()), 0);
    pair
}
