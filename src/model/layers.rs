//! The layers pix2pix stacks, each built from a [`WeightSource`] under its reference name
//! and able to hand its tensors back under that name.

use burn::module::{Module, Param, ParamId};
use burn::nn::conv::{Conv2d, ConvTranspose2d};
use burn::nn::{Dropout, DropoutConfig, PaddingConfig2d};
use burn::tensor::{Device, Tensor};

use super::config::{NormKind, NormStats};
use super::weights::{Init, TensorSink, WeightError, WeightSource};

/// PyTorch's default `eps` for batch and instance norm.
const NORM_EPSILON: f64 = 1e-5;

fn param<const D: usize>(
    source: &mut impl WeightSource,
    key: &str,
    shape: [usize; D],
    init: Init,
    device: &Device,
) -> Result<Param<Tensor<D>>, WeightError> {
    let data = source.take(key, &shape, init)?;
    let mut param = Param::from_tensor(Tensor::from_data(data, device));
    // The id follows from the name, so a network rebuilt from a checkpoint matches the
    // optimizer state saved with it.
    param.id = ParamId::from(fnv1a(key));
    Ok(param)
}

fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3))
}

fn export<const D: usize>(sink: &mut TensorSink, key: String, tensor: &Param<Tensor<D>>) {
    sink.push(&key, tensor.val().into_data());
}

/// Shape and placement of a convolution, as its `nn.Conv2d` arguments.
#[derive(Clone, Copy, Debug)]
pub struct ConvShape {
    pub input: usize,
    pub output: usize,
    pub kernel: usize,
    pub stride: usize,
    pub padding: usize,
    pub bias: bool,
}

/// `nn.Conv2d`, named by its state-dict prefix (`model.1`).
#[derive(Module, Debug)]
pub struct Conv {
    conv: Conv2d,
    #[module(skip)]
    key: String,
}

impl Conv {
    pub fn build(
        source: &mut impl WeightSource,
        key: String,
        shape: ConvShape,
        device: &Device,
    ) -> Result<Self, WeightError> {
        let ConvShape { input, output, kernel, stride, padding, bias } = shape;
        let weight = param(source, &format!("{key}.weight"), [output, input, kernel, kernel], Init::CONV_WEIGHT, device)?;
        let bias = match bias {
            true => Some(param(source, &format!("{key}.bias"), [output], Init::Zeros, device)?),
            false => None,
        };
        let conv = Conv2d {
            weight,
            bias,
            stride: [stride, stride],
            kernel_size: [kernel, kernel],
            dilation: [1, 1],
            groups: 1,
            padding: PaddingConfig2d::Explicit(padding, padding, padding, padding),
        };
        Ok(Conv { conv, key })
    }

    pub fn forward(&self, x: Tensor<4>) -> Tensor<4> {
        self.conv.forward(x)
    }

    pub fn export(&self, sink: &mut TensorSink) {
        export(sink, format!("{}.weight", self.key), &self.conv.weight);
        if let Some(bias) = &self.conv.bias {
            export(sink, format!("{}.bias", self.key), bias);
        }
    }
}

/// `nn.ConvTranspose2d` with pix2pix's output padding, named by its state-dict prefix.
#[derive(Module, Debug)]
pub struct ConvUp {
    conv: ConvTranspose2d,
    #[module(skip)]
    key: String,
}

impl ConvUp {
    /// `output_padding` is 1 for the ResNet's 3×3 upsampling, 0 for the U-Net's 4×4.
    pub fn build(
        source: &mut impl WeightSource,
        key: String,
        shape: ConvShape,
        output_padding: usize,
        device: &Device,
    ) -> Result<Self, WeightError> {
        let ConvShape { input, output, kernel, stride, padding, bias } = shape;
        // PyTorch stores transposed convolution weights as [in, out, k, k]; so does burn.
        let weight = param(source, &format!("{key}.weight"), [input, output, kernel, kernel], Init::CONV_WEIGHT, device)?;
        let bias = match bias {
            true => Some(param(source, &format!("{key}.bias"), [output], Init::Zeros, device)?),
            false => None,
        };
        let conv = ConvTranspose2d {
            weight,
            bias,
            stride: [stride, stride],
            kernel_size: [kernel, kernel],
            dilation: [1, 1],
            groups: 1,
            padding: [padding, padding],
            padding_out: [output_padding, output_padding],
            channels: [input, output],
        };
        Ok(ConvUp { conv, key })
    }

