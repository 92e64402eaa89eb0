//! One collection of the state: a persistent ordered map (copied in O(1), updated in O(log n),
//! sharing everything a write leaves alone) that notes the keys a write touches, so a commit logs
//! what changed in O(changes · log n) without comparing two states.

use imbl::OrdMap;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;
use std::collections::BTreeSet;
use std::ops::Bound;

#[derive(Debug, Clone)]
pub struct Table<K: Ord + Clone, V: Clone> {
    map: OrdMap<K, V>,
    /// Keys inserted, removed or lent mutably since the last `drain_changes`; empty in every
    /// published state, so copying a table copies no key set.
    touched: BTreeSet<K>,
}

/// One entry as a write left it: its new value, or `None` when it was removed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    pub table: String,
    pub key: Value,
    pub value: Option<Value>,
}

impl<K: Ord + Clone, V: Clone> Default for Table<K, V> {
    fn default() -> Self {
        Table { map: OrdMap::new(), touched: BTreeSet::new() }
    }
}

impl<K: Ord + Clone, V: Clone> Table<K, V> {
    pub fn get(&self, key: &K) -> Option<&V> {
        self.map.get(key)
    }

    pub fn contains_key(&self, key: &K) -> bool {
        self.map.contains_key(key)
    }

    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (&K, &V)> + '_ {
        self.map.iter()
    }

    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &K> + '_ {
        self.map.keys()
    }

    pub fn values(&self) -> impl DoubleEndedIterator<Item = &V> + '_ {
        self.map.values()
    }

    pub fn get_mut(&mut self, key: &K) -> Option<&mut V> {
        if self.map.contains_key(key) {
            self.touched.insert(key.clone());
        }
        self.map.get_mut(key)
    }

    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        self.touched.insert(key.clone());
        self.map.insert(key, value)
    }

    pub fn remove(&mut self, key: &K) -> Option<V> {
        let old = self.map.remove(key);
        if old.is_some() {
            self.touched.insert(key.clone());
        }
        old
    }

    /// The entry for `key`, made by `make` when there is none.
    pub fn get_or_insert_with(&mut self, key: K, make: impl FnOnce() -> V) -> &mut V {
        if !self.map.contains_key(&key) {
            self.map.insert(key.clone(), make());
        }
        self.touched.insert(key.clone());
        self.map.get_mut(&key).expect("inserted above")
    }

    /// Removes every entry; each is touched, so the removals are logged.
    pub fn clear(&mut self) {
        self.touched.extend(self.map.keys().cloned());
        self.map = OrdMap::new();
    }

    /// The keys this write has touched so far.
    pub fn touched(&self) -> impl Iterator<Item = &K> + '_ {
        self.touched.iter()
    }

    pub fn is_touched(&self, key: &K) -> bool {
        self.touched.contains(key)
    }

    /// Keeps the entries `keep` accepts; only the removed ones are touched (and unshared).
    pub fn retain(&mut self, mut keep: impl FnMut(&K, &V) -> bool) {
        let gone: Vec<K> = self.map.iter().filter(|(k, v)| !keep(k, v)).map(|(k, _)| k.clone()).collect();
        for k in gone {
            self.remove(&k);
        }
    }
}

impl<V: Clone> Table<String, V> {
    /// The entries whose key starts with `prefix` (ids are keyed lower-cased, so one
    /// subscription's resources are one range): O(log n + matches), not a scan of the table.
    pub fn with_prefix<'a>(&'a self, prefix: &'a str) -> impl Iterator<Item = (&'a String, &'a V)> + 'a {
        self.map
            .range::<_, str>((Bound::Included(prefix), Bound::Unbounded))
            .take_while(move |(k, _)| k.starts_with(prefix))
    }
}

impl<K: Ord + Clone + Serialize + DeserializeOwned, V: Clone + Serialize + DeserializeOwned> Table<K, V> {
    /// Moves the touched entries, as they now are, into `out`, and forgets them.
    pub(crate) fn drain_changes(&mut self, table: &str, out: &mut Vec<Change>) -> serde_json::Result<()> {
        for key in std::mem::take(&mut self.touched) {
            let value = self.map.get(&key).map(serde_json::to_value).transpose()?;
            out.push(Change { table: table.to_string(), key: serde_json::to_value(&key)?, value });
        }
        Ok(())
    }

