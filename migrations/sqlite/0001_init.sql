-- Local users; passwords as argon2id PHC strings.
CREATE TABLE users (
    name TEXT PRIMARY KEY,
    role TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- tower-sessions records; user_name lets `user remove` end a user's sessions.
CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    user_name TEXT,
    data TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_expires_at ON sessions (expires_at);
CREATE INDEX sessions_user_name ON sessions (user_name);

-- Every attempted action, written before AWS is called and finished after.
CREATE TABLE audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at_ms BIGINT NOT NULL,
    finished_ms BIGINT,
    user_name TEXT NOT NULL,
    role TEXT NOT NULL,
    client_addr TEXT NOT NULL,
    env TEXT NOT NULL,
    cluster TEXT NOT NULL,
    target TEXT NOT NULL,
    action TEXT NOT NULL,
    params TEXT NOT NULL,
    before_state TEXT,
    after_state TEXT,
    status TEXT NOT NULL,
    error_code TEXT,
    error_message TEXT,
    request_id TEXT,
    action_id TEXT UNIQUE
);
CREATE INDEX audit_cluster_target ON audit (env, cluster, target);
CREATE INDEX audit_user_name ON audit (user_name)
