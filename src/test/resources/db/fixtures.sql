-- Fixtures for the integration tests: small tables with known contents, one table of every type with edge values,
-- and one large table for streaming under backpressure.

CREATE TYPE mood AS ENUM ('happy', 'sad', 'in "between", really');
CREATE TYPE money_pair AS (amount numeric, currency text);
CREATE DOMAIN positive_amount AS numeric(10, 2) CHECK (VALUE > 0);

CREATE TABLE events (
    id bigint PRIMARY KEY,
    kind text NOT NULL,
    amount numeric(12, 2),
    created_at timestamptz NOT NULL,
    flag boolean,
    payload jsonb,
    note text
);
INSERT INTO events
SELECT g,
       (ARRAY['click', 'view', 'refund', 'signup'])[1 + g % 4],
       CASE WHEN g % 7 = 0 THEN NULL ELSE (g * 12.34 - 3000)::numeric(12, 2) END,
       timestamptz '2024-01-01 00:00:00+00' + g * interval '97 minutes',
       CASE WHEN g % 5 = 0 THEN NULL ELSE g % 2 = 0 END,
       jsonb_build_object('n', g, 'tags', jsonb_build_array('a', g % 3)),
       CASE WHEN g % 3 = 0 THEN NULL ELSE 'note "' || g || '" with, comma and ünïcödé' END
FROM generate_series(1, 1000) g;

CREATE VIEW refunds AS SELECT id, amount, created_at FROM events WHERE kind = 'refund';

CREATE TABLE pairs (
    tenant text,
    seq integer,
    label text,
    PRIMARY KEY (tenant, seq)
);
INSERT INTO pairs
SELECT t, s, t || '-' || s
FROM unnest(ARRAY['acme', 'a,b', 'zeta', 'Ω "quoted"']) t, generate_series(1, 25) s;

CREATE TABLE big_events (
    id bigint PRIMARY KEY,
    kind text NOT NULL,
    amount numeric(12, 2),
    created_at timestamptz NOT NULL,
    payload jsonb
);
INSERT INTO big_events
SELECT g, (ARRAY['click', 'view', 'refund', 'signup'])[1 + g % 4], (g % 100000) / 100.0,
       timestamptz '2024-01-01 00:00:00+00' + g * interval '1 second',
       jsonb_build_object('n', g, 'padding', repeat('x', 100))
FROM generate_series(1, 300000) g;

-- Orders and their items, for exports that must read both as of one moment.
CREATE TABLE snapshot_orders (
    id bigint PRIMARY KEY,
    customer text NOT NULL
);
CREATE TABLE snapshot_items (
    id bigint PRIMARY KEY,
    order_id bigint NOT NULL REFERENCES snapshot_orders,
    sku text NOT NULL
);
INSERT INTO snapshot_orders SELECT g, 'customer ' || g FROM generate_series(1, 2000) g;
INSERT INTO snapshot_items SELECT g, (g + 1) / 2, 'sku-' || g FROM generate_series(1, 4000) g;

CREATE TABLE type_samples (
    id integer PRIMARY KEY,
    c_smallint smallint,
    c_integer integer,
    c_bigint bigint,
    c_numeric numeric,
    c_real real,
    c_double double precision,
    c_boolean boolean,
    c_text text,
    c_varchar varchar(40),
    c_char char(6),
    c_uuid uuid,
    c_date date,
    c_time time,
    c_timetz timetz,
    c_timestamp timestamp,
    c_timestamptz timestamptz,
    c_interval interval,
    c_json json,
    c_jsonb jsonb,
    c_bytea bytea,
    c_inet inet,
    c_cidr cidr,
    c_macaddr macaddr,
    c_money money,
    c_bit bit(4),
    c_int4range int4range,
    c_point point,
    c_oid oid,
    c_int_array integer[],
    c_text_2d text[],
    c_timestamptz_array timestamptz[],
    c_enum mood,
    c_composite money_pair,
    c_domain positive_amount
);

