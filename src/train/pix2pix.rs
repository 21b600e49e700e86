//! One pix2pix training step, as the reference's `Pix2PixModel.optimize_parameters`:
//! G translates A; D learns to tell (A, B) from (A, G(A)); then G learns to fool the
//! updated D while staying close to B in L1.

use burn::optim::{AdamConfig, GradientsParams, ModuleOptimizer};
use burn::tensor::{Device, Tensor, TensorData};
use rand::Rng;

use super::loss::{GanMode, l1};
use super::pool::ImagePool;
use crate::model::{DiscriminatorConfig, Generator, GeneratorConfig, NormStats, PatchGan, RandomInit};

/// The losses of one step, as the reference logs them.
#[derive(Clone, Copy, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Losses {
    pub g_gan: f64,
    pub g_l1: f64,
    pub d_real: f64,
    pub d_fake: f64,
}

impl Losses {
    pub fn all_finite(&self) -> bool {
        [self.g_gan, self.g_l1, self.d_real, self.d_fake].iter().all(|v| v.is_finite())
    }
}

/// What the generator is trained to minimise besides fooling the discriminator.
#[derive(Clone, Copy, Debug)]
pub struct Objective {
    pub gan: GanMode,
    /// Weight of the L1 term (pix2pix's λ, 100).
    pub lambda_l1: f64,
    /// Weight of pixels whose target is dark in the L1 term (1 in pix2pix).
    pub l1_dark_weight: f64,
}

/// Generator, discriminator and their Adam optimizers (β1 0.5, as pix2pix).
pub struct Pix2Pix {
    pub generator: Generator,
    pub discriminator: PatchGan,
    pub optim_g: ModuleOptimizer,
    pub optim_d: ModuleOptimizer,
    /// Earlier (A, G(A)) pairs the discriminator may be shown instead of the newest.
    pub pool: ImagePool,
    pub gan: GanMode,
    pub lambda_l1: f64,
    /// How much more a pixel whose target is dark counts in the L1 term (1: pix2pix's L1).
    pub l1_dark_weight: f64,
}

pub fn adam() -> ModuleOptimizer {
    AdamConfig::new().with_beta_1(0.5).with_beta_2(0.999).with_epsilon(1e-8).init()
}

impl Pix2Pix {
    /// Fresh networks, initialised as pix2pix does (N(0, 0.02)) from `seed`.
    pub fn new(g: GeneratorConfig, d: &DiscriminatorConfig, objective: Objective, pool_size: usize, seed: u64, device: &Device) -> Self {
        let generator = Generator::init(g, seed, device);
        let discriminator = PatchGan::build(d, &mut RandomInit::new(seed ^ 0x5eed_d15c), device)
            .expect("random initialisation supplies every tensor");
        let Objective { gan, lambda_l1, l1_dark_weight } = objective;
        Pix2Pix { generator, discriminator, optim_g: adam(), optim_d: adam(), pool: ImagePool::new(pool_size), gan, lambda_l1, l1_dark_weight }
    }

    /// One step on a batch: `a`, `b` are `[n, c, h, w]` in [-1, 1] on an autodiff device;
    /// `rng` makes the image pool's choices.
    pub fn step(&mut self, a: Tensor<4>, b: Tensor<4>, lr: f64, rng: &mut impl Rng) -> Losses {
        // Batch norm on the batch's own statistics while training, as PyTorch's train().
        let stats = NormStats::Image;
        let fake = self.generator.forward(a.clone(), stats);

        // D: real pairs towards 1, generated pairs (cut from G's graph, maybe earlier ones
        // from the pool) towards 0.
        let fake_pairs = self.pool.query(Tensor::cat(vec![a.clone(), fake.clone().detach()], 1), rng);
        let pred_fake = self.discriminator.forward(fake_pairs, stats);
        let pred_real = self.discriminator.forward(Tensor::cat(vec![a.clone(), b.clone()], 1), stats);
        let d_fake = self.gan.loss(pred_fake, false);
        let d_real = self.gan.loss(pred_real, true);
        let loss_d = (d_fake.clone() + d_real.clone()) * 0.5;
        let grads = GradientsParams::from_grads(loss_d.backward(), &self.discriminator);
        self.discriminator = self.optim_d.step(lr, self.discriminator.clone(), grads);

        // G: fool the updated D, and stay near B.
        let pred_fake = self.discriminator.forward(Tensor::cat(vec![a, fake.clone()], 1), stats);
        let g_gan = self.gan.loss(pred_fake, true);
        let g_l1 = l1(fake, b, self.l1_dark_weight) * self.lambda_l1;
        let loss_g = g_gan.clone() + g_l1.clone();
        let grads = GradientsParams::from_grads(loss_g.backward(), &self.generator);
        self.generator = self.optim_g.step(lr, self.generator.clone(), grads);

        let scalar = |t: Tensor<1>| t.into_data().convert::<f64>().try_to_vec::<f64>().map_or(f64::NAN, |v| v[0]);
        Losses { g_gan: scalar(g_gan), g_l1: scalar(g_l1), d_real: scalar(d_real), d_fake: scalar(d_fake) }
    }
}

/// A batch of `[3, s, s]` planes as one `[n, 3, s, s]` tensor.
pub fn batch(images: Vec<Vec<f32>>, size: usize, device: &Device) -> Tensor<4> {
    let n = images.len();
    let values: Vec<f32> = images.into_iter().flatten().collect();
    Tensor::from_data(TensorData::new(values, vec![n, 3, size, size]), device)
}
