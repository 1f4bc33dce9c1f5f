// The tracking schema, as an append-only list of migrations; PRAGMA user_version counts those
// applied. Never edit a released migration: add one. docs/tracking.md documents every table.

export const MIGRATIONS: string[] = [
  `
  CREATE TABLE experiments (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL
  );

  CREATE TABLE runs (
    id TEXT PRIMARY KEY,
    experiment_id INTEGER NOT NULL REFERENCES experiments(id),
    spec_path TEXT NOT NULL,
    overrides TEXT NOT NULL,
    plugins TEXT NOT NULL,
    code_version TEXT NOT NULL,
    git_commit TEXT,
    git_dirty INTEGER,
    versions TEXT NOT NULL,
    host TEXT NOT NULL,
    pid INTEGER NOT NULL,
    jobs INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('running', 'done', 'failed', 'interrupted')),
    started_at TEXT NOT NULL,
    ended_at TEXT
  );
  CREATE INDEX runs_experiment ON runs (experiment_id, started_at);

  CREATE TABLE trials (
    run_id TEXT NOT NULL REFERENCES runs(id),
    trial INTEGER NOT NULL,
    label TEXT NOT NULL,
    assignments TEXT NOT NULL,
    spec TEXT NOT NULL,
    PRIMARY KEY (run_id, trial)
  );

  CREATE TABLE outputs (
    fingerprint TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    inputs TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'running', 'done', 'failed', 'interrupted')),
    step INTEGER,
    total_steps INTEGER NOT NULL,
    producer_stage_id INTEGER,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    finished_at TEXT
  );

  CREATE TABLE stages (
    id INTEGER PRIMARY KEY,
    run_id TEXT NOT NULL REFERENCES runs(id),
    trial INTEGER NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('run', 'resume', 'cached')),
    reason TEXT NOT NULL,
    cached_from TEXT,
    resumed_from_step INTEGER,
    depends_on TEXT NOT NULL,
    upstream TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'running', 'done', 'cached', 'failed', 'interrupted', 'skipped')),
    step INTEGER,
    total_steps INTEGER NOT NULL,
    progress TEXT,
    pid INTEGER,
    host TEXT,
    log_path TEXT,
    started_at TEXT,
    ended_at TEXT,
    error TEXT,
    UNIQUE (run_id, trial, name)
  );
  CREATE INDEX stages_fingerprint ON stages (fingerprint);

  CREATE TABLE metrics (
    fingerprint TEXT NOT NULL,
    key TEXT NOT NULL,
    step INTEGER NOT NULL,
    value REAL,
    wall_time REAL NOT NULL,
    PRIMARY KEY (fingerprint, key, step)
  ) WITHOUT ROWID;

  CREATE TABLE checkpoints (
    id INTEGER PRIMARY KEY,
    fingerprint TEXT NOT NULL,
    step INTEGER NOT NULL,
    path TEXT NOT NULL,
    files TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    bytes INTEGER NOT NULL,
    score REAL,
    score_mode TEXT CHECK (score_mode IN ('min', 'max')),
    created_at TEXT NOT NULL,
    deleted_at TEXT,
    UNIQUE (fingerprint, step)
  );

  CREATE TABLE checkpoint_tags (
    checkpoint_id INTEGER NOT NULL REFERENCES checkpoints(id),
    tag TEXT NOT NULL,
    PRIMARY KEY (checkpoint_id, tag)
  );

  CREATE TABLE artifacts (
    id INTEGER PRIMARY KEY,
    fingerprint TEXT NOT NULL,
    name TEXT NOT NULL,
    path TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    bytes INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (fingerprint, name)
  );

  CREATE TABLE edges (
    id INTEGER PRIMARY KEY,
    fingerprint TEXT NOT NULL,
    stage_id INTEGER REFERENCES stages(id),
    role TEXT NOT NULL,
    upstream_stage TEXT NOT NULL,
    upstream_fingerprint TEXT NOT NULL,
    step INTEGER,
    sha256 TEXT,
    path TEXT,
    created_at TEXT NOT NULL,
    UNIQUE (fingerprint, role)
  );
  CREATE INDEX edges_upstream ON edges (upstream_fingerprint, step);
  `,  `
  CREATE TABLE cluster_jobs (
    run_id TEXT NOT NULL REFERENCES runs(id),
    trial INTEGER NOT NULL,
    stage TEXT NOT NULL,
    executor TEXT NOT NULL,
    job_id TEXT NOT NULL,
    store TEXT NOT NULL,
    state TEXT,
    reason TEXT,
    submitted_at TEXT NOT NULL,
    ended_at TEXT,
    PRIMARY KEY (run_id, trial, stage)
  );
  CREATE INDEX cluster_jobs_open ON cluster_jobs (ended_at, run_id);
  `,
];
