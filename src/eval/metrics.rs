//! Building-footprint metrics on binary masks (true = building), as GANmapper reports
//! them: pixel precision, recall, F1 and IoU; L1; and footprint statistics from the
//! connected components (count and area distribution, compared with a KS distance).

use serde::Serialize;

/// A side×side mask of building pixels.
pub type Mask = Vec<bool>;

/// Pixels count as building where the image is dark: mean of RGB below the middle.
pub fn mask_of(rgb: &[u8]) -> Mask {
    rgb.chunks_exact(3).map(|p| (u16::from(p[0]) + u16::from(p[1]) + u16::from(p[2])) < 3 * 128).collect()
}

/// Pixel counts of one prediction against its target, summed over tiles.
#[derive(Clone, Copy, Debug, Default, Serialize)]
pub struct Counts {
    pub true_positive: u64,
    pub false_positive: u64,
    pub false_negative: u64,
    pub true_negative: u64,
}

impl Counts {
    pub fn of(predicted: &Mask, target: &Mask) -> Self {
        let mut counts = Counts::default();
        for (&p, &t) in predicted.iter().zip(target) {
            match (p, t) {
                (true, true) => counts.true_positive += 1,
                (true, false) => counts.false_positive += 1,
                (false, true) => counts.false_negative += 1,
                (false, false) => counts.true_negative += 1,
            }
        }
        counts
    }

    pub fn add(&mut self, other: Counts) {
        self.true_positive += other.true_positive;
        self.false_positive += other.false_positive;
        self.false_negative += other.false_negative;
        self.true_negative += other.true_negative;
    }

    fn ratio(a: u64, b: u64) -> f64 {
        if b == 0 { 0.0 } else { a as f64 / b as f64 }
    }

    pub fn precision(&self) -> f64 {
        Self::ratio(self.true_positive, self.true_positive + self.false_positive)
    }

    pub fn recall(&self) -> f64 {
        Self::ratio(self.true_positive, self.true_positive + self.false_negative)
    }

    pub fn f1(&self) -> f64 {
        Self::ratio(2 * self.true_positive, 2 * self.true_positive + self.false_positive + self.false_negative)
    }

    pub fn iou(&self) -> f64 {
        Self::ratio(self.true_positive, self.true_positive + self.false_positive + self.false_negative)
    }
}

/// Areas (in pixels) of the 4-connected components of `mask`.
pub fn component_areas(mask: &Mask, side: usize) -> Vec<u32> {
    let mut seen = vec![false; mask.len()];
    let mut areas = Vec::new();
    let mut stack = Vec::new();
    for start in 0..mask.len() {
        if !mask[start] || seen[start] {
            continue;
        }
        seen[start] = true;
        stack.push(start);
        let mut area = 0;
        while let Some(i) = stack.pop() {
            area += 1;
            let (x, y) = (i % side, i / side);
            let neighbours = [(x > 0).then(|| i - 1), (x + 1 < side).then(|| i + 1), (y > 0).then(|| i - side), (y + 1 < side).then(|| i + side)];
            for j in neighbours.into_iter().flatten() {
                if mask[j] && !seen[j] {
                    seen[j] = true;
                    stack.push(j);
                }
            }
        }
        areas.push(area);
    }
    areas
}

/// The two-sample Kolmogorov–Smirnov distance: the largest gap between the empirical
/// distribution functions (0 = same distribution, 1 = disjoint).
pub fn ks_distance(a: &[u32], b: &[u32]) -> f64 {
    if a.is_empty() || b.is_empty() {
        return if a.is_empty() && b.is_empty() { 0.0 } else { 1.0 };
    }
    let (mut a, mut b) = (a.to_vec(), b.to_vec());
    a.sort_unstable();
    b.sort_unstable();
    let (mut i, mut j, mut distance) = (0, 0, 0.0f64);
    while i < a.len() && j < b.len() {
        let value = a[i].min(b[j]);
        while i < a.len() && a[i] == value {
            i += 1;
        }
        while j < b.len() && b[j] == value {
            j += 1;
        }
        distance = distance.max((i as f64 / a.len() as f64 - j as f64 / b.len() as f64).abs());
    }
    distance
}

/// The "band along the streets" baseline: building wherever a pixel lies between `inner`
/// and `outer` pixels (chessboard distance) from a street pixel.
pub fn street_band(streets: &[u8], side: usize, inner: u32, outer: u32) -> Mask {
    let street: Vec<bool> = streets.chunks_exact(3).map(|p| p.iter().any(|&c| c < 250)).collect();
    // Breadth-first distance from every street pixel, 8-connected.
    let mut distance = vec![u32::MAX; street.len()];
    let mut queue = std::collections::VecDeque::new();
    for (i, &s) in street.iter().enumerate() {
        if s {
            distance[i] = 0;
            queue.push_back(i);
        }
    }
    while let Some(i) = queue.pop_front() {
        let (x, y) = ((i % side) as i64, (i / side) as i64);
        if distance[i] >= outer {
            continue;
        }
        for (dx, dy) in [(-1, -1), (0, -1), (1, -1), (-1, 0), (1, 0), (-1, 1), (0, 1), (1, 1)] {
            let (nx, ny) = (x + dx, y + dy);
            if nx < 0 || ny < 0 || nx >= side as i64 || ny >= side as i64 {
                continue;
            }
            let j = ny as usize * side + nx as usize;
            if distance[j] == u32::MAX {
                distance[j] = distance[i] + 1;
                queue.push_back(j);
            }
        }
    }
    distance.iter().map(|&d| d >= inner && d <= outer).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_of_a_known_case() {
        let predicted = vec![true, true, false, false];
        let target = vec![true, false, true, false];
        let counts = Counts::of(&predicted, &target);
        assert_eq!((counts.precision(), counts.recall(), counts.f1(), counts.iou()), (0.5, 0.5, 0.5, 1.0 / 3.0));
    }

    #[test]
    fn components_and_ks() {
        // Two blocks: 2×2 and a single pixel, on a 4×4 mask.
        let mut mask = vec![false; 16];
        for i in [0, 1, 4, 5, 15] {
            mask[i] = true;
        }
        let mut areas = component_areas(&mask, 4);
        areas.sort();
        assert_eq!(areas, vec![1, 4]);
        assert_eq!(ks_distance(&[1, 4], &[1, 4]), 0.0);
        assert_eq!(ks_distance(&[1, 2], &[10, 20]), 1.0);
    }

    #[test]
    fn the_band_lies_beside_the_street() {
        let side = 32;
        let mut streets = vec![255u8; side * side * 3];
        for x in 0..side {
            let i = (16 * side + x) * 3;
            streets[i..i + 3].copy_from_slice(&[0x87, 0xce, 0xeb]);
        }
        let band = street_band(&streets, side, 2, 5);
        assert!(!band[16 * side + 3], "not on the street");
        assert!(!band[17 * side + 3], "not right beside it");
        assert!(band[19 * side + 3] && band[12 * side + 3], "within the band on both sides");
        assert!(!band[25 * side + 3], "not beyond it");
    }
}
