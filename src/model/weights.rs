//! Where a network's tensors come from when it is built: a checkpoint, our model file,
//! or pix2pix's random initialisation. Every tensor is asked for by its reference
//! state-dict name (`model.model.1.model.2.weight`), so one naming serves import, export
//! and our own files.

use burn::tensor::{Distribution, TensorData};
use rand::SeedableRng;
use rand::rngs::StdRng;

/// How pix2pix initialises a tensor (`init_weights(net, 'normal', 0.02)`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Init {
    /// Conv weights N(0, 0.02); batch norm scales N(1, 0.02).
    Normal { mean: f64, std: f64 },
    Zeros,
    Ones,
}

impl Init {
    pub const CONV_WEIGHT: Init = Init::Normal { mean: 0.0, std: 0.02 };
    pub const NORM_SCALE: Init = Init::Normal { mean: 1.0, std: 0.02 };
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum WeightError {
    #[error("tensor `{key}` is missing: the network needs one of shape {expected:?}")]
    Missing { key: String, expected: Vec<usize> },
    #[error("tensor `{key}` has shape {found:?}, but the network needs {expected:?}")]
    Shape {
        key: String,
        expected: Vec<usize>,
        found: Vec<usize>,
    },
    #[error("tensor `{key}` could not be read: {reason}")]
    Unreadable { key: String, reason: String },
}

/// Supplies the tensors of a network being built, as f32 data of exactly `shape`.
pub trait WeightSource {
    fn take(&mut self, key: &str, shape: &[usize], init: Init) -> Result<TensorData, WeightError>;
}

/// Fresh weights drawn as pix2pix draws them, from a seeded generator so runs repeat.
pub struct RandomInit {
    rng: StdRng,
}

impl RandomInit {
    pub fn new(seed: u64) -> Self {
        RandomInit {
            rng: StdRng::seed_from_u64(seed),
        }
    }
}

impl WeightSource for RandomInit {
    fn take(&mut self, _key: &str, shape: &[usize], init: Init) -> Result<TensorData, WeightError> {
        let shape = shape.to_vec();
        Ok(match init {
            Init::Normal { mean, std } => {
                TensorData::random::<f32, _, _>(shape, Distribution::Normal(mean, std), &mut self.rng)
            }
            Init::Zeros => TensorData::zeros::<f32, _>(shape),
            Init::Ones => TensorData::ones::<f32, _>(shape),
        })
    }
}

/// A named tensor read back from a network, for saving.
#[derive(Clone, Debug)]
pub struct NamedTensor {
    pub key: String,
    pub shape: Vec<usize>,
    pub values: Vec<f32>,
}

/// Collects a network's tensors under their reference names, in a stable order.
#[derive(Default)]
pub struct TensorSink {
    pub tensors: Vec<NamedTensor>,
}

impl TensorSink {
    pub fn push(&mut self, key: &str, data: TensorData) {
        let shape = data.shape().to_vec();
        let values = data
            .convert::<f32>()
            .try_into_vec::<f32>()
            .expect("converted to f32 just above");
        self.tensors.push(NamedTensor {
            key: key.to_string(),
            shape,
            values,
        });
    }
}
