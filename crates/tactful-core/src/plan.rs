//! The seller's plan: what they want, who they serve, where they show up, how
//! long they work on it each day, and the content mix they aim for. Reports
//! measure against it; `today` uses its session length.

use serde::{Deserialize, Serialize};

use crate::history::Network;

/// The plan, as the seller wrote it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Plan {
    /// Written goals ("10 new customers by March", "two value posts a week").
    pub goals: Vec<String>,
    /// Who they serve ("new mums in Leeds who want simple skincare").
    pub market: String,
    /// The networks they chose to focus on.
    pub networks: Vec<Network>,
    /// Minutes a day for the social-selling session.
    pub session_minutes: u32,
    /// Highest share of posts that may be promotional, in percent.
    pub max_promotional_percent: u32,
}

impl Default for Plan {
    fn default() -> Self {
        // Defaults from the guidance behind the product: focus on a couple of
        // networks, a short daily session, mostly value and personal posts.
        Plan {
            goals: Vec::new(),
            market: String::new(),
            networks: Vec::new(),
            session_minutes: 30,
            max_promotional_percent: 20,
        }
    }
}

impl Plan {
    /// Networks in use that the plan did not choose (spreading too thin).
    pub fn unplanned(&self, in_use: &[Network]) -> Vec<Network> {
        if self.networks.is_empty() {
            return Vec::new();
        }
        in_use.iter().copied().filter(|n| !self.networks.contains(n)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn networks_outside_the_plan_are_named() {
        let p = Plan { networks: vec![Network::Instagram], ..Plan::default() };
        assert_eq!(p.unplanned(&[Network::Instagram, Network::X]), vec![Network::X]);
        assert!(Plan::default().unplanned(&[Network::X]).is_empty(), "no plan yet: nothing to warn about");
    }
}
