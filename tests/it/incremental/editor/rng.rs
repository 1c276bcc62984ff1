//! A seeded PRNG (SplitMix64), so a failing run can be replayed from its seed, and the
//! words, tags and regions the editor writes.

pub(crate) struct Rng(pub(super) u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub(crate) fn below(&mut self, n: usize) -> usize {
        assert!(n > 0, "below(0)");
        (self.next() % n as u64) as usize
    }

    /// A number in `lo..=hi`.
    pub(crate) fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    pub(crate) fn chance(&mut self, p: f64) -> bool {
        ((self.next() >> 11) as f64 / (1u64 << 53) as f64) < p
    }

    pub(crate) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

pub(super) const WORDS: &[&str] = &[
    "shells",
    "rail",
    "depot",
    "border",
    "treaty",
    "analysts",
    "estimate",
    "units",
    "supply",
    "tankers",
    "monitoring",
    "convoy",
    "winter",
    "satellite",
    "imagery",
    "report",
    "officials",
    "briefing",
    "artillery",
    "training",
    "doctrine",
    "exports",
    "fuel",
    "currency",
    "ports",
    "envoys",
    "summit",
    "pressure",
    "signal",
    "caution",
    "evidence",
    "sources",
    "capacity",
    "reserves",
    "logistics",
    "brigade",
    "harbour",
    "quietly",
    "slowly",
    "again",
    "later",
];
pub(super) const TAGS: &[&str] = &[
    "deployment",
    "escalation",
    "nato",
    "munitions",
    "sanctions",
    "energy",
    "diplomacy",
    "drones",
    "training",
    "shipping",
    "cyber",
];
pub(super) const REGIONS: &[&str] = &[
    "Kursk",
    "Ukraine",
    "Korean Peninsula",
    "Europe",
    "Pyongyang",
    "Moscow",
    "Vladivostok",
];