INSERT INTO type_samples (id) VALUES (1);

INSERT INTO type_samples VALUES (
    2, -32768, -2147483648, -9223372036854775808,
    '-12345678901234567890.123456789012345678901234567890', '-Infinity', '-1e-300', false,
    E'quote " backslash \\ slash / tab \t newline \n return \r bell \x07 escape \x1b del \x7f é 😀 \u2028',
    '', 'ab', '00000000-0000-0000-0000-000000000000',
    '0044-03-15 BC', '00:00:00', '00:00:00+14:59', '0044-03-15 12:34:56.789 BC', '1850-06-01 12:00:00+00',
    '-1 years -2 mons +3 days -04:05:06.789',
    '{"b": 1, "a": [1, 2.50, {"x": null}], "a": 3, "e": 1.0e2}', '{"z": [1, "two", null, true, 1.0e2], "a": {}}',
    '\x00ff10', '::1/128', '10.0.0.0/8', '08:00:2b:01:02:03', '-92233720368547758.08', B'1010', '[1,5)',
    '(1.5,-2)', 4294967295,
    '{1,NULL,3}', '{{a,NULL},{"c,d","e\"f"}}', '{"2024-01-01 00:00:00+00",NULL}',
    'in "between", really', ROW(1.50, 'EUR'), 0.01
);

INSERT INTO type_samples VALUES (
    3, 32767, 2147483647, 9223372036854775807,
    'NaN', 'NaN', 'Infinity', true,
    '', 'x', 'abcdef', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
    'infinity', '24:00:00', '23:59:59.999999-15:59', 'infinity', '-infinity',
    '0', '[]', '[]', '', '192.168.0.1', '192.168.0.0/24', 'ff:ff:ff:ff:ff:ff', '92233720368547758.07', B'0000',
    'empty', '(0,0)', 0,
    '{}', '{}', '{}', 'happy', ROW(NULL, NULL), 99999999.99
);

INSERT INTO type_samples VALUES (
    4, 0, 0, 0,
    '3.14159265358979323846264338327950288419716939937510', '3.4028235e38', '1.7976931348623157e308', NULL,
    'plain', 'varchar with spaces  ', 'a', NULL,
    '2024-02-29', '12:34:56.123456', '12:34:56+05:30', '2024-02-29 23:59:59.123456', '2024-02-29 23:59:59.123456+05:30',
    '1 year 2 mons 3 days 04:05:06.000789', '"just a string"', '"just a string"', '\x', '2001:db8::ff00:42:8329',
    '2001:db8::/32', '00:00:00:00:00:00', '0', B'1111', '(,)', '(1e+300,-0)', 42,
    '{{1,2},{3,4}}', '{"with space","  ","NULL","null"}', '{infinity}', 'sad', ROW(-0.0, ''), 1
);

INSERT INTO type_samples VALUES (
    5, 1, 1, 1,
    '0.000000000000000000000000000001', '1e-45', '5e-324', true,
    E'line1\r\nline2', 'Ωmega', '  ', 'ffffffff-ffff-ffff-ffff-ffffffffffff',
    '1999-12-31', '23:59:59.999999', '00:00:00-00:00', '1999-12-31 23:59:59.999999', '1999-12-31 23:59:59.999999-08',
    '-178000000 years', '{"deep": {"er": {"est": [[[[1]]]]}}}', '{"num": -0.0, "big": 123456789012345678901234567890}',
    '\x5c22', '0.0.0.0/0', '0.0.0.0/0', '01:02:03:04:05:06', '-0.01', B'0001', '[-2147483648,2147483647)',
    '(-0,0)', 1,
    '{-2147483648,2147483647}', '{"\\",""}', NULL, NULL, NULL, 12345678.90
);

