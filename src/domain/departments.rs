use std::collections::{HashMap, HashSet};

/// The departments reachable from `roots` in a tree given as `(id, parent_id)` edges, roots included.
/// Cycles in bad data cannot loop: every department is visited once.
pub fn subtree(roots: &[i64], tree: &[(i64, Option<i64>)]) -> HashSet<i64> {
    let mut children: HashMap<i64, Vec<i64>> = HashMap::new();
    for &(id, parent) in tree {
        if let Some(parent) = parent {
            children.entry(parent).or_default().push(id);
        }
    }
    let mut seen = HashSet::new();
    let mut stack: Vec<i64> = roots.to_vec();
    while let Some(id) = stack.pop() {
        if seen.insert(id) {
            stack.extend(children.get(&id).into_iter().flatten().copied());
        }
    }
    seen
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn includes_every_level_below_the_roots_and_nothing_else() {
        // 1 ── 2 ── 3      5 ── 6
        //  └── 4
        let tree = [(1, None), (2, Some(1)), (3, Some(2)), (4, Some(1)), (5, None), (6, Some(5))];
        assert_eq!(subtree(&[2], &tree), HashSet::from([2, 3]));
        assert_eq!(subtree(&[1], &tree), HashSet::from([1, 2, 3, 4]));
        assert_eq!(subtree(&[3, 6], &tree), HashSet::from([3, 6]));
        assert!(subtree(&[], &tree).is_empty());
    }

    #[test]
    fn survives_a_cycle() {
        let tree = [(1, Some(2)), (2, Some(1))];
        assert_eq!(subtree(&[1], &tree), HashSet::from([1, 2]));
    }
}
