//! `gansketch eval`: how well a streets → buildings model places footprints on tiles it
//! never saw, per city, next to two baselines computed the same way — "no buildings" and
//! "a band along the streets".
//!
//! - [`metrics`]: pixel scores, L1, connected-component statistics.

pub mod metrics;

use burn::tensor::{Device, Tensor, TensorData};
use image::RgbImage;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use self::metrics::{Counts, Mask, component_areas, ks_distance, mask_of, street_band};
use crate::error::{Error, Result};
use crate::store::LoadedModel;
use crate::train::data::{PairDataset, planes, read_pair};
use crate::train::report::{sample_grid, to_image};

/// The band baseline: buildings from `BAND_INNER` to `BAND_OUTER` px off the streets.
pub const BAND_INNER: u32 = 3;
pub const BAND_OUTER: u32 = 14;

/// Scores of one predictor over one group of tiles.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Scores {
    pub tiles: usize,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    pub iou: f64,
    /// Mean absolute difference with the target, pixel values in [0, 1].
    pub l1: f64,
    /// Connected building components, predicted and in the target.
    pub footprints: usize,
    pub target_footprints: usize,
    /// KS distance between the predicted and target footprint-area distributions.
    pub area_ks: f64,
    pub median_area: f64,
    pub target_median_area: f64,
    #[serde(skip)]
    counts: Counts,
    #[serde(skip)]
    l1_sum: f64,
    #[serde(skip)]
    areas: Vec<u32>,
    #[serde(skip)]
    target_areas: Vec<u32>,
}

impl Scores {
    fn add(&mut self, predicted: &Mask, predicted_rgb: &[u8], target: &Mask, target_rgb: &[u8], side: usize) {
        self.tiles += 1;
        self.counts.add(Counts::of(predicted, target));
        let l1: f64 = predicted_rgb.iter().zip(target_rgb).map(|(a, b)| f64::from(a.abs_diff(*b))).sum::<f64>() / (255.0 * target_rgb.len() as f64);
        self.l1_sum += l1;
        self.areas.extend(component_areas(predicted, side));
        self.target_areas.extend(component_areas(target, side));
    }

    fn finish(mut self) -> Self {
        let median = |areas: &mut Vec<u32>| {
            areas.sort_unstable();
            areas.get(areas.len() / 2).map_or(0.0, |&a| f64::from(a))
        };
        self.precision = self.counts.precision();
        self.recall = self.counts.recall();
        self.f1 = self.counts.f1();
        self.iou = self.counts.iou();
        self.l1 = self.l1_sum / self.tiles.max(1) as f64;
        self.footprints = self.areas.len();
        self.target_footprints = self.target_areas.len();
        self.area_ks = ks_distance(&self.areas, &self.target_areas);
        self.median_area = median(&mut self.areas);
        self.target_median_area = median(&mut self.target_areas);
        self
    }
}

/// The model and both baselines on one group (a city, a split).
#[derive(Clone, Debug, Default, Serialize)]
pub struct GroupReport {
    pub model: Scores,
    pub no_buildings: Scores,
    pub street_band: Scores,
}

#[derive(Clone, Debug, Serialize)]
pub struct EvalReport {
    pub model: String,
    pub data: String,
    /// By group: the first directory under DATA (a city, a split), or "all".
    pub groups: BTreeMap<String, GroupReport>,
    pub all: GroupReport,
    pub band_px: [u32; 2],
}

/// One tile's outcome, for the best / worst grid.
struct TileResult {
    f1: f64,
    images: [RgbImage; 3],
}

fn group_of(data: &Path, file: &Path) -> String {
    let relative = file.strip_prefix(data).unwrap_or(file);
    let mut parts = relative.components();
    match (parts.next(), parts.next()) {
        (Some(first), Some(_)) => first.as_os_str().to_string_lossy().into_owned(),
        _ => "all".into(),
    }
}

/// Evaluates `model` on every pair under `data`; writes `grid` (best and worst tiles by
/// F1: input | generated | target) when given.
pub fn evaluate(model: &LoadedModel, data: &Path, grid: Option<&Path>, device: &Device) -> Result<EvalReport> {
    let dataset = PairDataset::open(data).map_err(|e| Error::Usage(e.to_string()))?;
    let mut groups: BTreeMap<String, GroupReport> = BTreeMap::new();
    let mut all = GroupReport::default();
    let mut results: Vec<TileResult> = Vec::new();
    for file in &dataset.files {
        let (a, b) = read_pair(file).map_err(|e| Error::Usage(e.to_string()))?;
        let side = a.width() as usize;
        let input = Tensor::<4>::from_data(TensorData::new(planes(&a), vec![1, 3, side, side]), device);
        let output = model.generator.translate(input, model.norm_stats())?.into_data();
        let values = output.try_to_vec::<f32>().map_err(|e| Error::Usage(format!("{e:?}")))?;
        let generated = to_image(&values, side as u32);
        let (predicted, target) = (mask_of(generated.as_raw()), mask_of(b.as_raw()));
        let band = street_band(a.as_raw(), side, BAND_INNER, BAND_OUTER);
        let white = vec![255u8; side * side * 3];
        let band_rgb: Vec<u8> = band.iter().flat_map(|&m| if m { [0, 0, 0] } else { [255, 255, 255] }).collect();
        let group = groups.entry(group_of(data, file)).or_default();
        for report in [&mut *group, &mut all] {
            report.model.add(&predicted, generated.as_raw(), &target, b.as_raw(), side);
            report.no_buildings.add(&vec![false; side * side], &white, &target, b.as_raw(), side);
            report.street_band.add(&band, &band_rgb, &target, b.as_raw(), side);
        }
        if grid.is_some() {
            results.push(TileResult { f1: Counts::of(&predicted, &target).f1(), images: [a, generated, b] });
        }
    }
    let finish = |r: GroupReport| GroupReport { model: r.model.finish(), no_buildings: r.no_buildings.finish(), street_band: r.street_band.finish() };
    let groups = groups.into_iter().map(|(name, r)| (name, finish(r))).collect();
    if let Some(grid) = grid {
        results.sort_by(|x, y| y.f1.total_cmp(&x.f1));
        let take = results.len().min(4);
        let rows: Vec<[RgbImage; 3]> = results[..take].iter().chain(&results[results.len() - take..]).map(|r| r.images.clone()).collect();
        let mut bytes = Vec::new();
        sample_grid(&rows)
            .write_to(&mut std::io::Cursor::new(&mut bytes), image::ImageFormat::Png)
            .map_err(|e| Error::Image(format!("{}: {e}", grid.display())))?;
        crate::store::write_atomically(grid, &bytes)?;
    }
    Ok(EvalReport {
        model: model.info.name.clone(),
        data: data.display().to_string(),
        groups,
        all: finish(all),
        band_px: [BAND_INNER, BAND_OUTER],
    })
}

/// Where `gansketch eval` writes the grid by default: beside the JSON report.
pub fn default_grid(report: &Path) -> PathBuf {
    report.with_extension("png")
}
