import Foundation

/// The PostgreSQL schema, as named migrations recorded in `schema_migrations`. Like the SQLite
/// store's (LoyaltyStore/Migrations.swift), a migration never changes once shipped.
///
/// The tables are the SQLite store's, column for column (so `loyalgate migrate` copies rows as
/// they are and `verify` means the same on both): integers are BIGINT, blobs BYTEA, times the
/// same ISO 8601 text. Ids are BIGSERIAL, so several cores on one database take distinct ids
/// without coordinating. The invariants are the schema's own here too: balances never below
/// zero (CHECK), one answer per (merchant, till, receipt) (UNIQUE), ledger entries, voucher
/// uses and audit entries that cannot be updated or deleted (triggers, and the core's role has
/// no UPDATE or DELETE on them: `PostgresLedger.grantCore`).
enum PostgresSchema {
    struct Migration {
        var id: String
        var sql: String

        /// One statement at a time: the extended query protocol runs one per query. Statements
        /// end with a semicolon at the end of a line (a function body keeps its own on one line).
        var statements: [String] {
            sql.components(separatedBy: ";\n").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
                .map { $0.hasSuffix(";") ? String($0.dropLast()) : $0 }
                .filter { !$0.isEmpty && !$0.split(separator: "\n").allSatisfy { $0.hasPrefix("--") } }
        }
    }

    /// The SQLite migrations this schema holds the tables of: `loyalgate migrate` copies a
    /// SQLite shop whose applied migrations are exactly these.
    static let sqliteMigrations = [
        "v1-ledger", "v2-card-batches", "v3-customers-and-card-life", "v4-till-txn-request-digest", "v5-prepaid",
        "v6-account-changes", "v7-stamps-vouchers", "v8-audit-log", "v9-mail-outbox",
        "v10-holder-links-and-program-end", "v11-statistics-segments", "v12-prize-draws",
        "v13-profiling-consent-index",
    ]

    /// SQLite migrations whose tables this schema does not hold yet, each with its tables and
    /// what they hold: a shop that has them is copied when those tables are empty (nothing is
    /// lost), and refused, naming what it holds, when they are not.
    static let sqliteOnlyMigrations: [String: [(table: String, what: String)]] = [:]
    static var sqliteOnlyTables: Set<String> { Set(sqliteOnlyMigrations.values.flatMap { $0.map(\.table) }) }
    /// Columns SQLite added to tables both stores hold, not copied.
    static let sqliteOnlyColumns: [String: Set<String>] = [:]

