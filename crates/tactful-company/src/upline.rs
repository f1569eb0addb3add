//! The upline tree: who sponsored whom. A leader's team is the leader and
//! their whole downline; a change that would make someone their own upline
//! (directly or through others) is refused as a [`Cycle`]. Pure: no I/O.

use std::collections::{HashMap, HashSet};

/// An upline cycle, in order, the first id repeated at the end
/// (`D1 → D2 → D1`: D1's upline would be D2, whose upline is D1).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("upline cycle: {}", .0.join(" → "))]
pub struct Cycle(pub Vec<String>);

/// Each distributor's upline (`None`: at the top).
#[derive(Debug, Default, Clone)]
pub struct Tree {
    upline: HashMap<String, Option<String>>,
}

impl Tree {
    pub fn new() -> Tree {
        Tree::default()
    }

    /// A tree from `(id, upline)` pairs taken as they are: it may hold a
    /// cycle (a plan checks one with [`Tree::would_cycle`]).
    pub fn from_uplines<'a>(pairs: impl Iterator<Item = (&'a str, Option<&'a str>)>) -> Tree {
        Tree { upline: pairs.map(|(id, up)| (id.to_string(), up.map(str::to_string))).collect() }
    }

    pub fn contains(&self, id: &str) -> bool {
        self.upline.contains_key(id)
    }

    pub fn upline(&self, id: &str) -> Option<&str> {
        self.upline.get(id).and_then(Option::as_deref)
    }

    /// The cycle that giving `id` the upline `upline` would close, if any.
    pub fn would_cycle(&self, id: &str, upline: Option<&str>) -> Option<Cycle> {
        let mut path = vec![id.to_string()];
        let mut at = upline?;
        // A tree of n nodes has no path longer than n; the bound guards a stored cycle.
        for _ in 0..=self.upline.len() {
            path.push(at.to_string());
            if at == id {
                return Some(Cycle(path));
            }
            at = self.upline(at)?;
        }
        None
    }

    /// Give `id` the upline `upline` (adding `id` when new), unless that
    /// would close a cycle; then the tree is left as it was.
    pub fn set(&mut self, id: &str, upline: Option<&str>) -> Result<(), Cycle> {
        if let Some(c) = self.would_cycle(id, upline) {
            return Err(c);
        }
        self.upline.insert(id.to_string(), upline.map(str::to_string));
        Ok(())
    }

    fn children(&self) -> HashMap<&str, Vec<&str>> {
        let mut out: HashMap<&str, Vec<&str>> = HashMap::new();
        for (id, up) in &self.upline {
            if let Some(up) = up.as_deref().filter(|u| self.upline.contains_key(*u)) {
                out.entry(up).or_default().push(id);
            }
        }
        for kids in out.values_mut() {
            kids.sort_unstable();
        }
        out
    }

    /// The team of `leader`: the leader (depth 0) and every distributor below,
    /// each under their upline, siblings by id. Empty when `leader` is unknown.
    pub fn team(&self, leader: &str) -> Vec<(String, usize)> {
        if !self.contains(leader) {
            return Vec::new();
        }
        let children = self.children();
        let mut out = Vec::new();
        let mut seen = HashSet::new();
        walk(leader, 0, &children, &mut seen, &mut out);
        out
    }

    /// Everyone, as a forest: each distributor at the top (no upline, or an
    /// upline not on the roster) followed by their downline.
    pub fn everyone(&self) -> Vec<(String, usize)> {
        let children = self.children();
        let mut roots: Vec<&str> = self
            .upline
            .iter()
            .filter(|(_, up)| up.as_deref().is_none_or(|u| !self.upline.contains_key(u)))
            .map(|(id, _)| id.as_str())
            .collect();
        roots.sort_unstable();
        let mut out = Vec::with_capacity(self.upline.len());
        let mut seen = HashSet::new();
        for r in roots {
            walk(r, 0, &children, &mut seen, &mut out);
        }
        // Only a cycle stored by hand leaves anyone unreached: list them at the top.
        if out.len() < self.upline.len() {
            let mut rest: Vec<&String> =
                self.upline.keys().filter(|id| !seen.contains(id.as_str())).collect();
            rest.sort_unstable();
            out.extend(rest.into_iter().map(|id| (id.clone(), 0)));
        }
        out
    }
}

fn walk<'a>(
    id: &'a str,
    depth: usize,
    children: &HashMap<&'a str, Vec<&'a str>>,
    seen: &mut HashSet<&'a str>,
    out: &mut Vec<(String, usize)>,
) {
    // Iterative, so a downline thousands deep cannot overflow the stack.
    let mut stack = vec![(id, depth)];
    while let Some((id, depth)) = stack.pop() {
        if !seen.insert(id) {
            continue;
        }
        out.push((id.to_string(), depth));
        if let Some(kids) = children.get(id) {
            stack.extend(kids.iter().rev().map(|k| (*k, depth + 1)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(pairs: &[(&str, Option<&str>)]) -> Tree {
        let mut t = Tree::new();
        for (id, up) in pairs {
            t.set(id, *up).unwrap();
        }
        t
    }

    #[test]
    fn a_team_is_the_leader_and_the_whole_downline() {
        let t = tree(&[("A", None), ("B", Some("A")), ("C", Some("B")), ("D", Some("A")), ("E", None)]);
        assert_eq!(t.team("A"), vec![("A".into(), 0), ("B".into(), 1), ("C".into(), 2), ("D".into(), 1)]);
        assert_eq!(t.team("C"), vec![("C".into(), 0)]);
        assert!(t.team("Z").is_empty());
        let all: Vec<String> = t.everyone().into_iter().map(|(id, _)| id).collect();
        assert_eq!(all, ["A", "B", "C", "D", "E"]);
    }

    #[test]
    fn a_cycle_is_refused_by_name_and_the_tree_is_unchanged() {
        let mut t = tree(&[("A", None), ("B", Some("A")), ("C", Some("B"))]);
        let c = t.set("A", Some("C")).unwrap_err();
        assert_eq!(c.to_string(), "upline cycle: A → C → B → A");
        assert_eq!(t.upline("A"), None);
        assert_eq!(t.set("B", Some("B")).unwrap_err().to_string(), "upline cycle: B → B");
        t.set("C", Some("A")).unwrap();
        assert_eq!(t.upline("C"), Some("A"));
    }

    #[test]
    fn an_upline_off_the_roster_makes_a_top() {
        let t = tree(&[("B", Some("gone")), ("C", Some("B"))]);
        assert_eq!(t.everyone(), vec![("B".into(), 0), ("C".into(), 1)]);
    }

    #[test]
    fn a_deep_downline_does_not_overflow() {
        let mut t = Tree::new();
        t.set("0", None).unwrap();
        for i in 1..50_000 {
            t.upline.insert(i.to_string(), Some((i - 1).to_string()));
        }
        assert_eq!(t.team("0").len(), 50_000);
        assert!(t.would_cycle("0", Some("49999")).is_some());
    }
}
