//! The store against its files: reopening replays the log, a torn tail is dropped, compaction
//! (finished or cut short) loses nothing, a legacy `state.json` loads, and a failed write leaves
//! the files as they were.

use super::*;
use crate::network::resources::Subscription;
use std::collections::BTreeMap;
use std::fs;
use std::path::PathBuf;
use uuid::Uuid;

fn add(store: &Store, name: &str) -> Uuid {
    let id = Uuid::new_v4();
    store
        .write(|s| {
            s.subscriptions.insert(id, Subscription { id, tenant_id: Uuid::nil(), display_name: name.into() });
            Ok(())
        })
        .unwrap();
    id
}

fn names(store: &Store) -> Vec<String> {
    let mut n: Vec<String> = store.read().subscriptions.values().map(|s| s.display_name.clone()).collect();
    n.sort();
    n
}

fn numbered(range: std::ops::Range<usize>) -> Vec<String> {
    let mut n: Vec<String> = range.map(|i| format!("s{i:03}")).collect();
    n.sort();
    n
}

fn files(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).map(|p| (p.clone(), fs::read(&p).unwrap())).collect()
}

fn eager() -> Policy {
    Policy { min_log_bytes: 2_000, ratio: 0.0 }
}

#[test]
fn reopening_replays_the_logged_writes() {
    let dir = tempfile::tempdir().unwrap();
    let (store, existed) = Store::open(Some(dir.path())).unwrap();
    assert!(!existed);
    let gone = add(&store, "gone");
    for i in 0..20 {
        add(&store, &format!("s{i:03}"));
    }
    store.write(|s| Ok(s.subscriptions.remove(&gone))).unwrap();
    store
        .write(|s| {
            s.knobs.propagation_delay_seconds = 7;
            Ok(())
        })
        .unwrap();
    drop(store);

    let snapshot: State = serde_json::from_slice(&fs::read(dir.path().join("state.json")).unwrap()).unwrap();
    assert_eq!(snapshot.seq, 0, "no compaction ran: the writes are in the log only");
    let (store, existed) = Store::open(Some(dir.path())).unwrap();
    assert!(existed);
    assert_eq!(names(&store), numbered(0..20));
    assert_eq!((store.read().seq, store.read().knobs.propagation_delay_seconds), (23, 7));
    assert_eq!(load(dir.path()).unwrap().subscriptions.len(), 20, "the read-only load sees the same");
}

#[test]
fn a_fresh_directory_is_not_taken_for_an_existing_state() {
    let dir = tempfile::tempdir().unwrap();
    drop(Store::open(Some(dir.path())).unwrap());
    let (_, existed) = Store::open(Some(dir.path())).unwrap();
    assert!(!existed, "an emulator killed before its first write loads its world again");
}

#[test]
fn a_torn_last_record_is_ignored_and_writing_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = Store::open(Some(dir.path())).unwrap();
    for i in 0..5 {
        add(&store, &format!("s{i:03}"));
    }
    drop(store);
    let (_, seg) = log::segments(dir.path()).unwrap().pop().unwrap();
    let bytes = fs::read(&seg).unwrap();
    fs::write(&seg, &bytes[..bytes.len() - 7]).unwrap();

    let (store, _) = Store::open(Some(dir.path())).unwrap();
    assert_eq!(names(&store), numbered(0..4), "the write cut short was never acknowledged");
    add(&store, "s004");
    drop(store);
    let (store, _) = Store::open(Some(dir.path())).unwrap();
    assert_eq!(names(&store), numbered(0..5), "the torn bytes were dropped before appending");
}