    static let migrations: [Migration] = [
        Migration(
            id: "pg1-ledger",
            sql: """
                CREATE TABLE merchant (
                    id BIGSERIAL PRIMARY KEY,
                    code TEXT NOT NULL UNIQUE,
                    name TEXT NOT NULL,
                    currency TEXT NOT NULL,
                    minor_digits BIGINT NOT NULL CHECK (minor_digits BETWEEN 0 AND 3),
                    time_zone TEXT NOT NULL,
                    card_prefix TEXT,
                    created_at TEXT NOT NULL
                );
                CREATE TABLE program_version (
                    id BIGSERIAL PRIMARY KEY,
                    merchant_id BIGINT NOT NULL REFERENCES merchant(id),
                    version BIGINT NOT NULL,
                    rules TEXT NOT NULL,
                    created_at TEXT NOT NULL,
                    UNIQUE (merchant_id, version)
                );
                CREATE TABLE meta (
                    key TEXT PRIMARY KEY,
                    value TEXT NOT NULL
                );
                CREATE TABLE customer (
                    id BIGSERIAL PRIMARY KEY,
                    merchant_id BIGINT NOT NULL REFERENCES merchant(id),
                    sealed BYTEA,
                    phone_hash BYTEA,
                    email_hash BYTEA,
                    consent_mail BIGINT NOT NULL DEFAULT 0 CHECK (consent_mail IN (0, 1)),
                    consent_profiling BIGINT NOT NULL DEFAULT 0 CHECK (consent_profiling IN (0, 1)),
                    created_at TEXT NOT NULL,
                    updated_at TEXT NOT NULL,
                    erased_at TEXT,
                    CHECK (erased_at IS NULL OR (sealed IS NULL AND phone_hash IS NULL AND email_hash IS NULL))
                );
                CREATE INDEX customer_phone ON customer(phone_hash) WHERE phone_hash IS NOT NULL;
                CREATE INDEX customer_email ON customer(email_hash) WHERE email_hash IS NOT NULL;
                CREATE TABLE account (
                    id BIGSERIAL PRIMARY KEY,
                    merchant_id BIGINT NOT NULL REFERENCES merchant(id),
                    points BIGINT NOT NULL DEFAULT 0 CHECK (points >= 0),
                    balance_minor BIGINT NOT NULL DEFAULT 0 CHECK (balance_minor >= 0),
                    member BIGINT NOT NULL DEFAULT 0 CHECK (member IN (0, 1)),
                    created_at TEXT NOT NULL,
                    customer_id BIGINT REFERENCES customer(id),
                    prepaid_minor BIGINT NOT NULL DEFAULT 0 CHECK (prepaid_minor >= 0),
                    stamps BIGINT NOT NULL DEFAULT 0 CHECK (stamps >= 0)
                );
                CREATE INDEX account_customer ON account(customer_id);
                CREATE TABLE card (
                    id BIGSERIAL PRIMARY KEY,
                    merchant_id BIGINT NOT NULL REFERENCES merchant(id),
                    number TEXT NOT NULL CHECK (length(number) = 13),
                    account_id BIGINT NOT NULL REFERENCES account(id),
                    status TEXT NOT NULL CHECK (status IN ('issued', 'active', 'blocked', 'replaced')),
                    created_at TEXT NOT NULL,
                    active_from TEXT,
                    status_reason TEXT,
                    replaced_by TEXT,
                    patient_ref BYTEA,
                    UNIQUE (merchant_id, number)
                );
                CREATE INDEX card_account ON card(account_id);
                CREATE TABLE till_txn (
                    id BIGSERIAL PRIMARY KEY,
                    merchant_id BIGINT NOT NULL REFERENCES merchant(id),
                    till TEXT NOT NULL,
                    receipt TEXT NOT NULL,
                    kind TEXT NOT NULL CHECK (kind IN ('earn', 'redeem', 'return')),
                    account_id BIGINT NOT NULL REFERENCES account(id),
                    card_number TEXT NOT NULL,
                    program_version_id BIGINT REFERENCES program_version(id),
                    original_txn_id BIGINT REFERENCES till_txn(id),
                    member BIGINT NOT NULL DEFAULT 0,
                    lines TEXT,
                    points BIGINT NOT NULL,
                    amount_minor BIGINT NOT NULL,
                    answer TEXT NOT NULL,
                    at TEXT NOT NULL,
                    request_digest BYTEA,
                    applied TEXT,
                    UNIQUE (merchant_id, till, receipt)
                );
                CREATE INDEX till_txn_original ON till_txn(original_txn_id);
                CREATE TABLE prepaid_txn (
                    id BIGSERIAL PRIMARY KEY,
                    merchant_id BIGINT NOT NULL REFERENCES merchant(id),
                    till TEXT NOT NULL,
                    receipt TEXT NOT NULL,
                    kind TEXT NOT NULL CHECK (kind IN ('load', 'pay', 'reverse')),
                    account_id BIGINT NOT NULL REFERENCES account(id),
                    card_number TEXT NOT NULL,
                    amount_minor BIGINT NOT NULL,
                    tender TEXT,
                    original_id BIGINT REFERENCES prepaid_txn(id),
                    answer TEXT NOT NULL,
                    request_digest BYTEA NOT NULL,
                    at TEXT NOT NULL,
                    CHECK ((kind = 'reverse') = (original_id IS NOT NULL))
                );
                CREATE UNIQUE INDEX prepaid_txn_receipt ON prepaid_txn(merchant_id, till, receipt) WHERE kind != 'reverse';
                CREATE UNIQUE INDEX prepaid_txn_reversal ON prepaid_txn(original_id) WHERE kind = 'reverse';
                CREATE TABLE stamp_txn (
                    id BIGSERIAL PRIMARY KEY,
                    merchant_id BIGINT NOT NULL REFERENCES merchant(id),
                    till TEXT NOT NULL,
                    receipt TEXT NOT NULL,
                    kind TEXT NOT NULL CHECK (kind IN ('earn', 'redeem', 'return')),
                    account_id BIGINT NOT NULL REFERENCES account(id),
                    card_number TEXT NOT NULL,
                    till_txn_id BIGINT REFERENCES till_txn(id),
                    stamps BIGINT NOT NULL,
                    answer TEXT,
                    request_digest BYTEA NOT NULL,
                    at TEXT NOT NULL,
                    CHECK ((kind = 'redeem') = (till_txn_id IS NULL))
                );
                CREATE UNIQUE INDEX stamp_txn_redeem ON stamp_txn(merchant_id, till, receipt) WHERE kind = 'redeem';
                CREATE UNIQUE INDEX stamp_txn_sale ON stamp_txn(till_txn_id) WHERE till_txn_id IS NOT NULL;
                CREATE TABLE ledger_entry (
                    id BIGSERIAL PRIMARY KEY,
                    merchant_id BIGINT NOT NULL REFERENCES merchant(id),
                    account_id BIGINT NOT NULL REFERENCES account(id),
                    card_number TEXT NOT NULL,
                    txn_id BIGINT REFERENCES till_txn(id),
                    till TEXT,
                    receipt TEXT,
                    kind TEXT NOT NULL,
                    points BIGINT NOT NULL,
                    amount_minor BIGINT NOT NULL,
                    shortfall_points BIGINT NOT NULL DEFAULT 0,
                    shortfall_minor BIGINT NOT NULL DEFAULT 0,
                    program_version_id BIGINT REFERENCES program_version(id),
                    at TEXT NOT NULL,
                    recorded_at TEXT NOT NULL,
                    prepaid_minor BIGINT NOT NULL DEFAULT 0,
                    prepaid_txn_id BIGINT REFERENCES prepaid_txn(id),
                    stamps BIGINT NOT NULL DEFAULT 0,
                    stamp_txn_id BIGINT REFERENCES stamp_txn(id)
                );
                CREATE INDEX ledger_entry_account ON ledger_entry(account_id, id);
                CREATE INDEX ledger_entry_txn ON ledger_entry(txn_id) WHERE txn_id IS NOT NULL;
                CREATE INDEX ledger_entry_prepaid_txn ON ledger_entry(prepaid_txn_id) WHERE prepaid_txn_id IS NOT NULL;
                CREATE INDEX ledger_entry_stamp_txn ON ledger_entry(stamp_txn_id) WHERE stamp_txn_id IS NOT NULL;
                CREATE INDEX ledger_entry_merchant_at ON ledger_entry(merchant_id, at);
                CREATE TABLE card_range (
                    merchant_id BIGINT PRIMARY KEY REFERENCES merchant(id),
                    next_serial BIGINT NOT NULL CHECK (next_serial >= 0)
                );
                CREATE TABLE card_batch (
                    id BIGSERIAL PRIMARY KEY,
                    merchant_id BIGINT NOT NULL REFERENCES merchant(id),
                    count BIGINT NOT NULL CHECK (count > 0),
                    design TEXT NOT NULL,
                    printer TEXT,
                    state TEXT NOT NULL CHECK (state IN ('allocated', 'printing', 'completed')),
                    created_at TEXT NOT NULL,
                    completed_at TEXT
                );
                CREATE TABLE card_batch_item (
                    batch_id BIGINT NOT NULL REFERENCES card_batch(id),
                    position BIGINT NOT NULL,
                    card_number TEXT NOT NULL,
                    printed_at TEXT,
                    print_job TEXT,
                    PRIMARY KEY (batch_id, position)
                );
                CREATE TABLE account_change (
                    id BIGSERIAL PRIMARY KEY,
                    merchant_id BIGINT NOT NULL REFERENCES merchant(id),
                    account_id BIGINT NOT NULL REFERENCES account(id),
                    card_number TEXT NOT NULL,
                    kind TEXT NOT NULL CHECK (kind IN ('membership', 'detach')),
                    member BIGINT CHECK (member IN (0, 1)),
                    previous_member BIGINT CHECK (previous_member IN (0, 1)),
                    from_at TEXT NOT NULL,
                    CHECK ((kind = 'membership') = (member IS NOT NULL AND previous_member IS NOT NULL))
                );
                CREATE INDEX account_change_account ON account_change(account_id, kind, from_at);
                CREATE TABLE voucher (
                    id BIGSERIAL PRIMARY KEY,
                    merchant_id BIGINT NOT NULL REFERENCES merchant(id),
                    code TEXT NOT NULL UNIQUE CHECK (length(code) = 13),
                    terms TEXT NOT NULL,
                    uses_allowed BIGINT NOT NULL CHECK (uses_allowed >= 1),
                    used BIGINT NOT NULL DEFAULT 0 CHECK (used >= 0 AND used <= uses_allowed),
                    account_id BIGINT REFERENCES account(id),
                    card_number TEXT,
                    till TEXT NOT NULL,
                    receipt TEXT NOT NULL,
                    answer TEXT NOT NULL,
                    request_digest BYTEA NOT NULL,
                    at TEXT NOT NULL,
                    UNIQUE (merchant_id, till, receipt)
                );
                CREATE INDEX voucher_account ON voucher(account_id) WHERE account_id IS NOT NULL;
                CREATE TABLE voucher_use (
                    id BIGSERIAL PRIMARY KEY,
                    merchant_id BIGINT NOT NULL REFERENCES merchant(id),
                    voucher_id BIGINT NOT NULL REFERENCES voucher(id),
                    till TEXT NOT NULL,
                    receipt TEXT NOT NULL,
                    amount_minor BIGINT NOT NULL CHECK (amount_minor >= 0),
                    answer TEXT NOT NULL,
                    request_digest BYTEA NOT NULL,
                    at TEXT NOT NULL,
                    UNIQUE (merchant_id, till, receipt, voucher_id)
                );
                CREATE INDEX voucher_use_voucher ON voucher_use(voucher_id);
                CREATE TABLE audit_log (
                    id BIGSERIAL PRIMARY KEY,
                    merchant_id BIGINT NOT NULL REFERENCES merchant(id),
                    "user" TEXT NOT NULL,
                    action TEXT NOT NULL,
                    subject TEXT NOT NULL,
                    detail TEXT,
                    at TEXT NOT NULL
                );
                CREATE INDEX audit_log_merchant ON audit_log(merchant_id, id);
                -- Append-only: refused for every role, the owner's too (a trigger, not only a grant).
                CREATE FUNCTION loyalgate_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION '% rows are append-only', TG_TABLE_NAME USING ERRCODE = 'restrict_violation'; END $$;
                CREATE TRIGGER ledger_entry_append_only BEFORE UPDATE OR DELETE ON ledger_entry
                    FOR EACH ROW EXECUTE FUNCTION loyalgate_append_only();
                CREATE TRIGGER ledger_entry_append_only_truncate BEFORE TRUNCATE ON ledger_entry
                    FOR EACH STATEMENT EXECUTE FUNCTION loyalgate_append_only();
                CREATE TRIGGER voucher_use_append_only BEFORE UPDATE OR DELETE ON voucher_use
                    FOR EACH ROW EXECUTE FUNCTION loyalgate_append_only();
                CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
                    FOR EACH ROW EXECUTE FUNCTION loyalgate_append_only();
                """),
        // The mail outbox (SQLite's v9-mail-outbox, docs/mail.md): `loyalgate migrate` carries a
        // shop's queued and sent mails over; `loyalgate mail run --database` sends them.
        Migration(
            id: "pg2-mail-outbox",
            sql: """
                CREATE TABLE mail_outbox (
                    id BIGSERIAL PRIMARY KEY,
                    merchant_id BIGINT NOT NULL REFERENCES merchant(id),
                    customer_id BIGINT NOT NULL REFERENCES customer(id),
                    kind TEXT NOT NULL,
                    idempotency_key TEXT NOT NULL,
                    sealed_message BYTEA,
                    message_id TEXT,
                    state TEXT NOT NULL CHECK (state IN ('queued', 'sending', 'sent', 'failed', 'cancelled')),
                    attempts BIGINT NOT NULL DEFAULT 0 CHECK (attempts >= 0),
                    next_attempt_at TEXT NOT NULL,
                    last_answer TEXT,
                    created_at TEXT NOT NULL,
                    settled_at TEXT,
                    UNIQUE (merchant_id, idempotency_key)
                );
                CREATE INDEX mail_outbox_due ON mail_outbox(merchant_id, state, next_attempt_at);
                CREATE INDEX mail_outbox_customer ON mail_outbox(customer_id);
                """),
        // Prize draws (SQLite's v12-prize-draws) with the same promises in the schema: a
        // committed seed never changes, a drawn draw never changes, a committed draw is never
        // deleted (one trigger, for every role). The program's end (SQLite's program_end of
        // v10): one announcement per merchant, never changed or withdrawn once made.
        Migration(
            id: "pg4-prize-draws-and-program-end",
            sql: """
                CREATE TABLE prize_draw (
                    id BIGSERIAL PRIMARY KEY,
                    merchant_id BIGINT NOT NULL REFERENCES merchant(id),
                    code TEXT NOT NULL,
                    name TEXT NOT NULL,
                    period_from TEXT NOT NULL,
                    period_until TEXT NOT NULL,
                    from_at TEXT NOT NULL,
                    until_at TEXT NOT NULL,
                    per_minor BIGINT NOT NULL CHECK (per_minor > 0),
                    winners BIGINT NOT NULL CHECK (winners BETWEEN 1 AND 1000),
                    seed_sealed BYTEA,
                    seed_hash TEXT,
                    committed_at TEXT,
                    seed TEXT,
                    drawn_at TEXT,
                    winning_cards TEXT,
                    report TEXT,
                    created_at TEXT NOT NULL,
                    UNIQUE (merchant_id, code),
                    CHECK ((seed_hash IS NULL) = (seed_sealed IS NULL)),
                    CHECK (drawn_at IS NULL OR seed_hash IS NOT NULL)
                );
                CREATE FUNCTION loyalgate_prize_draw_kept() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF TG_OP = 'DELETE' THEN IF OLD.seed_hash IS NOT NULL THEN RAISE EXCEPTION 'a committed prize draw cannot be deleted' USING ERRCODE = 'restrict_violation'; END IF; RETURN OLD; END IF; IF OLD.drawn_at IS NOT NULL THEN RAISE EXCEPTION 'a drawn prize draw cannot change' USING ERRCODE = 'restrict_violation'; END IF; IF OLD.seed_hash IS NOT NULL AND (NEW.seed_hash IS DISTINCT FROM OLD.seed_hash OR NEW.seed_sealed IS DISTINCT FROM OLD.seed_sealed) THEN RAISE EXCEPTION 'a committed seed cannot change' USING ERRCODE = 'restrict_violation'; END IF; RETURN NEW; END $$;
                CREATE TRIGGER prize_draw_kept BEFORE UPDATE OR DELETE ON prize_draw
                    FOR EACH ROW EXECUTE FUNCTION loyalgate_prize_draw_kept();
                CREATE TABLE program_end (
                    merchant_id BIGINT PRIMARY KEY REFERENCES merchant(id),
                    end_date TEXT NOT NULL,
                    announced_at TEXT NOT NULL,
                    announced_by TEXT NOT NULL
                );
                CREATE TRIGGER program_end_append_only BEFORE UPDATE OR DELETE ON program_end
                    FOR EACH ROW EXECUTE FUNCTION loyalgate_append_only();
                """),
        // Statistics and segments (SQLite's v11-statistics-segments, docs/statistics.md): the
        // coarse profile beside the sealed record, the rollups a report reads, saved segments
        // and their mailings. The rollups are kept up to date by whichever core asks for a
        // report first (`PostgresLedger.catchUpStatistics`); `ledger_entry_rollup` finds the
        // sales past the watermark without walking the ledger.
        Migration(
            id: "pg5-statistics-segments",
            sql: """
                CREATE TABLE customer_profile (
                    customer_id BIGINT PRIMARY KEY REFERENCES customer(id),
                    merchant_id BIGINT NOT NULL REFERENCES merchant(id),
                    gender TEXT NOT NULL,
                    birth_decade BIGINT,
                    area TEXT NOT NULL
                );
                CREATE INDEX customer_profile_merchant ON customer_profile(merchant_id, gender, birth_decade, area);
                CREATE TABLE stat_sales (
                    merchant_id BIGINT NOT NULL,
                    day TEXT NOT NULL,
                    dim TEXT NOT NULL,
                    value TEXT NOT NULL,
                    txns BIGINT NOT NULL DEFAULT 0,
                    returns BIGINT NOT NULL DEFAULT 0,
                    amount_minor BIGINT NOT NULL DEFAULT 0,
                    points BIGINT NOT NULL DEFAULT 0,
                    PRIMARY KEY (merchant_id, dim, day, value)
                );
                CREATE TABLE stat_buyer (
                    merchant_id BIGINT NOT NULL,
                    period TEXT NOT NULL,
                    dim TEXT NOT NULL,
                    value TEXT NOT NULL,
                    account_id BIGINT NOT NULL,
                    PRIMARY KEY (merchant_id, period, dim, value, account_id)
                );
                CREATE TABLE stat_period (
                    merchant_id BIGINT NOT NULL,
                    period TEXT NOT NULL,
                    dim TEXT NOT NULL,
                    value TEXT NOT NULL,
                    buyers BIGINT NOT NULL DEFAULT 0,
                    PRIMARY KEY (merchant_id, period, dim, value)
                );
                CREATE TABLE account_stats (
                    account_id BIGINT PRIMARY KEY REFERENCES account(id),
                    merchant_id BIGINT NOT NULL,
                    first_day TEXT NOT NULL,
                    last_day TEXT NOT NULL,
                    txns BIGINT NOT NULL DEFAULT 0,
                    amount_minor BIGINT NOT NULL DEFAULT 0
                );
                CREATE INDEX account_stats_amount ON account_stats(merchant_id, amount_minor);
                CREATE INDEX account_stats_last ON account_stats(merchant_id, last_day);
                CREATE TABLE segment_brand (
                    merchant_id BIGINT NOT NULL,
                    brand TEXT NOT NULL,
                    account_id BIGINT NOT NULL,
                    last_day TEXT NOT NULL,
                    PRIMARY KEY (merchant_id, brand, account_id)
                );
                CREATE TABLE segment (
                    id BIGSERIAL PRIMARY KEY,
                    merchant_id BIGINT NOT NULL REFERENCES merchant(id),
                    name TEXT NOT NULL,
                    filter TEXT NOT NULL,
                    created_by TEXT NOT NULL,
                    created_at TEXT NOT NULL,
                    UNIQUE (merchant_id, name)
                );
                CREATE TABLE mailing (
                    id BIGSERIAL PRIMARY KEY,
                    merchant_id BIGINT NOT NULL REFERENCES merchant(id),
                    segment_id BIGINT NOT NULL REFERENCES segment(id),
                    subject TEXT NOT NULL,
                    body TEXT NOT NULL,
                    recipients BIGINT NOT NULL,
                    created_by TEXT NOT NULL,
                    created_at TEXT NOT NULL,
                    request_key TEXT,
                    UNIQUE (merchant_id, request_key)
                );
                ALTER TABLE mail_outbox ADD COLUMN mailing_id BIGINT REFERENCES mailing(id);
                CREATE INDEX ledger_entry_rollup ON ledger_entry(id) WHERE kind IN ('earn', 'return');
                CREATE INDEX customer_profiling ON customer(merchant_id) WHERE consent_profiling = 1 AND erased_at IS NULL;
                """),
        // The cardholder's one-time links (SQLite's holder_link of v10, docs/cardholder.md) and
        // the outbox's columns for their mails: only keyed hashes of a link and of its session
        // are kept (the link itself is sealed in its mail until the message is made). A link is
        // used once: a used link's use and session never change, for every role (a trigger); a
        // core opens it with a row lock, so two cores opening one link at once give one session.
        Migration(
            id: "pg6-holder-links-and-mail",
            sql: """
                CREATE TABLE holder_link (
                    id BIGSERIAL PRIMARY KEY,
                    merchant_id BIGINT NOT NULL REFERENCES merchant(id),
                    customer_id BIGINT NOT NULL REFERENCES customer(id),
                    link_hash BYTEA NOT NULL UNIQUE,
                    created_at TEXT NOT NULL,
                    expires_at TEXT NOT NULL,
                    used_at TEXT,
                    session_hash BYTEA UNIQUE,
                    session_expires_at TEXT,
                    CHECK ((used_at IS NULL) = (session_hash IS NULL))
                );
                CREATE INDEX holder_link_customer ON holder_link(customer_id, created_at);
                CREATE FUNCTION loyalgate_holder_link_once() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW.link_hash IS DISTINCT FROM OLD.link_hash OR NEW.customer_id IS DISTINCT FROM OLD.customer_id OR NEW.expires_at IS DISTINCT FROM OLD.expires_at OR (OLD.used_at IS NOT NULL AND (NEW.used_at IS DISTINCT FROM OLD.used_at OR NEW.session_hash IS DISTINCT FROM OLD.session_hash OR NEW.session_expires_at IS DISTINCT FROM OLD.session_expires_at)) THEN RAISE EXCEPTION 'a cardholder link is used once' USING ERRCODE = 'restrict_violation'; END IF; RETURN NEW; END $$;
                CREATE TRIGGER holder_link_once BEFORE UPDATE ON holder_link
                    FOR EACH ROW EXECUTE FUNCTION loyalgate_holder_link_once();
                ALTER TABLE mail_outbox ADD COLUMN language TEXT;
                ALTER TABLE mail_outbox ADD COLUMN sealed_secret BYTEA;
                """),
    ]

    /// Tables in an order where every row's references are copied before it (`loyalgate migrate`).
    static let tablesInOrder = [
        "meta", "merchant", "program_version", "customer", "account", "card", "till_txn", "prepaid_txn", "stamp_txn",
        "ledger_entry", "card_range", "card_batch", "card_batch_item", "account_change", "voucher", "voucher_use",
        "audit_log", "customer_profile", "stat_sales", "stat_buyer", "stat_period", "account_stats", "segment_brand",
        "segment", "mailing", "mail_outbox", "prize_draw", "program_end", "holder_link",
    ]

    /// The tables the core may not UPDATE or DELETE in (besides their triggers).
    static let appendOnlyTables = ["ledger_entry", "voucher_use", "audit_log", "program_end"]
}
