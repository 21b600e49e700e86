//! pix2pix's learning rate: constant for `steps`, then falling linearly to zero over
//! `decay_steps` (the reference's `n_epochs` / `n_epochs_decay`, counted in steps).

#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Schedule {
    pub lr: f64,
    pub steps: u64,
    pub decay_steps: u64,
}

impl Schedule {
    pub fn total(&self) -> u64 {
        self.steps + self.decay_steps
    }

    /// The rate of step `step` (0-based); the last step still moves, by 1/(decay_steps + 1).
    pub fn at(&self, step: u64) -> f64 {
        let decayed = (step + 1).saturating_sub(self.steps) as f64;
        self.lr * (1.0 - decayed / (self.decay_steps as f64 + 1.0))
    }
}

#[cfg(test)]
mod tests {
    use super::Schedule;

    #[test]
    fn constant_then_linear_to_zero() {
        let schedule = Schedule { lr: 2e-4, steps: 100, decay_steps: 99 };
        assert_eq!(schedule.at(0), 2e-4);
        assert_eq!(schedule.at(99), 2e-4);
        assert!((schedule.at(100) - 2e-4 * 0.99).abs() < 1e-12);
        assert!((schedule.at(149) - 2e-4 * 0.5).abs() < 1e-12);
        assert!((schedule.at(schedule.total() - 1) - 2e-4 * 0.01).abs() < 1e-12);
    }
}
