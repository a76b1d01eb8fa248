CREATE TABLE orders (
  id          UUID PRIMARY KEY,
  status      TEXT NOT NULL,
  total_cents BIGINT NOT NULL,
  currency    CHAR(3) NOT NULL,
  request_id  TEXT,
  principal   TEXT,
  created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE order_lines (
  order_id         UUID NOT NULL REFERENCES orders (id),
  line_no          INT NOT NULL,
  product_id       BIGINT NOT NULL REFERENCES products (id),
  quantity         INT NOT NULL CHECK (quantity > 0),
  unit_price_cents BIGINT NOT NULL,
  PRIMARY KEY (order_id, line_no)
);

-- Transactional outbox: written in the same transaction as the order, relayed to Kafka after.
CREATE TABLE outbox (
  id         BIGSERIAL PRIMARY KEY,
  topic      TEXT NOT NULL,
  record_key TEXT NOT NULL,
  payload    JSONB NOT NULL,
  headers    JSONB NOT NULL DEFAULT '{}',
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  sent_at    TIMESTAMPTZ,
  attempts   INT NOT NULL DEFAULT 0,
  last_error TEXT
);
CREATE INDEX outbox_unsent ON outbox (id) WHERE sent_at IS NULL;
