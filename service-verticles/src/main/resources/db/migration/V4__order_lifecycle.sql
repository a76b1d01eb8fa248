-- Each outbox event gets an id unique beyond this database (a restored or second database
-- restarts the serial id): consumers drop redeliveries by it.
ALTER TABLE outbox ADD COLUMN event_id UUID NOT NULL DEFAULT gen_random_uuid();

-- Orders move from PLACED to PAID or CANCELLED; each change is an outbox event too.
ALTER TABLE orders ADD COLUMN updated_at TIMESTAMPTZ;

-- The first answer to each Idempotency-Key, per principal, kept until expires_at: a retry with the
-- same key and the same items gets it again, other items under the same key are refused.
CREATE TABLE idempotency_keys (
  principal       TEXT NOT NULL,
  key             TEXT NOT NULL,
  request_hash    TEXT NOT NULL,
  order_id        UUID NOT NULL REFERENCES orders (id),
  response_status INT NOT NULL,
  response_body   TEXT NOT NULL,
  created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
  expires_at      TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (principal, key)
);
CREATE INDEX idempotency_keys_expiry ON idempotency_keys (expires_at);
