//! The street palette of DESIGN.md (CRHD, as in GANmapper): which OSM `highway` classes
//! are drawn in which colour and width, and the legend the page's brushes use.

use crate::store::LegendEntry;

/// Pixels per unit of DESIGN.md's relative widths, at 256 px tiles. Chosen once: a
/// residential street (1) is 2 px, a primary road (4) 8 px, the underlay (0.5) 1 px.
pub const PX_PER_WIDTH_UNIT: f32 = 2.0;

/// Every way is first drawn thin in this colour, under the classed strokes.
pub const UNDERLAY: RoadStyle = RoadStyle { color: [0x90, 0xee, 0x90], width: 0.5 };

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RoadStyle {
    pub color: [u8; 3],
    /// Relative width (DESIGN.md's table); times [`PX_PER_WIDTH_UNIT`] in pixels.
    pub width: f32,
}

impl RoadStyle {
    pub fn width_px(self) -> f32 {
        self.width * PX_PER_WIDTH_UNIT
    }

    pub fn hex(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.color[0], self.color[1], self.color[2])
    }
}

/// The classed strokes, in drawing order: narrow under wide, so major roads stay on top.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RoadClass {
    /// service, residential, tertiary_link
    Minor,
    /// tertiary, secondary_link, primary_link, trunk_link
    Tertiary,
    MotorwayLink,
    Motorway,
    Secondary,
    /// primary, trunk
    Primary,
}

impl RoadClass {
    pub const ALL: [RoadClass; 6] = [
        RoadClass::Minor,
        RoadClass::Tertiary,
        RoadClass::MotorwayLink,
        RoadClass::Motorway,
        RoadClass::Secondary,
        RoadClass::Primary,
    ];

    /// The class of an OSM `highway` value; `None` for ways drawn only as underlay.
    pub fn of(highway: &str) -> Option<RoadClass> {
        Some(match highway {
            "service" | "residential" | "tertiary_link" => RoadClass::Minor,
            "tertiary" | "secondary_link" | "primary_link" | "trunk_link" => RoadClass::Tertiary,
            "motorway_link" => RoadClass::MotorwayLink,
            "secondary" => RoadClass::Secondary,
            "primary" | "trunk" => RoadClass::Primary,
            "motorway" => RoadClass::Motorway,
            _ => return None,
        })
    }

    pub fn style(self) -> RoadStyle {
        let (color, width) = match self {
            RoadClass::Minor => ([0x87, 0xce, 0xeb], 1.0),
            RoadClass::Tertiary => ([0x64, 0x95, 0xed], 2.0),
            RoadClass::MotorwayLink => ([0x8b, 0x00, 0x00], 2.0),
            RoadClass::Secondary => ([0x00, 0x00, 0x8b], 3.0),
            RoadClass::Primary => ([0x00, 0x00, 0x00], 4.0),
            RoadClass::Motorway => ([0x8b, 0x00, 0x00], 2.5),
        };
        RoadStyle { color, width }
    }

    pub fn index(self) -> u8 {
        self as u8
    }

    pub fn from_index(index: u8) -> Option<RoadClass> {
        RoadClass::ALL.get(index as usize).copied()
    }
}

/// OSM `highway` values that are not ways on the ground (yet, or any more).
pub fn is_drawn_highway(highway: &str) -> bool {
    !matches!(highway, "proposed" | "construction" | "abandoned" | "razed" | "disused" | "platform" | "no")
}

/// The brushes of the page, widths in tile pixels: what a model trained on these tiles reads.
pub fn street_legend() -> Vec<LegendEntry> {
    let entry = |label: &str, style: RoadStyle| LegendEntry { label: label.into(), color: style.hex(), width: Some(style.width_px()) };
    vec![
        entry("Motorway", RoadClass::Motorway.style()),
        entry("Primary / trunk", RoadClass::Primary.style()),
        entry("Secondary", RoadClass::Secondary.style()),
        entry("Tertiary", RoadClass::Tertiary.style()),
        entry("Residential / service", RoadClass::Minor.style()),
        entry("Path / any way", UNDERLAY),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_keep_design_ratios() {
        assert_eq!(RoadClass::Primary.style().width_px() / RoadClass::Minor.style().width_px(), 4.0);
        assert_eq!(UNDERLAY.width_px(), 1.0);
        assert_eq!(RoadClass::of("trunk_link"), Some(RoadClass::Tertiary));
        assert_eq!(RoadClass::of("footway"), None);
        for class in RoadClass::ALL {
            assert_eq!(RoadClass::from_index(class.index()), Some(class));
        }
    }
}