    pub fn forward(&self, x: Tensor<4>) -> Tensor<4> {
        self.conv.forward(x)
    }

    pub fn export(&self, sink: &mut TensorSink) {
        export(sink, format!("{}.weight", self.key), &self.conv.weight);
        if let Some(bias) = &self.conv.bias {
            export(sink, format!("{}.bias", self.key), bias);
        }
    }
}

/// Batch norm, instance norm or identity, whichever the network was built with.
///
/// Batch norm normalises with its running statistics or with the image's own, as the
/// caller asks ([`NormStats`]); instance norm is pix2pix's parameterless
/// `InstanceNorm2d(affine=False, track_running_stats=False)`, always per image.
#[derive(Module, Debug)]
pub struct Norm {
    scale: Option<Param<Tensor<1>>>,
    shift: Option<Param<Tensor<1>>>,
    running_mean: Option<Param<Tensor<1>>>,
    running_var: Option<Param<Tensor<1>>>,
    #[module(skip)]
    kind: NormKind,
    #[module(skip)]
    key: String,
}

impl Norm {
    pub fn build(
        source: &mut impl WeightSource,
        key: String,
        kind: NormKind,
        channels: usize,
        device: &Device,
    ) -> Result<Self, WeightError> {
        let mut norm = Norm { scale: None, shift: None, running_mean: None, running_var: None, kind, key };
        if kind == NormKind::Batch {
            let key = &norm.key;
            norm.scale = Some(param(source, &format!("{key}.weight"), [channels], Init::NORM_SCALE, device)?);
            norm.shift = Some(param(source, &format!("{key}.bias"), [channels], Init::Zeros, device)?);
            // Running statistics are state, not parameters: no gradient flows into them.
            let mean = param(source, &format!("{key}.running_mean"), [channels], Init::Zeros, device)?;
            let var = param(source, &format!("{key}.running_var"), [channels], Init::Ones, device)?;
            norm.running_mean = Some(mean.set_require_grad(false));
            norm.running_var = Some(var.set_require_grad(false));
        }
        Ok(norm)
    }

    /// Normalises `x`. Scale and shift are folded into one per-channel factor and offset,
    /// so the full-size tensor is passed over as few times as possible: with running
    /// statistics twice (`x·a + b`), with the image's own six times.
    pub fn forward(&self, x: Tensor<4>, stats: NormStats) -> Tensor<4> {
        let per_channel = |p: &Option<Param<Tensor<1>>>| p.as_ref().map(|p| p.val().reshape([1, -1, 1, 1]));
        match (self.kind, per_channel(&self.running_mean), per_channel(&self.running_var)) {
            (NormKind::None, ..) => x,
            (NormKind::Instance, ..) => {
                let (centred, var) = centred_and_variance(x, false);
                centred * (var + NORM_EPSILON).sqrt().recip()
            }
            (NormKind::Batch, Some(running_mean), Some(running_var)) => {
                let scale = per_channel(&self.scale).expect("batch norm has a scale");
                let shift = per_channel(&self.shift).expect("batch norm has a shift");
                match stats {
                    NormStats::Image => {
                        let (centred, var) = centred_and_variance(x, true);
                        centred * (scale / (var + NORM_EPSILON).sqrt()) + shift
                    }
                    NormStats::Running => {
                        let factor = scale / (running_var + NORM_EPSILON).sqrt();
                        let offset = shift - running_mean * factor.clone();
                        x * factor + offset
                    }
                }
            }
            (NormKind::Batch, ..) => unreachable!("batch norm is always built with running statistics"),
        }
    }

