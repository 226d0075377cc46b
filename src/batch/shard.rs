//! Sharding: `--shard K/N` splits an archive across N machines with no coordination.
//! A row belongs to shard `fnv1a64(id) % N`. FNV-1a is fixed by its spec (unlike std's
//! randomly seeded hasher), so every machine, build and run agrees on the partition,
//! and a resumed run keeps the same rows.
//!
//! Also home of the 128-bit id digest the runner keeps for ids already written (resume)
//! and already seen (duplicates): 16 bytes per id instead of the id string.

use sha2::{Digest, Sha256};

/// This machine's part of the work: rows whose id hashes to `index` modulo `count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// 0-based, below `count` (matches Kubernetes' `JOB_COMPLETION_INDEX`).
    pub index: u64,
    pub count: u64,
}

impl Default for Shard {
    /// The whole archive.
    fn default() -> Self {
        Shard { index: 0, count: 1 }
    }
}

impl Shard {
    /// Whether the row with this id is this shard's.
    pub fn owns(&self, id: &str) -> bool {
        self.count <= 1 || fnv1a64(id.as_bytes()) % self.count == self.index
    }
}

impl std::str::FromStr for Shard {
    type Err = String;

    /// `K/N` with `0 <= K < N`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (k, n) = s
            .split_once('/')
            .ok_or_else(|| format!("shard {s:?} is not K/N (e.g. 0/4)"))?;
        let index: u64 = k
            .trim()
            .parse()
            .map_err(|_| format!("shard index {k:?} is not a number"))?;
        let count: u64 = n
            .trim()
            .parse()
            .map_err(|_| format!("shard count {n:?} is not a number"))?;
        if count == 0 {
            return Err("shard count must be at least 1".into());
        }
        if index >= count {
            return Err(format!(
                "shard index {index} must be below the shard count {count} (indices start at 0)"
            ));
        }
        Ok(Shard { index, count })
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// 64-bit FNV-1a.
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    bytes
        .iter()
        .fold(OFFSET, |h, &b| (h ^ u64::from(b)).wrapping_mul(PRIME))
}

/// A 128-bit digest of an id (the first half of its SHA-256): collisions are out of reach
/// for any archive, so a set of these stands in for a set of ids.
pub fn id_digest(id: &str) -> u128 {
    let d = Sha256::digest(id.as_bytes());
    let mut first = [0u8; 16];
    first.copy_from_slice(&d[..16]);
    u128::from_le_bytes(first)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv_matches_reference_vectors() {
        // Published FNV-1a 64 test vectors.
        assert_eq!(fnv1a64(b""), 0xcbf29ce484222325);
        assert_eq!(fnv1a64(b"a"), 0xaf63dc4c8601ec8c);
        assert_eq!(fnv1a64(b"foobar"), 0x85944171f73967e8);
    }

    #[test]
    fn parses_and_rejects() {
        assert_eq!(
            "2/5".parse::<Shard>().unwrap(),
            Shard { index: 2, count: 5 }
        );
        assert_eq!(" 0 / 1 ".parse::<Shard>().unwrap(), Shard::default());
        for bad in ["5/5", "1/0", "x/2", "3", "-1/2", ""] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
    }

    #[test]
    fn every_id_has_exactly_one_shard_and_shards_are_balanced() {
        let n = 7;
        let mut sizes = vec![0usize; n as usize];
        for i in 0..7000 {
            let id = format!("article-{i}");
            let owners: Vec<u64> = (0..n)
                .filter(|&k| Shard { index: k, count: n }.owns(&id))
                .collect();
            assert_eq!(owners.len(), 1, "{id}");
            sizes[owners[0] as usize] += 1;
        }
        assert!(sizes.iter().all(|&s| (800..1200).contains(&s)), "{sizes:?}");
    }
}
