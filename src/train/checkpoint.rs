//! Checkpoints of a training run: everything needed to continue exactly where it stopped.
//!
//! `RUN/checkpoints/step-N/` holds the generator, the discriminator, both optimizers'
//! state and `state.json` (step, options, loss history); `RUN/checkpoints/latest` names
//! the newest complete one. A checkpoint is written under a temporary name and renamed
//! whole, then `latest` is replaced atomically: a run killed at any moment keeps its last
//! complete checkpoint.

use burn::tensor::TensorData;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::TrainError;
use crate::model::{Init, NamedTensor, WeightError, WeightSource};
use crate::store::write_atomically;

const MAGIC: &[u8; 8] = b"GSKTENS1";

/// Tensors by name, as a checkpoint stores them (f32, with a SHA-256 of the content).
pub fn encode_tensors(tensors: &[NamedTensor]) -> Vec<u8> {
    let mut bytes = MAGIC.to_vec();
    bytes.extend_from_slice(&(tensors.len() as u32).to_le_bytes());
    for tensor in tensors {
        bytes.extend_from_slice(&(tensor.key.len() as u32).to_le_bytes());
        bytes.extend_from_slice(tensor.key.as_bytes());
        bytes.extend_from_slice(&(tensor.shape.len() as u32).to_le_bytes());
        for &d in &tensor.shape {
            bytes.extend_from_slice(&(d as u64).to_le_bytes());
        }
        for v in &tensor.values {
            bytes.extend_from_slice(&v.to_le_bytes());
        }
    }
    let digest = Sha256::digest(&bytes);
    bytes.extend_from_slice(&digest);
    bytes
}

/// The tensors of [`encode_tensors`], checked whole before use.
pub struct TensorMap {
    tensors: HashMap<String, (Vec<usize>, Vec<f32>)>,
}

impl TensorMap {
    /// Tensors not yet taken.
    pub fn len(&self) -> usize {
        self.tensors.len()
    }

    pub fn is_empty(&self) -> bool {
        self.tensors.is_empty()
    }

    pub fn decode(bytes: &[u8], what: &str) -> Result<Self, TrainError> {
        let broken = |why: &str| TrainError::Checkpoint(format!("{what} is damaged: {why}"));
        if bytes.len() < MAGIC.len() + 4 + 32 || !bytes.starts_with(MAGIC) {
            return Err(broken("not a gansketch tensor file"));
        }
        let (body, digest) = bytes.split_at(bytes.len() - 32);
        if Sha256::digest(body).as_slice() != digest {
            return Err(broken("its SHA-256 does not match"));
        }
        let mut at = MAGIC.len();
        let mut take = |n: usize| -> Result<&[u8], TrainError> {
            let field = body.get(at..at + n).ok_or_else(|| broken("it ends early"))?;
            at += n;
            Ok(field)
        };
        let u32_of = |b: &[u8]| u32::from_le_bytes(b.try_into().expect("4 bytes")) as usize;
        let count = u32_of(take(4)?);
        let mut tensors = HashMap::with_capacity(count);
        for _ in 0..count {
            let key_length = u32_of(take(4)?);
            let key = String::from_utf8(take(key_length)?.to_vec()).map_err(|_| broken("a name is not UTF-8"))?;
            let rank = u32_of(take(4)?);
            let shape: Vec<usize> = (0..rank)
                .map(|_| take(8).map(|b| u64::from_le_bytes(b.try_into().expect("8 bytes")) as usize))
                .collect::<Result<_, _>>()?;
            let elements = shape.iter().try_fold(1usize, |n, &d| n.checked_mul(d)).ok_or_else(|| broken("a shape overflows"))?;
            let values = take(elements.checked_mul(4).ok_or_else(|| broken("a shape overflows"))?)?
                .chunks_exact(4)
                .map(|c| f32::from_le_bytes(c.try_into().expect("4 bytes")))
                .collect();
            tensors.insert(key, (shape, values));
        }
        Ok(TensorMap { tensors })
    }
}

impl WeightSource for TensorMap {
    fn take(&mut self, key: &str, shape: &[usize], _init: Init) -> Result<TensorData, WeightError> {
        let (found, values) = self.tensors.remove(key).ok_or_else(|| WeightError::Missing { key: key.into(), expected: shape.to_vec() })?;
        if found != shape {
            return Err(WeightError::Shape { key: key.into(), expected: shape.to_vec(), found });
        }
        Ok(TensorData::new(values, found))
    }
}

/// The files of one checkpoint.
pub struct CheckpointFiles {
    pub generator: Vec<u8>,
    pub discriminator: Vec<u8>,
    pub optim_g: Vec<u8>,
    pub optim_d: Vec<u8>,
    /// The image pool's contents (no tensors when the run has no pool).
    pub pool: Vec<u8>,
    pub state: Vec<u8>,
}

const NAMES: [&str; 6] = ["generator.bin", "discriminator.bin", "optim_g.bin", "optim_d.bin", "pool.bin", "state.json"];

fn io(path: &Path) -> impl Fn(std::io::Error) -> TrainError + '_ {
    move |e| TrainError::Checkpoint(format!("{}: {e}", path.display()))
}

/// Writes checkpoint `step` under `run/checkpoints`, points `latest` at it, and removes the
/// ones before it.
pub fn save(run: &Path, step: u64, files: &CheckpointFiles) -> Result<PathBuf, TrainError> {
    let root = run.join("checkpoints");
    std::fs::create_dir_all(&root).map_err(io(&root))?;
    let name = format!("step-{step:08}");
    let staging = tempfile::Builder::new().prefix(&format!(".{name}-")).tempdir_in(&root).map_err(io(&root))?;
    let contents = [&files.generator, &files.discriminator, &files.optim_g, &files.optim_d, &files.pool, &files.state];
    for (file, bytes) in NAMES.iter().zip(contents) {
        write_atomically(&staging.path().join(file), bytes).map_err(|e| TrainError::Checkpoint(e.to_string()))?;
    }
    let target = root.join(&name);
    if target.exists() {
        std::fs::remove_dir_all(&target).map_err(io(&target))?;
    }
    std::fs::rename(staging.keep(), &target).map_err(io(&target))?;
    write_atomically(&root.join("latest"), name.as_bytes()).map_err(|e| TrainError::Checkpoint(e.to_string()))?;
    // Older checkpoints are no longer needed once `latest` names this one.
    for entry in std::fs::read_dir(&root).map_err(io(&root))?.flatten() {
        let entry_name = entry.file_name().to_string_lossy().into_owned();
        if entry.path().is_dir() && entry_name != name && (entry_name.starts_with("step-") || entry_name.starts_with(".step-")) {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
    Ok(target)
}

/// The newest complete checkpoint of `run`, if any.
pub fn load_latest(run: &Path) -> Result<Option<CheckpointFiles>, TrainError> {
    let root = run.join("checkpoints");
    let latest = root.join("latest");
    let name = match std::fs::read_to_string(&latest) {
        Ok(name) => name,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io(&latest)(e)),
    };
    let dir = root.join(name.trim());
    let read = |file: &str| {
        let path = dir.join(file);
        std::fs::read(&path).map_err(io(&path))
    };
    Ok(Some(CheckpointFiles {
        generator: read(NAMES[0])?,
        discriminator: read(NAMES[1])?,
        optim_g: read(NAMES[2])?,
        optim_d: read(NAMES[3])?,
        pool: read(NAMES[4])?,
        state: read(NAMES[5])?,
    }))
}
