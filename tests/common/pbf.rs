//! A minimal OSM PBF writer for tests: one header block and one data block of dense
//! nodes, ways and relations, stored uncompressed (`Blob.raw`), as the format allows.
//! Written from the format's `fileformat.proto` and `osmformat.proto`.

/// Protobuf encoding, just what the PBF messages need.
#[derive(Default)]
struct Message(Vec<u8>);

impl Message {
    fn varint(&mut self, mut value: u64) {
        while value >= 0x80 {
            self.0.push((value as u8) | 0x80);
            value >>= 7;
        }
        self.0.push(value as u8);
    }

    fn key(&mut self, field: u32, wire_type: u32) {
        self.varint(u64::from(field << 3 | wire_type));
    }

    fn int(&mut self, field: u32, value: i64) {
        self.key(field, 0);
        self.varint(value as u64);
    }

    fn bytes(&mut self, field: u32, bytes: &[u8]) {
        self.key(field, 2);
        self.varint(bytes.len() as u64);
        self.0.extend_from_slice(bytes);
    }

    fn packed(&mut self, field: u32, values: impl IntoIterator<Item = u64>) {
        let mut inner = Message::default();
        for value in values {
            inner.varint(value);
        }
        self.bytes(field, &inner.0);
    }
}

fn zigzag(value: i64) -> u64 {
    ((value << 1) ^ (value >> 63)) as u64
}

fn deltas(values: impl IntoIterator<Item = i64>) -> impl Iterator<Item = u64> {
    let mut previous = 0;
    values.into_iter().map(move |v| {
        let delta = v - previous;
        previous = v;
        zigzag(delta)
    })
}

pub enum Member {
    Way(i64, &'static str),
}

/// An OSM extract under construction; ids of each kind must be added in increasing order.
#[derive(Default)]
pub struct PbfBuilder {
    strings: Vec<String>,
    /// (id, lat, lon) in degrees.
    nodes: Vec<(i64, f64, f64)>,
    ways: Vec<(i64, Vec<(u32, u32)>, Vec<i64>)>,
    relations: Vec<(i64, Vec<(u32, u32)>, Vec<(i64, u32)>)>,
}

impl PbfBuilder {
    fn string(&mut self, text: &str) -> u32 {
        if self.strings.is_empty() {
            self.strings.push(String::new()); // index 0 is reserved
        }
        match self.strings.iter().position(|s| s == text) {
            Some(index) => index as u32,
            None => {
                self.strings.push(text.to_string());
                (self.strings.len() - 1) as u32
            }
        }
    }

    fn tags(&mut self, tags: &[(&str, &str)]) -> Vec<(u32, u32)> {
        tags.iter().map(|(k, v)| (self.string(k), self.string(v))).collect()
    }

    pub fn node(&mut self, id: i64, lat: f64, lon: f64) {
        self.nodes.push((id, lat, lon));
    }

    pub fn way(&mut self, id: i64, refs: &[i64], tags: &[(&str, &str)]) {
        let tags = self.tags(tags);
        self.ways.push((id, tags, refs.to_vec()));
    }

    pub fn relation(&mut self, id: i64, members: &[Member], tags: &[(&str, &str)]) {
        let tags = self.tags(tags);
        let members = members
            .iter()
            .map(|Member::Way(id, role)| (*id, self.string(role)))
            .collect();
        self.relations.push((id, tags, members));
    }

    pub fn encode(mut self) -> Vec<u8> {
        self.string("");
        let mut header = Message::default();
        header.bytes(4, b"OsmSchema-V0.6");
        header.bytes(4, b"DenseNodes");
        header.bytes(16, b"gansketch tests");

        let mut block = Message::default();
        let mut table = Message::default();
        for s in &self.strings {
            table.bytes(1, s.as_bytes());
        }
        block.bytes(1, &table.0);

        // Coordinates in units of 1e-7 degrees: granularity 100 nanodegrees (the default).
        let mut dense = Message::default();
        dense.packed(1, deltas(self.nodes.iter().map(|n| n.0)));
        dense.packed(8, deltas(self.nodes.iter().map(|n| (n.1 * 1e7).round() as i64)));
        dense.packed(9, deltas(self.nodes.iter().map(|n| (n.2 * 1e7).round() as i64)));
        let mut nodes_group = Message::default();
        nodes_group.bytes(2, &dense.0);
        block.bytes(2, &nodes_group.0);

        let mut ways_group = Message::default();
        for (id, tags, refs) in &self.ways {
            let mut way = Message::default();
            way.int(1, *id);
            way.packed(2, tags.iter().map(|t| u64::from(t.0)));
            way.packed(3, tags.iter().map(|t| u64::from(t.1)));
            way.packed(8, deltas(refs.iter().copied()));
            ways_group.bytes(3, &way.0);
        }
        block.bytes(2, &ways_group.0);

        let mut relations_group = Message::default();
        for (id, tags, members) in &self.relations {
            let mut relation = Message::default();
            relation.int(1, *id);
            relation.packed(2, tags.iter().map(|t| u64::from(t.0)));
            relation.packed(3, tags.iter().map(|t| u64::from(t.1)));
            relation.packed(8, members.iter().map(|m| u64::from(m.1)));
            relation.packed(9, deltas(members.iter().map(|m| m.0)));
            relation.packed(10, members.iter().map(|_| 1)); // WAY
            relations_group.bytes(4, &relation.0);
        }
        block.bytes(2, &relations_group.0);

        let mut file = Vec::new();
        write_blob(&mut file, "OSMHeader", &header.0);
        write_blob(&mut file, "OSMData", &block.0);
        file
    }
}

fn write_blob(file: &mut Vec<u8>, kind: &str, data: &[u8]) {
    let mut blob = Message::default();
    blob.bytes(1, data);
    blob.int(2, data.len() as i64);
    let mut header = Message::default();
    header.bytes(1, kind.as_bytes());
    header.int(3, blob.0.len() as i64);
    file.extend_from_slice(&(header.0.len() as u32).to_be_bytes());
    file.extend_from_slice(&header.0);
    file.extend_from_slice(&blob.0);
}
