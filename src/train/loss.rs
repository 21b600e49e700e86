//! pix2pix's objective: a conditional GAN loss on PatchGAN logits, plus λ·L1.

use burn::tensor::Tensor;
use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// `--gan-mode`: the reference's `vanilla` (cross-entropy) or `lsgan` (least squares).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum GanMode {
    Vanilla,
    Lsgan,
}

impl FromStr for GanMode {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, String> {
        match text {
            "vanilla" => Ok(GanMode::Vanilla),
            "lsgan" => Ok(GanMode::Lsgan),
            _ => Err(format!("unknown GAN loss `{text}`: expected vanilla or lsgan")),
        }
    }
}

impl GanMode {
    /// Mean loss of patch `logits` against the label "real" (1) or "fake" (0).
    pub fn loss(self, logits: Tensor<4>, real: bool) -> Tensor<1> {
        let target = if real { 1.0 } else { 0.0 };
        match self {
            // BCEWithLogits, stably: max(x, 0) − x·t + log(1 + e^−|x|).
            GanMode::Vanilla => {
                let softplus_tail = (logits.clone().abs().neg().exp() + 1.0).log();
                (logits.clone().clamp_min(0.0) - logits * target + softplus_tail).mean()
            }
            GanMode::Lsgan => {
                let error = logits - target;
                (error.clone() * error).mean()
            }
        }
    }
}

/// Mean absolute difference.
pub fn l1(a: Tensor<4>, b: Tensor<4>) -> Tensor<1> {
    (a - b).abs().mean()
}
