//! The crate's errors: each says what was expected and what was found.

use crate::model::{InputShapeError, WeightError};
use crate::store::ModelFileError;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    ModelFile(#[from] ModelFileError),
    #[cfg(not(target_family = "wasm"))]
    #[error(transparent)]
    Checkpoint(#[from] crate::store::CheckpointError),
    #[cfg(not(target_family = "wasm"))]
    #[error(transparent)]
    Data(#[from] crate::data::DataError),
    #[cfg(not(target_family = "wasm"))]
    #[error(transparent)]
    Train(#[from] crate::train::TrainError),
    #[error("the weights do not fit the network: {0}")]
    Weights(#[from] WeightError),
    #[error("the file holds tensors the network does not use ({}): is it another network?", .0.join(", "))]
    UnusedTensors(Vec<String>),
    #[error("{flag} {given} contradicts the model file, whose tensors are those of {found}")]
    Contradiction {
        flag: &'static str,
        given: String,
        found: String,
    },
    #[error(transparent)]
    InputShape(#[from] InputShapeError),
    #[error("{0}")]
    Image(String),
    #[error("{0}")]
    Npy(String),
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("{0}")]
    Usage(String),
}

impl Error {
    pub fn io(path: impl AsRef<std::path::Path>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.as_ref().display().to_string(),
            source,
        }
    }
}

pub type Result<T> = std::result::Result<T, Error>;
