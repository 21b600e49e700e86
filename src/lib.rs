//! gansketch: pix2pix generators in burn, natively and in the browser.
//!
//! - [`data`] (native): OpenStreetMap extracts → A|B training tiles;
//! - [`eval`] (native): `gansketch eval`, footprint metrics against baselines;
//! - [`model`]: the networks (U-Net, ResNet, PatchGAN), pure burn;
//! - [`store`]: weights in and out (our model file; reference `.pth` checkpoints natively);
//! - [`pixels`]: canvas RGBA and PNG pixels ⇄ tensors in [-1, 1];
//! - [`train`] (native): `gansketch train`, pix2pix's objective with exact resumption;
//! - [`translate`] (native): the `gansketch translate` pipeline over PNG and `.npy` files;
//! - [`web`] (wasm32): the page's `Translator`, on WebGPU or the CPU.

#[cfg(not(target_family = "wasm"))]
pub mod data;
pub mod error;
#[cfg(not(target_family = "wasm"))]
pub mod eval;
pub mod model;
pub mod pixels;
pub mod store;
#[cfg(not(target_family = "wasm"))]
pub mod train;
#[cfg(not(target_family = "wasm"))]
pub mod translate;
#[cfg(target_family = "wasm")]
pub mod web;

pub use error::{Error, Result};