INSERT INTO type_samples VALUES (
    6, -1, -1, -1,
    '1e20', '-0', '-0', false,
    E'\\.', E'a\"b', 'q"', NULL,
    '0001-01-01', '00:00:00.000001', '13:00:00+00:30:15', '0001-01-01 00:00:00', '1900-01-01 00:00:00+00',
    '1 day -00:00:01', 'null', 'null', '\xdeadbeef', '1.2.3.4/32', '1.2.3.4/32', 'aa:bb:cc:dd:ee:ff', '1000000', B'0100',
    '[3,3]', '(3,4)', 7,
    '{NULL}', '{NULL,NULL}', '{-infinity}', 'happy', ROW(1e-10, 'a,b'), 5
);

-- Millions of narrow rows, filled by the test that reads them (ExportOrderIntegrationTests), so that only that
-- test pays for them: an export job's file compared line by line with the rows endpoint's stream.
CREATE TABLE ordered_rows (
    id bigint PRIMARY KEY,
    grp integer NOT NULL,
    label text NOT NULL
);

-- Few rows, many bytes: multipart uploads of several parts without a slow stream.
CREATE TABLE wide_rows (
    id integer PRIMARY KEY,
    body text NOT NULL
);
INSERT INTO wide_rows
SELECT g, repeat(md5(g::text), 64)
FROM generate_series(1, 12000) g;

-- Rows that take time to produce (10 ms each, as the portal is read): jobs that are
-- still running when a test cancels or stops them. A volatile function keeps a view from
-- being flattened; ordering inside the view lets PostgreSQL call it row by row after the
-- sort, and the outer ORDER BY id then needs no sort of its own.
CREATE FUNCTION slowly(value bigint) RETURNS bigint
    LANGUAGE sql VOLATILE
    AS 'SELECT pg_sleep(0.01); SELECT value';
CREATE VIEW slow_events AS
SELECT id, kind, slowly(id) AS tick FROM events ORDER BY id;

-- Wide rows at a pace (1 ms each), and the same rows failing once past row 6000 (about
-- 12 MB in): multipart uploads that are cancelled or fail after some parts are up.
CREATE FUNCTION paced(value integer) RETURNS integer
    LANGUAGE sql VOLATILE
    AS 'SELECT pg_sleep(0.001); SELECT value';
CREATE VIEW wide_paced AS
SELECT id, body, paced(id) AS tick FROM wide_rows ORDER BY id;
CREATE FUNCTION fuse(value integer) RETURNS integer
    LANGUAGE plpgsql VOLATILE
    AS $$
BEGIN
    IF value > 6000 THEN
        RAISE EXCEPTION 'fuse blown at row %', value;
    END IF;
    RETURN value;
END
$$;
CREATE VIEW wide_doomed AS
SELECT id, body, fuse(id) AS tick FROM wide_rows ORDER BY id;

-- Import targets, empty: the import tests fill them (and empty them again). import_types is an empty copy of
-- type_samples for the round trip; import_loose has a key without a unique index; import_parted is partitioned; import_checked has a CHECK
-- constraint, a generated column and a column with a default that its dataset leaves out.
CREATE TABLE import_types (LIKE type_samples INCLUDING ALL);
CREATE TABLE import_events (LIKE events INCLUDING ALL);
CREATE TABLE import_pairs (LIKE pairs INCLUDING ALL);
CREATE TABLE import_loose (id integer, label text);
CREATE TABLE import_parted (id integer PRIMARY KEY, label text) PARTITION BY RANGE (id);
CREATE TABLE import_parted_low PARTITION OF import_parted FOR VALUES FROM (MINVALUE) TO (100);
CREATE TABLE import_parted_high PARTITION OF import_parted FOR VALUES FROM (100) TO (MAXVALUE);
CREATE TABLE import_checked (
    id integer PRIMARY KEY,
    quantity integer NOT NULL CHECK (quantity > 0),
    doubled integer GENERATED ALWAYS AS (quantity * 2) STORED,
    created_at timestamptz NOT NULL DEFAULT now(),
    note text
);

