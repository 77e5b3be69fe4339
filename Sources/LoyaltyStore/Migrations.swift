import GRDB

/// The schema, as named migrations in SQL. A migration is never changed once it has shipped:
/// a new need is a new migration appended at the end.
///
/// The schema holds the invariants itself: balances never below zero, one answer per
/// (merchant, till, receipt), ledger entries that cannot be updated or deleted.
enum Migrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-ledger") { db in
            try db.execute(
                sql: """
                    CREATE TABLE merchant (
                        id INTEGER PRIMARY KEY,
                        code TEXT NOT NULL UNIQUE,
                        name TEXT NOT NULL,
                        currency TEXT NOT NULL,
                        minor_digits INTEGER NOT NULL CHECK (minor_digits BETWEEN 0 AND 3),
                        time_zone TEXT NOT NULL,
                        card_prefix TEXT,
                        created_at TEXT NOT NULL
                    );
                    CREATE TABLE program_version (
                        id INTEGER PRIMARY KEY,
                        merchant_id INTEGER NOT NULL REFERENCES merchant(id),
                        version INTEGER NOT NULL,
                        rules TEXT NOT NULL,
                        created_at TEXT NOT NULL,
                        UNIQUE (merchant_id, version)
                    );
                    CREATE TABLE account (
                        id INTEGER PRIMARY KEY,
                        merchant_id INTEGER NOT NULL REFERENCES merchant(id),
                        points INTEGER NOT NULL DEFAULT 0 CHECK (points >= 0),
                        balance_minor INTEGER NOT NULL DEFAULT 0 CHECK (balance_minor >= 0),
                        member INTEGER NOT NULL DEFAULT 0 CHECK (member IN (0, 1)),
                        created_at TEXT NOT NULL
                    );
                    CREATE TABLE card (
                        id INTEGER PRIMARY KEY,
                        merchant_id INTEGER NOT NULL REFERENCES merchant(id),
                        number TEXT NOT NULL CHECK (length(number) = 13),
                        account_id INTEGER NOT NULL REFERENCES account(id),
                        status TEXT NOT NULL CHECK (status IN ('issued', 'active', 'blocked', 'replaced')),
                        created_at TEXT NOT NULL,
                        UNIQUE (merchant_id, number)
                    );
                    CREATE INDEX card_account ON card(account_id);
                    CREATE TABLE till_txn (
                        id INTEGER PRIMARY KEY,
                        merchant_id INTEGER NOT NULL REFERENCES merchant(id),
                        till TEXT NOT NULL,
                        receipt TEXT NOT NULL,
                        kind TEXT NOT NULL CHECK (kind IN ('earn', 'redeem', 'return')),
                        account_id INTEGER NOT NULL REFERENCES account(id),
                        card_number TEXT NOT NULL,
                        program_version_id INTEGER REFERENCES program_version(id),
                        original_txn_id INTEGER REFERENCES till_txn(id),
                        member INTEGER NOT NULL DEFAULT 0,
                        lines TEXT,
                        points INTEGER NOT NULL,
                        amount_minor INTEGER NOT NULL,
                        answer TEXT NOT NULL,
                        at TEXT NOT NULL,
                        UNIQUE (merchant_id, till, receipt)
                    );
                    CREATE INDEX till_txn_original ON till_txn(original_txn_id);
                    CREATE TABLE ledger_entry (
                        id INTEGER PRIMARY KEY,
                        merchant_id INTEGER NOT NULL REFERENCES merchant(id),
                        account_id INTEGER NOT NULL REFERENCES account(id),
                        card_number TEXT NOT NULL,
                        txn_id INTEGER REFERENCES till_txn(id),
                        till TEXT,
                        receipt TEXT,
                        kind TEXT NOT NULL,
                        points INTEGER NOT NULL,
                        amount_minor INTEGER NOT NULL,
                        shortfall_points INTEGER NOT NULL DEFAULT 0,
                        shortfall_minor INTEGER NOT NULL DEFAULT 0,
                        program_version_id INTEGER REFERENCES program_version(id),
                        at TEXT NOT NULL,
                        recorded_at TEXT NOT NULL
                    );
                    CREATE INDEX ledger_entry_account ON ledger_entry(account_id, id);
                    CREATE TRIGGER ledger_entry_append_only_update BEFORE UPDATE ON ledger_entry
                        BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only'); END;
                    CREATE TRIGGER ledger_entry_append_only_delete BEFORE DELETE ON ledger_entry
                        BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only'); END;
                    """)
        }
        migrator.registerMigration("v2-card-batches") { db in
            try db.execute(
                sql: """
                    CREATE TABLE card_range (
                        merchant_id INTEGER PRIMARY KEY REFERENCES merchant(id),
                        next_serial INTEGER NOT NULL CHECK (next_serial >= 0)
                    );
                    CREATE TABLE card_batch (
                        id INTEGER PRIMARY KEY,
                        merchant_id INTEGER NOT NULL REFERENCES merchant(id),
                        count INTEGER NOT NULL CHECK (count > 0),
                        design TEXT NOT NULL,
                        printer TEXT,
                        state TEXT NOT NULL CHECK (state IN ('allocated', 'printing', 'completed')),
                        created_at TEXT NOT NULL,
                        completed_at TEXT
                    );
                    CREATE TABLE card_batch_item (
                        batch_id INTEGER NOT NULL REFERENCES card_batch(id),
                        position INTEGER NOT NULL,
                        card_number TEXT NOT NULL,
                        printed_at TEXT,
                        print_job TEXT,
                        PRIMARY KEY (batch_id, position)
                    );
                    """)
        }
        migrator.registerMigration("v3-customers-and-card-life") { db in
            // Personal data lives only in `customer.sealed` (AES-GCM) and as keyed hashes for
            // look-up; the patient reference of a pharmacy is sealed too.
            try db.execute(
                sql: """
                    CREATE TABLE meta (
                        key TEXT PRIMARY KEY,
                        value TEXT NOT NULL
                    );
                    CREATE TABLE customer (
                        id INTEGER PRIMARY KEY,
                        merchant_id INTEGER NOT NULL REFERENCES merchant(id),
                        sealed BLOB,
                        phone_hash BLOB,
                        email_hash BLOB,
                        consent_mail INTEGER NOT NULL DEFAULT 0 CHECK (consent_mail IN (0, 1)),
                        consent_profiling INTEGER NOT NULL DEFAULT 0 CHECK (consent_profiling IN (0, 1)),
                        created_at TEXT NOT NULL,
                        updated_at TEXT NOT NULL,
                        erased_at TEXT,
                        CHECK (erased_at IS NULL OR (sealed IS NULL AND phone_hash IS NULL AND email_hash IS NULL))
                    );
                    CREATE INDEX customer_phone ON customer(phone_hash) WHERE phone_hash IS NOT NULL;
                    CREATE INDEX customer_email ON customer(email_hash) WHERE email_hash IS NOT NULL;
                    ALTER TABLE account ADD COLUMN customer_id INTEGER REFERENCES customer(id);
                    CREATE INDEX account_customer ON account(customer_id);
                    ALTER TABLE card ADD COLUMN active_from TEXT;
                    ALTER TABLE card ADD COLUMN status_reason TEXT;
                    ALTER TABLE card ADD COLUMN replaced_by TEXT;
                    ALTER TABLE card ADD COLUMN patient_ref BLOB;
                    """)
        }
        migrator.registerMigration("v4-till-txn-request-digest") { db in
            // SHA-256 of the canonical request (LedgerDatabase.CanonicalRequest): a repeat of a
            // (till, receipt) replays the first answer only when it is the same request. Rows
            // written before this migration have none and replay as they always did.
            try db.execute(sql: "ALTER TABLE till_txn ADD COLUMN request_digest BLOB")
        }
        migrator.registerMigration("v5-prepaid") { db in
            // Prepaid (stored value) money has a balance of its own, never added to points or
            // discount, and its own transactions: a payment is part of a sale whose receipt also
            // earns, so prepaid (till, receipt) pairs are a space of their own. A reversal is
            // found by the load or payment it undoes, and undoes it once.
            try db.execute(
                sql: """
                    ALTER TABLE account ADD COLUMN prepaid_minor INTEGER NOT NULL DEFAULT 0 CHECK (prepaid_minor >= 0);
                    CREATE TABLE prepaid_txn (
                        id INTEGER PRIMARY KEY,
                        merchant_id INTEGER NOT NULL REFERENCES merchant(id),
                        till TEXT NOT NULL,
                        receipt TEXT NOT NULL,
                        kind TEXT NOT NULL CHECK (kind IN ('load', 'pay', 'reverse')),
                        account_id INTEGER NOT NULL REFERENCES account(id),
                        card_number TEXT NOT NULL,
                        amount_minor INTEGER NOT NULL,
                        tender TEXT,
                        original_id INTEGER REFERENCES prepaid_txn(id),
                        answer TEXT NOT NULL,
                        request_digest BLOB NOT NULL,
                        at TEXT NOT NULL,
                        CHECK ((kind = 'reverse') = (original_id IS NOT NULL))
                    );
                    CREATE UNIQUE INDEX prepaid_txn_receipt ON prepaid_txn(merchant_id, till, receipt) WHERE kind != 'reverse';
                    CREATE UNIQUE INDEX prepaid_txn_reversal ON prepaid_txn(original_id) WHERE kind = 'reverse';
                    ALTER TABLE ledger_entry ADD COLUMN prepaid_minor INTEGER NOT NULL DEFAULT 0;
                    ALTER TABLE ledger_entry ADD COLUMN prepaid_txn_id INTEGER REFERENCES prepaid_txn(id);
                    CREATE INDEX ledger_entry_prepaid_txn ON ledger_entry(prepaid_txn_id) WHERE prepaid_txn_id IS NOT NULL;
                    """)
        }
        migrator.registerMigration("v6-account-changes") { db in
            // Changes to an account that are not money: membership granted or withdrawn (from
            // `from_at` on; an earn is judged by the membership at its sale time, so a till's
            // late-sent sale keeps the rules it was made under) and a person detached from the
            // card (loss, theft, a changed household). The customer record itself stays.
            try db.execute(
                sql: """
                    CREATE TABLE account_change (
                        id INTEGER PRIMARY KEY,
                        merchant_id INTEGER NOT NULL REFERENCES merchant(id),
                        account_id INTEGER NOT NULL REFERENCES account(id),
                        card_number TEXT NOT NULL,
                        kind TEXT NOT NULL CHECK (kind IN ('membership', 'detach')),
                        member INTEGER CHECK (member IN (0, 1)),
                        previous_member INTEGER CHECK (previous_member IN (0, 1)),
                        from_at TEXT NOT NULL,
                        CHECK ((kind = 'membership') = (member IS NOT NULL AND previous_member IS NOT NULL))
                    );
                    CREATE INDEX account_change_account ON account_change(account_id, kind, from_at);
                    """)
        }
        migrator.registerMigration("v7-stamps-vouchers") { db in
            // Stamps are a balance of their own with their own entry kinds, like prepaid; a sale's
            // stamps are a stamp transaction beside the sale's (one entry each), a redeem one of
            // its own. Vouchers count their uses in the row the guarded update checks
            // (`used < uses_allowed`, also a CHECK), each use an append-only row. `applied`: the
            // cardholder discounts an earn applied (txn.quote's lines).
            try db.execute(
                sql: """
                    ALTER TABLE account ADD COLUMN stamps INTEGER NOT NULL DEFAULT 0 CHECK (stamps >= 0);
                    ALTER TABLE till_txn ADD COLUMN applied TEXT;
                    CREATE TABLE stamp_txn (
                        id INTEGER PRIMARY KEY,
                        merchant_id INTEGER NOT NULL REFERENCES merchant(id),
                        till TEXT NOT NULL,
                        receipt TEXT NOT NULL,
                        kind TEXT NOT NULL CHECK (kind IN ('earn', 'redeem', 'return')),
                        account_id INTEGER NOT NULL REFERENCES account(id),
                        card_number TEXT NOT NULL,
                        till_txn_id INTEGER REFERENCES till_txn(id),
                        stamps INTEGER NOT NULL,
                        answer TEXT,
                        request_digest BLOB NOT NULL,
                        at TEXT NOT NULL,
                        CHECK ((kind = 'redeem') = (till_txn_id IS NULL))
                    );
                    CREATE UNIQUE INDEX stamp_txn_redeem ON stamp_txn(merchant_id, till, receipt) WHERE kind = 'redeem';
                    CREATE UNIQUE INDEX stamp_txn_sale ON stamp_txn(till_txn_id) WHERE till_txn_id IS NOT NULL;
                    ALTER TABLE ledger_entry ADD COLUMN stamps INTEGER NOT NULL DEFAULT 0;
                    ALTER TABLE ledger_entry ADD COLUMN stamp_txn_id INTEGER REFERENCES stamp_txn(id);
                    CREATE INDEX ledger_entry_stamp_txn ON ledger_entry(stamp_txn_id) WHERE stamp_txn_id IS NOT NULL;
                    CREATE TABLE voucher (
                        id INTEGER PRIMARY KEY,
                        merchant_id INTEGER NOT NULL REFERENCES merchant(id),
                        code TEXT NOT NULL UNIQUE CHECK (length(code) = 13),
                        terms TEXT NOT NULL,
                        uses_allowed INTEGER NOT NULL CHECK (uses_allowed >= 1),
                        used INTEGER NOT NULL DEFAULT 0 CHECK (used >= 0 AND used <= uses_allowed),
                        account_id INTEGER REFERENCES account(id),
                        card_number TEXT,
                        till TEXT NOT NULL,
                        receipt TEXT NOT NULL,
                        answer TEXT NOT NULL,
                        request_digest BLOB NOT NULL,
                        at TEXT NOT NULL,
                        UNIQUE (merchant_id, till, receipt)
                    );
                    CREATE INDEX voucher_account ON voucher(account_id) WHERE account_id IS NOT NULL;
                    CREATE TABLE voucher_use (
                        id INTEGER PRIMARY KEY,
                        merchant_id INTEGER NOT NULL REFERENCES merchant(id),
                        voucher_id INTEGER NOT NULL REFERENCES voucher(id),
                        till TEXT NOT NULL,
                        receipt TEXT NOT NULL,
                        amount_minor INTEGER NOT NULL CHECK (amount_minor >= 0),
                        answer TEXT NOT NULL,
                        request_digest BLOB NOT NULL,
                        at TEXT NOT NULL,
                        UNIQUE (merchant_id, till, receipt, voucher_id)
                    );
                    CREATE INDEX voucher_use_voucher ON voucher_use(voucher_id);
                    CREATE TRIGGER voucher_use_append_only_update BEFORE UPDATE ON voucher_use
                        BEGIN SELECT RAISE(ABORT, 'voucher uses are append-only'); END;
                    CREATE TRIGGER voucher_use_append_only_delete BEFORE DELETE ON voucher_use
                        BEGIN SELECT RAISE(ABORT, 'voucher uses are append-only'); END;
                    """)
        }
        migrator.registerMigration("v8-audit-log") { db in
            // Who did what in the back office (block, replace, erase, export): append-only like
            // the ledger, and kept by the core so a web server that is replaced or compromised
            // cannot rewrite it. The index serves the dashboard's day and month sums.
            try db.execute(
                sql: """
                    CREATE TABLE audit_log (
                        id INTEGER PRIMARY KEY,
                        merchant_id INTEGER NOT NULL REFERENCES merchant(id),
                        user TEXT NOT NULL,
                        action TEXT NOT NULL,
                        subject TEXT NOT NULL,
                        detail TEXT,
                        at TEXT NOT NULL
                    );
                    CREATE INDEX audit_log_merchant ON audit_log(merchant_id, id);
                    CREATE TRIGGER audit_log_append_only_update BEFORE UPDATE ON audit_log
                        BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END;
                    CREATE TRIGGER audit_log_append_only_delete BEFORE DELETE ON audit_log
                        BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END;
                    CREATE INDEX ledger_entry_merchant_at ON ledger_entry(merchant_id, at);
                    """)
        }
        migrator.registerMigration("v9-mail-outbox") { db in
            // Every mail to a customer is a row here before it is sent (docs/mail.md). The
            // rendered message holds the address, so it is sealed like the customer's record;
            // (merchant, idempotency_key) makes a second welcome or birthday mail impossible.
            // `sending` is the in-flight mark taken before the SMTP transaction.
            try db.execute(
                sql: """
                    CREATE TABLE mail_outbox (
                        id INTEGER PRIMARY KEY,
                        merchant_id INTEGER NOT NULL REFERENCES merchant(id),
                        customer_id INTEGER NOT NULL REFERENCES customer(id),
                        kind TEXT NOT NULL,
                        idempotency_key TEXT NOT NULL,
                        sealed_message BLOB,
                        message_id TEXT,
                        state TEXT NOT NULL CHECK (state IN ('queued', 'sending', 'sent', 'failed', 'cancelled')),
                        attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
                        next_attempt_at TEXT NOT NULL,
                        last_answer TEXT,
                        created_at TEXT NOT NULL,
                        settled_at TEXT,
                        UNIQUE (merchant_id, idempotency_key)
                    );
                    CREATE INDEX mail_outbox_due ON mail_outbox(merchant_id, state, next_attempt_at);
                    CREATE INDEX mail_outbox_customer ON mail_outbox(customer_id);
                    """)
        }
        migrator.registerMigration("v10-holder-links-and-program-end") { db in
            // The cardholder's one-time links to their personal details (issue 17): only the
            // SHA-256 of the mailed link and of the short session it opens are kept, so a copy
            // of the ledger opens nobody's details. The link itself exists only inside the
            // outbox's sealed message (mail_outbox.sealed_secret until the message is made).
            // `program_end`: the announced last day of a merchant's program (issue 15), one
            // announcement per merchant. `mail_outbox.language`: the language the customer
            // used when asking for the mail (the cardholder page's), where known.
            try db.execute(
                sql: """
                    CREATE TABLE holder_link (
                        id INTEGER PRIMARY KEY,
                        merchant_id INTEGER NOT NULL REFERENCES merchant(id),
                        customer_id INTEGER NOT NULL REFERENCES customer(id),
                        link_hash BLOB NOT NULL UNIQUE,
                        created_at TEXT NOT NULL,
                        expires_at TEXT NOT NULL,
                        used_at TEXT,
                        session_hash BLOB UNIQUE,
                        session_expires_at TEXT
                    );
                    CREATE INDEX holder_link_customer ON holder_link(customer_id, created_at);
                    CREATE TABLE program_end (
                        merchant_id INTEGER PRIMARY KEY REFERENCES merchant(id),
                        end_date TEXT NOT NULL,
                        announced_at TEXT NOT NULL,
                        announced_by TEXT NOT NULL
                    );
                    ALTER TABLE mail_outbox ADD COLUMN language TEXT;
                    ALTER TABLE mail_outbox ADD COLUMN sealed_secret BLOB;
                    """)
        }
        migrator.registerMigration("v11-statistics-segments") { db in
            // Statistics and segments (docs/statistics.md). `customer_profile` holds only the
            // coarse facts reports group by (gender word, decade of birth, postcode area), written
            // beside the sealed record; the personal data itself stays sealed. The `stat_*`
            // tables are kept up to date as sales are recorded (rolled up after their commit),
            // so a report reads a few hundred rows instead of millions of entries:
            // `stat_sales` per local day and dimension value; `stat_buyer` one row per buyer per
            // period (month `2026-03`, year `2026`, ISO week `2026-W09`) and dimension, whose
            // first insert bumps `buyers` in `stat_period`, so distinct customers are counted
            // exactly without a scan. `account_stats` is each account's recency, frequency and
            // amount; `segment_brand` the last day an account bought a brand (never a line of
            // medicine at a pharmacy, unless the program allows it).
            try db.execute(
                sql: """
                    CREATE TABLE customer_profile (
                        customer_id INTEGER PRIMARY KEY REFERENCES customer(id),
                        merchant_id INTEGER NOT NULL REFERENCES merchant(id),
                        gender TEXT NOT NULL,
                        birth_decade INTEGER,
                        area TEXT NOT NULL
                    );
                    CREATE INDEX customer_profile_merchant ON customer_profile(merchant_id, gender, birth_decade, area);
                    CREATE TABLE stat_sales (
                        merchant_id INTEGER NOT NULL,
                        day TEXT NOT NULL,
                        dim TEXT NOT NULL,
                        value TEXT NOT NULL,
                        txns INTEGER NOT NULL DEFAULT 0,
                        returns INTEGER NOT NULL DEFAULT 0,
                        amount_minor INTEGER NOT NULL DEFAULT 0,
                        points INTEGER NOT NULL DEFAULT 0,
                        PRIMARY KEY (merchant_id, dim, day, value)
                    ) WITHOUT ROWID;
                    CREATE TABLE stat_buyer (
                        merchant_id INTEGER NOT NULL,
                        period TEXT NOT NULL,
                        dim TEXT NOT NULL,
                        value TEXT NOT NULL,
                        account_id INTEGER NOT NULL,
                        PRIMARY KEY (merchant_id, period, dim, value, account_id)
                    ) WITHOUT ROWID;
                    CREATE TABLE stat_period (
                        merchant_id INTEGER NOT NULL,
                        period TEXT NOT NULL,
                        dim TEXT NOT NULL,
                        value TEXT NOT NULL,
                        buyers INTEGER NOT NULL DEFAULT 0,
                        PRIMARY KEY (merchant_id, period, dim, value)
                    ) WITHOUT ROWID;
                    CREATE TABLE account_stats (
                        account_id INTEGER PRIMARY KEY REFERENCES account(id),
                        merchant_id INTEGER NOT NULL,
                        first_day TEXT NOT NULL,
                        last_day TEXT NOT NULL,
                        txns INTEGER NOT NULL DEFAULT 0,
                        amount_minor INTEGER NOT NULL DEFAULT 0
                    );
                    CREATE INDEX account_stats_amount ON account_stats(merchant_id, amount_minor);
                    CREATE INDEX account_stats_last ON account_stats(merchant_id, last_day);
                    CREATE TABLE segment_brand (
                        merchant_id INTEGER NOT NULL,
                        brand TEXT NOT NULL,
                        account_id INTEGER NOT NULL,
                        last_day TEXT NOT NULL,
                        PRIMARY KEY (merchant_id, brand, account_id)
                    ) WITHOUT ROWID;
                    CREATE TABLE segment (
                        id INTEGER PRIMARY KEY,
                        merchant_id INTEGER NOT NULL REFERENCES merchant(id),
                        name TEXT NOT NULL,
                        filter TEXT NOT NULL,
                        created_by TEXT NOT NULL,
                        created_at TEXT NOT NULL,
                        UNIQUE (merchant_id, name)
                    );
                    CREATE TABLE mailing (
                        id INTEGER PRIMARY KEY,
                        merchant_id INTEGER NOT NULL REFERENCES merchant(id),
                        segment_id INTEGER NOT NULL REFERENCES segment(id),
                        subject TEXT NOT NULL,
                        body TEXT NOT NULL,
                        recipients INTEGER NOT NULL,
                        created_by TEXT NOT NULL,
                        created_at TEXT NOT NULL,
                        request_key TEXT,
                        UNIQUE (merchant_id, request_key)
                    );
                    ALTER TABLE mail_outbox ADD COLUMN mailing_id INTEGER REFERENCES mailing(id);
                    """)
        }
        migrator.registerMigration("v12-prize-draws") { db in
            // Prize draws (docs/campaigns-and-draws.md). The seed is sealed with the
            // personal-data key until the draw reveals it; its SHA-256 is the published
            // commitment. The triggers keep the promise in the schema: a committed seed never
            // changes, a drawn draw never changes, a committed draw is never deleted.
            try db.execute(
                sql: """
                    CREATE TABLE prize_draw (
                        id INTEGER PRIMARY KEY,
                        merchant_id INTEGER NOT NULL REFERENCES merchant(id),
                        code TEXT NOT NULL,
                        name TEXT NOT NULL,
                        period_from TEXT NOT NULL,
                        period_until TEXT NOT NULL,
                        from_at TEXT NOT NULL,
                        until_at TEXT NOT NULL,
                        per_minor INTEGER NOT NULL CHECK (per_minor > 0),
                        winners INTEGER NOT NULL CHECK (winners BETWEEN 1 AND 1000),
                        seed_sealed BLOB,
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
                    CREATE TRIGGER prize_draw_commitment_kept BEFORE UPDATE OF seed_sealed, seed_hash ON prize_draw
                        WHEN OLD.seed_hash IS NOT NULL
                        BEGIN SELECT RAISE(ABORT, 'a committed seed cannot change'); END;
                    CREATE TRIGGER prize_draw_drawn_once BEFORE UPDATE ON prize_draw
                        WHEN OLD.drawn_at IS NOT NULL
                        BEGIN SELECT RAISE(ABORT, 'a drawn prize draw cannot change'); END;
                    CREATE TRIGGER prize_draw_committed_kept BEFORE DELETE ON prize_draw
                        WHEN OLD.seed_hash IS NOT NULL
                        BEGIN SELECT RAISE(ABORT, 'a committed prize draw cannot be deleted'); END;
                    """)
        }
        migrator.registerMigration("v13-profiling-consent-index") { db in
            // The customers who consent to profiling, per merchant: `report.best-customers`
            // sorts them when they are few, instead of walking every account's amount.
            try db.execute(
                sql: """
                    CREATE INDEX customer_profiling ON customer(merchant_id)
                        WHERE consent_profiling = 1 AND erased_at IS NULL;
                    """)
        }
        return migrator
    }
}
