//! Stance: statements → probabilities → per-speaker stance.
