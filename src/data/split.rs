//! Train / val / test by place, so that evaluation never sees the neighbour of a training
//! tile: whole square blocks of tiles go to one split, and tiles on a block's edge that
//! touch a block of another split are left out. Or a whole extract goes to one split
//! (a city kept apart).

use std::fmt;
use std::str::FromStr;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Split {
    /// No split asked for: tiles go straight under `DIR/{z}`.
    All,
    Train,
    Val,
    Test,
}

impl Split {
    /// The directory under the output that holds this split's tiles ("" for `All`).
    pub fn dir(self) -> &'static str {
        match self {
            Split::All => "",
            Split::Train => "train",
            Split::Val => "val",
            Split::Test => "test",
        }
    }
}

impl fmt::Display for Split {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Split::All => "all",
            other => other.dir(),
        })
    }
}

/// `--split`: `none`, `blocks`, or one split for the whole extract.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SplitMode {
    None,
    Blocks,
    Whole(Split),
}

impl FromStr for SplitMode {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, String> {
        Ok(match text {
            "none" => SplitMode::None,
            "blocks" => SplitMode::Blocks,
            "train" => SplitMode::Whole(Split::Train),
            "val" => SplitMode::Whole(Split::Val),
            "test" => SplitMode::Whole(Split::Test),
            _ => return Err(format!("unknown split `{text}`: expected none, blocks, train, val or test")),
        })
    }
}

/// Decides each tile's split.
#[derive(Clone, Debug)]
pub struct Splitter {
    pub mode: SplitMode,
    /// Side of a block, in tiles.
    pub block: u32,
    /// Shares of train and val among blocks; test takes the rest.
    pub train: f64,
    pub val: f64,
    pub seed: u64,
}

impl Splitter {
    pub fn new(mode: SplitMode, block: u32, seed: u64) -> Self {
        Splitter { mode, block: block.max(1), train: 0.8, val: 0.1, seed }
    }

    fn block_split(&self, bx: u32, by: u32) -> Split {
        // SplitMix64 of the block's coordinates and the seed: stable, and evenly spread.
        let mut z = self.seed ^ (u64::from(bx) << 32 | u64::from(by));
        z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        let unit = (z ^ (z >> 31)) as f64 / u64::MAX as f64;
        match unit {
            u if u < self.train => Split::Train,
            u if u < self.train + self.val => Split::Val,
            _ => Split::Test,
        }
    }

    /// The split of tile (x, y); `None` when it borders a block of another split.
    pub fn split_of(&self, x: u32, y: u32) -> Option<Split> {
        match self.mode {
            SplitMode::None => Some(Split::All),
            SplitMode::Whole(split) => Some(split),
            SplitMode::Blocks => {
                let own = self.block_split(x / self.block, y / self.block);
                let neighbours = (-1i64..=1).flat_map(|dy| (-1i64..=1).map(move |dx| (dx, dy)));
                for (dx, dy) in neighbours {
                    let (nx, ny) = (i64::from(x) + dx, i64::from(y) + dy);
                    if nx < 0 || ny < 0 {
                        continue;
                    }
                    let (nx, ny) = (nx as u32, ny as u32);
                    if self.block_split(nx / self.block, ny / self.block) != own {
                        return None;
                    }
                }
                Some(own)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_kept_tile_has_a_neighbour_in_another_split() {
        let splitter = Splitter::new(SplitMode::Blocks, 4, 7);
        let mut seen = std::collections::HashSet::new();
        for y in 1000..1064 {
            for x in 2000..2064 {
                let Some(split) = splitter.split_of(x, y) else { continue };
                seen.insert(split);
                for (nx, ny) in [(x + 1, y), (x, y + 1), (x + 1, y + 1), (x - 1, y + 1)] {
                    if let Some(other) = splitter.split_of(nx, ny) {
                        assert_eq!(other, split, "({x},{y}) and ({nx},{ny}) are neighbours in different splits");
                    }
                }
            }
        }
        assert_eq!(seen.len(), 3, "a 64×64 area holds all three splits");
    }
}
