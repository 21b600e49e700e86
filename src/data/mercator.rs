//! Web Mercator and the XYZ ("slippy map") tile scheme: world pixel coordinates at a zoom,
//! with 256 px tiles, x to the east and y to the south.

pub const TILE_SIZE: u32 = 256;
/// Latitudes beyond this are outside the square Web Mercator world.
pub const MAX_LATITUDE: f64 = 85.051_128_779_806_59;
/// Zooms `gansketch tiles` accepts: streets need ~2 m/px (16) give or take a few levels.
pub const ZOOMS: std::ops::RangeInclusive<u8> = 10..=20;

/// World pixel coordinates of (lon, lat) at `zoom`: (0, 0) is the north-west corner.
pub fn world_pixel(lon: f64, lat: f64, zoom: u8) -> (f64, f64) {
    let size = TILE_SIZE as f64 * f64::from(1u32 << zoom);
    let lat = lat.clamp(-MAX_LATITUDE, MAX_LATITUDE).to_radians();
    let x = (lon + 180.0) / 360.0 * size;
    let y = (1.0 - (lat.tan() + 1.0 / lat.cos()).ln() / std::f64::consts::PI) / 2.0 * size;
    (x, y)
}

/// (lon, lat) of world pixel coordinates at `zoom`: the inverse of [`world_pixel`].
pub fn lon_lat(x: f64, y: f64, zoom: u8) -> (f64, f64) {
    let size = TILE_SIZE as f64 * f64::from(1u32 << zoom);
    let lon = x / size * 360.0 - 180.0;
    let n = std::f64::consts::PI * (1.0 - 2.0 * y / size);
    (lon, n.sinh().atan().to_degrees())
}

/// The XYZ tile holding a world pixel.
pub fn tile_of(x: f64, y: f64, zoom: u8) -> (u32, u32) {
    let last = (1u32 << zoom) - 1;
    let clamp = |v: f64| ((v / TILE_SIZE as f64).floor().max(0.0) as u32).min(last);
    (clamp(x), clamp(y))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inverse_round_trips() {
        let (x, y) = world_pixel(13.2615, 53.5571, 16);
        let (lon, lat) = lon_lat(x, y, 16);
        assert!((lon - 13.2615).abs() < 1e-9 && (lat - 53.5571).abs() < 1e-9);
    }
}