    pub fn export(&self, sink: &mut TensorSink) {
        let named = [
            ("weight", &self.scale),
            ("bias", &self.shift),
            ("running_mean", &self.running_mean),
            ("running_var", &self.running_var),
        ];
        for (name, tensor) in named {
            if let Some(tensor) = tensor {
                export(sink, format!("{}.{name}", self.key), tensor);
            }
        }
    }
}

/// `x` minus its per-channel mean, and the biased per-channel variance (kept broadcastable),
/// over H and W of each image, and over the batch too when `over_batch` (batch norm).
fn centred_and_variance(x: Tensor<4>, over_batch: bool) -> (Tensor<4>, Tensor<4>) {
    let mean = channel_mean(x.clone(), over_batch);
    let centred = x - mean;
    let var = channel_mean(centred.clone() * centred.clone(), over_batch);
    (centred, var)
}

/// The mean of each channel over H and W, as [N, C, 1, 1], then over N when `over_batch`.
/// One reduction over a flattened H·W axis: burn-flex's mean over several axes at once
/// (`mean_dims(&[0, 2, 3])`) is 15–40× slower (bench/analysis.md). Every image has H·W
/// values, so the mean of the images' means is the batch mean.
fn channel_mean(x: Tensor<4>, over_batch: bool) -> Tensor<4> {
    let [n, c, h, w] = x.dims();
    let mean = x.reshape([n, c, h * w]).mean_dim(2).reshape([n, c, 1, 1]);
    if over_batch { mean.mean_dim(0) } else { mean }
}

/// The generators' last activation, tanh, as 2·σ(2x) − 1 = 2 / (1 + e^(−2x)) − 1: burn-flex
/// computes tanh with scalar libm calls, its exp is vectorised, so this is ~6× faster on
/// the CPU (bench/analysis.md). The clamp keeps e^(−2x) finite, and so the gradient: in
/// f32, tanh(±15) is ±1 already. Within 1e-6 of the exact tanh (tested below).
pub fn tanh(x: Tensor<4>) -> Tensor<4> {
    ((x.clamp(-15.0, 15.0) * -2.0).exp() + 1.0).recip() * 2.0 - 1.0
}

/// `nn.Dropout(0.5)`: active only while training on an autodiff device.
pub fn dropout() -> Dropout {
    DropoutConfig::new(0.5).init()
}

#[cfg(test)]
mod tests {
    use super::*;
    use burn::tensor::TensorData;

    #[test]
    fn tanh_is_within_rounding_of_the_exact_one_and_finite_far_out() {
        let mut inputs: Vec<f32> = (-2000..=2000).map(|i| i as f32 / 100.0).collect();
        inputs.extend([-1e30, -1e4, 1e4, 1e30]);
        let n = inputs.len();
        let x = Tensor::<4>::from_data(TensorData::new(inputs.clone(), [1, 1, 1, n]), &Device::flex());
        let output = tanh(x).into_data().try_to_vec::<f32>().unwrap();
        for (x, y) in inputs.iter().zip(&output) {
            let exact = (*x as f64).tanh();
            assert!((*y as f64 - exact).abs() <= 1e-6, "tanh({x}) = {y}, exactly {exact}");
        }
    }

    #[test]
    fn channel_means_equal_burns_multi_axis_means() {
        let device = Device::flex();
        let x = Tensor::<4>::random([3, 4, 5, 6], burn::tensor::Distribution::Normal(0.0, 1.0), &device);
        for (over_batch, dims) in [(true, &[0, 2, 3][..]), (false, &[2, 3][..])] {
            let ours = channel_mean(x.clone(), over_batch);
            let burns = x.clone().mean_dims(dims);
            assert_eq!(ours.dims(), burns.dims());
            let worst = (ours - burns).abs().max().into_scalar::<f32>();
            assert!(worst <= 1e-6, "over_batch {over_batch}: differs by {worst}");
        }
    }
}