    /// Replays one logged change (untracked: it is already durable).
    pub(crate) fn apply(&mut self, key: Value, value: Option<Value>) -> serde_json::Result<()> {
        let key: K = serde_json::from_value(key)?;
        match value {
            Some(v) => {
                self.map.insert(key, serde_json::from_value(v)?);
            }
            None => {
                self.map.remove(&key);
            }
        }
        Ok(())
    }
}

impl<K: Ord + Clone, V: Clone> FromIterator<(K, V)> for Table<K, V> {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        Table { map: iter.into_iter().collect(), touched: BTreeSet::new() }
    }
}

impl<'a, K: Ord + Clone, V: Clone> IntoIterator for &'a Table<K, V> {
    type Item = (&'a K, &'a V);
    type IntoIter = imbl::ordmap::Iter<'a, K, V, imbl::shared_ptr::DefaultSharedPtr>;

    fn into_iter(self) -> Self::IntoIter {
        self.map.iter()
    }
}

// On disk a table is a plain JSON object, as the `BTreeMap` it replaced was.
impl<K: Ord + Clone + Serialize, V: Clone + Serialize> Serialize for Table<K, V> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.map.serialize(s)
    }
}

impl<'de, K: Ord + Clone + Deserialize<'de>, V: Clone + Deserialize<'de>> Deserialize<'de> for Table<K, V> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Table { map: OrdMap::deserialize(d)?, touched: BTreeSet::new() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn drained(t: &mut Table<u32, String>) -> Vec<(u32, Option<String>)> {
        let mut out = Vec::new();
        t.drain_changes("t", &mut out).unwrap();
        out.into_iter()
            .map(|c| (serde_json::from_value(c.key).unwrap(), c.value.map(|v| serde_json::from_value(v).unwrap())))
            .collect()
    }

    #[test]
    fn notes_exactly_the_keys_a_write_touched() {
        let mut t: Table<u32, String> = (0..1000).map(|i| (i, format!("v{i}"))).collect();
        let before = t.clone();
        t.insert(5000, "new".into());
        t.remove(&7);
        t.remove(&123_456);
        t.get_mut(&9).unwrap().push('!');
        assert!(t.get_mut(&99_999).is_none());
        t.retain(|k, _| *k != 500);
        let _ = t.get(&1);
        assert_eq!(drained(&mut t), vec![(7, None), (9, Some("v9!".into())), (500, None), (5000, Some("new".into()))]);
        assert!(drained(&mut t).is_empty(), "draining forgets what it drained");
        assert_eq!((before.len(), before.get(&7).map(String::as_str)), (1000, Some("v7")), "the copy is untouched");
    }

    #[test]
    fn replaying_the_changes_rebuilds_the_table() {
        let mut t: Table<u32, String> = (0..50).map(|i| (i, format!("v{i}"))).collect();
        let mut copy = t.clone();
        t.insert(70, "x".into());
        t.remove(&3);
        *t.get_or_insert_with(4, String::new) = "four".into();
        let mut changes = Vec::new();
        t.drain_changes("t", &mut changes).unwrap();
        for c in changes {
            copy.apply(c.key, c.value).unwrap();
        }
        assert_eq!(serde_json::to_value(&copy).unwrap(), serde_json::to_value(&t).unwrap());
    }

    #[test]
    fn a_prefix_selects_exactly_its_range() {
        let t: Table<String, u32> =
            ["/s/a/1", "/s/a/2", "/s/ab/1", "/s/b/1", "/s/"].iter().map(|k| (k.to_string(), 0)).collect();
        let keys: Vec<&str> = t.with_prefix("/s/a/").map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, vec!["/s/a/1", "/s/a/2"]);
        assert_eq!(t.with_prefix("/t/").count(), 0);
    }

    #[test]
    fn serialises_as_the_plain_map_it_replaced() {
        let old: std::collections::BTreeMap<String, u32> = [("a".to_string(), 1), ("b".to_string(), 2)].into();
        let text = serde_json::to_string(&old).unwrap();
        let t: Table<String, u32> = serde_json::from_str(&text).unwrap();
        assert_eq!(serde_json::to_string(&t).unwrap(), text);
    }
}
