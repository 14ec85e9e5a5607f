//! The two outside views of an employee's work: peers (and subordinates) on behaviour, and
//! citizens on the service they received.

pub mod citizen;
pub mod peer;