#[test]
fn compaction_snapshots_and_drops_the_covered_log() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = Store::open_with(Some(dir.path()), eager()).unwrap();
    for i in 0..99 {
        add(&store, &format!("s{i:03}"));
    }
    // However slow the background compactions were, one more write past the threshold starts
    // another once they are done.
    store.settle();
    add(&store, "s099");
    store.settle();
    let snapshot: State = serde_json::from_slice(&fs::read(dir.path().join("state.json")).unwrap()).unwrap();
    assert!(snapshot.seq > 80, "compacted up to write {}", snapshot.seq);
    let segments = log::segments(dir.path()).unwrap();
    assert_eq!(segments.len(), 1, "only the segment after the snapshot is left: {segments:?}");
    assert_eq!(segments[0].0, snapshot.seq + 1);
    drop(store);
    let (store, _) = Store::open(Some(dir.path())).unwrap();
    assert_eq!(names(&store), numbered(0..100));
    assert_eq!(store.read().seq, 100);
}

#[test]
fn a_compaction_cut_short_at_any_step_loses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = Store::open(Some(dir.path())).unwrap();
    for i in 0..10 {
        add(&store, &format!("s{i:03}"));
    }
    let published = store.read();
    // The steps compaction takes, each followed by a crash: a half-written temporary snapshot;
    // the new snapshot renamed in but the old segment still there; then all done.
    fs::write(dir.path().join("state.json.tmp"), b"{\"seq\": 10, \"subscr").unwrap();
    log::Segment::create(dir.path(), published.seq + 1).unwrap();
    let crashes = |label: &str| {
        let (s, _) = Store::open(Some(dir.path())).unwrap();
        assert_eq!(names(&s), numbered(0..10), "{label}");
    };
    crashes("temporary snapshot written");
    snapshot::write(dir.path(), &published).unwrap();
    crashes("snapshot renamed, old segment kept");
    snapshot::compact(dir.path(), &published).unwrap();
    assert!(!log::segment_path(dir.path(), 1).exists(), "the covered segment is gone");
    crashes("compaction done");
    drop(store);
}

#[test]
fn a_legacy_state_file_loads() {
    let dir = tempfile::tempdir().unwrap();
    let mut legacy = serde_json::json!({
        "subscriptions": {},
        "knobs": {"propagationDelaySeconds": 3, "clockOffsetMs": 0, "throttling": crate::model::state::Throttling::default(),
                  "tokenLifetimeSeconds": 3599, "listPageSize": 100},
    });
    let id = Uuid::new_v4();
    legacy["subscriptions"][id.to_string()] =
        serde_json::to_value(Subscription { id, tenant_id: Uuid::nil(), display_name: "old".into() }).unwrap();
    fs::write(dir.path().join("state.json"), serde_json::to_vec(&legacy).unwrap()).unwrap();

    let (store, existed) = Store::open(Some(dir.path())).unwrap();
    assert!(existed);
    assert_eq!((names(&store), store.read().knobs.propagation_delay_seconds), (vec!["old".to_string()], 3));
    add(&store, "new");
    drop(store);
    let (store, _) = Store::open(Some(dir.path())).unwrap();
    assert_eq!(names(&store), vec!["new".to_string(), "old".to_string()]);
}

#[test]
fn a_failed_or_panicking_write_changes_nothing_on_disk_or_in_memory() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = Store::open(Some(dir.path())).unwrap();
    add(&store, "kept");
    let (disk, seen) = (files(dir.path()), store.read());
    let failed = store.write(|s| {
        s.subscriptions.retain(|_, _| false);
        s.knobs.clock_offset_ms = 5;
        Err::<(), _>(EmulatorError::Internal("no".into()))
    });
    assert!(failed.is_err());
    let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        store.write(|s| -> Result<()> {
            s.subscriptions.retain(|_, _| false);
            panic!("mid-write")
        })
    }));
    assert!(panicked.is_err());
    assert_eq!(files(dir.path()), disk);
    assert!(Arc::ptr_eq(&seen, &store.read()), "nothing was published");
    add(&store, "after");
    drop(store);
    let (store, _) = Store::open(Some(dir.path())).unwrap();
    assert_eq!(names(&store), vec!["after".to_string(), "kept".to_string()]);
}

#[cfg(unix)]
#[test]
fn the_files_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = Store::open_with(Some(dir.path()), eager()).unwrap();
    for i in 0..50 {
        add(&store, &format!("s{i:03}"));
    }
    store.settle();
    for (path, _) in files(dir.path()) {
        let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{}", path.display());
    }
}