-- Import job targets, empty: copies of events and pairs, and one whose every insert takes 20 ms (an import
-- job that is still running when it is cancelled) and counts itself in a sequence, which a rollback does not undo.
CREATE TABLE job_events (LIKE events INCLUDING ALL);
CREATE TABLE job_pairs (LIKE pairs INCLUDING ALL);
CREATE TABLE job_slow (LIKE events INCLUDING ALL);
CREATE SEQUENCE job_slow_inserts OWNED BY job_slow.id;
CREATE FUNCTION slow_insert() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    PERFORM pg_sleep(0.02);
    PERFORM nextval('job_slow_inserts');
    RETURN NEW;
END
$$;
CREATE TRIGGER job_slow_insert BEFORE INSERT ON job_slow FOR EACH ROW EXECUTE FUNCTION slow_insert();

-- Import job order: customers, their orders and the orders' items, each referencing the one before (an item may
-- also be part of a bundle, an item with a lower id); and teams and people, whose keys reference each other in a
-- cycle that one key declared DEFERRABLE INITIALLY DEFERRED breaks. The job_ copies are empty, with the same
-- foreign keys; the sources of the cycle have none.
CREATE TABLE customers (id bigint PRIMARY KEY, name text NOT NULL);
CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL REFERENCES customers, placed date NOT NULL);
CREATE TABLE order_items (
    id bigint PRIMARY KEY,
    order_id bigint NOT NULL REFERENCES orders,
    bundle_id bigint REFERENCES order_items,
    sku text NOT NULL
);
INSERT INTO customers SELECT g, 'customer ' || g FROM generate_series(1, 20) g;
INSERT INTO orders SELECT g, 1 + g % 20, date '2026-01-01' + g FROM generate_series(1, 100) g;
INSERT INTO order_items
SELECT g, 1 + g % 100, CASE WHEN g > 300 THEN g - 300 END, 'sku-' || g % 37 FROM generate_series(1, 500) g;
CREATE TABLE job_customers (LIKE customers INCLUDING ALL);
CREATE TABLE job_orders (LIKE orders INCLUDING ALL, FOREIGN KEY (customer_id) REFERENCES job_customers);
CREATE TABLE job_order_items (
    LIKE order_items INCLUDING ALL,
    FOREIGN KEY (order_id) REFERENCES job_orders,
    FOREIGN KEY (bundle_id) REFERENCES job_order_items
);
CREATE TABLE teams (id bigint PRIMARY KEY, lead_id bigint NOT NULL, name text NOT NULL);
CREATE TABLE people (id bigint PRIMARY KEY, team_id bigint NOT NULL, name text NOT NULL);
INSERT INTO teams SELECT g, g * 10, 'team ' || g FROM generate_series(1, 5) g;
INSERT INTO people SELECT g, 1 + (g - 1) / 10, 'person ' || g FROM generate_series(1, 50) g;
CREATE TABLE job_teams (LIKE teams INCLUDING ALL);
CREATE TABLE job_people (LIKE people INCLUDING ALL, FOREIGN KEY (team_id) REFERENCES job_teams);
ALTER TABLE job_teams ADD FOREIGN KEY (lead_id) REFERENCES job_people DEFERRABLE INITIALLY DEFERRED;

-- Tenant isolation (the secure profile): rows of two tenants whose ids interleave, keyed by id alone, so that an
-- upsert of one tenant could meet a key another tenant holds; and an empty copy for imports.
CREATE TABLE tenant_items (
    id bigint PRIMARY KEY,
    tenant text NOT NULL,
    label text
);
INSERT INTO tenant_items
SELECT g, CASE WHEN g % 2 = 0 THEN 'acme' ELSE 'zeta' END, 'item ' || g
FROM generate_series(1, 40) g;
CREATE TABLE tenant_imports (LIKE tenant_items INCLUDING ALL);
-- The target of the security tests' import jobs, empty.
CREATE TABLE secure_job_events (LIKE events INCLUDING ALL);
