{{ config(materialized='incremental', unique_key='order_id') }}
-- One row per order as it stands now: placed when, on which day (UTC), worth what, in which
-- status after its latest event. Incremental: only orders with an event since the last build.
-- PAID and CANCELLED are final: a placed event arriving after one (another node relayed the
-- change while the outbox rows of the node that placed the order, killed, were still locked)
-- leaves the order paid or cancelled.
SELECT
  order_id,
  coalesce(arg_max(status, seq) FILTER (WHERE status <> 'PLACED'), arg_max(status, seq)) AS status,
  coalesce(min(occurred_at) FILTER (WHERE type = 'order.placed'), min(occurred_at)) AS placed_at,
  CAST(coalesce(min(occurred_at) FILTER (WHERE type = 'order.placed'), min(occurred_at)) AS DATE) AS day,
  any_value(currency) AS currency,
  any_value(total_cents) AS total_cents,
  max(occurred_at) AS updated_at,
  max(seq) AS last_seq
FROM raw_order_events
{% if is_incremental() %}
WHERE order_id IN (SELECT order_id FROM raw_order_events WHERE seq > {{ since_seq }})
{% endif %}
GROUP BY order_id
