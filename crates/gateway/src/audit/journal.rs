//! The audit journal: the one durable step on a call's path. Each gateway process appends its
//! events, one JSON line each, to its own file beside the database and answers the call once
//! the line is written (it then survives `kill -9`: the bytes are in the kernel). The writer
//! task chains the events into the database afterwards, in batches, and records in the same
//! transaction how far the journal is chained (`audit_journals`), so a crash loses nothing and
//! duplicates nothing: the next start (or any live process's periodic sweep) chains the lines
//! past that mark from every journal whose owner is gone.
//!
//! A process holds an exclusive lock on its journal for its lifetime, which is how the others
//! tell a live journal from an orphan. Lines are `{"seq":N,"event":{…}}`; `seq` counts from 1
//! per journal and never restarts, so the mark stays meaningful after the file is emptied.

use std::fs::{File, OpenOptions};
use std::io::{self, BufRead, Write};
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::event::AuditEvent;

/// Journal files end with this; anything else in the directory is left alone.
const EXTENSION: &str = "jsonl";

/// The directory holding the journals of the database at `db`: `<db file>.audit-journal`.
pub fn dir_for(db: &Path) -> PathBuf {
    let mut name = db.file_name().unwrap_or_default().to_os_string();
    name.push(".audit-journal");
    db.with_file_name(name)
}

/// This process's journal, locked for as long as it is open.
pub(super) struct Journal {
    instance: String,
    file: File,
    len: u64,
    /// Set when a failed append could not be undone: later lines would follow a torn one.
    broken: Option<String>,
}

impl Journal {
    /// Creates a journal with a fresh instance name in `dir` (created with mode 0700).
    pub fn create(dir: &Path) -> io::Result<Journal> {
        create_private_dir(dir)?;
        let mut bytes = [0u8; 12];
        rand::fill(&mut bytes);
        let instance: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        let path = dir.join(format!("{instance}.{EXTENSION}"));
        let mut options = OpenOptions::new();
        options.create_new(true).append(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let file = options.open(&path)?;
        file.try_lock().map_err(io::Error::other)?;
        Ok(Journal {
            instance,
            file,
            len: 0,
            broken: None,
        })
    }

    pub fn instance(&self) -> &str {
        &self.instance
    }

    pub fn len(&self) -> u64 {
        self.len
    }

    /// Appends line `seq` holding `event_json` (one `write` call). A failed append is cut
    /// off again, so the file never holds a torn line followed by whole ones.
    pub fn append(&mut self, seq: u64, event_json: &[u8]) -> Result<(), String> {
        if let Some(why) = &self.broken {
            return Err(why.clone());
        }
        let mut line = Vec::with_capacity(event_json.len() + 32);
        line.extend_from_slice(b"{\"seq\":");
        line.extend_from_slice(seq.to_string().as_bytes());
        line.extend_from_slice(b",\"event\":");
        line.extend_from_slice(event_json);
        line.extend_from_slice(b"}\n");
        match self.file.write_all(&line) {
            Ok(()) => {
                self.len += line.len() as u64;
                Ok(())
            }
            Err(e) => {
                let why = format!("cannot append to the audit journal: {e}");
                if let Err(undo) = self.file.set_len(self.len) {
                    self.broken = Some(format!(
                        "{why}; cutting the torn line off failed too ({undo}), so the journal \
                         takes no more events until the gateway restarts"
                    ));
                }
                Err(why)
            }
        }
    }

    /// Empties the file once every line in it is chained (the caller knows).
    pub fn clear(&mut self) -> io::Result<()> {
        self.file.set_len(0)?;
        self.len = 0;
        Ok(())
    }
}

fn create_private_dir(dir: &Path) -> io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

#[derive(Deserialize)]
struct Line {
    seq: u64,
    event: AuditEvent,
}

/// The journal of a process that is gone, locked by us while we chain what it holds.
pub(super) struct Orphan {
    pub instance: String,
    path: PathBuf,
    _lock: File,
    /// Its whole lines, in order.
    pub events: Vec<(u64, AuditEvent)>,
    /// Lines that did not parse (a torn last line is normal after a crash; more is damage).
    pub unreadable: usize,
}

impl Orphan {
    /// Deletes the file once everything in it is chained.
    pub fn remove(self) -> io::Result<()> {
        std::fs::remove_file(&self.path)
    }
}

/// Every journal in `dir` whose owner is gone (its lock is free), read in full. A missing
/// directory holds none.
pub(super) fn orphans(dir: &Path) -> io::Result<Vec<Orphan>> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    let mut found = Vec::new();
    for entry in entries {
        let path = entry?.path();
        if path.extension().and_then(|e| e.to_str()) != Some(EXTENSION) {
            continue;
        }
        let Some(instance) = path.file_stem().and_then(|s| s.to_str()).map(str::to_owned) else {
            continue;
        };
        let file = OpenOptions::new().read(true).write(true).open(&path)?;
        if file.try_lock().is_err() {
            continue; // a live process's journal
        }
        let (events, unreadable) = read_lines(&file)?;
        found.push(Orphan {
            instance,
            path,
            _lock: file,
            events,
            unreadable,
        });
    }
    Ok(found)
}

fn read_lines(file: &File) -> io::Result<(Vec<(u64, AuditEvent)>, usize)> {
    let mut events = Vec::new();
    let mut unreadable = 0;
    let mut reader = io::BufReader::new(file);
    let mut buf = Vec::new();
    loop {
        buf.clear();
        if reader.read_until(b'\n', &mut buf)? == 0 {
            break;
        }
        match serde_json::from_slice::<Line>(&buf) {
            // A line without its newline was cut by the crash: its call was never answered.
            Ok(line) if buf.ends_with(b"\n") => events.push((line.seq, line.event)),
            _ => unreadable += 1,
        }
    }
    Ok((events, unreadable))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(agent: &str) -> AuditEvent {
        AuditEvent {
            agent: agent.to_owned(),
            kind: "tools/call".to_owned(),
            ..AuditEvent::default()
        }
    }

    #[test]
    fn a_live_journal_is_not_an_orphan_and_a_closed_one_is_read_back_whole() {
        let dir = tempfile::tempdir().unwrap();
        let mut live = Journal::create(dir.path()).unwrap();
        for (seq, agent) in [(1, "a"), (2, "b")] {
            let json = serde_json::to_vec(&event(agent)).unwrap();
            live.append(seq, &json).unwrap();
        }
        assert!(
            orphans(dir.path()).unwrap().is_empty(),
            "locked by its owner"
        );

        let instance = live.instance().to_owned();
        drop(live);
        // A crash in the middle of a line leaves it without its newline.
        let path = dir.path().join(format!("{instance}.jsonl"));
        let mut file = OpenOptions::new().append(true).open(&path).unwrap();
        file.write_all(b"{\"seq\":3,\"event\":{\"id\"").unwrap();

        let found = orphans(dir.path()).unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].instance, instance);
        let agents: Vec<_> = found[0]
            .events
            .iter()
            .map(|(seq, e)| (*seq, e.agent.as_str()))
            .collect();
        assert_eq!(agents, [(1, "a"), (2, "b")]);
        assert_eq!(found[0].unreadable, 1);
        for orphan in found {
            orphan.remove().unwrap();
        }
        assert!(!path.exists());
    }

    #[test]
    fn the_journal_directory_sits_beside_the_database() {
        assert_eq!(
            dir_for(Path::new("/var/lib/cgw/gateway.db")),
            Path::new("/var/lib/cgw/gateway.db.audit-journal")
        );
    }
}
